"""A cadre's month figures of docs/RULES.md §1 (Qn, Ql, Pg and T from their own tasks).

The page belongs to scoring because the rules live in scoring.engine; the tasks come from
directives.selectors.task_facts, the same inputs the month's decision uses.
"""

from django.shortcuts import render
from django.utils import timezone

from directives.models import Task
from directives.selectors import month_range, task_facts
from scoring import engine
from scoring.month.selectors.inputs import month_regulation, task_input
from units.scope import cadre_or_404, get_scope, unit_of


def task_month(request):
    cadre = cadre_or_404(request, request.GET.get("cadre"))
    today = timezone.localdate()
    month = request.GET.get("month") or ""
    if month_range(month) is None:
        month = f"{today:%Y-%m}"
    first, last = month_range(month)
    unit = unit_of(cadre, last) or unit_of(cadre, today)
    regulation, pinned = month_regulation(unit, month)
    facts = task_facts(cadre_ids=[cadre.pk], first_day=first, last_day=last).get(cadre.pk, [])
    titles = dict(
        Task.objects.filter(code__in=[f.code for f in facts]).values_list("code", "title")
    )
    rows = []
    inputs = [task_input(f, last) for f in facts]
    for f, task in zip(facts, inputs, strict=True):
        own = engine.task_ratios([task], regulation)
        rows.append(
            {
                "facts": f,
                "completed": task.completed,
                "title": titles.get(f.code, ""),
                "qn": engine.round_half_up(own.qn),
                "ql": engine.round_half_up(own.ql),
                "pg": engine.round_half_up(own.pg),
            }
        )
    ratios = engine.task_ratios(inputs, regulation)
    figures = None
    if ratios is not None:
        figures = {
            "qn": engine.round_half_up(ratios.qn),
            "ql": engine.round_half_up(ratios.ql),
            "pg": engine.round_half_up(ratios.pg),
            "t": engine.round_half_up(engine.task_score(ratios, regulation)),
        }
    scope = get_scope(request)
    context = {
        "cadre": cadre,
        "unit": unit,
        "month": month,
        "first": first,
        "rows": rows,
        "figures": figures,
        "regulation": pinned,
        "task_max": regulation.task_max,
        "is_self": scope.cadre is not None and scope.cadre.pk == cadre.pk,
    }
    return render(request, "scoring/task_month.html", context)
