"""Writes of the month page that `scoring.month.services` does not have (`run_schedule`'s moves are
`months.schedule`).

Like every write of the month, each is atomic, locks the period row (``select_for_update``)
before it reads what it checks, refuses with a `scoring.errors` message ready to show, and
records an `AuditEntry` in the same transaction. Opening, advancing, refreshing the members,
deciding, publishing and locking are `scoring.month.services`' own; these add stepping back,
reopening
a step for named units, the pools of every unit at once, and reminders.
See docs/RULES.md §2 (the month) and §3 (who may do what).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise

from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scoring.errors import InvalidInput, PhaseClosed
from scoring.models import (
    PHASE_ORDER,
    Period,
    PeriodUnit,
    Phase,
    ReminderSent,
    ScorecardKind,
)
from scoring.month.reminders import REMIND_DAYS, Owed, PeriodWork, period_work, reminders_due
from scoring.month.selectors.rating import STEP_DEADLINE, STEP_PHASE, step_refusal
from scoring.month.services.adjustments import period_set_outstanding, pool_set
from scoring.month.services.common import (
    DATE_FIELDS,
    _audit,
    _lock,
    _refuse_frozen,
    _require_head,
    _text,
    audit_entry,
    today,
)
from scoring.month.services.opening import reopen_locked
from scoring.months.emails import address_of, reminder_message
from units.formats import date_text
from units.models import Cadre, Unit

# Stepping back from a phase returns to the one before it; its step's deadline, when it has
# passed, moves to a date the head gives (or the schedule would move the period on again).
STEP_BACK: dict[str, Phase] = {
    Phase.SELF: Phase.DRAFT,
    Phase.PEER: Phase.SELF,
    Phase.REVIEW: Phase.PEER,
}
DEADLINE_OF_PHASE = {Phase.SELF: "self_until", Phase.PEER: "peer_until"}


def _ordered(dates: dict[str, dt.date], moved: str) -> dict[str, dt.date]:
    """The period's dates with the later ones pushed to `moved`'s date where it passed them."""
    result = dict(dates)
    for before, after in pairwise(DATE_FIELDS):
        if DATE_FIELDS.index(before) >= DATE_FIELDS.index(moved) and result[after] < result[before]:
            result[after] = result[before]
    return result


# --- phases --------------------------------------------------------------------------------


@transaction.atomic
def period_step_back(
    *, period: Period, reason: str, until: dt.date | None = None, user: User | None = None
) -> Period:
    """Send a period before its decision back one phase (review → cross-evaluation →
    self-assessment; to draft only before the month's first day), with a reason.

    When the deadline of the phase returned to has passed, `until` (today or later) becomes its
    new deadline, later dates moving with it where they would come before it.
    """
    period = _lock(period)
    _refuse_frozen(period)
    _require_head(user, period.scope)
    reason = _text(reason)
    if not reason:
        raise InvalidInput(_("Give a reason for stepping back."))
    back = STEP_BACK.get(period.phase)
    if back is None:
        raise PhaseClosed(
            _("The period %(period)s is at “%(phase)s”: there is no phase before it.")
            % {"period": period, "phase": period.get_phase_display()}
        )
    if back == Phase.DRAFT and today() >= period.first_day:
        raise PhaseClosed(
            _("The month began on %(date)s: it goes back to draft only before its first day.")
            % {"date": date_text(period.first_day)}
        )
    dates = {name: getattr(period, name) for name in DATE_FIELDS}
    name = DEADLINE_OF_PHASE.get(back)
    if name is not None and (until is not None or dates[name] < today()):
        if until is None or until < today():
            raise InvalidInput(
                _("The step “%(step)s” closed on %(date)s: give it a new deadline, today or later.")
                % {"step": Phase(back).label, "date": date_text(dates[name])}
            )
        dates = _ordered(dates | {name: until}, name)
    old = {"phase": period.phase}
    new = {"phase": back}
    for field_name, value in dates.items():
        if value != getattr(period, field_name):
            old[field_name] = getattr(period, field_name).isoformat()
            new[field_name] = value.isoformat()
            setattr(period, field_name, value)
    period.phase = back
    period.save(update_fields=["phase", *DATE_FIELDS])
    _audit(user=user, action="period.step_back", period=period, old=old, new=new, reason=reason)
    return period


@transaction.atomic
def period_reopen_units(
    *,
    period: Period,
    kind: str,
    units: Iterable[Unit],
    until: dt.date,
    reason: str,
    user: User | None = None,
) -> list[PeriodUnit]:
    """Reopen one step (self, peer or supervisor) for the named units only, until `until`:
    their members' cards of that step are taken again, nobody else's (docs/RULES.md §2)."""
    period, reason = reopen_locked(period=period, kind=kind, reason=reason, user=user)
    step = Phase(STEP_PHASE[kind])
    if PHASE_ORDER.index(period.phase) < PHASE_ORDER.index(step):
        raise PhaseClosed(
            _("The step “%(step)s” has not started: the period is at “%(phase)s”.")
            % {"step": step.label, "phase": period.get_phase_display()}
        )
    if until < today():
        raise InvalidInput(_("The new deadline must not be in the past."))
    name = STEP_DEADLINE[kind]
    if until <= getattr(period, name):
        raise InvalidInput(
            _("The step “%(step)s” is open for everyone until %(date)s: choose a later date.")
            % {"step": step.label, "date": date_text(getattr(period, name))}
        )
    units = list(units)
    if not units:
        raise InvalidInput(_("Choose at least one unit."))
    rows = list(
        PeriodUnit.objects.select_for_update(of=("self",))
        .filter(period=period, unit__in=units)
        .select_related("unit")
        .order_by("unit__path")
    )
    missing = sorted({u.code for u in units} - {row.unit.code for row in rows})
    if missing:
        raise InvalidInput(
            _("Not in the period %(period)s: %(units)s.")
            % {"period": period, "units": ", ".join(missing)}
        )
    old = {}
    for row in rows:
        value = getattr(row, name)
        old[row.unit.code] = value.isoformat() if value else None
        setattr(row, name, until)
    PeriodUnit.objects.bulk_update(rows, [name])
    _audit(
        user=user,
        action="period.reopen_units",
        period=period,
        old={"kind": kind, "units": old},
        new={"kind": kind, "until": until.isoformat(), "units": [r.unit.code for r in rows]},
        reason=reason,
    )
    return rows


# --- pools and outstanding units -----------------------------------------------------------


@transaction.atomic
def period_pools_set(
    *,
    period: Period,
    pools: Mapping[Unit, int | None],
    outstanding: Mapping[Unit, bool] | None = None,
    user: User | None = None,
) -> int:
    """Set the pools ({unit: VND}) and outstanding flags ({unit: bool}) of the period's units
    at once, all or nothing, by a head of the scope; each change is its own audit entry.
    Returns how many values changed."""
    locked = _lock(period)
    _refuse_frozen(locked)
    _require_head(user, locked.scope)
    outstanding = outstanding or {}
    rate = locked.regulation.quota_rate_outstanding
    if rate is None and any(outstanding.values()):
        raise InvalidInput(
            _("The regulation %(code)s has no outstanding-unit quota: no unit can be flagged.")
            % {"code": locked.regulation.code}
        )
    before = {
        row.unit_id: (row.pool, row.outstanding) for row in PeriodUnit.objects.filter(period=locked)
    }
    changed = 0
    for unit, amount in pools.items():
        if before.get(unit.pk, (None,))[0] != amount:
            pool_set(period=locked, unit=unit, amount=amount, user=user)
            changed += 1
    if rate is not None:
        for unit, flag in outstanding.items():
            if before.get(unit.pk, (None, None))[1] != bool(flag):
                period_set_outstanding(period=locked, unit=unit, outstanding=flag, user=user)
                changed += 1
    return changed


# --- reminders -----------------------------------------------------------------------------


@dataclass
class ReminderReport:
    """Who a reminder went to, and who was left out and why (cadre codes)."""

    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # reminded today already
    nothing_owed: list[str] = field(default_factory=list)  # nothing owed in an open step
    no_address: list[str] = field(default_factory=list)


def open_work_of(
    work: PeriodWork, cadre_id: int, on: dt.date, *, unit_id: int | None = None
) -> list[Owed]:
    """What `cadre_id` still owes in `work`'s period in a step open on `on` (self and peer
    cards in a step reopened for their unit count)."""
    owed = []
    for item in work.owed_by(cadre_id):
        unit = unit_id if item.kind != ScorecardKind.SUPERVISOR else None
        if step_refusal(work.period, item.kind, on, unit_id=unit) is None:
            owed.append(item)
    return owed


def _send_once(
    cadre: Cadre,
    periods: list[Period],
    owed: list[Owed],
    *,
    on: dt.date,
    user: User | None,
    base_url: str,
) -> bool:
    """Log the reminder of `cadre` about `periods` for the day, then email it; False when a
    reminder about one of them was logged today already (by another run, say)."""
    try:
        with transaction.atomic():
            ReminderSent.objects.bulk_create(
                [ReminderSent(period=p, cadre=cadre, sent_on=on, sent_by=user) for p in periods]
            )
            subject, body = reminder_message(cadre, owed, base_url)
            send_mail(subject, body, None, [address_of(cadre)])
    except IntegrityError:
        return False
    return True


@transaction.atomic
def reminder_send(
    *, period: Period, cadres: Iterable[Cadre], user: User | None = None, base_url: str = ""
) -> ReminderReport:
    """Email each of `cadres` what they still owe in the period's open steps, at most once a
    day each (a second press the same day is skipped); a head of the scope presses it."""
    period = _lock(period)
    _refuse_frozen(period)
    _require_head(user, period.scope)
    on = today()
    work = period_work(period)
    reminded = set(
        ReminderSent.objects.filter(period=period, sent_on=on).values_list("cadre_id", flat=True)
    )
    report = ReminderReport()
    for cadre in sorted(cadres, key=lambda c: c.code):
        member = work.names.get(cadre.pk)
        owed = open_work_of(work, cadre.pk, on, unit_id=getattr(member, "unit_id", None))
        if not owed:
            report.nothing_owed.append(cadre.code)
        elif cadre.pk in reminded:
            report.already.append(cadre.code)
        elif not address_of(cadre):
            report.no_address.append(cadre.code)
        elif _send_once(cadre, [period], owed, on=on, user=user, base_url=base_url):
            report.sent.append(cadre.code)
        else:
            report.already.append(cadre.code)
    if report.sent:
        _audit(user=user, action="reminder.send", period=period, new={"sent": report.sent})
    return report


@dataclass
class DueReport:
    """The reminders of work due soon: sent (code, items), or left out and why."""

    sent: list[tuple[str, int]] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    no_address: list[str] = field(default_factory=list)


def reminders_send_due(
    *,
    on: dt.date,
    days: int = REMIND_DAYS,
    dry_run: bool = False,
    base_url: str = "",
    actor: str | None = None,
) -> DueReport:
    """Email everyone with work due within `days` days (`scoring.month.reminders.reminders_due`),
    one
    email each, skipping the periods they were reminded of on that day already: `send_reminders`
    and `run_schedule` may both run, as often as they like. Each period's reminders are an audit
    entry by `actor`."""
    due = reminders_due(today=on, days=days)
    reminded = set(
        ReminderSent.objects.filter(sent_on=on, cadre_id__in=due).values_list(
            "period_id", "cadre_id"
        )
    )
    report = DueReport()
    by_period: dict[int, tuple[Period, list[str]]] = {}
    for cadre in Cadre.objects.filter(pk__in=due).select_related("user").order_by("code"):
        owed = [o for o in due[cadre.pk] if (o.period.pk, cadre.pk) not in reminded]
        if not owed:
            report.already.append(cadre.code)
            continue
        if not address_of(cadre):
            report.no_address.append(cadre.code)
            continue
        periods = list({o.period.pk: o.period for o in owed}.values())
        if not dry_run and not _send_once(
            cadre, periods, owed, on=on, user=None, base_url=base_url
        ):
            report.already.append(cadre.code)
            continue
        report.sent.append((cadre.code, len(owed)))
        for period in periods:
            by_period.setdefault(period.pk, (period, []))[1].append(cadre.code)
    if not dry_run and by_period:
        for period, codes in by_period.values():
            audit_entry(
                user=None, actor=actor, action="reminder.due", period=period, new={"sent": codes}
            ).save()
    return report


def reminder_summary(report: ReminderReport) -> str:
    """The month page's message after a reminder button."""
    parts = []
    if report.sent:
        parts.append(
            ngettext(
                "Reminder sent to %(n)s person.",
                "Reminders sent to %(n)s people.",
                len(report.sent),
            )
            % {"n": len(report.sent)}
        )
    if report.already:
        parts.append(_("Already reminded today: %(codes)s.") % {"codes": ", ".join(report.already)})
    if report.no_address:
        parts.append(_("No email address: %(codes)s.") % {"codes": ", ".join(report.no_address)})
    if report.nothing_owed and not (report.sent or report.already or report.no_address):
        parts.append(_("Nothing is owed in an open step: no reminder was sent."))
    return " ".join(parts)
