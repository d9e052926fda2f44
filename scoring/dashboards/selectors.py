"""A dashboard's data in a fixed number of queries from the summary rows stored at decision: the
month's figures, the league, the flags and the trend."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from scoring.dashboards.flags import Flag, FlagKind
from scoring.dashboards.league import LeagueRow, month_flags, reciprocals_of, sort_league
from scoring.dashboards.scope import TIERS, series_of_path, trend_window
from scoring.dashboards.stats import Stats
from scoring.dashboards.summaries import FLAG_FIELDS, SUMMED, month_sums
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


def _series_sums(unit: Unit, window: Sequence[str]) -> dict[tuple[str, str], dict]:
    """One query: the summary rows of the scope's decided periods in the window, added up per
    month and series (the unit's own members, each direct subunit with its subtree): at most
    (subunits + 1) x months rows, whatever the number of cadres."""
    flagged = Q()
    for name in FLAG_FIELDS.values():
        flagged |= Q(**{f"{name}__gt": 0})
    rows = month_sums(
        unit,
        window,
        # Named apart from the columns, which the flagged units' filter reads. The month's
        # tasks count for the units with members, whose month it decided.
        **{
            f"sum_{name}": Sum(name, filter=Q(results__gt=0), default=0)
            if name in ("tasks_due", "tasks_on_time")
            else Sum(name, default=0)
            for name in SUMMED
        },
        flagged_units=Count("pk", filter=flagged),
    )
    # Tuples, not dicts, and the names zipped on: a city's 769 wards over seven months are
    # 5,000 rows of 28 sums, and renaming every cell cost more than reading it.
    names = [*SUMMED, "flagged_units"]
    return {
        (month, series): dict(zip(names, sums, strict=True))
        for month, series, *sums in rows.values_list(
            "month", "series", *(f"sum_{name}" for name in SUMMED), "flagged_units"
        )
    }


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
) -> Dashboard:
    """The scope's month: summary, league table with flags and 12-month trends, from the
    summary rows written at decision (`scoring.dashboards.summaries`).

    Four queries, five for a viewer with a cadre: the summaries by month and series, the
    unit's direct subunits when `units` is not given, the viewer's reciprocal pairs, and the
    warning signs of the rows listed (those of every row with `all_flags`, for an export).
    """
    window = trend_window(months, month) if with_trend else [month]
    sums = _series_sums(unit, window)
    if units is None:
        units = list(
            Unit.objects.filter(Q(pk=unit.pk) | Q(parent_id=unit.pk)).only(
                "code", "name", "path", "depth"
            )
        )
    by_path = {u.path: u for u in units}
    stats = {(m, by_path[path].pk): Stats.of_summaries(row) for (m, path), row in sums.items()}
    by_id = {u.pk: u for u in by_path.values()}

    # A row per direct subunit (its whole subtree added up) and one for the unit's own
    # members: a city's dashboard compares its wards, each ward's its departments.
    rows: dict[int, LeagueRow] = {}
    summary = Stats()
    flagged_units = 0
    for (m, path), sums_row in sums.items():
        if m != month:
            continue
        target = by_path[path]
        stats_now = stats[m, target.pk]
        summary.add(stats_now)
        level = 0 if target.pk == unit.pk else 1
        counts = {kind: sums_row[name] for kind, name in FLAG_FIELDS.items() if sums_row[name]}
        rows[target.pk] = LeagueRow(target, level, stats_now, counts)
        flagged_units += sums_row["flagged_units"]
    for path, unit_flags in reciprocals_of(unit, month, viewer_code):
        rows[by_path[series_of_path(unit, path)].pk].counts[FlagKind.RECIPROCAL] -= 1
        flagged_units -= unit_flags == 1  # a pair holding the viewer was its only sign
    # Each row's change from the previous decided month of the window (no further query).
    previous_month = window[-2] if len(window) > 1 and window[-1] == month else None
    for (m, pk), unit_stats in stats.items():
        if m == previous_month and pk in rows:
            rows[pk].previous = unit_stats
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
        dashboard.trend = _trend(unit, window, stats, by_id)
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


def _trend(unit: Unit, window: list[str], stats: dict, units: dict[int, Unit]) -> dict:
    """The trend charts' data: one series per direct subunit (its whole subtree) and one for
    the scope unit's own members, plus the whole scope (`stats` by month and series)."""
    per_series: dict[int, dict[str, Stats]] = {}
    whole = {m: Stats() for m in window}
    for (month, pk), series_stats in stats.items():
        per_series.setdefault(pk, {m: Stats() for m in window})[month].add(series_stats)
        whole[month].add(series_stats)

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
