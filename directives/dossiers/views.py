"""The dossier ratings pages (docs/RULES.md §7): heads (and deputies) import the ratings of the
units they manage, administrators of any unit; the month's comments reach the unit's head and
the leaders over it, never a peer nor the public."""

import datetime as dt

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from directives.dossiers import selectors
from directives.dossiers.imports import DOSSIER_COLUMNS, DOSSIER_OPTIONAL, dossiers_import
from directives.forms import UploadForm
from units.import_page import import_page
from units.samples import listing, sample_response
from units.scope import require_manager, unit_or_404

SAMPLE_COLUMNS = [*DOSSIER_COLUMNS, *DOSSIER_OPTIONAL]
# They import after the units and cadres sample (units.samples): CB900002 is of P-XP-KT.
SAMPLE_ROWS = [
    ["HS-2026-0001", "P-XP-KT", "CB900002", dt.date(2026, 3, 5), "có", "Rất hài lòng", "", ""],
    [
        "HS-2026-0002",
        "P-XP-KT",
        "CB900002",
        dt.date(2026, 3, 9),
        "không",
        "Không hài lòng",
        "Hẹn trả kết quả nhưng phải đi lại hai lần",
        "có",
    ],
    ["HS-2026-0003", "P-XP-KT", "CB900002", dt.date(2026, 3, 12), "có", "Hài lòng", "", ""],
]


def dossier_import(request):
    """Heads (and deputies) import the ratings of the units they act on; administrators any."""
    scope = require_manager(request)
    within = None if scope.is_admin else scope.act_paths

    def run(data):
        return dossiers_import(
            data=data["file"].read(),
            user=request.user,
            within_paths=within,
            file_name=data["file"].name,
        )

    sample = listing(_("Dossier ratings"), SAMPLE_COLUMNS, "directives:dossier_import_sample")
    return import_page(
        request,
        form_class=UploadForm,
        run=run,
        template="directives/dossier_import.html",
        done="directives:dossier_import",
        context={"samples": [sample], "own_units": within is not None},
    )


def dossier_import_sample(request, fmt):
    require_manager(request)
    return sample_response("mau-danh-gia-ho-so", SAMPLE_COLUMNS, SAMPLE_ROWS, fmt)


def _month(value: str) -> str:
    if len(value) != 7 or value[4] != "-" or not value[:4].isdigit() or not value[5:].isdigit():
        raise Http404
    if not 1 <= int(value[5:]) <= 12:
        raise Http404
    return value


def dossier_comments(request, code, month):
    """The rated comments of a unit's month: its head and the leaders over it only (404 for an
    outsider, 403 for a member of the unit without a role over it)."""
    unit = unit_or_404(request, code, need="browse")
    month = _month(month)
    first, last = selectors.month_days(month)
    comments = list(selectors.unit_comments(unit, first, last))
    figures = selectors.unit_figures([unit], first, last)[unit.pk]
    context = {
        "unit": unit,
        "month": month,
        "comments": comments,
        "figures": figures,
    }
    return render(request, "directives/dossier_comments.html", context)
