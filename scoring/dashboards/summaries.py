"""The dashboards' summary rows (`UnitMonthSummary`): one per decided period and unit with
members, written whenever the period's results or a decided month's tasks are written, in the
same transaction, so a dashboard adds up a few rows per unit and month instead of the month's
results and tasks.

Writers: `period_decide` and `correction_decide` call `summarize`; a task written through the
directives services or the task import sends `directives.signals.tasks_changed`, which
`tasks_summarize` answers; `manage.py summarize_months` (re)builds every decided period's rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from directives.catalogue.selectors import LATE, NOT_DONE, ZERO
from directives.catalogue.selectors import ON_TIME as OUTPUT_ON_TIME
from directives.dossiers.models import SATISFIED_RATINGS, DossierRating
from directives.models import Task
from scoring.dashboards.flags import FlagKind, equalization_flags, self_inflation_flag
from scoring.dashboards.scope import _SUMS, FROZEN, ON_TIME, RATED, TIERS, series_path
from scoring.dashboards.stats import self_gap_counted
from scoring.models import (
    Period,
    PeriodUnitResult,
    RaterFlag,
    Result,
    UnitMonthSummary,
    month_bounds,
)
from units.models import Unit

# The summed columns: what a subtree's figures add up from (`scoring.dashboards.stats`).
TIER_FIELDS = {t: f"tier_{t.lower()}" for t in TIERS}
FLAG_FIELDS = {kind: f"flags_{kind.value}" for kind in FlagKind}
SUMMED = (
    "results",
    "rated",
    "total_sum",
    "total_sq",
    *TIER_FIELDS.values(),
    "gap_sum",
    "gap_count",
    "tasks_due",
    "tasks_on_time",
    "output_on_time",
    "output_late",
    "output_not_completed",
    "dossiers",
    "dossiers_on_time",
    "dossiers_satisfied",
    "pool",
    "distributed",
    "undistributed",
    *FLAG_FIELDS.values(),
)


def _result_rows(period: Period, unit_ids: Iterable[int] | None):
    """One query: the period's results grouped by unit (the self gap as `self_gap_counted`)."""
    both_parts = self_gap_counted()
    results = Result.objects.filter(period=period)
    if unit_ids is not None:
        results = results.filter(unit_id__in=unit_ids)
    return (
        results.values("unit_id")
        .annotate(  # named apart from Result's own fields (`rated`), which the filters read
            results=Count("pk"),
            n_rated=Count("pk", filter=RATED),
            total_sum=Sum("total", filter=RATED, default=Decimal(0)),
            total_sq=Sum(
                F("total") * F("total"), filter=RATED, output_field=_SUMS, default=Decimal(0)
            ),
            gap_sum=Sum(
                F("self_score") - F("supervisor_score"),
                filter=both_parts,
                output_field=_SUMS,
                default=Decimal(0),
            ),
            gap_count=Count("pk", filter=both_parts),
            **{name: Count("pk", filter=RATED & Q(tier=t)) for t, name in TIER_FIELDS.items()},
        )
        .order_by()
    )


TASK_FIELDS = (
    "tasks_due",
    "tasks_on_time",
    "output_on_time",
    "output_late",
    "output_not_completed",
)


def _task_rows(month: str, units: Q) -> dict[int, dict]:
    """One query: the tasks of the `units` (a condition on `unit__…`) due in the month
    (cancelled ones aside), by unit: due, on time, and their converted output by how they
    ended (`directives.catalogue.selectors`: ON_TIME, LATE, NOT_DONE)."""
    first, last = month_bounds(month)
    rows = (
        Task.objects.due_in_month(first, last)
        .filter(units)
        .values("unit_id")
        .annotate(
            tasks_due=Count("pk"),
            tasks_on_time=Count("pk", filter=ON_TIME),
            output_on_time=Sum("weight", filter=OUTPUT_ON_TIME, default=ZERO),
            output_late=Sum("weight", filter=LATE, default=ZERO),
            output_not_completed=Sum("weight", filter=NOT_DONE, default=ZERO),
        )
        .order_by()
    )
    return {row.pop("unit_id"): row for row in rows}


def _dossier_rows(month: str, units: Q) -> dict[int, tuple[int, int, int]]:
    """One query: the dossiers of the `units` handled in the month, by unit: handled, on time,
    rated satisfied or very satisfied."""
    first, last = month_bounds(month)
    rows = (
        DossierRating.objects.filter(units, handled_on__gte=first, handled_on__lte=last)
        .values_list("unit_id")
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(on_time=True)),
            satisfied=Count("pk", filter=Q(rating__in=SATISFIED_RATINGS)),
        )
        .order_by()
    )
    return {unit_id: (n, on_time, satisfied) for unit_id, n, on_time, satisfied in rows}


def summarize(period: Period, unit_ids: Iterable[int] | None = None) -> None:
    """(Re)write the period's summary rows, or those of `unit_ids` only (a correction): five
    queries and the writes, whatever the size of the period's scope."""
    if unit_ids is not None:
        unit_ids = list(unit_ids)
    rows: dict[int, UnitMonthSummary] = {}

    def row(unit_id: int) -> UnitMonthSummary:
        if unit_id not in rows:
            rows[unit_id] = UnitMonthSummary(period=period, unit_id=unit_id, month=period.month)
        return rows[unit_id]

    for figures in _result_rows(period, unit_ids):
        summary = row(figures.pop("unit_id"))
        summary.rated = figures.pop("n_rated")
        for name, value in figures.items():
            setattr(summary, name, value)
    scope = (
        Q(unit_id__in=unit_ids)
        if unit_ids is not None
        else Q(unit__path__startswith=period.scope.path)
    )
    for unit_id, figures in _task_rows(period.month, scope).items():
        for name, value in figures.items():
            setattr(row(unit_id), name, value)
    for unit_id, (n, on_time, satisfied) in _dossier_rows(period.month, scope).items():
        summary = row(unit_id)
        summary.dossiers, summary.dossiers_on_time, summary.dossiers_satisfied = (
            n,
            on_time,
            satisfied,
        )
    pools = PeriodUnitResult.objects.filter(period=period)
    if unit_ids is not None:
        pools = pools.filter(unit_id__in=unit_ids)
    for unit_id, pool, distributed, undistributed in pools.values_list(
        "unit_id", "pool", "distributed", "undistributed"
    ):
        summary = row(unit_id)
        summary.pool, summary.distributed, summary.undistributed = pool, distributed, undistributed
    stored = RaterFlag.objects.filter(period=period)
    if unit_ids is not None:
        stored = stored.filter(unit_id__in=unit_ids)
    for unit_id, kind, count in (
        stored.values_list("unit_id", "kind").annotate(n=Count("pk")).order_by()
    ):
        setattr(row(unit_id), FLAG_FIELDS[FlagKind(kind)], count)
    for summary in rows.values():
        _count_result_flags(summary)

    existing = UnitMonthSummary.objects.filter(period=period)
    if unit_ids is not None:
        existing = existing.filter(unit_id__in=unit_ids)
    existing.delete()
    UnitMonthSummary.objects.bulk_create(rows.values(), batch_size=2000)
    Period.objects.filter(pk=period.pk).update(summarized_at=timezone.now())


def _count_result_flags(summary: UnitMonthSummary) -> None:
    """The warning signs a unit's own results raise (the rater flags are counted apart)."""
    summary.flags_equalization = len(equalization_flags(summary.unit_id, **result_figures(summary)))
    inflation = self_inflation_flag(
        summary.unit_id, count=summary.gap_count, gap_sum=summary.gap_sum
    )
    summary.flags_self_inflation = int(inflation is not None)


def result_figures(summary) -> dict:
    """The arguments `equalization_flags` takes, from a summary row (or one of its dicts)."""
    get = summary.get if isinstance(summary, dict) else summary.__getattribute__
    return {
        "rated": get("rated"),
        "total": Decimal(get("total_sum")),
        "total_sq": Decimal(get("total_sq")),
        "tiers": {t: get(name) for t, name in TIER_FIELDS.items()},
    }


def tasks_summarize(pairs: Iterable[tuple[int, str]]) -> None:
    """Count anew the tasks of the (unit id, "YYYY-MM") `pairs` in the summary rows of the
    decided periods covering them: two queries, and three a decided period named. The period
    rows stay as decided: the cached dashboards show the new counts within
    DASHBOARD_CACHE_SECONDS, as they show renamed cadres."""
    pairs = set(pairs)
    paths = dict(Unit.objects.filter(pk__in={u for u, _m in pairs}).values_list("pk", "path"))
    periods = Period.objects.filter(
        phase__in=FROZEN, month__in={m for _u, m in pairs}
    ).select_related("scope")
    now = timezone.now()
    for period in periods:
        unit_ids = {
            u for u, m in pairs if m == period.month and paths[u].startswith(period.scope.path)
        }
        if not unit_ids:
            continue
        counted = _task_rows(period.month, Q(unit_id__in=unit_ids))
        stored = {
            s.unit_id: s
            for s in UnitMonthSummary.objects.filter(period=period, unit_id__in=unit_ids)
        }
        for unit_id in unit_ids:
            summary = stored.get(unit_id) or UnitMonthSummary(
                period=period, unit_id=unit_id, month=period.month
            )
            figures = counted.get(unit_id, {})
            for name in TASK_FIELDS:
                setattr(summary, name, figures.get(name, 0))
            summary.updated_at = now  # bulk_update leaves auto_now alone
            stored[unit_id] = summary
        UnitMonthSummary.objects.bulk_create(
            [s for s in stored.values() if s.pk is None], batch_size=2000
        )
        UnitMonthSummary.objects.bulk_update(
            [s for s in stored.values() if s.pk is not None], [*TASK_FIELDS, "updated_at"]
        )


def month_sums(unit: Unit, months, **sums):
    """The summary rows of the decided periods under `unit` in `months`, added up in SQL per
    month and row (`series`: the unit's own members, or a direct subunit with its subtree):
    at most (subunits + 1) x months rows, whatever the number of cadres."""
    return (
        UnitMonthSummary.objects.filter(
            period__phase__in=FROZEN, month__in=months, unit__path__startswith=unit.path
        )
        .values("month", series=series_path(unit))
        .annotate(**sums)
        .order_by()
    )
