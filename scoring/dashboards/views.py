"""Leader dashboards (issue 6): a scope's decided months, its ranking, one cadre, exports.

For leaders, heads (and deputies) over their subtree and administrators over everything
(docs/RULES.md §3). A plain cadre gets 403 on every page; a unit or cadre outside the user's
subtrees answers 404. The pages read decided results only and never say who rated whom, except the
flags' rater names, which only these managers see.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from directives.dossiers.selectors import late_dossiers
from directives.models import Task
from scoring.dashboards import league as selectors_league
from scoring.dashboards import ranking as selectors_ranking
from scoring.dashboards import scope as selectors_scope
from scoring.dashboards import selectors as selectors_selectors
from scoring.dashboards.exports import league_export, ranking_export
from scoring.dashboards.on_time import on_time_figure, year_months
from scoring.dashboards.output import output_figure
from scoring.dashboards.scope import (
    NOT_RATED,
    ON_TIME,
    RANKING_PAGE_SIZE,
    TIERS,
    UNITS_PAGE_SIZE,
)
from scoring.dashboards.summaries import ScopeSums
from scoring.models import Tier, month_bounds, peer_parts_visible
from scoring.month.selectors.inputs import is_month
from units.formats import month_text
from units.models import Cadre
from units.paging import paged
from units.scope import get_scope, unit_or_404
from units.tabular import grouped

LEAGUE_HEADERS = [
    ("unit", gettext_lazy("Unit")),
    ("rated", gettext_lazy("Rated")),
    ("average", gettext_lazy("Average total")),
    ("change", gettext_lazy("Change from last month")),
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


def _dashboard_scope(request):
    """The user's scope if they may open dashboards (leader, head, deputy, admin); else 403."""
    scope = get_scope(request)
    if not scope.has_subtree_view:
        raise PermissionDenied
    return scope


def _get_dashboard_for_user(request):
    """Scope, the unit asked for (404 outside the user's subtrees), its decided months, the
    month asked for (the newest by default; None when there is none) and the months' stamp."""
    scope = _dashboard_scope(request)
    unit = selectors_scope.dashboard_unit(scope, request.GET.get("unit"))
    if unit is None:
        raise Http404
    months, stamp = selectors_scope.months_and_stamp(unit)
    month = request.GET.get("month")
    if month not in months:
        month = months[0] if months else None
    return scope, unit, months, month, stamp


def _page_context(unit, months, month):
    return {
        "unit": unit,
        "months": [(m, month_text(m)) for m in months],
        "month": month,
        "month_label": month_text(month) if month else "",
    }


def _cached(request, stamp: str, render) -> str:
    """The HTML `render()` gives for this request, kept while the decided months stay as they
    are.

    A decided month's figures change by a decision, a correction decided or a task written,
    each of which changes the stamp; names behind the figures may change meanwhile, so a copy
    lives at most DASHBOARD_CACHE_SECONDS.
    The key holds all the HTML depends on: the page and its parameters, the language, the
    user's scope (the unit picker) and cadre (flags about them are not shown to them).
    """
    scope = get_scope(request)
    parts = (
        stamp,
        request.path,
        sorted(request.GET.lists()),
        get_language(),
        scope.is_admin,
        scope.read_paths,
        scope.cadre.code if scope.cadre else None,
    )
    key = "dashboard:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, settings.DASHBOARD_CACHE_SECONDS)
    return mark_safe(html)  # our own template's output, escaped when it was rendered


def _cached_figure(parts: tuple, compute):
    """A figure (its HTML) that depends on the unit, the month and the decided months (`parts`
    holds the stamp), not on the viewer: one copy for every viewer, for DASHBOARD_CACHE_SECONDS
    at most."""
    key = "dashboard-figure:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    figure = cache.get(key)
    if figure is None:
        figure = compute()
        cache.set(key, figure, settings.DASHBOARD_CACHE_SECONDS)
    return figure


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


# The figures below the league page apart from it, each in its own order (work on time: the
# units below the target first, the lowest first; the output: by code): page 1 of work on time
# shows the scope's worst units whatever the league's sort. (parameter, the section's anchor)
FIGURE_PAGES = {
    "on_time": ("on_time_page", "on-time"),
    "output": ("output_page", "converted-output"),
}


def _figure_html(request, name: str, template: str, figure: dict, month: str) -> str:
    param, anchor = FIGURE_PAGES[name]
    figure["pages"] = paged(
        request, figure["rows"], UNITS_PAGE_SIZE, param, anchor=anchor, units=True
    )
    return render_to_string(template, {name: figure, "month": month}, request)


def _figures(request, unit, month: str, months: list[str], stamp: str, sums) -> dict:
    """Work on time and the converted output as HTML, kept like the body under the same stamp
    and time limit (a city's hundreds of wards drawn again on every view cost more than the
    rest); one copy for every viewer of the same address (the page links keep its parameters)."""
    figures = {}
    for name, template, figure in (
        (
            "output",
            "scoring/dashboard_output.html",
            lambda: output_figure(unit, month, months, sums),
        ),
        (
            "on_time",
            "scoring/dashboard_on_time.html",
            lambda: on_time_figure(unit, month, sums=sums),
        ),
    ):
        figures[name] = mark_safe(  # our own template's output, escaped when rendered
            _cached_figure(
                (name, stamp, unit.pk, month, get_language(), sorted(request.GET.lists())),
                lambda t=template, f=figure, n=name: _figure_html(request, n, t, f(), month),
            )
        )
    return figures


def dashboard(request):
    scope, unit, months, month, stamp = _get_dashboard_for_user(request)
    context = _page_context(unit, months, month)
    if month:
        sort = request.GET.get("sort")
        context["sort"] = selectors_league.league_sort(sort)
        # The subtree rows the body, work on time and the output add up, read once (when one
        # of them is not cached): the trend's window holds the output's months, the year's
        # decided months those of work on time.
        sums = ScopeSums(unit, [*selectors_scope.trend_window(months, month), *year_months(month)])

        def body():
            data = selectors_selectors.dashboard_data(
                unit,
                month,
                months,
                sort=sort,
                viewer_code=scope.cadre.code if scope.cadre else None,
                sums=sums,
            )
            data.trend["months"] = [month_text(m) for m in data.trend["months"]]
            body_context = context | {
                "units": selectors_scope.picker_units(scope, unit),
                "data": data,
                # Only the page's rows are drawn: sorting needs every row's figures, drawing
                # them is what a city's 769 wards cost.
                "league": paged(
                    request, data.league, UNITS_PAGE_SIZE, anchor="league-title", units=True
                ),
                "headers": _league_headers(data.sort),
                "tables": _trend_tables(data.trend),
                "tier_labels": dict(Tier.choices),
            }
            return render_to_string("scoring/dashboard.html#body", body_context, request)

        context["body"] = _cached(request, stamp, body)
        context |= _figures(request, unit, month, months, stamp, sums)
    else:
        context["units"] = selectors_scope.picker_units(scope, unit)
    return render(request, "scoring/dashboard.html", context)


def _ranking_filters(request):
    tier = request.GET.get("tier", "")
    return {
        "job_group": request.GET.get("job_group", ""),
        "tier": tier if tier in (*TIERS, NOT_RATED) else "",
        "q": request.GET.get("q", "").strip()[:100],
        "sort": request.GET.get("sort", "total"),
    }


def _ranking_page(request, results, all_rows: bool):
    """A page of RANKING_PAGE_SIZE rows and its links, or with `all_rows` (`?all=1`, the print
    view) every row on one page up to RANKING_PRINT_MAX_ROWS: a city's 100,000 cadres would be
    one request of 100,000 rows, and no leader prints that. With what the page says of the rows
    left out."""
    if not all_rows:
        pages = paged(request, results, RANKING_PAGE_SIZE)
        return pages.page, pages, ""
    paginator = Paginator(results, RANKING_PAGE_SIZE)
    cap = settings.RANKING_PRINT_MAX_ROWS
    paginator.per_page = max(min(paginator.count, cap), 1)
    left_out = _left_out(cap, paginator.count) if paginator.count > cap else ""
    return paginator.page(1), None, left_out


def _left_out(shown: int, total: int) -> str:
    left = total - shown
    return ngettext(
        "The print view holds the first %(shown)s of %(total)s cadres: %(left)s cadre is left "
        "out. Narrow the unit, job group or tier, or download the Excel file, which holds "
        "every row.",
        "The print view holds the first %(shown)s of %(total)s cadres: %(left)s cadres are left "
        "out. Narrow the unit, job group or tier, or download the Excel file, which holds "
        "every row.",
        left,
    ) % {"shown": grouped(shown), "total": grouped(total), "left": grouped(left)}


def ranking_page(request):
    scope, unit, months, month, stamp = _get_dashboard_for_user(request)
    context = _page_context(unit, months, month)
    if month:

        def body():
            filters = _ranking_filters(request)
            all_rows = request.GET.get("all") == "1"
            results = selectors_ranking.ranking(unit, month, **filters)
            page, pages, left_out = _ranking_page(request, results, all_rows)
            body_context = context | {
                "units": selectors_scope.picker_units(scope, unit),
                "filters": filters,
                "job_groups": selectors_ranking.job_groups(unit, month),
                "tiers": [(t, label) for t, label in Tier.choices] + [(NOT_RATED, _("Not rated"))],
                "sorts": RANKING_SORTS,
                "page": page,
                "pages": pages,
                "all_rows": all_rows,
                "left_out": left_out,
            }
            return render_to_string("scoring/dashboard_ranking.html#body", body_context, request)

        context["body"] = _cached(request, stamp, body)
    else:
        context["units"] = selectors_scope.picker_units(scope, unit)
    return render(request, "scoring/dashboard_ranking.html", context)


def late_items(request, code, month):
    """The tasks and dossiers of a unit (and its subtree) not done on time in a month: those
    who open dashboards over the unit (403 for anyone else, 404 outside their subtrees)."""
    _dashboard_scope(request)
    unit = unit_or_404(request, code, need="browse")
    if not is_month(month):
        raise Http404
    first, last = month_bounds(month)
    context = {
        "unit": unit,
        "month": month,
        "month_label": month_text(month),
        "tasks": list(
            Task.objects.due_in_month(first, last)
            .filter(unit__path__startswith=unit.path)
            .exclude(ON_TIME)
            .select_related("assignee", "unit")
            .order_by("effective_deadline", "code")
        ),
        "dossiers": list(late_dossiers(unit, first, last)),
    }
    return render(request, "scoring/dashboard_late.html", context)


def cadre_page(request, code):
    scope = _dashboard_scope(request)
    cadre = get_object_or_404(Cadre, code=code)
    results = selectors_ranking.cadre_results(cadre, scope)
    if not results and not scope.can_see_cadre(cadre):
        raise Http404
    context = {"cadre": cadre, "results": results}
    if results:
        month = request.GET.get("month") or results[-1].period.month
        result = next((r for r in results if r.period.month == month), None)
        if result is None:
            raise Http404
        context |= {
            "result": result,
            "month_label": month_text(month),
            "tasks": selectors_ranking.tasks_behind(cadre, month),
            "adjustments": selectors_ranking.adjustments_of(result),
            "parts_visible": peer_parts_visible(
                closed=result.period.cross_evaluation_closed(timezone.localdate()),
                peer_count=result.peer_count,
                ratee_id=cadre.pk,
                viewer=scope.cadre,
            ),
            "history": {
                "months": [month_text(r.period.month) for r in results],
                "totals": [None if r.total is None else float(r.total) for r in results],
                "tiers": [r.tier for r in results],
                "labels": {"month": _("Month"), "total": _("Total (points)")},
            },
            "rows": [(r, month_text(r.period.month)) for r in results],
        }
    return render(request, "scoring/dashboard_cadre.html", context)


def export(request, table, fmt):
    scope, unit, months, month, _stamp = _get_dashboard_for_user(request)
    if month is None:
        raise Http404
    if table == "league":
        data = selectors_selectors.dashboard_data(
            unit,
            month,
            months,
            sort=request.GET.get("sort"),
            viewer_code=scope.cadre.code if scope.cadre else None,
            with_trend=False,
            all_flags=True,
        )
        return league_export(fmt, unit_code=unit.code, month=month, rows=data.league)
    results = selectors_ranking.ranking(unit, month, **_ranking_filters(request))
    return ranking_export(fmt, unit_code=unit.code, month=month, rows=results)
