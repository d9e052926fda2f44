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
