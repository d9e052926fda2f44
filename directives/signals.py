"""Signals directives sends for other apps to answer: imports point scoring → directives, never
back, so directives asks instead of importing."""

from django.dispatch import Signal

# Sent with `regulation=`; a receiver answers why the regulation can no longer change (scoring:
# a decided period pins it), or None.
regulation_freeze_asked = Signal()


def regulation_frozen_reason(regulation) -> str | None:
    """Why `regulation` can no longer change, as a message ready to show; None when it can."""
    answers = regulation_freeze_asked.send(sender=type(regulation), regulation=regulation)
    return next((str(reason) for _receiver, reason in answers if reason), None)


# Sent with `pairs=` a set of (unit, "YYYY-MM"); a receiver answers the set of those pairs whose
# month is already decided for the unit (scoring: a decided period covers it): data of such a
# month never changes.
months_decided_asked = Signal()


def decided_months(pairs) -> set:
    """Those of the (unit, month) `pairs` whose month is decided for the unit."""
    if not pairs:
        return set()
    answers = months_decided_asked.send(sender=None, pairs=set(pairs))
    return set().union(*(set(answer or ()) for _receiver, answer in answers))


# Sent with `pairs=` a set of (unit id, "YYYY-MM"): tasks of those units due in those months
# were written (created, moved on, completed, given a new deadline). Scoring counts them anew in
# the summary rows its dashboards read for decided months.
tasks_changed = Signal()


def tasks_written(tasks, before=()) -> None:
    """Tell that `tasks` were written; `before` holds the (unit id, month) pairs they had
    before, when a write may have moved them."""
    pairs = {(t.unit_id, f"{t.effective_deadline:%Y-%m}") for t in tasks} | set(before)
    if pairs:
        tasks_changed.send(sender=None, pairs=pairs)
