"""Reads of oversight: the radar, the inspections of a unit's year, the cases in a scope.

Each in a fixed number of queries whatever the number of rows (tests/scoring/oversight).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from scoring import engine
from scoring.dashboards.stats import Stats, _add_task_stats, _result_stats
from scoring.models import Period, Result, month_bounds
from scoring.month.selectors.periods import year_results
from scoring.month.selectors.rating import DECIDED_PHASES
from scoring.oversight.authority import CASE_ROLES, _downward, role_paths
from scoring.oversight.models import Finding, Inspection, ReviewCase
from scoring.oversight.settings import RadarSettings, radar_settings
from units.models import Membership, Role, RoleKind, Unit
from units.scope import Scope, latest_unit

LOWEST_TIER = "D"  # "not completed" (không hoàn thành nhiệm vụ)
WINDOW = 12


@dataclass
class RadarRow:
    """One person on the radar, with why and the months (or years) that put them there."""

    cadre_id: int
    code: str
    name: str
    unit_code: str
    low_months: tuple[str, ...] = ()
    low_years: tuple[int, ...] = ()
    falling: tuple[str, ...] = ()
    below_target: tuple[str, ...] = ()
    led_unit: str = ""
    may_open: bool = False
    open_cases: list[ReviewCase] = field(default_factory=list)


@dataclass(frozen=True)
class Radar:
    unit: Unit
    month: str | None  # the latest decided month the window ends with
    window: tuple[str, ...]
    settings: RadarSettings
    cadres: list[RadarRow]
    leaders: list[RadarRow]


def _latest_period(unit: Unit, month: str | None) -> Period | None:
    """The latest decided period over the unit (up to `month`), with its regulation."""
    periods = Period.objects.filter(phase__in=DECIDED_PHASES).filter(
        Q(scope__path__in=unit.ancestor_paths()) | Q(scope__path__startswith=unit.path)
    )
    if month:
        periods = periods.filter(month__lte=month)
    return periods.select_related("regulation").order_by("-month", "-pk").first()


def radar(scope: Scope, unit: Unit, month: str | None = None) -> Radar:
    """The radar over `unit`'s subtree for the 12 months ending with the latest decided month
    (up to `month`): cadres low in N consecutive months or M of 12, cadres "not completed" in
    two years in a row, heads whose unit's average fell three months in a row or whose unit's
    on-time rate stayed under the target N months in a row. A fixed number of queries."""
    period = _latest_period(unit, month)
    settings = radar_settings(period.regulation if period else None)
    if period is None:
        return Radar(unit, None, (), settings, [], [])
    window = engine.last_months(period.month, WINDOW)
    rows: dict[int, RadarRow] = {}
    low: dict[int, dict[str, bool]] = defaultdict(dict)
    results = (
        Result.objects.filter(
            period__phase__in=DECIDED_PHASES,
            period__month__in=window,
            unit__path__startswith=unit.path,
        )
        .order_by("period__month", "pk")
        .values_list(
            "cadre_id", "cadre__code", "cadre__full_name", "unit__code", "period__month", "tier"
        )
    )
    for cadre_id, code, name, unit_code, result_month, tier in results:
        rows[cadre_id] = RadarRow(cadre_id, code, name, unit_code)
        low[cadre_id][result_month] = tier == LOWEST_TIER
    cadres: dict[int, RadarRow] = {}
    for cadre_id, flags in low.items():
        months = engine.low_months(
            window, flags, consecutive=settings.consecutive, of_window=settings.of_12
        )
        if months:
            cadres[cadre_id] = rows[cadre_id]
            cadres[cadre_id].low_months = months
    year = int(period.month[:4])
    year_tiers: dict[str, dict[int, str | None]] = defaultdict(dict)
    # The years before the month's; with December decided, its own year is complete too.
    last = year if period.month.endswith("-12") else year - 1
    for past in (last - 2, last - 1, last):
        table = year_results(year=past, scope=unit)
        for r in table.rows:
            year_tiers[r.code][past] = r.tier
    by_code = {r.code: r for r in rows.values()}
    for code, tiers in year_tiers.items():
        years = engine.not_completed_years(tiers, lowest=LOWEST_TIER)
        if years and code in by_code:
            row = by_code[code]
            row.low_years = years
            cadres[row.cadre_id] = row
    leaders = _leaders(unit, window, period.month, settings)
    _mark_openable(scope, [*cadres.values(), *leaders])
    order = lambda r: (r.unit_code, r.code)  # noqa: E731
    return Radar(
        unit,
        period.month,
        window,
        settings,
        sorted(cadres.values(), key=order),
        sorted(leaders, key=order),
    )


def _leaders(
    unit: Unit, window: Sequence[str], month: str, settings: RadarSettings
) -> list[RadarRow]:
    """Heads (on the month's last day) of the units of the subtree whose unit's average fell
    three months in a row or whose on-time rate stayed under the target (three queries)."""
    stats = _result_stats(unit, window)
    _add_task_stats(unit, window, stats)
    units = {u.pk: u for u in Unit.objects.filter(path__startswith=unit.path).only("code", "path")}
    _first, last = month_bounds(month)
    heads = (
        Role.objects.valid_on(last)
        .filter(role=RoleKind.HEAD, unit__path__startswith=unit.path)
        .select_related("cadre", "unit")
        .order_by("unit__path", "cadre__code")
    )
    found = []
    for role in heads:
        per_month: dict[str, Stats] = {}
        for (stat_month, unit_id), stat in stats.items():
            below = units.get(unit_id)
            if below is not None and below.path.startswith(role.unit.path):
                per_month.setdefault(stat_month, Stats()).add(stat)
        averages = {m: s.average for m, s in per_month.items()}
        # Only decided months count (a month still running is no verdict on anyone).
        rates = {m: s.on_time_rate for m, s in per_month.items() if s.results}
        falling = engine.falling_months(window, averages, months=3)
        below_target = engine.below_target_months(
            window, rates, target=settings.on_time_target, months=settings.consecutive
        )
        if falling or below_target:
            found.append(
                RadarRow(
                    role.cadre_id,
                    role.cadre.code,
                    role.cadre.full_name,
                    role.unit.code,
                    falling=falling,
                    below_target=below_target,
                    led_unit=role.unit.code,
                )
            )
    return found


def _mark_openable(scope: Scope, rows: list[RadarRow]) -> None:
    """Whether the viewer may open a case on each row's cadre, and their open cases (three
    queries): the rule of `authority.reaches`, over rows loaded together."""
    if not rows:
        return
    today = timezone.localdate()
    ids = {r.cadre_id for r in rows}
    memberships = defaultdict(list)
    for m in Membership.objects.valid_on(today).filter(cadre_id__in=ids).select_related("unit"):
        memberships[m.cadre_id].append(m)
    subject_paths = defaultdict(list)
    for cadre_id, path in (
        Role.objects.valid_on(today).filter(cadre_id__in=ids).values_list("cadre_id", "unit__path")
    ):
        subject_paths[cadre_id].append(path)
    cases = defaultdict(list)
    for case in ReviewCase.objects.filter(cadre_id__in=ids, decision_date__isnull=True):
        cases[case.cadre_id].append(case)
    paths = role_paths(scope, CASE_ROLES)
    for row in rows:
        unit = latest_unit(memberships[row.cadre_id], today)
        row.may_open = (
            unit is not None
            and not scope.is_self(row.cadre_id)
            and _downward(paths, subject_paths[row.cadre_id], unit)
        )
        row.open_cases = cases[row.cadre_id]


# --- inspections ---------------------------------------------------------------------------


def unit_inspections(unit: Unit, year: int) -> QuerySet[Inspection]:
    """The inspections of the unit's subtree in `year`, oldest first, with their findings and
    the findings' cadres (two queries)."""
    return (
        Inspection.objects.filter(
            unit__path__startswith=unit.path,
            on__gte=dt.date(year, 1, 1),
            on__lte=dt.date(year, 12, 31),
        )
        .select_related("unit", "recorded_by")
        .prefetch_related(
            Prefetch(
                "findings",
                queryset=Finding.objects.select_related("cadre", "adjustment__period").order_by(
                    "pk"
                ),
            )
        )
        .order_by("on", "pk")
    )


def inspection_with_findings(pk: int) -> Inspection:
    return (
        Inspection.objects.select_related("unit", "recorded_by")
        .prefetch_related(
            Prefetch(
                "findings",
                queryset=Finding.objects.select_related("cadre", "adjustment__period").order_by(
                    "pk"
                ),
            )
        )
        .get(pk=pk)
    )


def scope_cases(scope: Scope) -> QuerySet[ReviewCase]:
    """The cases on cadres of the units the user browses (the unit when opened), newest first."""
    cases = ReviewCase.objects.select_related("cadre", "unit", "opened_by", "target_unit")
    if scope.is_admin:
        return cases
    if not scope.read_paths:
        return cases.none()
    return cases.filter(unit__in=Unit.objects.subtree_of(*scope.read_paths))
