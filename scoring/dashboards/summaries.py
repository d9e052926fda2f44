"""The dashboards' summary rows (`UnitMonthSummary`): one per decided period and unit with
members, written whenever the period's results or a decided month's tasks are written, in the
same transaction, so a dashboard adds up a few rows per unit and month instead of the month's
results and tasks.

Writers: `period_decide` and `correction_decide` call `summarize`; a task written through the
directives services or the task import sends `directives.signals.tasks_changed`, which
`tasks_summarize` answers; `manage.py summarize_months` (re)builds every decided period's rows.
Each of them adds the rows up per subtree again (`summarize_subtrees`, `SubtreeMonthSummary`),
which the dashboards read; a unit moved has its old and new ancestors' added up again
(`scoring.signals`).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from itertools import chain
from operator import add

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.functional import cached_property

from directives.catalogue.selectors import LATE, NOT_DONE, ZERO
from directives.catalogue.selectors import ON_TIME as OUTPUT_ON_TIME
from directives.dossiers.models import SATISFIED_RATINGS, DossierRating
from directives.models import Task
from scoring.dashboards.flags import FlagKind, equalization_flags, self_inflation_flag
from scoring.dashboards.scope import _SUMS, FROZEN, ON_TIME, RATED, TIERS, series_units
from scoring.dashboards.stats import self_gap_counted
from scoring.io.bulkwrite import insert_all
from scoring.models import (
    Period,
    PeriodUnitResult,
    RaterFlag,
    Result,
    SubtreeMonthSummary,
    UnitMonthSummary,
    month_bounds,
)
from units.models import Unit, ancestor_paths

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
    """(Re)write the period's summary rows, or those of `unit_ids` only (a correction), then its
    subtree rows (`summarize_subtrees`, after one query for the units' paths with `unit_ids`):
    five queries and the writes, whatever the size of the period's scope."""
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
    insert_all(UnitMonthSummary, rows.values())  # COPY on PostgreSQL
    Period.objects.filter(pk=period.pk).update(summarized_at=timezone.now())
    if unit_ids is None:
        summarize_subtrees(period)
    else:
        paths = Unit.objects.filter(pk__in=unit_ids).values_list("path", flat=True)
        summarize_subtrees(period, {a for path in paths for a in ancestor_paths(path)})


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
    decided periods covering them, and their ancestors' subtree rows: two queries, and three
    a decided period named and the subtree rows' (`summarize_subtrees`). Each period counted
    anew gets a new summary stamp, so a cached dashboard of it shows the new counts at its next
    view (one query)."""
    pairs = set(pairs)
    paths = dict(Unit.objects.filter(pk__in={u for u, _m in pairs}).values_list("pk", "path"))
    periods = Period.objects.filter(
        phase__in=FROZEN, month__in={m for _u, m in pairs}
    ).select_related("scope")
    now = timezone.now()
    counted_anew = []
    for period in periods:
        unit_ids = {
            u for u, m in pairs if m == period.month and paths[u].startswith(period.scope.path)
        }
        if not unit_ids:
            continue
        counted_anew.append(period.pk)
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
        summarize_subtrees(period, {a for u in unit_ids for a in ancestor_paths(paths[u])})
    if counted_anew:
        Period.objects.filter(pk__in=counted_anew).update(summarized_at=now)


# The columns a subtree row holds besides SUMMED, and where SUMMED holds what they derive from.
DERIVED = ("member_tasks_due", "member_tasks_on_time", "flagged_units")
_RESULTS, _DUE, _ON_TIME = (SUMMED.index(n) for n in ("results", "tasks_due", "tasks_on_time"))
_FLAGS = [SUMMED.index(n) for n in FLAG_FIELDS.values()]


def summarize_subtrees(period: Period, paths: set[str] | None = None) -> None:
    """(Re)write the period's subtree rows (`SubtreeMonthSummary`) from its summary rows: every
    unit's own row and whole subtree's, or those of the units at `paths` only (a unit's
    ancestors, after it changed or moved). Two queries and the writes (a delete, an insert);
    the period's summary rows are read whole (a city's 6,000 a month) and added up in Python,
    each to its unit's current ancestors: about a second for a city of 100,000 cadres."""
    own: dict[str, list] = {}
    whole: dict[str, list] = {}
    for path, *values in UnitMonthSummary.objects.filter(period=period).values_list(
        "unit__path", *SUMMED
    ):
        # The month's tasks count in the body for the units with members, whose month it
        # decided; a unit counts once among those with warning signs, whatever their number.
        members = values[_RESULTS] > 0
        figures = [
            *values,
            values[_DUE] if members else 0,
            values[_ON_TIME] if members else 0,
            int(any(values[i] for i in _FLAGS)),
        ]
        if paths is None or path in paths:
            own[path] = figures
        for ancestor in ancestor_paths(path):
            if paths is None or ancestor in paths:
                total = whole.get(ancestor)
                whole[ancestor] = figures if total is None else [*map(add, total, figures)]
    ids = dict(Unit.objects.filter(path__in=whole).values_list("path", "pk"))
    names = (*SUMMED, *DERIVED)

    def row(path: str, is_own: bool, figures: list) -> SubtreeMonthSummary:
        # A parent's path is among those written: `paths` holds every ancestor of a unit.
        ancestors = ancestor_paths(path)
        parent = ancestors[-2] if len(ancestors) > 1 else None
        return SubtreeMonthSummary(
            period=period,
            unit_id=ids[path],
            parent_id=ids[parent] if parent else None,
            month=period.month,
            own=is_own,
            **dict(zip(names, figures, strict=True)),
        )

    existing = SubtreeMonthSummary.objects.filter(period=period)
    if paths is not None:
        existing = existing.filter(unit__path__in=paths)
    existing.delete()
    insert_all(  # COPY: Django's bulk_create took 5 s for the 14,000 rows of a city's month
        SubtreeMonthSummary,
        chain(
            (row(path, True, figures) for path, figures in own.items()),
            (row(path, False, figures) for path, figures in whole.items()),
        ),
    )


class ScopeSums:
    """The subtree rows of a unit's decided periods in `months`, read once (one query) for the
    dashboard's body, work on time and converted output alike: per month, the unit's own
    members, each direct subunit with its subtree, and the unit's whole subtree. At most
    (subunits + 2) x months rows a period, whatever the number of cadres; the subunits are those
    of now (a unit moved has been added up anew under its new parent). Every figure's months
    must be among `months`."""

    NAMES = (*SUMMED, *DERIVED)

    def __init__(self, unit: Unit, months: Iterable[str]):
        self.unit = unit
        self.months = sorted(set(months))
        self._rows: dict[tuple[str, int, bool], dict] | None = None

    @property
    def rows(self) -> dict[tuple[str, int, bool], dict]:
        """{(month, unit id, own): the sums by column name}."""
        if self._rows is None:
            # The columns as stored, not SUM()s grouped in SQL: a month has one period over a
            # unit but where a sub-scope's period adds its own, and a city's 4,600 rows of 34
            # sums spilled their grouping to disk and cost a converter call a cell to read.
            rows = (
                SubtreeMonthSummary.objects.filter(period__phase__in=FROZEN, month__in=self.months)
                .filter(Q(unit=self.unit) | Q(parent=self.unit, own=False))
                .values_list("month", "unit_id", "own", *self.NAMES)
            )
            added: dict[tuple[str, int, bool], list] = {}
            for month, pk, own, *sums in rows:
                before = added.get((month, pk, own))
                added[month, pk, own] = sums if before is None else [*map(add, before, sums)]
            self._rows = {
                key: dict(zip(self.NAMES, sums, strict=True)) for key, sums in added.items()
            }
        return self._rows

    @cached_property
    def series_units(self) -> list[tuple[str, Unit]]:
        """The rows' units with their labels (`scope.series_units`: one query), read once for
        the body, work on time and the output: a city's 770 units read three times over."""
        return series_units(self.unit)

    def series(self, months: Iterable[str]):
        """(month, unit id, sums) of the rows of `months`: the unit's own members (the unit's
        id) and each direct subunit's subtree (its id)."""
        wanted = set(months)
        unit_id = self.unit.pk
        for (month, pk, own), sums in self.rows.items():
            if month in wanted and (own or pk != unit_id):
                yield month, pk, sums

    def whole(self, month: str) -> dict | None:
        """The sums of the unit's whole subtree in `month`, None without a row."""
        return self.rows.get((month, self.unit.pk, False))
