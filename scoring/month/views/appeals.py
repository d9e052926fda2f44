"""The result page, filing an appeal, the appeals inbox, the answer, and a correction."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from scoring.errors import ScoringError
from scoring.models import (
    Appeal,
    AppealStatus,
    Correction,
    Period,
    PeriodMember,
    Phase,
    Result,
)
from scoring.month.corrections import (
    answer_refusal,
    supervisors_of,
)
from scoring.month.forms import AppealAnswerForm, AppealForm
from scoring.month.selectors.decision import correction_page
from scoring.month.selectors.periods import path_q, under
from scoring.month.selectors.rating import PUBLISHED_PHASES
from scoring.month.selectors.results import result_page, shown_result
from scoring.month.services.appeals import (
    appeal_answer,
    appeal_answer_check,
    appeal_file,
    correction_decide,
)
from scoring.month.views.common import (
    _get_membership,
    _get_period,
    _get_period_for_reader,
    _today,
)
from units.scope import get_scope


def appeals(request, pk):
    """The appeals of the cadres the user reads, newest first, with the answer form."""
    period, paths = _get_period_for_reader(request, pk)
    scope = get_scope(request)
    members = PeriodMember.objects.filter(period=period).filter(path_q("unit__path", paths))
    rows = list(
        Appeal.objects.filter(period=period, cadre_id__in=members.values("cadre_id"))
        .select_related("cadre", "answered_by__cadre", "correction__revision")
        .order_by("status", "-created_at")
    )
    waiting = [a.cadre_id for a in rows if a.status == AppealStatus.OPEN]
    # Only the appellant's own supervisor answers (docs/RULES.md §3).
    supervisors = supervisors_of(period, waiting) if waiting and scope.cadre else {}
    for appeal in rows:
        appeal.can_answer = (
            appeal.status == AppealStatus.OPEN
            and scope.cadre is not None
            and scope.cadre.pk in supervisors.get(appeal.cadre_id, ())
        )
        appeal.opened = getattr(appeal, "correction", None)
    return render(
        request,
        "scoring/month/appeals.html",
        {
            "period": period,
            "appeals": rows,
            "open": sum(1 for a in rows if a.status == AppealStatus.OPEN),
            "answer_form": AppealAnswerForm(),
        },
    )


@require_POST
def appeal_reply(request, pk, appeal_id):
    """Answer an appeal. Accepting is asked again on a page that says what it opens (nothing
    is written until that page is confirmed); rejecting is answered at once."""
    period, appeal, member = _appeal_to_answer(request, pk, appeal_id)
    form = AppealAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the answer to the appeal."))
        return redirect("month:appeals", period.pk)
    accept = form.cleaned_data["decision"] == "accept"
    answer = form.cleaned_data["answer"]
    if accept and not form.cleaned_data["confirm"]:
        return _accept_page(request, period, appeal, member, answer)
    try:
        appeal_answer(
            appeal=appeal, accept=accept, answer=answer, confirmed=accept, user=request.user
        )
    except ScoringError as refusal:
        messages.error(request, refusal.message)
        return redirect("month:appeals", period.pk)
    correction = Correction.objects.filter(appeal=appeal).first() if accept else None
    if correction is None:
        messages.success(request, _("Answer sent.") if not accept else _("Appeal accepted."))
        return redirect("month:appeals", period.pk)
    messages.success(
        request,
        _(
            "Appeal accepted: a correction is open for %(name)s alone. Correct their "
            "supervisor scores or adjustments in the grid, then decide the month again "
            "on the correction page."
        )
        % {"name": appeal.cadre.full_name},
    )
    return redirect("month:correction", period.pk, correction.pk)


def _appeal_to_answer(request, pk, appeal_id) -> tuple[Period, Appeal, PeriodMember]:
    """The period, an appeal of a cadre the user reads (else 404) and the cadre's place; 403
    unless the user heads or deputises the cadre's unit."""
    period, paths = _get_period_for_reader(request, pk)
    appeal = get_object_or_404(
        Appeal.objects.select_related("cadre", "period"), pk=appeal_id, period=period
    )
    member = get_object_or_404(
        PeriodMember.objects.select_related("unit"), period=period, cadre_id=appeal.cadre_id
    )
    if not under(member.unit.path, paths):
        raise Http404
    if not get_scope(request).can_act(member.unit):
        raise PermissionDenied
    return period, appeal, member


def _accept_page(request, period, appeal, member, answer):
    """The page that asks to confirm accepting the appeal, or back to the inbox when it may
    not be accepted."""
    try:
        appeal_answer_check(appeal=appeal, user=request.user)
    except ScoringError as refusal:
        messages.error(request, refusal.message)
        return redirect("month:appeals", period.pk)
    return render(
        request,
        "scoring/month/appeal_accept.html",
        {
            "period": period,
            "appeal": appeal,
            "member": member,
            "result": Result.objects.filter(period=period, cadre=appeal.cadre).first(),
            "answer": answer,
        },
    )


def _get_correction(request, pk, correction_id) -> tuple[Period, list[str], Correction]:
    """The period, the paths the user reads, and a correction of a cadre they read; else 404."""
    period, paths = _get_period_for_reader(request, pk)
    correction = get_object_or_404(
        Correction.objects.select_related("cadre", "unit", "appeal", "opened_by__cadre"),
        pk=correction_id,
        period=period,
    )
    if not under(correction.unit.path, paths):
        raise Http404
    return period, paths, correction


def correction_detail(request, pk, correction_id):
    """An accepted appeal's correction: the appellant's row to correct, what deciding again
    would change (before and after), and the button; once decided, the revision."""
    period, paths, correction = _get_correction(request, pk, correction_id)
    scope = get_scope(request)
    may_decide = scope.can_act(period.scope) or (
        scope.cadre is not None and answer_refusal(period, correction.cadre, scope.cadre) is None
    )
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied
        return _decide_again(request, period, correction)
    context = {"period": period, "correction": correction, "may_decide": may_decide}
    context.update(correction_page(period, paths, correction))
    return render(request, "scoring/month/correction.html", context)


def _decide_again(request, period, correction):
    try:
        revision = correction_decide(correction=correction, user=request.user)
    except ScoringError as refusal:
        messages.error(request, refusal.message)
        return redirect("month:correction", period.pk, correction.pk)
    changed = revision.changes.count()
    messages.success(
        request,
        ngettext(
            "Decided again: %(n)s result changed; the people concerned are notified.",
            "Decided again: %(n)s results changed; the people concerned are notified.",
            changed,
        )
        % {"n": changed},
    )
    return redirect(reverse("month:decide", args=[period.pk]) + "#revisions")


# --- the cadre's result --------------------------------------------------------------------


def result(request, pk, code=None):
    """A published result with every component (never the raters), and the appeal form."""
    scope = get_scope(request)
    if code is None:
        period, member = _get_membership(request, pk)
    else:
        period = _get_period(pk)
        member = get_object_or_404(
            PeriodMember.objects.select_related("cadre", "unit__parent"),
            period=period,
            cadre__code=code,
        )
    own = scope.is_self(member.cadre_id)
    if not scope.can_see_cadre(member.cadre_id, unit=member.unit):
        raise Http404
    # The cadre sees their result once published; a head or leader as soon as it is decided.
    visible = period.phase in PUBLISHED_PHASES or (not own and period.is_frozen)
    context = {"period": period, "member": member, "own": own}
    row = shown_result(period, member) if visible else None
    if row is not None:
        today = _today()
        context.update(result_page(period, member, row, viewer=scope.cadre, today=today))
        window_open = period.phase == Phase.APPEALS and today <= period.appeals_until
        context["appeal_form"] = AppealForm() if own and window_open else None
        context["appeal_kept"] = request.session.pop(f"appeal_text_{period.pk}", "") if own else ""
    return render(request, "scoring/month/result.html", context)


@require_POST
def appeal_new(request, pk):
    period, member = _get_membership(request, pk)
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write what the appeal is about."))
        return redirect("month:result", period.pk)
    try:
        appeal_file(
            period=period, cadre=member.cadre, text=form.cleaned_data["text"], user=request.user
        )
    except ScoringError as refusal:
        messages.error(request, refusal.message)
        # The text typed is not lost: the result page shows it again (once).
        request.session[f"appeal_text_{period.pk}"] = form.cleaned_data["text"]
    else:
        messages.success(request, _("Your appeal was sent to the head of your unit."))
    return redirect("month:result", period.pk)
