"""The grid as a workbook, its upload, and a cadre's tasks of the month."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scoring.errors import ScoringError
from scoring.models import PeriodMember
from scoring.month.forms import GridUploadForm
from scoring.month.selectors.results import month_tasks
from scoring.month.services.grid import supervisor_grid_import
from scoring.month.views.common import _get_period, _get_period_unit, _today
from scoring.month.views.grid import grid
from scoring.month.workbook import grid_workbook
from units.downloads import XLSX, attachment
from units.scope import get_scope
from units.tabular import ImportFailed


def grid_excel(request, pk, code):
    """The grid as an Excel template: cadre codes, one column per criterion, current points."""
    period, unit = _get_period_unit(request, pk, code)
    content = grid_workbook(period, unit, viewer=get_scope(request).cadre, today=_today())
    return attachment(content, f"cham-diem-{period.month}-{unit.code}.xlsx", XLSX)


@require_POST
def grid_upload(request, pk, code):
    """The filled-in template back: all rows saved, or none with every error listed."""
    period, unit = _get_period_unit(request, pk, code, write=True)
    form = GridUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        too_large = form.has_error("file", "too_large")
        messages.error(
            request, form.errors["file"][0] if too_large else _("Choose a file to upload.")
        )
        return redirect("month:grid", period.pk, unit.code)
    try:
        counts = supervisor_grid_import(
            period=period,
            unit=unit,
            rater=get_scope(request).cadre,
            data=form.cleaned_data["file"].read(),
            user=request.user,
        )
    except ImportFailed as failure:
        name = form.cleaned_data["file"].name
        return grid(request, pk, code, upload_failure=failure, uploaded_name=name, status=400)
    except ScoringError as refusal:
        messages.error(request, refusal.message)
        return redirect("month:grid", period.pk, unit.code)
    messages.success(
        request,
        _(
            "Uploaded: %(saved)s rows saved, %(unchanged)s rows unchanged, %(skipped)s empty "
            "rows skipped."
        )
        % counts,
    )
    return redirect("month:grid", period.pk, unit.code)


def cadre_tasks(request, pk, code):
    """The tasks of a cadre that count in the month's T (docs/RULES.md §1)."""
    period = _get_period(pk)
    member = get_object_or_404(
        PeriodMember.objects.select_related("cadre", "unit"), period=period, cadre__code=code
    )
    scope = get_scope(request)
    own = scope.is_self(member.cadre_id)
    if not scope.can_see_cadre(member.cadre_id, unit=member.unit):
        raise Http404
    tasks = month_tasks(period, member.cadre)
    return render(
        request,
        "scoring/month/tasks.html",
        {"period": period, "member": member, "tasks": tasks, "own": own},
    )
