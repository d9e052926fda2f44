"""The head's decision page (the quota groups, the tiers, the revisions) and the publication."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scoring.errors import ScoringError
from scoring.month.selectors.decision import decided_page, preview_page
from scoring.month.services.decide import period_decide, period_publish
from scoring.month.views.common import _get_period_for_reader, _require_scope_head, _today
from units.scope import get_scope

# --- decision, publication, appeals --------------------------------------------------------


def decide(request, pk):
    """Before the decision: provisional tiers and what the quota will do; then the results."""
    period, paths = _get_period_for_reader(request, pk)
    if request.method == "POST":
        done = _("The period is decided. Publish it to show the results.")
        return _write(request, period, period_decide, done)
    closed = period.cross_evaluation_closed(_today())
    context = {
        "period": period,
        "can_decide": get_scope(request).can_act(period.scope),
        "decided": period.is_frozen,
        "figures_hidden": not closed,
    }
    if period.is_frozen:
        context.update(decided_page(period, paths))
    elif closed:  # while peers rate, the preview would move with each peer scorecard
        context.update(preview_page(period, paths))
    return render(request, "scoring/month/decide.html", context)


@require_POST
def publish(request, pk):
    period, _paths = _get_period_for_reader(request, pk)
    return _write(
        request, period, period_publish, _("Published: every cadre now sees their result.")
    )


def _write(request, period, service, done: str):
    """Decide or publish, for a head or deputy of the scope; back to the decision page."""
    _require_scope_head(request, period)
    try:
        service(period=period, user=request.user)
    except ScoringError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, done)
    return redirect("month:decide", period.pk)
