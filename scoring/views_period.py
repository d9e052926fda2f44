"""The year of docs/RULES.md §1 for heads and leaders over their subtree."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from scoring.selectors import year_results
from units.models import Unit
from units.scope import get_scope

TIERS = ["A", "B", "C", "D"]


def _get_browsable_unit(request, code):
    """The unit, if the user holds a role over it (or is an administrator): 404 for outsiders,
    403 for someone who only sees it as their own unit."""
    unit = get_object_or_404(Unit.objects.select_related("parent"), code=code)
    scope = get_scope(request)
    if not scope.can_view(unit):
        raise Http404
    if not scope.can_browse(unit):
        raise PermissionDenied
    return unit


def year_start(request):
    """The navigation's entry: this year of the widest unit the user may browse (a leader's
    ward, a head's unit, the root for an administrator)."""
    scope = get_scope(request)
    if not scope.has_subtree_view:
        raise PermissionDenied
    units = (
        Unit.objects.filter(parent__isnull=True)
        if scope.is_admin
        else Unit.objects.filter(path__in=scope.read_paths)
    )
    unit = units.order_by("depth", "code").first()
    if unit is None:
        raise Http404
    return redirect("periods:year", year=timezone.localdate().year, code=unit.code)


def year_page(request, code, year):
    unit = _get_browsable_unit(request, code)
    if not 2000 <= year <= 2100:
        raise Http404
    table = year_results(year=year, scope=unit)
    rows = sorted(
        table.rows,
        key=lambda r: (r.rank_in_scope is None, r.rank_in_scope or 0, r.code),
    )
    spread = {tier: sum(1 for r in rows if r.tier == tier) for tier in TIERS}
    context = {
        "unit": unit,
        "year": year,
        "months": table.months,
        "rows": [(r, table.names.get(r.code, "")) for r in rows],
        "spread": spread,
        "not_rated": sum(1 for r in rows if r.tier is None),
    }
    return render(request, "scoring/year.html", context)
