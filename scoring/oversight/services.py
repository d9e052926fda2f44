"""Writes of oversight (docs/RULES.md §8), each atomic and audited in `OversightEntry`."""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import TypeVar

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.errors import InvalidInput, NotAllowed, PeriodFrozen, ScoringError
from scoring.models import AdjustmentKind, Period, PeriodMember
from scoring.month.selectors.rating import DECIDED_PHASES
from scoring.month.services.adjustments import adjustment_add
from scoring.month.services.common import _object_type, _text
from scoring.oversight.authority import (
    CASE_ROLES,
    INSPECTING_ROLES,
    covers,
    may_inspect,
    reaches,
    role_paths,
)
from scoring.oversight.models import (
    CaseKind,
    Finding,
    Handling,
    Inspection,
    OversightEntry,
    ReviewCase,
)
from units.models import Cadre, Unit
from units.scope import Scope, can_act_on_cadre, scope_for, unit_of
from units.services import membership_move

MOVES = (CaseKind.TRANSFER, CaseKind.ROTATION)


def _audit(
    *,
    user: User,
    action: str,
    obj: Model,
    unit: Unit,
    new: Mapping[str, object] | None = None,
    reason: str = "",
) -> None:
    OversightEntry.objects.create(
        user=user,
        actor=OversightEntry.actor_of(user),
        action=action,
        object_type=_object_type(obj),
        object_id=str(obj.pk),
        unit=unit,
        new=new,
        reason=reason,
    )


Refusal = TypeVar("Refusal", bound=ScoringError)


def _refused(kind: type[Refusal], message: str, field: str) -> Refusal:
    """A refusal naming the value it is about (`field`: unit, on, reference, cadre, text,
    handling, points), so an import names the column of the row (scoring/oversight/imports.py)."""
    error = kind(message)
    error.field = field
    return error


def not_inspecting(code: str) -> NotAllowed:
    """The refusal of a unit the user may not record inspections of (or that does not exist:
    the same words, so nobody learns of units outside their subtree)."""
    return _refused(
        NotAllowed,
        _("Only a leader or an inspector over %(unit)s may record it.") % {"unit": code},
        "unit",
    )


def check_inspection(*, scope: Scope, unit: Unit, on: dt.date, reference: str = "") -> None:
    """The rules of recording an inspection, without writing: a head, deputy, leader or
    inspector role over `unit`; not a later date than today; a reference once per unit and
    year."""
    if not may_inspect(scope, unit):
        raise not_inspecting(unit.code)
    if on > timezone.localdate():
        raise _refused(
            InvalidInput,
            _("An inspection is recorded once it has taken place: not a later date."),
            "on",
        )
    if (
        reference
        and Inspection.objects.filter(unit=unit, on__year=on.year, reference=reference).exists()
    ):
        raise _refused(
            InvalidInput,
            _("%(unit)s already has an inspection numbered “%(ref)s” in %(year)s.")
            % {"unit": unit.code, "ref": reference, "year": on.year},
            "reference",
        )


def check_finding(
    *,
    scope: Scope,
    unit: Unit,
    on: dt.date,
    cadre: Cadre | None,
    text: str,
    handling: str,
    points: Decimal | None,
) -> tuple[str, Decimal]:
    """The rules of a finding of an inspection of `unit` on `on`, without writing; returns the
    text and points to store. Against a cadre of the unit on that date: never oneself, a peer or
    someone above (the recorder's roles reach them); against the unit: only a reminder."""
    if not may_inspect(scope, unit):
        raise not_inspecting(unit.code)
    text = _text(text)
    if not text:
        raise _refused(InvalidInput, _("Describe the finding."), "text")
    if cadre is not None:
        cadre_unit = unit_of(cadre, on)
        if cadre_unit is None or not cadre_unit.path.startswith(unit.path):
            raise _refused(
                InvalidInput,
                _("%(cadre)s was not in %(unit)s on the inspection's date.")
                % {"cadre": cadre.code, "unit": unit.code},
                "cadre",
            )
        if not reaches(
            scope, cadre, kinds=INSPECTING_ROLES, on=timezone.localdate(), unit=cadre_unit
        ):
            raise _refused(
                NotAllowed,
                _("A finding may not name yourself, a peer or someone above you (%(cadre)s).")
                % {"cadre": cadre.code},
                "cadre",
            )
    elif handling != Handling.REMIND:
        raise _refused(
            InvalidInput,
            _("Penalty points and discipline are proposed against a cadre."),
            "handling",
        )
    if handling == Handling.PENALTY:
        if points is None or points <= 0:
            raise _refused(InvalidInput, _("Give the penalty points, more than 0."), "points")
    else:
        points = Decimal(0)
    return text, points


@transaction.atomic
def inspection_record(
    *,
    scope: Scope,
    user: User,
    unit: Unit,
    on: dt.date,
    kind: str,
    surprise: bool,
    summary: str,
    reference: str = "",
) -> Inspection:
    """Record an inspection of `unit`: a head, deputy, leader or inspector role over it
    (`check_inspection`). `reference`: its number, once per unit and year (the import's)."""
    reference = _text(reference)
    check_inspection(scope=scope, unit=unit, on=on, reference=reference)
    inspection = Inspection.objects.create(
        unit=unit,
        on=on,
        scope=kind,
        surprise=surprise,
        summary=_text(summary),
        reference=reference,
        recorded_by=scope.cadre,
    )
    new = {"on": on.isoformat(), "scope": kind, "surprise": surprise}
    if reference:
        new["reference"] = reference
    _audit(user=user, action="inspection.record", obj=inspection, unit=unit, new=new)
    return inspection


@transaction.atomic
def finding_add(
    *,
    scope: Scope,
    user: User,
    inspection: Inspection,
    cadre: Cadre | None,
    text: str,
    handling: str,
    points: Decimal | None = None,
    evidence: UploadedFile | None = None,
) -> Finding:
    """A finding of `inspection`, against a cadre of the inspected unit or against the unit.
    Against a cadre: never oneself, a peer or someone above (the recorder's roles reach them)."""
    unit = inspection.unit
    text, points = check_finding(
        scope=scope,
        unit=unit,
        on=inspection.on,
        cadre=cadre,
        text=text,
        handling=handling,
        points=points,
    )
    finding = Finding.objects.create(
        inspection=inspection, cadre=cadre, text=text, handling=handling, points=points
    )
    if evidence:
        assert evidence.name is not None  # a form's FileField refuses an upload without a name
        finding.evidence.save(evidence.name, evidence, save=True)
    _audit(
        user=user,
        action="finding.add",
        obj=finding,
        unit=unit,
        new={
            "cadre": cadre.code if cadre else None,
            "handling": handling,
            "points": f"{points:.2f}",
        },
        reason=text,
    )
    return finding


def finding_reason(finding: Finding) -> str:
    """The adjustment's reason: the finding it comes from, by number, date and unit."""
    inspection = finding.inspection
    return _("Inspection finding no. %(pk)s (%(date)s, %(unit)s): %(text)s") % {
        "pk": finding.pk,
        "date": f"{inspection.on:%d/%m/%Y}",
        "unit": inspection.unit.code,
        "text": finding.text,
    }


def target_period(finding: Finding) -> Period | None:
    """The month a confirmed finding goes into: the cadre's month of the inspection if it is not
    decided yet, else their earliest later month not decided. A decided month never changes."""
    month = f"{finding.inspection.on:%Y-%m}"
    member = (
        PeriodMember.objects.filter(cadre=finding.cadre, period__month__gte=month)
        .exclude(period__phase__in=DECIDED_PHASES)
        .select_related("period")
        .order_by("period__month")
        .first()
    )
    return member.period if member else None


@transaction.atomic
def finding_confirm(*, finding: Finding, user: User) -> Finding:
    """The cadre's supervisor confirms a finding: a penalty or discipline becomes an adjustment of
    the cadre's open month (`target_period`) through `adjustment_add`, under its rules (the
    supervisor step open), with the finding as the reason."""
    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("inspection__unit", "cadre")
        .get(pk=finding.pk)
    )
    if finding.cadre is None or finding.handling == Handling.REMIND:
        raise InvalidInput(_("Only a penalty or discipline against a cadre is confirmed."))
    if finding.confirmed_at is not None:
        raise InvalidInput(_("This finding is already confirmed."))
    actor = Cadre.objects.filter(user=user).first()
    if not can_act_on_cadre(actor, finding.cadre, on=timezone.localdate()):
        raise NotAllowed(_("Only the cadre's own supervisor confirms a finding against them."))
    period = target_period(finding)
    if period is None:
        raise PeriodFrozen(
            _(
                "%(cadre)s has no month open after %(month)s: a decided month never changes. "
                "Confirm once their next month is open."
            )
            % {"cadre": finding.cadre.code, "month": f"{finding.inspection.on:%m/%Y}"}
        )
    kind = (
        AdjustmentKind.PENALTY
        if finding.handling == Handling.PENALTY
        else AdjustmentKind.DISCIPLINE
    )
    adjustment = adjustment_add(
        period=period,
        cadre=finding.cadre,
        kind=kind,
        points=finding.points if kind == AdjustmentKind.PENALTY else None,
        reason=finding_reason(finding),
        user=user,
    )
    finding.adjustment = adjustment
    finding.confirmed_by = user
    finding.confirmed_at = timezone.now()
    finding.save(update_fields=["adjustment", "confirmed_by", "confirmed_at"])
    _audit(
        user=user,
        action="finding.confirm",
        obj=finding,
        unit=finding.inspection.unit,
        new={"period": period.pk, "month": period.month, "adjustment": adjustment.pk},
    )
    return finding


@transaction.atomic
def case_open(*, user: User, cadre: Cadre, kind: str, grounds: str) -> ReviewCase:
    """Open a personnel review case on `cadre`: a head, deputy or leader whose role reaches
    them (downward, never on oneself, a peer or someone above)."""
    scope = scope_for(user)
    today = timezone.localdate()
    unit = unit_of(cadre, today)
    if unit is None or not reaches(scope, cadre, kinds=CASE_ROLES, on=today, unit=unit):
        raise NotAllowed(
            _(
                "You may open a case only on someone below you, never on yourself, a peer or "
                "someone above."
            )
        )
    assert scope.cadre is not None  # reaches() is False for a user who is no cadre
    if kind not in CaseKind.values:
        raise InvalidInput(_("Choose the kind of case."))
    grounds = _text(grounds)
    if not grounds:
        raise InvalidInput(_("Give the grounds of the case."))
    case = ReviewCase.objects.create(
        cadre=cadre, unit=unit, kind=kind, grounds=grounds, opened_by=scope.cadre
    )
    _audit(
        user=user,
        action="case.open",
        obj=case,
        unit=unit,
        new={"cadre": cadre.code, "kind": kind},
        reason=grounds,
    )
    return case


@transaction.atomic
def case_decide(
    *,
    user: User,
    case: ReviewCase,
    number: str,
    decided_on: dt.date,
    effective_on: dt.date | None = None,
    target_unit: Unit | None = None,
) -> ReviewCase:
    """Record the decision (number and date). A transfer or rotation moves the cadre to
    `target_unit` from `effective_on` (`units.services.membership_move`)."""
    case = (
        ReviewCase.objects.select_for_update(of=("self",))
        .select_related("cadre", "unit")
        .get(pk=case.pk)
    )
    scope = scope_for(user)
    if not reaches(scope, case.cadre, kinds=CASE_ROLES, on=timezone.localdate(), unit=case.unit):
        raise NotAllowed(
            _(
                "You may decide a case only on someone below you, never on yourself, a peer or "
                "someone above."
            )
        )
    if case.decided:
        raise InvalidInput(_("This case is already decided."))
    number = _text(number)
    if not number:
        raise InvalidInput(_("Give the decision's number."))
    new = {"number": number, "date": decided_on.isoformat()}
    if case.kind in MOVES:
        if target_unit is None or effective_on is None:
            raise InvalidInput(
                _("A transfer or rotation needs the new unit and the date it takes effect.")
            )
        if effective_on < decided_on:
            raise InvalidInput(_("The move takes effect on the decision's date or later."))
        if target_unit.pk == case.unit.pk:
            raise InvalidInput(_("The new unit is the cadre's unit already."))
        if not covers(role_paths(scope, CASE_ROLES), target_unit):
            raise NotAllowed(_("The new unit must lie within your own units."))
        membership_move(cadre=case.cadre, unit=target_unit, on=effective_on)
        new |= {"unit": target_unit.code, "effective_on": effective_on.isoformat()}
    case.decision_number = number
    case.decision_date = decided_on
    case.effective_on = effective_on if case.kind in MOVES else None
    case.target_unit = target_unit if case.kind in MOVES else None
    case.decided_by = scope.cadre
    case.save()
    _audit(user=user, action="case.decide", obj=case, unit=case.unit, new=new)
    return case
