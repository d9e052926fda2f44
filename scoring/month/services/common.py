"""What every write of the month shares: the period lock, the refusals of a frozen month, who
may act (head, supervisor, administrator), the audit entry, and the parsing of typed values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Required, TypeAlias, TypedDict, Unpack

from django.contrib.auth.models import User
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.errors import InvalidInput, NotAllowed, PeriodFrozen
from scoring.models import AuditEntry, Correction, Period, Phase, ScorecardKind
from scoring.month.corrections import answer_refusal, open_correction
from scoring.month.selectors.inputs import keep_criteria
from scoring.month.selectors.rating import rating_rules
from units.models import Cadre, Unit
from units.scope import scope_for

PRE_DECISION = [Phase.DRAFT, Phase.SELF, Phase.PEER, Phase.REVIEW]


DATE_FIELDS = ["self_until", "peer_until", "review_until", "publish_by", "appeals_until", "lock_on"]


APPEAL_DAYS = 5


REOPEN_DAYS = 5


MAX_PENALTY = Decimal("100")


# A number as it is typed: a form's Decimal, a file's or the command line's text, a whole number.
TypedNumber: TypeAlias = Decimal | int | str

# An audit entry's old or new values (stored as JSON).
AuditValues: TypeAlias = Mapping[str, object] | None


class AuditFields(TypedDict, total=False):
    """The keywords of `audit_entry`, which `_audit` passes on."""

    user: Required[User | None]
    action: Required[str]
    period: Period | None
    obj: Model | None
    old: AuditValues
    new: AuditValues
    reason: str
    actor: str | None


def today() -> dt.date:
    return timezone.localdate()


# --- helpers -------------------------------------------------------------------------------


def _lock(period: Period) -> Period:
    """The period row, locked until the transaction ends, with scope and regulation; with the
    criteria `period` has read already (`regulation_criteria`), which no lock guards."""
    locked = (
        Period.objects.select_for_update(of=("self",))
        .select_related("scope", "regulation")
        .get(pk=period.pk)
    )
    keep_criteria(period, locked)
    return locked


def _refuse_frozen(period: Period) -> None:
    if period.phase == Phase.LOCKED:
        raise PeriodFrozen(
            _("The period %(period)s is locked: nothing in it changes any more.")
            % {"period": period}
        )
    if period.is_frozen:
        raise PeriodFrozen(
            _(
                "The period %(period)s is decided (%(phase)s): scores, adjustments and pools no "
                "longer change. An administrator can reopen it, with a reason."
            )
            % {"period": period, "phase": period.get_phase_display()}
        )


def _refuse_frozen_inputs(period: Period, *, cadre: Cadre) -> Correction | None:
    """The open correction under which `cadre`'s supervisor inputs may change in a published
    period; None before the decision. Any other write into a frozen period is refused."""
    if not period.is_frozen:
        return None
    correction = open_correction(period, cadre.pk)
    if correction is not None:
        return correction
    others = (
        sorted(
            Correction.objects.filter(period=period, closed_at=None).values_list(
                "cadre__code", flat=True
            )
        )
        if period.phase == Phase.APPEALS
        else []
    )
    if others:
        raise PeriodFrozen(
            _(
                "Only the results under an accepted appeal are being corrected in %(period)s "
                "(%(codes)s). %(cadre)s did not appeal: their scores and adjustments stay as "
                "decided and their result stays as published."
            )
            % {"period": period, "codes": ", ".join(others), "cadre": cadre.code}
        )
    _refuse_frozen(period)
    return None


def _require_appeal_supervisor(user: User | None, period: Period, cadre: Cadre) -> None:
    """The user is the cadre's own supervisor for their appeal (or the command line)."""
    if user is None:
        return
    refusal = answer_refusal(period, cadre, Cadre.objects.filter(user=user).first())
    if refusal:
        raise NotAllowed(refusal)


def _is_admin(user: User | None) -> bool:
    return user is None or user.is_superuser


def _require_admin(user: User | None) -> None:
    if not _is_admin(user):
        raise NotAllowed(_("Only an administrator may do this."))


def _require_head(user: User | None, unit: Unit) -> None:
    """A head or deputy over the unit (today), an administrator, or the command line."""
    if _is_admin(user):
        return
    assert user is not None  # the command line (None) acts as an administrator
    if not scope_for(user).can_act(unit):
        raise NotAllowed(
            _("Only a head or deputy of %(unit)s or of a unit above it may do this.")
            % {"unit": unit.code}
        )


def _require_supervisor(user: User | None, period: Period, cadre: Cadre) -> None:
    """The user could supervise the cadre this month (docs/RULES.md §3), or is an administrator."""
    if _is_admin(user):
        return
    acting = Cadre.objects.filter(user=user).first()
    if acting is None:
        raise NotAllowed(_("Only a head or deputy above the cadre may do this."))
    rules = rating_rules(period, cadre_ids=[acting.pk, cadre.pk])
    refusal = rules.refusal(ScorecardKind.SUPERVISOR, acting.pk, cadre.pk)
    if refusal:
        raise NotAllowed(refusal)


def audit_entry(
    *,
    user: User | None,
    action: str,
    period: Period | None = None,
    obj: Model | None = None,
    old: AuditValues = None,
    new: AuditValues = None,
    reason: str = "",
    actor: str | None = None,
) -> AuditEntry:
    """An unsaved audit entry (bulk writers save many at once)."""
    return AuditEntry(
        user=user,
        actor=actor or AuditEntry.actor_of(user),
        action=action,
        period=period,
        object_type=_object_type(obj),
        object_id=str(obj.pk if obj is not None else period.pk if period else ""),
        old=old,
        new=new,
        reason=reason,
    )


def _object_type(obj: Model | None) -> str:
    """The audited object's model name; "period" without one."""
    if obj is None:
        return "period"
    name = obj._meta.model_name
    assert name is not None  # None only on a model class Django has not finished building
    return name


def _audit(**fields: Unpack[AuditFields]) -> AuditEntry:
    entry = audit_entry(**fields)
    entry.save()
    return entry


def _text(value: str | None) -> str:
    return (value or "").strip()


def _decimal(value: TypedNumber, label: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(
            _("%(label)s: “%(value)s” is not a number.") % {"label": label, "value": value}
        ) from exc
    if not number.is_finite():
        raise InvalidInput(
            _("%(label)s: “%(value)s” is not a number.") % {"label": label, "value": value}
        )
    return number


def _name(user: User | None) -> str:
    if user is None:
        return AuditEntry.COMMAND_LINE
    cadre = Cadre.objects.filter(user=user).only("full_name").first()
    return cadre.full_name if cadre else user.get_username()
