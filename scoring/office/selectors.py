"""Reads of the office pages: a unit's published month for its cadres, a cadre's own year."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from scoring.models import Period, PeriodMember, Result
from scoring.month.selectors.periods import YearTable, year_results
from scoring.month.selectors.rating import DECIDED_PHASES, PUBLISHED_PHASES
from units.models import Cadre, Unit

CENT = Decimal("0.01")


def public_results(period: Period, unit: Unit) -> list[Result]:
    """The unit's published results in rank order (the unit alone, not the units below it):
    the fields the publicity of docs/RULES.md §3 shows, nothing else is read. One query."""
    return list(
        Result.objects.filter(period=period, unit=unit)
        .select_related("cadre")
        .only(
            "cadre__code",
            "cadre__full_name",
            "rated",
            "tier",
            "rank_in_unit",
            "reward",
            "job_group",
        )
        .order_by("rank_in_unit", "cadre__full_name", "cadre__code")
    )


@dataclass(frozen=True)
class Quarter:
    number: int
    months: list[str]  # the rated months counted
    mean: Decimal | None  # the mean of their totals, 2 decimals


@dataclass(frozen=True)
class MyYear:
    year: int
    results: list[Result]  # the cadre's published months of the year, in order
    quarters: list[Quarter]
    table: YearTable | None  # the year over the cadre's unit, when no decided month is unpublished
    row: object | None  # the cadre's row of it
    pending: bool  # a decided month of the year is not published yet: no year result shown


def _quarters(results: list[Result]) -> list[Quarter]:
    quarters = []
    for number in range(1, 5):
        counted = [
            r
            for r in results
            if r.rated and r.total is not None and (int(r.period.month[5:]) - 1) // 3 + 1 == number
        ]
        totals = [r.total for r in counted if r.total is not None]
        mean = (
            (sum(totals, Decimal(0)) / len(totals)).quantize(CENT, rounding=ROUND_HALF_UP)
            if totals
            else None
        )
        quarters.append(Quarter(number, [r.period.month for r in counted], mean))
    return quarters


def my_year(cadre: Cadre, year: int) -> MyYear:
    """The cadre's own year: the published months, the quarter means beside them and the year
    result of `scoring.month.selectors.periods.year_results` over the scope of their latest
    published month
    (the same figures the leaders' year page shows for it).

    The year result counts every decided month, so it is shown only while none of them waits
    for publication: the cadre never sees a figure before it is published. Five queries.
    """
    memberships = list(
        PeriodMember.objects.filter(
            cadre=cadre,
            period__month__startswith=f"{year:04d}-",
            period__phase__in=DECIDED_PHASES,
        ).values_list("period__phase", flat=True)
    )
    results = list(
        Result.objects.filter(
            cadre=cadre,
            period__month__startswith=f"{year:04d}-",
            period__phase__in=PUBLISHED_PHASES,
        )
        .select_related("period__scope", "unit")
        .order_by("period__month", "period_id")
    )
    pending = any(phase not in PUBLISHED_PHASES for phase in memberships)
    table = row = None
    if results and not pending:
        table = year_results(year=year, scope=results[-1].period.scope)
        row = next((r for r in table.rows if r.code == cadre.code), None)
    return MyYear(year, results, _quarters(results), table, row, pending)
