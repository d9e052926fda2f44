"""Finding periods (of a month, a member, a date) and reading results: a month's and a year's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from directives.models import Regulation
from scoring import engine
from scoring.models import Period, Result
from scoring.month.selectors.inputs import engine_regulation
from scoring.month.selectors.rating import DECIDED_PHASES
from units.models import Unit, ancestor_paths


def path_q(field_name: str, paths: Iterable[str]) -> Q:
    """Rows whose `field_name` (a unit path) lies under one of `paths`."""
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field_name}__startswith": path})
    return condition


def under(path: str, paths: Iterable[str]) -> bool:
    """Whether the unit path lies under one of `paths`."""
    return any(path.startswith(p) for p in paths)


def periods_covering(paths: Sequence[str]) -> QuerySet[Period]:
    """Periods whose scope contains one of the paths or lies under one of them."""
    if not paths:
        return Period.objects.none()
    condition = Q(scope__path__in={a for p in paths for a in ancestor_paths(p)})
    for path in paths:
        condition |= Q(scope__path__startswith=path)
    return Period.objects.filter(condition)


def overlapping_period(month: str, scope: Unit) -> Period | None:
    """A period of `month` over `scope`, a unit above it or one under it (with its scope)."""
    return periods_covering([scope.path]).filter(month=month).select_related("scope").first()


def period_for(*, month: str, scope_code: str) -> Period | None:
    return (
        Period.objects.select_related("scope", "regulation")
        .filter(month=month, scope__code=scope_code)
        .first()
    )


def covering_periods(*, month: str, unit: Unit) -> QuerySet[Period]:
    """Decided (or later) periods of the month whose members may lie in the unit's subtree."""
    return Period.objects.filter(month=month, phase__in=DECIDED_PHASES).filter(
        Q(scope__path__startswith=unit.path) | Q(scope__path__in=unit.ancestor_paths())
    )


# --- results -------------------------------------------------------------------------------


def month_results(
    *, month: str, unit: Unit, phases: Sequence[str] = DECIDED_PHASES
) -> QuerySet[Result]:
    """Decided (or only published: `phases`) results of the month for cadres whose unit then
    lay in the unit's subtree."""
    return (
        Result.objects.filter(
            period__month=month, period__phase__in=phases, unit__path__startswith=unit.path
        )
        .select_related("cadre", "unit")
        .order_by("cadre__code")
    )


@dataclass(frozen=True)
class YearTable:
    year: int
    scope: Unit
    months: tuple[str, ...]  # decided months that count
    rows: tuple[engine.YearResult, ...]  # by cadre code
    names: dict[str, str]  # cadre code -> full name


def year_results(*, year: int, scope: Unit, phases: Sequence[str] = DECIDED_PHASES) -> YearTable:
    """docs/RULES.md §1 over the decided months of `year` for cadres of the scope's subtree.

    A cadre's unit and job group are those of their latest decided month; the regulation is the
    one of the latest decided period. Three queries.
    """
    results = (
        Result.objects.filter(
            period__month__startswith=f"{year:04d}-",
            period__phase__in=phases,
            unit__path__startswith=scope.path,
        )
        .order_by("cadre__code", "period__month", "period_id")
        .values_list(
            "cadre__code",
            "cadre__full_name",
            "unit__code",
            "job_group",
            "period__month",
            "period__regulation_id",
            "rated",
            "total",
            "supervisor_score",
            "pg",
            "penalty",
            "reasons",
        )
    )
    months_of = defaultdict(list)
    latest = {}
    names = {}
    regulation_of_month = {}
    for (
        code,
        name,
        unit_code,
        job_group,
        month,
        regulation_id,
        rated,
        total,
        sup,
        pg,
        pen,
        why,
    ) in results:
        names[code] = name
        latest[code] = (unit_code, job_group)
        regulation_of_month[month] = regulation_id
        months_of[code].append(
            engine.MonthRecord(
                total=total,
                rated=rated,
                discipline=any(r.get("code") == "discipline" for r in why or ()),
                supervisor_general=sup or Decimal(0),
                pg=pg or Decimal(0),
                penalty=pen,
            )
        )
    months = tuple(sorted(regulation_of_month))
    if not months:
        return YearTable(year=year, scope=scope, months=(), rows=(), names={})
    regulation = Regulation.objects.get(pk=regulation_of_month[months[-1]])
    rows = engine.yearly_rollup(
        engine_regulation(regulation),
        [
            engine.YearInput(
                code=code, unit_code=latest[code][0], job_group=latest[code][1], months=tuple(m)
            )
            for code, m in months_of.items()
        ],
    )
    return YearTable(year=year, scope=scope, months=months, rows=rows, names=names)
