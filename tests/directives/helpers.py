"""Task rows for tests, written directly (the services have their own tests)."""

import datetime as dt
import itertools
from decimal import Decimal

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
