"""The year of docs/RULES.md §1 for heads and leaders over their subtree."""

from django.shortcuts import redirect, render
from django.utils import timezone

from scoring.models import TIERS
from scoring.month.selectors.periods import year_results
from units.scope import top_unit_or_404, unit_or_404, year_or_404


def year_start(request):
    """The navigation's entry: this year of the widest unit the user may browse (a leader's
    ward, a head's unit, the root for an administrator)."""
    unit = top_unit_or_404(request)
    return redirect("periods:year", year=timezone.localdate().year, code=unit.code)


def year_page(request, code, year):
    unit = unit_or_404(request, code, need="browse", related=("parent",))
    year_or_404(year)
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
