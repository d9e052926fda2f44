"""Reads of tasks, each in a fixed number of queries whatever the number of tasks."""

import calendar
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from directives.authority import reviews
from directives.models import Task, TaskEvent, TaskEventKind, TaskQuerySet, TaskStatus
from units.compiled import CompiledRows
from units.models import Cadre, Membership, Unit
from units.scope import RolePath, acting_roles

# A month as the boards take it: its first and last day.
MonthRange = tuple[dt.date, dt.date]

S = TaskStatus
OPEN = (S.ASSIGNED, S.IN_PROGRESS, S.RETURNED)
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class TaskFacts:
    """One task of a month as read for docs/RULES.md §1: the raw facts the engine's task rules
    take.

    completed_on: the day it was done (None while not done) — whether that counts as completed
    in the month is the engine's rule (`scoring.engine.task_completed`); errors and delays: the
    imported counts plus the recorded events that were not exempted.
    """

    code: str
    weight: Decimal
    completed_on: dt.date | None
    accepted: bool
    errors: int
    delays: int


def month_range(month: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of "YYYY-MM", or None when it is not a month."""
    found = MONTH_RE.match(month or "")
    if not found or int(found[1]) < dt.MINYEAR:  # "0000-01": no such year for a date
        return None
    year, number = int(found[1]), int(found[2])
    return dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])


def _counted_events(kind: str) -> Coalesce:
    """Events of one kind on the outer task that still count (not exempted), as a subquery."""
    events = (
        TaskEvent.objects.filter(task=OuterRef("pk"), kind=kind, exempted=False)
        .order_by()
        .values("task")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(events, output_field=IntegerField()), Value(0))


def _pending_extension() -> Exists:
    decided = TaskEvent.objects.filter(
        target=OuterRef("pk"),
        kind__in=[TaskEventKind.EXTENSION_APPROVED, TaskEventKind.EXTENSION_REFUSED],
    )
    return Exists(
        TaskEvent.objects.filter(
            task=OuterRef("pk"), kind=TaskEventKind.EXTENSION_REQUESTED
        ).filter(~Exists(decided))
    )


def with_counts(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Annotate `errors` and `delays` as T counts them (imported + not exempted events, see
    docs/RULES.md §1) and `extension_pending`."""
    return tasks.annotate(
        errors=F("imported_errors") + _counted_events(TaskEventKind.MAJOR_ERROR),
        delays=F("imported_delays") + _counted_events(TaskEventKind.DELAY),
        extension_pending=_pending_extension(),
    )


def month_task_facts(
    tasks: TaskQuerySet, first_day: dt.date, last_day: dt.date, *keys: str
) -> QuerySet[Any]:
    """The rows `(*keys, *the fields of TaskFacts)` of those of `tasks` whose effective deadline
    falls in the month (cancelled ones excluded), with the counted `errors` and `delays` of
    docs/RULES.md §1, ordered by the keys, the deadline and the code. `task_facts` reads them,
    and so does a caller that streams the rows itself (a month decided unit by unit,
    `scoring.month.services.by_unit`): a row's facts are `TaskFacts(*row[len(keys):])`."""
    facts = [f.name for f in fields(TaskFacts)]
    return (
        tasks.due_in_month(first_day, last_day)
        .annotate(
            errors=F("imported_errors") + _counted_events(TaskEventKind.MAJOR_ERROR),
            delays=F("imported_delays") + _counted_events(TaskEventKind.DELAY),
        )
        .order_by(*keys, "effective_deadline", "code")
        .values_list(*keys, *facts)
    )


def task_facts(
    *, cadre_ids: Iterable[int] | QuerySet, first_day: dt.date, last_day: dt.date
) -> dict[int, list[TaskFacts]]:
    """The T inputs (docs/RULES.md §1) of every given cadre's tasks whose effective deadline
    falls in the month (cancelled ones excluded), keyed by cadre id; cadres without a task are
    absent.

    One query. `cadre_ids` may be a list or a queryset of ids (then it is a subquery); a list's
    query is compiled once per process (`_listed_task_facts`).
    """
    rows: Iterable[tuple]
    if isinstance(cadre_ids, list):
        rows = _listed_task_facts.rows(cadre_ids, first_day, last_day)
    else:
        rows = _task_facts_rows(cadre_ids, first_day, last_day)
    facts: defaultdict[int, list[TaskFacts]] = defaultdict(list)
    for cadre_id, *values in rows:
        facts[cadre_id].append(TaskFacts(*values))
    return dict(facts)


def _task_facts_rows(
    cadre_ids: Iterable[int] | QuerySet, first_day: dt.date, last_day: dt.date
) -> QuerySet[Any]:
    tasks = Task.objects.filter(assignee_id__in=cadre_ids)
    return month_task_facts(tasks, first_day, last_day, "assignee_id")


# A grid row's save reads one cadre's tasks, or its quota group's: two subqueries to build and
# compile each time (docs/PERFORMANCE.md, "Saving a grid row").
_listed_task_facts = CompiledRows(Task, _task_facts_rows)


# --- pages ---------------------------------------------------------------------------------


def task_list() -> QuerySet[Task]:
    """Tasks with what every list shows: people, unit, counts and a waiting extension."""
    return with_counts(Task.objects.select_related("assignee", "assigned_by", "unit", "product"))


def unit_tasks_for_board(
    *,
    unit: Unit,
    status: str = "",
    assignee_id: int | None = None,
    month: MonthRange | None = None,
    product_id: int | None = None,
) -> QuerySet[Task]:
    """The tasks of a unit's subtree for its board, filtered; by deadline, then code."""
    tasks = task_list().filter(unit__path__startswith=unit.path)
    if product_id:
        tasks = tasks.filter(product_id=product_id)
    if status:
        tasks = tasks.filter(status=status)
    if assignee_id:
        tasks = tasks.filter(assignee_id=assignee_id)
    if month:
        first, last = month
        tasks = tasks.filter(effective_deadline__gte=first, effective_deadline__lte=last)
    return tasks.order_by("effective_deadline", "code")


def overdue_tasks(*, unit_path: str, on: dt.date) -> QuerySet[Task]:
    """Open tasks of a subtree whose effective deadline has passed."""
    return (
        Task.objects.filter(
            unit__path__startswith=unit_path, status__in=OPEN, effective_deadline__lt=on
        )
        .select_related("assignee")
        .order_by("effective_deadline", "code")
    )


def waiting_extensions(*, unit_path: str) -> QuerySet[TaskEvent]:
    """Extension requests of a subtree that wait for a decision, oldest first."""
    decided = TaskEvent.objects.filter(
        target=OuterRef("pk"),
        kind__in=[TaskEventKind.EXTENSION_APPROVED, TaskEventKind.EXTENSION_REFUSED],
    )
    return (
        TaskEvent.objects.filter(
            kind=TaskEventKind.EXTENSION_REQUESTED, task__unit__path__startswith=unit_path
        )
        .exclude(task__status__in=[S.ACCEPTED, S.CANCELLED])
        .filter(~Exists(decided))
        .select_related("task", "task__assignee", "author")
        .order_by("at", "pk")
    )


def members_of_subtree(*, unit: Unit, on: dt.date) -> QuerySet[Membership]:
    """Memberships valid on `on` in the unit's subtree, by name."""
    return (
        Membership.objects.valid_on(on)
        .filter(unit__path__startswith=unit.path)
        .select_related("cadre", "unit")
        .order_by("cadre__full_name", "cadre__code")
    )


def unit_members_in_month(*, unit: Unit, month: MonthRange) -> QuerySet[Cadre]:
    """Cadres of `unit` itself (not of the units below) at any time of the month `(first, last)`,
    by name: the board's assignee filter (one query)."""
    first, last = month
    in_month = (Q(valid_from__isnull=True) | Q(valid_from__lte=last)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=first)
    )
    memberships = Membership.objects.filter(in_month, unit=unit)
    return Cadre.objects.filter(pk__in=memberships.values("cadre_id")).order_by("full_name", "code")


def mark_reviewable(
    tasks: Iterable[Task],
    *,
    actor: Cadre | None,
    actor_roles: Iterable[RolePath],
    on: dt.date,
) -> list[Task]:
    """Set `can_review` on each task: whether the actor may review it, i.e. is its assigner or
    above the assigner and outranks the assignee (`directives.authority.reviews`; one query)."""
    tasks = list(tasks)
    roles = acting_roles({t.assignee_id for t in tasks} | {t.assigned_by_id for t in tasks}, on)
    actor_id = actor.pk if actor is not None else None
    for task in tasks:
        task.can_review = reviews(
            actor_id,
            actor_roles,
            assignee_id=task.assignee_id,
            assigner_id=task.assigned_by_id,
            unit_path=task.unit.path,
            roles=roles,
        )
    return tasks


def my_tasks(*, cadre: Cadre, first_day: dt.date, last_day: dt.date) -> QuerySet[Task]:
    """The cadre's tasks still open or waiting for review (any deadline) or due in the month."""
    return (
        task_list()
        .filter(assignee=cadre)
        .filter(
            Q(status__in=[*OPEN, S.SUBMITTED])
            | Q(effective_deadline__gte=first_day, effective_deadline__lte=last_day)
        )
        .exclude(status=S.CANCELLED)
        .order_by("effective_deadline", "code")
    )


def supported_tasks(*, cadre: Cadre) -> QuerySet[Task]:
    """Open or submitted tasks the cadre supports."""
    return (
        Task.objects.filter(supporters=cadre, status__in=[*OPEN, S.SUBMITTED])
        .select_related("assignee")
        .order_by("effective_deadline", "code")
    )


def cadre_task_counts(*, cadre: Cadre, on: dt.date, week_end: dt.date) -> dict[str, int]:
    """Open tasks of the cadre: overdue and due from `on` to `week_end` (one query)."""
    return Task.objects.filter(assignee=cadre, status__in=OPEN).aggregate(
        overdue=Count("pk", filter=Q(effective_deadline__lt=on)),
        due_this_week=Count(
            "pk", filter=Q(effective_deadline__gte=on, effective_deadline__lte=week_end)
        ),
    )


def review_counts(*, paths: Sequence[str], on: dt.date) -> dict[str, int]:
    """Across the subtrees: results waiting for review, overdue tasks, waiting extensions."""
    if not paths:
        return {"to_review": 0, "overdue": 0, "extensions": 0}
    in_paths = Q()
    for path in paths:
        in_paths |= Q(unit__path__startswith=path)
    return (
        Task.objects.filter(in_paths)
        .annotate(extension_pending=_pending_extension())
        .aggregate(
            to_review=Count("pk", filter=Q(status=S.SUBMITTED)),
            overdue=Count("pk", filter=Q(status__in=OPEN, effective_deadline__lt=on)),
            extensions=Count(
                "pk", filter=Q(extension_pending=True, status__in=[*OPEN, S.SUBMITTED])
            ),
        )
    )


def task_history(task: Task) -> QuerySet[TaskEvent]:
    """Every event of a task, oldest first, with the people named."""
    return task.events.select_related("author", "exempted_by", "target").order_by("at", "pk")
