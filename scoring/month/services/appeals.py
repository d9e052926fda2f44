"""Appeals and corrections: filing an appeal, answering it, deciding a corrected month again
with its revision (docs/RULES.md §2)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.dashboards.summaries import summarize
from scoring.errors import InvalidInput, NotAllowed, PhaseClosed
from scoring.events import appeal_answered
from scoring.models import (
    Appeal,
    AppealStatus,
    AuditEntry,
    Correction,
    Period,
    PeriodMember,
    PeriodUnitResult,
    Phase,
    Result,
    Revision,
    RevisionChange,
)
from scoring.month.corrections import RevisionPlan, revision_plan
from scoring.month.notices import send_revision_notices
from scoring.month.services.common import (
    _audit,
    _lock,
    _refuse_frozen,
    _require_appeal_supervisor,
    _text,
    audit_entry,
    today,
)
from scoring.month.services.decide import _result_row
from units.models import Cadre
from units.scope import scope_for

# --- appeals -------------------------------------------------------------------------------


@transaction.atomic
def appeal_file(*, period: Period, cadre: Cadre, text: str, user: User | None = None) -> Appeal:
    """A cadre appeals their own published result, within the appeals window."""
    period = _lock(period)
    if period.phase == Phase.LOCKED:
        _refuse_frozen(period)
    if period.phase != Phase.APPEALS:
        raise PhaseClosed(
            _("Results of %(period)s are not published: there is nothing to appeal yet.")
            % {"period": period}
        )
    if today() > period.appeals_until:
        raise PhaseClosed(
            _("Appeals for %(period)s closed on %(date)s.")
            % {"period": period, "date": period.appeals_until.strftime("%d/%m/%Y")}
        )
    if user is not None and cadre.user_id != user.pk:
        raise NotAllowed(_("A cadre appeals only their own result."))
    if not Result.objects.filter(period=period, cadre=cadre).exists():
        raise InvalidInput(
            _("%(cadre)s has no result in %(period)s.") % {"cadre": cadre.code, "period": period}
        )
    text = _text(text)
    if not text:
        raise InvalidInput(_("Write what the appeal is about."))
    if Appeal.objects.filter(period=period, cadre=cadre, status=AppealStatus.OPEN).exists():
        raise InvalidInput(_("An appeal of this result is already waiting for its answer."))
    appeal = Appeal.objects.create(period=period, cadre=cadre, text=text)
    _audit(
        user=user,
        action="appeal.file",
        period=period,
        obj=appeal,
        new={"cadre": cadre.code, "text": text},
    )
    return appeal


def _check_answerable(period: Period, appeal: Appeal, user: User | None) -> None:
    if period.phase == Phase.LOCKED:
        _refuse_frozen(period)
    if appeal.status != AppealStatus.OPEN:
        raise InvalidInput(_("This appeal has already been answered."))
    _require_appeal_supervisor(user, period, appeal.cadre)


def appeal_answer_check(*, appeal: Appeal, user: User | None) -> None:
    """Raise what `appeal_answer` would refuse for this user, before asking them to confirm;
    writes nothing."""
    _check_answerable(appeal.period, appeal, user)


@transaction.atomic
def appeal_answer(
    *,
    appeal: Appeal,
    accept: bool,
    answer: str,
    confirmed: bool = False,
    user: User | None = None,
) -> Appeal:
    """The appellant's own supervisor answers an appeal (`corrections.appeal_supervisors`).

    Accepting needs `confirmed`: in a published period it opens a `Correction` for the
    appellant alone, so that their supervisor scorecard and adjustments can be corrected and
    the month decided again (`correction_decide`); the rest stays frozen and published.
    """
    period = _lock(appeal.period)
    appeal = (
        Appeal.objects.select_for_update(of=("self",)).select_related("cadre").get(pk=appeal.pk)
    )
    _check_answerable(period, appeal, user)
    answer = _text(answer)
    if not answer:
        raise InvalidInput(_("Write the answer to the appeal."))
    if accept and not confirmed:
        raise InvalidInput(
            _(
                "Accepting the appeal opens a correction of the result of %(cadre)s: "
                "confirm it first."
            )
            % {"cadre": appeal.cadre.code}
        )
    appeal.status = AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED
    appeal.answer = answer
    appeal.answered_by = user
    appeal.answered_at = timezone.now()
    appeal.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    actor = AuditEntry.actor_of(user)
    _audit(
        user=user,
        actor=actor,
        action="appeal.accept" if accept else "appeal.reject",
        period=period,
        obj=appeal,
        old={"status": AppealStatus.OPEN},
        new={"status": appeal.status, "answer": answer},
        reason=appeal.text,
    )
    if accept and period.phase == Phase.APPEALS:
        unit_id = (
            PeriodMember.objects.filter(period=period, cadre=appeal.cadre)
            .values_list("unit_id", flat=True)
            .get()
        )
        correction = Correction.objects.create(
            period=period,
            cadre=appeal.cadre,
            unit_id=unit_id,
            appeal=appeal,
            reason=answer,
            opened_by=user,
        )
        _audit(
            user=user,
            actor=actor,
            action="correction.open",
            period=period,
            obj=correction,
            new={"cadre": appeal.cadre.code, "appeal": appeal.pk},
            reason=answer,
        )
    appeal_answered.send(sender=Appeal, appeal=appeal)
    return appeal


@transaction.atomic
def correction_decide(*, correction: Correction, user: User | None = None) -> Revision:
    """Decide a published month again after a correction, and close the correction.

    The appellant's result is computed anew from their corrected inputs; everyone else moves
    only through the rules (`corrections.revision_plan`). Every result whose total, tier, rank
    or reward changed is listed in the `Revision` with before and after, audited, and its
    person notified by email once the transaction commits (`scoring.month.notices`). By the
    appellant's own supervisor or a head or deputy of the period's scope.
    """
    period = _lock(correction.period)
    if period.phase == Phase.LOCKED:
        _refuse_frozen(period)
    correction = (
        Correction.objects.select_for_update(of=("self",))
        .select_related("cadre")
        .get(pk=correction.pk)
    )
    if correction.closed_at is not None or period.phase != Phase.APPEALS:
        raise InvalidInput(
            _("The correction of %(cadre)s is closed: the month was already decided again.")
            % {"cadre": correction.cadre.code}
        )
    cadre = correction.cadre
    if user is not None and not scope_for(user).can_act(period.scope):
        _require_appeal_supervisor(user, period, cadre)
    plan = revision_plan(period, cadre)
    rows = _revised_results(period, plan, cadre)
    for unit_id, fields in plan.units.items():
        PeriodUnitResult.objects.filter(period=period, unit_id=unit_id).update(**fields)
    summarize(period, {r.unit_id for r in rows.values()} | set(plan.units))
    revision = Revision.objects.create(period=period, correction=correction, decided_by=user)
    listed = plan.listed
    RevisionChange.objects.bulk_create(
        [
            RevisionChange(
                revision=revision,
                cadre_id=row.cadre_id,
                unit_id=row.unit_id,
                before=row.before,
                after=row.after,
            )
            for row in listed
        ]
    )
    correction.closed_at = timezone.now()
    correction.save(update_fields=["closed_at"])
    actor = AuditEntry.actor_of(user)
    codes = dict(
        Cadre.objects.filter(pk__in=[r.cadre_id for r in listed]).values_list("pk", "code")
    )
    AuditEntry.objects.bulk_create(
        [
            audit_entry(
                user=user,
                actor=actor,
                action="period.revise",
                period=period,
                obj=revision,
                new={"cadre": cadre.code, "correction": correction.pk, "changed": len(listed)},
                reason=correction.reason,
            ),
            *[
                audit_entry(
                    user=user,
                    actor=actor,
                    action="result.revise",
                    period=period,
                    obj=rows[row.cadre_id],
                    old={"cadre": codes[row.cadre_id], **row.before},
                    new={"cadre": codes[row.cadre_id], **row.after},
                    reason=correction.reason,
                )
                for row in listed
            ],
        ]
    )
    revision_id = revision.pk
    transaction.on_commit(lambda: send_revision_notices(revision_id))
    return revision


def _revised_results(period: Period, plan: RevisionPlan, cadre: Cadre) -> dict[int, Result]:
    """Write the results a revision changes; the saved rows by cadre id."""
    stored = {
        r.cadre_id: r
        for r in Result.objects.filter(
            period=period, cadre_id__in=[row.cadre_id for row in plan.rows]
        )
    }
    fields = set()
    for row in plan.rows:
        result = stored[row.cadre_id]
        if row.cadre_id == cadre.pk:
            fresh = _result_row(period, plan.inputs, plan.fresh)
            own = {
                f.attname: getattr(fresh, f.attname)
                for f in Result._meta.concrete_fields
                if f.attname not in ("id", "period_id", "cadre_id", "computed_at")
            }
            changes = own | row.fields
        else:
            changes = row.fields
        for name, value in changes.items():
            setattr(result, name, value)
        fields |= set(changes)
    if fields:
        Result.objects.bulk_update(list(stored.values()), sorted(fields))
    return stored
