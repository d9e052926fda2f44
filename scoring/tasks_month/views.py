"""A cadre's month figures of docs/RULES.md §1 (Qn, Ql, Pg and T from their own tasks).

The page belongs to scoring because the rules live in scoring.engine; the tasks come from
directives.selectors.task_facts, the same inputs the month's decision uses.
"""

from django.shortcuts import render
from django.utils import timezone

from scoring.tasks_month.selectors import month_figures, shown_month
from units.scope import cadre_or_404, get_scope


def task_month(request):
    cadre = cadre_or_404(request, request.GET.get("cadre"))
    today = timezone.localdate()
    month = shown_month(request.GET.get("month") or "", today)
    scope = get_scope(request)
    context = {
        "cadre": cadre,
        "month": month,
        "is_self": scope.cadre is not None and scope.cadre.pk == cadre.pk,
        **month_figures(cadre, month, today),
    }
    return render(request, "scoring/task_month.html", context)
