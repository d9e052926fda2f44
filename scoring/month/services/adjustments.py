"""The supervisor step's adjustments (bonuses, penalties, leave, discipline), the unit's reward
pool and the outstanding quota (docs/RULES.md §2)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from directives.models import Regulation
from scoring.errors import InvalidInput, PhaseClosed
from scoring.models import (
    Adjustment,
    AdjustmentKind,
    Period,
    PeriodMember,
    PeriodUnit,
    ScorecardKind,
)
from scoring.month.selectors.inputs import engine_regulation
from scoring.month.selectors.rating import step_refusal
from scoring.month.services.common import (
    MAX_PENALTY,
    TypedNumber,
    _audit,
    _decimal,
    _lock,
    _refuse_frozen,
    _refuse_frozen_inputs,
    _require_appeal_supervisor,
    _require_head,
    _require_supervisor,
    _text,
    today,
)
from units.models import Cadre, Unit

# --- adjustments and pools -----------------------------------------------------------------


def adjustment_refusal(regulation: Regulation, kind: str, points: Decimal | None) -> str | None:
    """Why an adjustment cannot be recorded under `regulation`; None when fine."""
    if kind not in AdjustmentKind.values:
        return _("“%(kind)s” is not one of: %(choices)s.") % {
            "kind": kind,
            "choices": ", ".join(AdjustmentKind.values),
        }
    if kind in (AdjustmentKind.DISCIPLINE, AdjustmentKind.LEAVE):
        return None
    if points is None or points <= 0:
        return _("Give the points, more than 0.")
    if points > MAX_PENALTY:  # before quantize, which fails on a number as large as 1e999
        return _("At most %(n)s points.") % {"n": MAX_PENALTY}
    if points != points.quantize(Decimal("0.01")):
        return _("At most 2 decimal places.")
    if kind == AdjustmentKind.BONUS and not engine_regulation(regulation).allows_bonus:
        return _("The regulation %(code)s has no bonus points (its bonus cap is 0).") % {
            "code": regulation.code
        }
    return None


def adjustment_state(adjustment: Adjustment) -> dict[str, str]:
    return {
        "cadre": adjustment.cadre.code,
        "kind": adjustment.kind,
        "points": f"{Decimal(adjustment.points):.2f}",
        "reason": adjustment.reason,
    }


def _adjustment_allowed(
    period: Period, cadre: Cadre, user: User | None, *, enforce_phase: bool
) -> None:
    """Adjustments obey the supervisor step exactly as its scores do (docs/RULES.md §2): refused
    in a frozen period unless a correction is open for the cadre (then only their own supervisor
    writes), and on the web only while the step is open, until its deadline or a reopening."""
    correction = _refuse_frozen_inputs(period, cadre=cadre)
    if correction is not None:
        _require_appeal_supervisor(user, period, cadre)
        return
    _require_supervisor(user, period, cadre)
    if enforce_phase:
        refusal = step_refusal(period, ScorecardKind.SUPERVISOR, today())
        if refusal:
            raise PhaseClosed(
                _("Bonus, penalty, discipline and leave are part of the supervisor review. %(why)s")
                % {"why": refusal}
            )


@transaction.atomic
def adjustment_add(
    *,
    period: Period,
    cadre: Cadre,
    kind: str,
    points: TypedNumber | None = None,
    reason: str,
    user: User | None = None,
    enforce_phase: bool = True,
) -> Adjustment:
    """Record a bonus, penalty, discipline or leave for a cadre, with its reason.

    A bonus is refused when the regulation has none (cap 0); several bonuses may add up past
    the cap, which the decision then applies. The points of discipline and leave are ignored.
    With `enforce_phase` (the web), only while the supervisor step is open.
    """
    period = _lock(period)
    if not PeriodMember.objects.filter(period=period, cadre=cadre).exists():
        _refuse_frozen(period)
        raise InvalidInput(
            _("%(cadre)s is not scored in the period %(period)s.")
            % {"cadre": cadre.code, "period": period}
        )
    _adjustment_allowed(period, cadre, user, enforce_phase=enforce_phase)
    number = None if points in (None, "") else _decimal(points, _("points"))
    problem = adjustment_refusal(period.regulation, kind, number)
    if problem:
        raise InvalidInput(problem)
    reason = _text(reason)
    if not reason:
        raise InvalidInput(_("Give a reason for the adjustment."))
    if kind in (AdjustmentKind.DISCIPLINE, AdjustmentKind.LEAVE):
        number = Decimal(0)
    assert number is not None  # adjustment_refusal refuses the other kinds without points
    adjustment = Adjustment.objects.create(
        period=period, cadre=cadre, kind=kind, points=number, reason=reason, entered_by=user
    )
    _audit(
        user=user,
        action="adjustment.add",
        period=period,
        obj=adjustment,
        new=adjustment_state(adjustment),
        reason=reason,
    )
    return adjustment


@transaction.atomic
def adjustment_remove(
    *,
    adjustment: Adjustment,
    reason: str = "",
    user: User | None = None,
    enforce_phase: bool = True,
) -> None:
    """Remove an adjustment, under the rules of `adjustment_add`."""
    period = _lock(adjustment.period)
    _adjustment_allowed(period, adjustment.cadre, user, enforce_phase=enforce_phase)
    old = adjustment_state(adjustment)
    pk = adjustment.pk
    adjustment.delete()
    adjustment.pk = pk
    _audit(
        user=user,
        action="adjustment.remove",
        period=period,
        obj=adjustment,
        old=old,
        reason=_text(reason),
    )


@transaction.atomic
def pool_set(
    *, period: Period, unit: Unit, amount: int | None, user: User | None = None
) -> PeriodUnit:
    """Set a unit's pool of additional income for the month (integer VND, 0 or more)."""
    period = _lock(period)
    _refuse_frozen(period)
    _require_head(user, unit)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise InvalidInput(_("The pool is a whole number of VND, 0 or more."))
    return _unit_set(
        period=period, unit=unit, name="pool", value=amount, action="pool.set", user=user
    )


def _unit_set(
    *, period: Period, unit: Unit, name: str, value: int, action: str, user: User | None
) -> PeriodUnit:
    """Set the field `name` of the unit's row in the period, audited as `action` when it
    changes; refused for a unit not in the period."""
    row = PeriodUnit.objects.filter(period=period, unit=unit).first()
    if row is None:
        raise InvalidInput(
            _("%(unit)s is not in the period %(period)s.") % {"unit": unit.code, "period": period}
        )
    old = getattr(row, name)
    if old != value:
        setattr(row, name, value)
        row.save(update_fields=[name])
        _audit(
            user=user,
            action=action,
            period=period,
            obj=row,
            old={"unit": unit.code, name: old},
            new={"unit": unit.code, name: value},
        )
    return row


@transaction.atomic
def period_set_outstanding(
    *, period: Period, unit: Unit, outstanding: bool, user: User | None = None
) -> PeriodUnit:
    """Flag a unit of the period as outstanding (it raises the A quota where the regulation
    says so); decided by a head of the period's scope."""
    period = _lock(period)
    _refuse_frozen(period)
    _require_head(user, period.scope)
    return _unit_set(
        period=period,
        unit=unit,
        name="outstanding",
        value=bool(outstanding),
        action="unit.outstanding",
        user=user,
    )
