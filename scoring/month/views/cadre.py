"""A cadre's month: their page, the self-assessment and the peer evaluations."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from scoring.errors import on_form
from scoring.models import PeerAssignment, Scorecard, ScorecardStatus
from scoring.month.forms import ScoreForm
from scoring.month.selectors.cadre import my_months
from scoring.month.services.grid import grid_criteria
from scoring.month.services.scorecards import scorecard_save
from scoring.month.views.common import (
    PEER,
    SELF,
    _get_membership,
    _initial,
    _step_problem,
    _today,
)
from units.scope import cadre_or_404

# --- cadre: the month, self-assessment, peers ---------------------------------------------


def my_month(request):
    """The cadre's months: the open one with its steps and deadlines, and published results."""
    cadre = cadre_or_404(request, None)
    today = _today()
    months = my_months(cadre, today)
    return render(request, "scoring/month/mine.html", {"months": months, "today": today})


def _score_page(request, member, *, ratee, kind, template, done_url, context=None):
    """GET and POST of the member's self or peer scorecard; a refusal is shown on the form."""
    period, rater = member.period, member.cadre
    general, _task = grid_criteria(period)
    card_of = {"period": period, "ratee": ratee, "rater": rater, "kind": kind}
    card = Scorecard.objects.filter(**card_of).prefetch_related("lines__criterion").first()
    problem = _step_problem(period, kind, ratee_id=ratee.pk)
    submit = request.method == "POST" and request.POST.get("action") == "submit"
    form = ScoreForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(card),
        criteria=general,
        kind=kind,
        require_all=submit,
    )
    # "Save draft" on a submitted card would change the submitted scores at once (a submitted
    # card stays submitted): nothing is saved, the form says so and asks to submit the changes.
    confirm_submitted = (
        request.method == "POST"
        and not submit
        and card is not None
        and card.status == ScorecardStatus.SUBMITTED
    )
    saving = request.method == "POST" and form.is_valid() and not confirm_submitted
    if saving and _save(request, form, card_of, submit=submit) is not None:
        messages.success(request, _("Submitted. Thank you.") if submit else _("Draft saved."))
        return redirect(done_url)
    context = {**(context or {}), "member": member, "period": period, "form": form, "card": card}
    context.update(
        problem=problem,
        confirm_submitted=confirm_submitted and form.is_valid(),
        deadline=getattr(period, {SELF: "self_until", PEER: "peer_until"}[kind]),
    )
    return render(request, template, context)


def _save(request, form, card_of: dict, *, submit: bool):
    """The scorecard `card_of` (period, ratee, rater and kind) saved from the form, or None
    with the refusal on the form."""
    return on_form(
        form,
        lambda: scorecard_save(
            **card_of,
            points=form.points(),
            comments=form.comments(),
            submit=submit,
            expected_version=form.cleaned_data["version"],
            user=request.user,
        ),
    )


def self_assessment(request, pk):
    _period, member = _get_membership(request, pk)
    return _score_page(
        request,
        member,
        ratee=member.cadre,
        kind=SELF,
        template="scoring/month/self.html",
        done_url=reverse("month:mine"),
    )


def peer_list(request, pk):
    """The cadre's peer evaluations of the month, with progress (never who rates them)."""
    period, member = _get_membership(request, pk)
    ratees = list(
        PeerAssignment.objects.filter(period=period, rater=member.cadre)
        .select_related("ratee")
        .order_by("ratee__full_name", "ratee__code")
    )
    cards = {
        card.ratee_id: card
        for card in Scorecard.objects.filter(period=period, rater=member.cadre, kind=PEER)
    }
    rows = [(a.ratee, cards.get(a.ratee_id)) for a in ratees]
    done = sum(1 for _r, card in rows if card and card.status == ScorecardStatus.SUBMITTED)
    return render(
        request,
        "scoring/month/peers.html",
        {
            "period": period,
            "member": member,
            "rows": rows,
            "done": done,
            "total": len(rows),
            "problem": _step_problem(period, PEER, unit_id=member.unit_id),
        },
    )


def peer_form(request, pk, code):
    period, member = _get_membership(request, pk)
    assignment = get_object_or_404(
        PeerAssignment.objects.select_related("ratee"),
        period=period,
        rater=member.cadre,
        ratee__code=code,
    )
    return _score_page(
        request,
        member,
        ratee=assignment.ratee,
        kind=PEER,
        template="scoring/month/peer_form.html",
        done_url=reverse("month:peers", args=[period.pk]),
        context={"ratee": assignment.ratee},
    )
