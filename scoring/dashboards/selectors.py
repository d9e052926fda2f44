"""A dashboard's data in a fixed number of queries: the month's figures, the league, the flags
and the trend."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from scoring.dashboards.flags import Flag
from scoring.dashboards.league import LeagueRow, month_flags, rater_flags, sort_league
from scoring.dashboards.scope import TIERS, trend_window
from scoring.dashboards.stats import Stats, _add_pool_stats, _add_task_stats, _result_stats
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
    flags: list[Flag]
    trend: dict | None = None
    previous_month: str | None = None  # the decided month the league's changes are against

    @property
    def flagged_units(self) -> int:
        return len({flag.unit_id for flag in self.flags})

    @property
    def flagged_rows(self) -> list[LeagueRow]:
        """The league's rows with flags, in tree order: the flags section's groups (at most
        FLAGGED_ROWS_SHOWN, most flags first; a city has a hundred wards)."""
        flagged = sorted((r for r in self.league if r.flags), key=lambda r: -len(r.flags))
        return sorted(flagged[:FLAGGED_ROWS_SHOWN], key=lambda r: r.unit.path)

    @property
    def flagged_rows_hidden(self) -> list[LeagueRow]:
        shown = {r.unit.pk for r in self.flagged_rows}
        return [r for r in self.league if r.flags and r.unit.pk not in shown]


def dashboard_data(
    unit: Unit,
    month: str,
    months: Sequence[str],
    units: Sequence[Unit] | None = None,
    *,
    sort: str | None = None,
    viewer_code: str | None = None,
    with_trend: bool = True,
) -> Dashboard:
    """The scope's month: summary, league table with flags and 12-month trends.

    Five queries: results by month and unit, tasks by month and unit, pools of the month, the
    rater flags stored at decision; and the subtree's units when `units` is not given.
    """
    window = trend_window(months, month) if with_trend else [month]
    stats = _result_stats(unit, window)
    _add_task_stats(unit, window, stats)
    _add_pool_stats(unit, month, stats)
    if units is None:
        units = Unit.objects.subtree_of(unit.path).only("code", "name", "path", "depth")
    by_id = {u.pk: u for u in units}

    current = {uid: s for (m, uid), s in stats.items() if m == month}
    flags = month_flags(current, rater_flags(unit, month), viewer_code=viewer_code)
    flags.sort(key=lambda f: (by_id[f.unit_id].path, f.kind, f.reason))

    # A row per direct subunit (its whole subtree added up) and one for the unit's own
    # members: a city's dashboard compares its wards, each ward's its departments.
    series_of = _series_of(unit, by_id)
    rows: dict[int, LeagueRow] = {}
    summary = Stats()
    for unit_id, unit_stats in current.items():
        summary.add(unit_stats)
        target = series_of[unit_id]
        if target.pk not in rows:
            rows[target.pk] = LeagueRow(target, 0 if target.pk == unit.pk else 1, Stats(), [])
        rows[target.pk].stats.add(unit_stats)
    # Each row's change from the previous decided month of the window (no further query).
    previous_month = window[-2] if len(window) > 1 and window[-1] == month else None
    for (m, unit_id), unit_stats in stats.items():
        row = rows.get(series_of[unit_id].pk) if m == previous_month else None
        if row is not None:
            row.previous = row.previous or Stats()
            row.previous.add(unit_stats)
    for flag in flags:
        row = rows[series_of[flag.unit_id].pk]
        row.flags.append(flag)
        row.flagged_names[flag.unit_id] = by_id[flag.unit_id].name
    league, sort = sort_league(list(rows.values()), sort)
    dashboard = Dashboard(unit, month, window, summary, league, sort, flags)
    dashboard.previous_month = previous_month
    if with_trend:
        dashboard.trend = _trend(unit, window, stats, by_id)
    return dashboard


def _series_of(unit: Unit, units: dict[int, Unit]) -> dict[int, Unit]:
    """Each unit of the scope mapped to the trend series it adds to: the scope unit itself (its
    own members) or the direct subunit whose subtree holds it."""
    by_path = {u.path: u for u in units.values()}
    series = {}
    for unit_id, member_unit in units.items():
        if not member_unit.path.startswith(unit.path):
            continue
        rest = member_unit.path[len(unit.path) :]
        series[unit_id] = by_path[unit.path + rest.split("/", 1)[0] + "/"] if rest else unit
    return series


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


def _trend(unit: Unit, window: list[str], stats: dict, units: dict[int, Unit]) -> dict:
    """The trend charts' data: one series per direct subunit (its whole subtree) and one for
    the scope unit's own members, plus the whole scope."""
    series_of = _series_of(unit, units)
    per_series: dict[int, dict[str, Stats]] = {}
    whole = {m: Stats() for m in window}
    for (month, unit_id), unit_stats in stats.items():
        target = series_of[unit_id]
        per_series.setdefault(target.pk, {m: Stats() for m in window})[month].add(unit_stats)
        whole[month].add(unit_stats)

    # A chart of a city's 150 wards reads as nothing: the unit's own members and its
    # TREND_SERIES largest subunits (by members rated over the window) get a line each.
    def rated(pk: int) -> int:
        return sum(s.rated for s in per_series[pk].values())

    largest = sorted((pk for pk in per_series if pk != unit.pk), key=rated, reverse=True)
    kept = {unit.pk, *largest[:TREND_SERIES]}
    ordered = sorted((pk for pk in per_series if pk in kept), key=lambda pk: units[pk].path)
    return {
        "months": window,
        "left_out": max(0, len(largest) - TREND_SERIES),
        "series": [
            _series_json(
                _("%(unit)s (own members)") % {"unit": units[pk].name}
                if pk == unit.pk
                else units[pk].name,
                units[pk].code,
                [per_series[pk][m] for m in window],
            )
            for pk in ordered
        ],
        "whole": _series_json(unit.name, unit.code, [whole[m] for m in window]),
        "labels": {
            "month": _("Month"),
            "average": _("Average total (points)"),
            "on_time": _("Tasks on time (%)"),
            "share": _("Share of rated members (%)"),
            "tiers": {t: _("Tier %(tier)s") % {"tier": t} for t in TIERS},
        },
    }
