"""The progress of heads and leaders, the manage and decisions pages, the banner of work due."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from scoring.models import Period
from scoring.month.reminders import work_due_for
from scoring.month.selectors.periods import periods_covering, under
from scoring.month.selectors.progress import months_to_score, open_appeals, progress_page
from scoring.month.views.common import _get_period_for_reader, _today
from units.models import Unit
from units.scope import get_scope

# --- progress, lists, banner ---------------------------------------------------------------


def progress(request, pk):
    """Who has not submitted what, per step, over the units the user reads (or one of them).

    Of the peer step only counts: per rater how many they still owe, per ratee how many are
    in; never who rates whom (docs/RULES.md §3).
    """
    period, paths = _get_period_for_reader(request, pk)
    unit = None
    if request.GET.get("unit"):
        unit = get_object_or_404(Unit, code=request.GET["unit"])
        if not under(unit.path, paths):
            raise Http404
        paths = [unit.path]
    context = {"period": period, "unit": unit, **progress_page(period, paths, _today())}
    return render(request, "scoring/month/progress.html", context)


def manage(request):
    """The head's periods before their decision and the units to score in each, with how
    many are scored (decided months are on the decisions page)."""
    scope = get_scope(request)
    if not scope.act_paths:
        raise Http404
    rows = months_to_score(scope.act_paths, _today())
    return render(request, "scoring/month/manage.html", {"rows": rows})


def decisions(request):
    """Periods the user reads: phase, dates, open appeals, and links to decide and follow.

    A period over the ward lists for a department's head only the open appeals of cadres
    whose unit in the period he reads, as the appeals inbox does."""
    scope = get_scope(request)
    if not (scope.read_paths or scope.is_admin):
        raise Http404
    periods = Period.objects.all() if scope.is_admin else periods_covering(scope.read_paths)
    periods = list(
        periods.select_related("scope")
        .annotate(open_appeals=open_appeals(None if scope.is_admin else scope.read_paths))
        .order_by("-month", "scope__code")[:12]
    )
    for period in periods:
        period.can_decide = scope.can_act(period.scope)
    return render(request, "scoring/month/decisions.html", {"periods": periods})


def due(request):
    """The banner of work due within two days (loaded by every page after it is shown)."""
    owed = work_due_for(get_scope(request).cadre, today=_today())
    return render(request, "scoring/month/due.html", {"owed": owed, "today": _today()})
