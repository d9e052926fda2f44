"""The office pages and downloads (docs/RULES.md §3 "Printed documents and publicity").

Each view resolves its object through the scope first: 404 for whoever may not know it exists,
403 for a cadre asking about their own unit's pages kept for its heads and leaders.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.models import Period, PeriodMember, Result, peer_parts_visible
from scoring.month.selectors.periods import year_results
from scoring.month.selectors.rating import PUBLISHED_PHASES
from scoring.month.views.common import _get_membership, _get_period
from scoring.office import documents, pdf, sheets
from scoring.office.selectors import my_year, public_results
from units.downloads import PDF, XLSX, attachment
from units.models import Unit
from units.scope import cadre_or_404, get_scope, unit_or_404, year_or_404


def _today():
    return timezone.localdate()


def _pdf_response(built) -> HttpResponse:
    document, filename = built
    return attachment(pdf.render(document), filename, PDF)


def _period_unit(request, pk, code) -> tuple[Period, Unit]:
    """A decided period and a unit of its scope the user reads in depth: 404 for an outsider or
    a month not decided, 403 for a cadre of the unit without a role over it."""
    period = _get_period(pk)
    unit = get_object_or_404(Unit.objects.select_related("parent"), code=code)
    scope = get_scope(request)
    if not unit.path.startswith(period.scope.path) or not scope.can_view(unit):
        raise Http404
    if not scope.can_browse(unit):
        raise PermissionDenied
    if not period.is_frozen:
        raise Http404
    return period, unit


# --- the notice of a cadre's month --------------------------------------------------------------


def _notice(request, period, member) -> HttpResponse:
    result = get_object_or_404(Result, period=period, cadre=member.cadre)
    visible = peer_parts_visible(
        closed=period.cross_evaluation_closed(_today()),
        peer_count=result.peer_count,
        ratee_id=member.cadre_id,
        viewer=get_scope(request).cadre,
    )
    return _pdf_response(
        documents.notice(
            period=period,
            result=result,
            cadre=member.cadre,
            unit=member.unit,
            parts_visible=visible,
        )
    )


def notice(request, pk):
    """The cadre's own notice, once the month is published."""
    period, member = _get_membership(request, pk)
    if period.phase not in PUBLISHED_PHASES:
        raise Http404
    return _notice(request, period, member)


def cadre_notice(request, pk, code):
    """A cadre's notice for the heads and leaders over their unit, once the month is decided."""
    period = _get_period(pk)
    member = get_object_or_404(
        PeriodMember.objects.select_related("cadre", "unit__parent"),
        period=period,
        cadre__code=code,
    )
    scope = get_scope(request)
    own = scope.cadre is not None and scope.cadre.pk == member.cadre_id
    # The cadre reads their own once published (as `notice`); a head or leader once decided.
    if own and period.phase in PUBLISHED_PHASES:
        return _notice(request, period, member)
    if own or not scope.can_browse(member.unit) or not period.is_frozen:
        raise Http404
    return _notice(request, period, member)


# --- the unit's month: the printable table, its PDF, the minutes ---------------------------------


def unit_results(request, pk, code):
    """Every result of the unit's month on one page, laid out to print and sign."""
    period, unit = _period_unit(request, pk, code)
    rows = documents.unit_rows(period, unit)
    context = {
        "period": period,
        "unit": unit,
        "rows": rows,
        "printed_on": _today(),
    }
    return render(request, "scoring/office/unit_results.html", context)


def unit_results_pdf(request, pk, code):
    period, unit = _period_unit(request, pk, code)
    return _pdf_response(documents.unit_table(period=period, unit=unit))


def minutes_pdf(request, pk, code):
    period, unit = _period_unit(request, pk, code)
    return _pdf_response(documents.minutes(period=period, unit=unit))


# --- publicity ---------------------------------------------------------------------------------


def public(request, pk):
    """The cadre's unit's published month, where the regulation makes results public."""
    period, member = _get_membership(request, pk)
    if period.phase not in PUBLISHED_PHASES:
        raise Http404
    if not period.regulation.results_public:
        raise PermissionDenied(
            _("The regulation of this month does not make the unit's results public.")
        )
    context = {
        "period": period,
        "member": member,
        "unit": member.unit,
        "rows": public_results(period, member.unit),
    }
    return render(request, "scoring/office/public.html", context)


# --- the year ----------------------------------------------------------------------------------


def _unit_year(request, code, year):
    """The unit the user browses with its parent, and its year of results."""
    unit = unit_or_404(request, code, need="browse", related=("parent",))
    return unit, year_results(year=year_or_404(year), scope=unit)


def year_pdf(request, code, year):
    unit, table = _unit_year(request, code, year)
    return _pdf_response(documents.year_sheet(table=table, unit=unit, year=year, on=_today()))


def year_xlsx(request, code, year):
    unit, table = _unit_year(request, code, year)
    title = _("Year %(year)s") % {"year": year}
    return attachment(sheets.year_xlsx(table, title), f"ket-qua-nam-{year}-{unit.code}.xlsx", XLSX)


def my_year_start(request):
    cadre_or_404(request, None)
    return redirect("office:my_year", year=_today().year)


def my_year_page(request, year):
    cadre = cadre_or_404(request, None)
    year_or_404(year)
    context = {"cadre": cadre, "year": year, "data": my_year(cadre, year)}
    return render(request, "scoring/office/my_year.html", context)


def my_year_xlsx(request, year):
    cadre = cadre_or_404(request, None)
    year_or_404(year)
    content = sheets.my_year_xlsx(my_year(cadre, year), _("Year %(year)s") % {"year": year})
    return attachment(content, f"nam-{year}-{cadre.code}.xlsx", XLSX)
