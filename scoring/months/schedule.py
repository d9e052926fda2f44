"""`run_schedule`: the month moving by its dates (docs/RULES.md §2).

Every period not yet locked moves as far as its dates say, one audited phase at a time, each
move decided on the locked period row (two runs at once never move a month twice); deciding
and publishing stay a person's acts. Then the day's reminders go out, once a day each.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from scoring.errors import ScoringError
from scoring.models import Appeal, AppealStatus, Period, Phase
from scoring.month.services.common import _lock
from scoring.month.services.decide import period_lock
from scoring.month.services.opening import period_advance
from scoring.months.history import SCHEDULE_ACTOR
from scoring.months.services import reminders_send_due
from units.formats import date_text


def due_step(period: Period, on: dt.date) -> tuple[str, str] | None:
    """The phase the period's dates say it should have reached on `on`, with why; None when
    it is where its dates put it, or the next step is a person's (deciding, publishing)."""
    if period.phase == Phase.DRAFT and on >= period.first_day:
        return Phase.SELF, _("The month began on %(date)s.") % {"date": date_text(period.first_day)}
    if period.phase == Phase.SELF and on > period.self_until:
        return Phase.PEER, _("Self-assessment closed on %(date)s.") % {
            "date": date_text(period.self_until)
        }
    if period.phase == Phase.PEER and on > period.peer_until:
        return Phase.REVIEW, _("Cross-evaluation closed on %(date)s.") % {
            "date": date_text(period.peer_until)
        }
    if period.phase == Phase.APPEALS and on > period.appeals_until and on >= period.lock_on:
        return Phase.LOCKED, _("Appeals closed on %(date)s; the month locks on %(lock)s.") % {
            "date": date_text(period.appeals_until),
            "lock": date_text(period.lock_on),
        }
    return None


def waiting_for(period: Period, on: dt.date) -> str | None:
    """What a period whose date has passed waits for from a person, in words; None if nothing."""
    if period.phase == Phase.REVIEW and on > period.review_until:
        return f"supervisor review ended {period.review_until:%Y-%m-%d}: waits to be decided"
    if period.phase == Phase.DECIDED and on > period.publish_by:
        return f"to be published by {period.publish_by:%Y-%m-%d}: waits to be published"
    if period.phase == Phase.APPEALS and on > period.appeals_until and on >= period.lock_on:
        waiting = Appeal.objects.filter(period=period, status=AppealStatus.OPEN).count()
        if waiting:
            return f"{waiting} appeal(s) wait for an answer before it locks"
    return None


@transaction.atomic
def schedule_step(period: Period, on: dt.date) -> tuple[Period, str | None]:
    """Move the period one phase if its dates say so, deciding on the locked row (two runs at
    once never move it twice); returns the period and why it moved, or None."""
    period = _lock(period)
    step = due_step(period, on)
    if step is None:
        return period, None
    phase, why = step
    if phase == Phase.LOCKED:
        if Appeal.objects.filter(period=period, status=AppealStatus.OPEN).exists():
            return period, None
        period = period_lock(
            period=period, user=None, enforce_phase=False, actor=SCHEDULE_ACTOR, reason=why
        )
    else:
        period = period_advance(
            period=period, phase=phase, user=None, actor=SCHEDULE_ACTOR, reason=why
        )
    return period, why


def schedule_period(period: Period, on: dt.date) -> list[str]:
    """Move one period as far as its dates say, one audited phase at a time."""
    done = []
    while True:
        before = period.phase
        try:
            period, why = schedule_step(period, on)
        except ScoringError as refusal:
            done.append(f"{period}: not moved from {before}: {refusal.message}")
            break
        if why is None:
            break
        done.append(f"{period}: {before} → {period.phase} ({why})")
    return done


def schedule_run(*, on: dt.date, reminders=True, base_url="") -> list[str]:
    """What `run_schedule` does: every period not locked moves as far as its dates say, then
    the reminders due that day go out (once a day each). Returns what it did, line by line;
    running it again the same day does nothing more."""
    lines = []
    periods = (
        Period.objects.exclude(phase=Phase.LOCKED)
        .select_related("scope", "regulation")
        .order_by("month", "scope__code")
    )
    for period in periods:
        lines.extend(schedule_period(period, on))
        period.refresh_from_db()
        waiting = waiting_for(period, on)
        if waiting:
            lines.append(f"{period}: {waiting}")
    if reminders:
        report = reminders_send_due(on=on, base_url=base_url, actor=SCHEDULE_ACTOR)
        lines.append(
            f"reminders: {len(report.sent)} sent, {len(report.already)} already sent today, "
            f"{len(report.no_address)} without an address"
        )
    return lines
