"""Why a scoring write was refused. Each message is ready to show: views display it, the command
line prints it. Every class derives from `ScoringError`, so a caller may catch them all."""


class ScoringError(Exception):
    """A write refused for a reason the user can act on; `message` says what and why."""

    # The value a refusal is about, where a file's column names it (scoring/oversight/imports.py).
    field = ""

    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)


class PeriodFrozen(ScoringError):
    """The period is decided, published or locked: its inputs no longer change."""


class PhaseClosed(ScoringError):
    """The step is not open: the period has not reached it, or its deadline has passed."""


class NotAllowed(ScoringError):
    """This person may not do this (rate this cadre, decide this period, answer this appeal)."""


class InvalidInput(ScoringError):
    """A value is out of range or missing: points above the maximum, a blank reason, ..."""


class PeriodConflict(ScoringError):
    """The month is already open for this scope or an overlapping one."""


class StaleScorecard(ScoringError):
    """Someone saved the scorecard after it was loaded; saving would overwrite their work."""


class RegulationFrozen(ScoringError):
    """The regulation is pinned by a decided period: a change needs a new version."""


def on_form(form, write, *, forbidden=()):
    """What `write` (a service, for a valid form) returns, or None with its refusal shown on the
    form; a refusal of the kinds `forbidden` is a 403 instead."""
    from django.core.exceptions import PermissionDenied

    try:
        return write()
    except forbidden as error:
        raise PermissionDenied(error.message) from None
    except ScoringError as error:
        form.add_error(None, error.message)
        return None
