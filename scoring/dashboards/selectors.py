"""A dashboard's data in a fixed number of queries from the summary rows stored at decision: the
month's figures, the league, the flags and the trend."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from scoring.dashboards.flags import Flag, FlagKind
from scoring.dashboards.league import LeagueRow, month_flags, reciprocals_of, sort_league
from scoring.dashboards.scope import TIERS, series_of_path, trend_window
from scoring.dashboards.stats import Stats
from scoring.dashboards.summaries import FLAG_FIELDS, ScopeSums
from units.models import Unit

TREND_SERIES = 12  # subunits drawn in the trend charts, the largest first


FLAGGED_ROWS_SHOWN = 10  # rows whose flags are listed; the others show their counts only


@dataclass
class Dashboard:
    unit: Unit
    month: str
    months: list[str]
    summary: Stats
    league: list[LeagueRow]
    sort: str
    flags: list[Flag]  # those of the rows listed (`flagged_rows`; every row's for an export)
    flagged_units: int = 0  # units of the scope with a warning sign this month
    trend: dict | None = None
    previous_month: str | None = None  # the decided month the league's changes are against

    @property
    def flagged_rows(self) -> list[LeagueRow]:
        """The league's rows with flags, in tree order: the flags section's groups (at most
        FLAGGED_ROWS_SHOWN, most flags first; a city has a hundred wards)."""
        return _most_flagged(self.league)

    @property
    def flagged_rows_hidden(self) -> list[LeagueRow]:
        shown = {r.unit.pk for r in self.flagged_rows}
        return [r for r in self.league if r.flag_total and r.unit.pk not in shown]


def _most_flagged(league: list[LeagueRow]) -> list[LeagueRow]:
    flagged = sorted((r for r in league if r.flag_total), key=lambda r: -r.flag_total)
    return sorted(flagged[:FLAGGED_ROWS_SHOWN], key=lambda r: r.unit.path)


def dashboard_data(
    unit: Unit,
    month: str,
    months: Sequence[str],
    units: Sequence[Unit] | None = None,
    *,
    sort: str | None = None,
    viewer_code: str | None = None,
    with_trend: bool = True,
    all_flags: bool = False,
    sums: ScopeSums | None = None,
) -> Dashboard:
    """The scope's month: summary, league table with flags and 12-month trends, from the
    subtree rows written at decision (`scoring.dashboards.summaries`): `sums`, when the page has
    read them for work on time and the output too (they cover the trend's window).

    Four queries, five for a viewer with a cadre: the subtree rows by month and series and the
    unit's direct subunits (unless `sums` has read them already; the subunits unless `units`
    are given), the viewer's reciprocal pairs, and the warning signs of the rows listed (those
    of every row with `all_flags`, for an export).
    """
    window = trend_window(months, month) if with_trend else [month]
    if sums is None:
        sums = ScopeSums(unit, window)
    if units is None:
        units = [row_unit for _label, row_unit in sums.series_units]
    by_path = {u.path: u for u in units}
    by_id = {u.pk: u for u in units}
    series = {(m, pk): sums_row for m, pk, sums_row in sums.series(window)}

    # A row per direct subunit (its whole subtree added up) and one for the unit's own
    # members: a city's dashboard compares its wards, each ward's its departments. Figures are
    # made of the rows drawn or compared only (a city's 769 wards over seven months are 5,000).
    rows: dict[int, LeagueRow] = {}
    for (m, pk), sums_row in series.items():
        if m != month:
            continue
        level = 0 if pk == unit.pk else 1
        counts = {kind: sums_row[name] for kind, name in FLAG_FIELDS.items() if sums_row[name]}
        rows[pk] = LeagueRow(by_id[pk], level, Stats.of_summaries(sums_row), counts)
    whole = sums.whole(month)
    summary = Stats.of_summaries(whole) if whole else Stats()
    flagged_units = whole["flagged_units"] if whole else 0
    for path, unit_flags in reciprocals_of(unit, month, viewer_code):
        rows[by_path[series_of_path(unit, path)].pk].counts[FlagKind.RECIPROCAL] -= 1
        flagged_units -= unit_flags == 1  # a pair holding the viewer was its only sign
    # Each row's change from the previous decided month of the window (no further query).
    previous_month = window[-2] if len(window) > 1 and window[-1] == month else None
    for pk, row in rows.items():
        before = series.get((previous_month, pk))
        if before is not None:
            row.previous = Stats.of_summaries(before)
    league, sort = sort_league(list(rows.values()), sort)
    listed = [r for r in league if r.flag_total] if all_flags else _most_flagged(league)
    flags, flagged = month_flags(month, [r.unit.path for r in listed], viewer_code=viewer_code)
    flags.sort(key=lambda f: (flagged[f.unit_id].path, f.kind, f.reason))
    listed_by_path = {r.unit.path: r for r in listed}
    for flag in flags:
        listed_row = listed_by_path[series_of_path(unit, flagged[flag.unit_id].path)]
        listed_row.flags.append(flag)
        listed_row.flagged_names[flag.unit_id] = flagged[flag.unit_id].name
    dashboard = Dashboard(unit, month, window, summary, league, sort, flags, flagged_units)
    dashboard.previous_month = previous_month
    if with_trend:
        dashboard.trend = _trend(unit, window, series, sums, by_id)
    return dashboard


def _point(value: Decimal | None) -> float | None:
    # Chart.js wants numbers; the page's tables show the Decimal values.
    return None if value is None else float(value)


def _series_json(label: str, code: str, per_month: list[Stats]) -> dict:
    return {
        "label": label,
        "code": code,
        "average": [_point(s.average) for s in per_month],
        "on_time": [_point(s.on_time_rate) for s in per_month],
        "tiers": {t: [_point(s.share(t)) for s in per_month] for t in TIERS},
        "rated": [s.rated for s in per_month],
    }


def _trend(
    unit: Unit, window: list[str], series: dict, sums: ScopeSums, units: dict[int, Unit]
) -> dict:
    """The trend charts' data: one series per direct subunit (its whole subtree) and one for
    the scope unit's own members (`series`: their sums by month and unit id), plus the whole
    scope."""
    # A chart of a city's 150 wards reads as nothing: the unit's own members and its
    # TREND_SERIES largest subunits (by members rated over the window) get a line each.
    rated: dict[int, int] = {}
    for (_month, pk), sums_row in series.items():
        rated[pk] = rated.get(pk, 0) + sums_row["rated"]
    # Equal sizes in tree order, whatever order the rows came in.
    largest = sorted(
        (pk for pk in rated if pk != unit.pk), key=lambda pk: (-rated[pk], units[pk].path)
    )
    kept = {unit.pk, *largest[:TREND_SERIES]}
    ordered = sorted((pk for pk in rated if pk in kept), key=lambda pk: units[pk].path)

    def per_month(rows: list[dict | None]) -> list[Stats]:
        return [Stats() if r is None else Stats.of_summaries(r) for r in rows]

    return {
        "months": window,
        "left_out": max(0, len(largest) - TREND_SERIES),
        "series": [
            _series_json(
                _("%(unit)s (own members)") % {"unit": units[pk].name}
                if pk == unit.pk
                else units[pk].name,
                units[pk].code,
                per_month([series.get((m, pk)) for m in window]),
            )
            for pk in ordered
        ],
        "whole": _series_json(unit.name, unit.code, per_month([sums.whole(m) for m in window])),
        "labels": {
            "month": _("Month"),
            "average": _("Average total (points)"),
            "on_time": _("Tasks on time (%)"),
            "share": _("Share of rated members (%)"),
            "tiers": {t: _("Tier %(tier)s") % {"tier": t} for t in TIERS},
        },
    }
