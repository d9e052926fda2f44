"""Leader dashboards (issue 6): a scope's decided months, its ranking, one cadre, exports.

For leaders, heads (and deputies) over their subtree and administrators over everything
(DESIGN §7). A plain cadre gets 403 on every page; a unit or cadre outside the user's subtrees
answers 404. The pages read decided results only and never say who rated whom, except the
flags' rater names, which only these managers see.
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring import dashboard as selectors
from scoring.dashboard import NOT_RATED, RANKING_PAGE_SIZE, TIERS
from scoring.exports_dashboard import league_export, ranking_export
from scoring.models import Tier
from units.models import Cadre
from units.scope import get_scope

LEAGUE_HEADERS = [
    ("unit", gettext_lazy("Unit")),
    ("rated", gettext_lazy("Rated")),
    ("average", gettext_lazy("Average total")),
    ("sd", gettext_lazy("Standard deviation")),
    ("share_a", "A"),
    ("share_b", "B"),
    ("share_c", "C"),
    ("share_d", "D"),
    ("on_time", gettext_lazy("On time")),
    ("undistributed", gettext_lazy("Undistributed")),
    ("flags", gettext_lazy("Warning signs")),
]
RANKING_SORTS = [
    ("total", gettext_lazy("Total, highest first")),
    ("name", gettext_lazy("Name")),
    ("code", gettext_lazy("Code")),
    ("unit", gettext_lazy("Unit")),
    ("tier", gettext_lazy("Tier")),
]


def month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{number}/{year}"


def _dashboard_scope(request):
    """The user's scope if they may open dashboards (leader, head, deputy, admin); else 403."""
    scope = get_scope(request)
    if not scope.has_subtree_view:
        raise PermissionDenied
    return scope


def _get_dashboard_for_user(request):
    """Scope, pickable units, the chosen unit (404 outside the user's subtrees), its decided
    months and the chosen month (the newest by default; None when there is none)."""
    scope = _dashboard_scope(request)
    units = selectors.dashboard_units(scope)
    code = request.GET.get("unit")
    if code:
        unit = next((u for u in units if u.code == code), None)
    else:
        unit = selectors.default_unit(units)
    if unit is None:
        raise Http404
    top = min((u.depth for u in units), default=0)
    for u in units:
        u.indent = "\u00a0\u00a0\u00a0" * (u.depth - top)
    months = selectors.decided_months(unit)
    month = request.GET.get("month")
    if month not in months:
        month = months[0] if months else None
    return scope, units, unit, months, month


def _pickers(units, unit, months, month):
    return {
        "units": units,
        "unit": unit,
        "months": [(m, month_label(m)) for m in months],
        "month": month,
        "month_label": month_label(month) if month else "",
    }


def _league_headers(sort):
    headers = []
    for key, label in LEAGUE_HEADERS:
        if sort == key:
            state, next_sort = "ascending", f"-{key}"
        elif sort == f"-{key}":
            state, next_sort = "descending", key
        else:
            # Numbers read best highest first; the unit column in tree order.
            state, next_sort = "none", key if key == "unit" else f"-{key}"
        headers.append({"key": key, "label": label, "state": state, "next": next_sort})
    return headers


def _trend_tables(trend):
    everything = [*trend["series"], trend["whole"]]
    months = trend["months"]
    return {
        "months": months,
        "average": [(s["label"], s["average"]) for s in everything],
        "on_time": [(s["label"], s["on_time"]) for s in everything],
        "tiers": [
            (
                s["label"],
                [[(t, s["tiers"][t][i]) for t in TIERS] for i in range(len(months))],
            )
            for s in everything
        ],
    }


def dashboard(request):
    scope, units, unit, months, month = _get_dashboard_for_user(request)
    context = _pickers(units, unit, months, month)
    if month:
        data = selectors.dashboard_data(
            unit,
            month,
            months,
            units,
            sort=request.GET.get("sort"),
            viewer_code=scope.cadre.code if scope.cadre else None,
        )
        data.trend["months"] = [month_label(m) for m in data.trend["months"]]
        context |= {
            "data": data,
            "headers": _league_headers(data.sort),
            "tables": _trend_tables(data.trend),
            "tier_labels": dict(Tier.choices),
        }
    return render(request, "scoring/dashboard.html", context)


def _ranking_filters(request):
    tier = request.GET.get("tier", "")
    return {
        "job_group": request.GET.get("job_group", ""),
        "tier": tier if tier in (*TIERS, NOT_RATED) else "",
        "q": request.GET.get("q", "").strip()[:100],
        "sort": request.GET.get("sort", "total"),
    }


def ranking_page(request):
    _scope, units, unit, months, month = _get_dashboard_for_user(request)
    filters = _ranking_filters(request)
    context = _pickers(units, unit, months, month) | {"filters": filters}
    if month:
        results = selectors.ranking(unit, month, **filters)
        page = Paginator(results, RANKING_PAGE_SIZE).get_page(request.GET.get("page"))
        context |= {
            "page": page,
            "job_groups": selectors.job_groups(unit, month),
            "tiers": [(t, label) for t, label in Tier.choices] + [(NOT_RATED, _("Not rated"))],
            "sorts": RANKING_SORTS,
        }
    return render(request, "scoring/dashboard_ranking.html", context)


def cadre_page(request, code):
    scope = _dashboard_scope(request)
    cadre = get_object_or_404(Cadre, code=code)
    results = selectors.cadre_results(cadre, scope)
    if not results and not selectors.cadre_is_in_scope(cadre, scope):
        raise Http404
    context = {"cadre": cadre, "results": results}
    if results:
        month = request.GET.get("month") or results[-1].period.month
        result = next((r for r in results if r.period.month == month), None)
        if result is None:
            raise Http404
        is_self = scope.cadre is not None and scope.cadre.pk == cadre.pk
        context |= {
            "result": result,
            "month_label": month_label(month),
            "tasks": selectors.tasks_behind(cadre, month),
            "adjustments": selectors.adjustments_of(result),
            # A ratee sees the peer mean only from 3 submitted peer scorecards on (DESIGN §7).
            "show_peer": not is_self or result.peer_count >= 3,
            "history": {
                "months": [month_label(r.period.month) for r in results],
                "totals": [None if r.total is None else float(r.total) for r in results],
                "tiers": [r.tier for r in results],
                "labels": {"month": _("Month"), "total": _("Total (points)")},
            },
            "rows": [(r, month_label(r.period.month)) for r in results],
        }
    return render(request, "scoring/dashboard_cadre.html", context)


def export(request, table, fmt):
    scope, units, unit, months, month = _get_dashboard_for_user(request)
    if month is None:
        raise Http404
    if table == "league":
        data = selectors.dashboard_data(
            unit,
            month,
            months,
            units,
            sort=request.GET.get("sort"),
            viewer_code=scope.cadre.code if scope.cadre else None,
            with_trend=False,
        )
        return league_export(fmt, unit_code=unit.code, month=month, rows=data.league)
    results = selectors.ranking(unit, month, **_ranking_filters(request))
    return ranking_export(fmt, unit_code=unit.code, month=month, rows=results)
