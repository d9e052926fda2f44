"""Task rows for tests, written directly (the services have their own tests), and `assign`, a task
assigned through the service."""

import datetime as dt
import itertools
from decimal import Decimal

from directives import services
from directives.imports import TASK_COLUMNS
from directives.models import Task, TaskEvent, TaskEventKind, TaskStatus
from units.models import Membership

_numbers = itertools.count(1)


def make_task(assignee, assigned_by, *, deadline=dt.date(2026, 10, 15), unit=None, **fields):
    """A task of `assignee` in their current unit, due `deadline` (also the effective one)."""
    if unit is None:
        unit = Membership.objects.filter(cadre=assignee).select_related("unit").first().unit
    values = {
        "code": f"T{next(_numbers):05d}",
        "title": "Báo cáo tình hình kinh tế - xã hội",
        "assignee": assignee,
        "assigned_by": assigned_by,
        "unit": unit,
        "assigned_on": deadline - dt.timedelta(days=10),
        "deadline": deadline,
        "effective_deadline": deadline,
        "expected_result": "Báo cáo trình UBND",
        "weight": Decimal("1"),
        "status": TaskStatus.ASSIGNED,
    }
    values.update(fields)
    return Task.objects.create(**values)


ASSIGNED = dt.date(2026, 10, 5)


def assign(org, **overrides):
    """The head of W1-A assigns SA a task on ASSIGNED through `task_create` (`org` of
    tests/conftest.py); `overrides` change any field."""
    values = {
        "assigned_by": org.head_a,
        "assignee": org.staff_a,
        "title": "Thẩm định hồ sơ cấp phép xây dựng",
        "deadline": dt.date(2026, 10, 25),
        "expected_result": "Tờ trình kèm hồ sơ thẩm định",
        "assigned_on": ASSIGNED,
    }
    return services.task_create(**values | overrides)


# The short names the tests give the task import's columns by.
SHORT_NAMES = {"assigned": "assigned_on", "completed": "completed_on", "errors": "major_errors"}


def task_row(code, assignee, assigner, *, title="Báo cáo tháng", expected="Báo cáo", **given):
    """One CSV row of the task import: `code` assigned to `assignee` by `assigner` (empty: the
    importer) on 1 October 2026, due the 15th, not done; `given` sets any other column, by its
    name or its short name (assigned, completed, errors)."""
    row = {
        "code": code,
        "title": title,
        "assignee_code": assignee,
        "assigned_by_code": assigner,
        "assigned_on": "2026-10-01",
        "deadline": "2026-10-15",
        "expected_result": expected,
        "weight": "1",
        "completed_on": "",
        "accepted": "false",
        "major_errors": "0",
        "delays": "0",
    }
    row |= {SHORT_NAMES.get(name, name): value for name, value in given.items()}
    assert row.keys() == set(TASK_COLUMNS), f"not a column: {row.keys() - set(TASK_COLUMNS)}"
    return ",".join(row[column] for column in TASK_COLUMNS)


def done(task, on, *, accepted=True):
    """Mark a task submitted (or accepted) on `on`."""
    task.completed_on = on
    task.accepted = accepted
    task.status = TaskStatus.ACCEPTED if accepted else TaskStatus.SUBMITTED
    task.save()
    return task


def event(task, kind, *, author=None, exempted=False, **fields):
    return TaskEvent.objects.create(
        task=task, kind=kind, author=author, exempted=exempted, reason="lý do", **fields
    )


DELAY = TaskEventKind.DELAY
ERROR = TaskEventKind.MAJOR_ERROR
