"""Reads of the catalogue and of the converted output (docs/RULES.md §6), each in a fixed number
of queries."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum

from directives.catalogue.models import CatalogueItem
from directives.models import Regulation, Task, TaskStatus

ZERO = Decimal("0")


def catalogue_regulation(on: dt.date) -> Regulation | None:
    """The regulation whose catalogue is in force on `on`: the newest valid by then (by
    `valid_from`, then the latest made) that has a catalogue (one query)."""
    has_items = CatalogueItem.objects.filter(regulation=OuterRef("pk"))
    return (
        Regulation.objects.filter(Exists(has_items), valid_from__lte=on)
        .order_by("-valid_from", "-pk")
        .first()
    )


def items_in_force(*, on: dt.date, job_groups: Iterable[str] | None = None) -> QuerySet:
    """The catalogue items in force on `on`, of the given job groups when named, by job group
    and code (two queries when evaluated: the regulation, then the items)."""
    regulation = catalogue_regulation(on)
    if regulation is None:
        return CatalogueItem.objects.none()
    items = CatalogueItem.objects.filter(regulation=regulation)
    if job_groups is not None:
        items = items.filter(job_group__in=sorted(set(job_groups)))
    return items.order_by("job_group", "code")


def catalogue_page(*, regulation: Regulation | None, job_group: str = "") -> QuerySet:
    """A regulation's catalogue for its page, each item with the number of tasks assigned from
    it (one query)."""
    if regulation is None:
        return CatalogueItem.objects.none()
    items = CatalogueItem.objects.filter(regulation=regulation)
    if job_group:
        items = items.filter(job_group=job_group)
    return items.annotate(task_count=Count("tasks")).order_by("job_group", "code")


def catalogue_job_groups(regulation: Regulation | None) -> list[str]:
    if regulation is None:
        return []
    return list(
        CatalogueItem.objects.filter(regulation=regulation)
        .order_by("job_group")
        .values_list("job_group", flat=True)
        .distinct()
    )


# --- converted output ------------------------------------------------------------------------

# A task due in a month (its effective deadline falls in it, cancelled tasks aside) counts its
# weight once: on time when done by its effective deadline, late when done after it, not
# completed when not done (docs/RULES.md §6).
DONE = Q(completed_on__isnull=False)
ON_TIME = DONE & Q(completed_on__lte=F("effective_deadline"))
LATE = DONE & Q(completed_on__gt=F("effective_deadline"))
NOT_DONE = Q(completed_on__isnull=True)


@dataclass
class Output:
    """Converted output (sum of weights) of some tasks, by how they ended."""

    on_time: Decimal = ZERO
    late: Decimal = ZERO
    not_completed: Decimal = ZERO
    tasks: int = 0

    @property
    def total(self) -> Decimal:
        return self.on_time + self.late + self.not_completed

    def add(self, other: "Output") -> None:
        self.on_time += other.on_time
        self.late += other.late
        self.not_completed += other.not_completed
        self.tasks += other.tasks


def output_of_assignees(
    *, unit_path: str, first_day: dt.date, last_day: dt.date, product_id: int | None = None
) -> list[dict]:
    """Per assignee (by name) the converted output of a subtree's tasks due in one month: the
    board's side table (one query)."""
    tasks = Task.objects.filter(
        unit__path__startswith=unit_path,
        effective_deadline__gte=first_day,
        effective_deadline__lte=last_day,
    ).exclude(status=TaskStatus.CANCELLED)
    if product_id:
        tasks = tasks.filter(product_id=product_id)
    rows = (
        tasks.values("assignee_id", name=F("assignee__full_name"))
        .annotate(
            on_time=Sum("weight", filter=ON_TIME, default=ZERO),
            late=Sum("weight", filter=LATE, default=ZERO),
            not_completed=Sum("weight", filter=NOT_DONE, default=ZERO),
        )
        .order_by("name", "assignee_id")
    )
    return [dict(row) for row in rows]


def items_on_tasks(*, unit_path: str) -> QuerySet:
    """The catalogue items the tasks of a subtree were assigned from: the board's filter (one
    query)."""
    return (
        CatalogueItem.objects.filter(
            Exists(Task.objects.filter(product=OuterRef("pk"), unit__path__startswith=unit_path))
        )
        .select_related("regulation")
        .order_by("code", "regulation__valid_from")
    )


def catalogue_calendar() -> list[tuple[dt.date, int]]:
    """(valid_from, regulation id) of every regulation that has a catalogue, newest first: an
    import finds the catalogue in force on each row's day without a query per row (one query)."""
    has_items = CatalogueItem.objects.filter(regulation=OuterRef("pk"))
    return list(
        Regulation.objects.filter(Exists(has_items))
        .order_by("-valid_from", "-pk")
        .values_list("valid_from", "pk")
    )


def in_force_on(calendar: list[tuple[dt.date, int]], on: dt.date) -> int | None:
    """The regulation id whose catalogue is in force on `on`, as `catalogue_regulation` says."""
    return next((pk for valid_from, pk in calendar if valid_from <= on), None)
