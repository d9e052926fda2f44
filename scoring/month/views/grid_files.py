"""The grid as a workbook, its upload, and a cadre's tasks of the month."""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directives.models import Task
from directives.selectors import with_counts
from scoring.errors import ScoringError
from scoring.io.formats import points_text
from scoring.models import PeriodMember, peer_parts_visible
from scoring.month.forms import GridUploadForm, shown_points
from scoring.month.grid import _grid_inputs, _unit_members
from scoring.month.services.grid import (
    grid_criteria,
    latest_supervisor_cards,
    supervisor_grid_import,
)
from scoring.month.views.common import MANUAL_TASK, _get_period, _get_period_unit, _today
from scoring.month.views.grid import grid
from units.scope import get_scope
from units.spreadsheets import format_numbers
from units.tabular import ImportFailed, neutralise


def grid_excel(request, pk, code):
    """The grid as an Excel template: cadre codes, one column per criterion, current points.

    It holds every member but the viewer (nobody scores themself), and uploads back unchanged:
    a row still holding the points shown saves nothing (`supervisor_grid_import`)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    period, unit = _get_period_unit(request, pk, code)
    viewer = get_scope(request).cadre
    inputs = _grid_inputs(period, unit)
    general, task = grid_criteria(period)
    members = [m for m in _unit_members(inputs, unit) if viewer is None or m.cadre_id != viewer.pk]
    results = inputs.results
    cards = latest_supervisor_cards(period, [m.cadre_id for m in members])

    book = Workbook()
    sheet = book.active
    sheet.title = _("Scores")
    columns = [*general, *([task] if task else [])]
    sheet.append(["cadre_code", "full_name", *[c.code for c in columns]])
    for index, criterion in enumerate(columns, start=3):
        cell = sheet.cell(row=1, column=index)
        most = _("at most %(max)s") % {"max": points_text(criterion.max_points, trim=True)}
        cell.comment = Comment(f"{criterion.name} ({most})", "FiveClear")
        validation = DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2=shown_points(criterion.max_points),
            allow_blank=True,
            showErrorMessage=True,
            error=_("From 0 to %(max)s.") % {"max": points_text(criterion.max_points, trim=True)},
        )
        sheet.add_data_validation(validation)
        letter = cell.column_letter
        validation.add(f"{letter}2:{letter}{len(members) + 1}")
    grey = PatternFill("solid", fgColor="DDDDDD")
    viewer = get_scope(request).cadre
    closed = period.cross_evaluation_closed(_today())
    for member in members:
        card = cards.get(member.cadre_id)
        shown = card is not None and peer_parts_visible(
            closed=closed,
            peer_count=inputs.peer_counts.get(member.cadre.code, 0),
            ratee_id=member.cadre_id,
            viewer=viewer,
        )
        points = {line.criterion.code: line.points for line in card.lines.all()} if shown else {}
        result = results.get(member.cadre.code)
        manual = result is not None and result.task_source in MANUAL_TASK
        values = [points.get(c.code) for c in general]
        if task:
            values.append(points.get(task.code) if manual else None)
        sheet.append([member.cadre.code, neutralise(member.cadre.full_name), *values])
        if task and not manual:
            sheet.cell(row=sheet.max_row, column=len(columns) + 2).fill = grey
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 30
    sheet.freeze_panes = "C2"

    guide = book.create_sheet(_("Guide"))
    guide.append([_("Criterion"), _("Criterion name"), _("Maximum")])
    for criterion in columns:
        guide.append([criterion.code, neutralise(criterion.name), criterion.max_points])
    guide.append([])
    guide.append([_("Fill in the points of each cadre, then upload the file on the grid page.")])
    if task:
        guide.append(
            [
                _("%(code)s only for a cadre with no task in the month (grey cells stay empty).")
                % {"code": task.code}
            ]
        )
    guide.append([_("A row left empty is skipped; a row with some points needs them all.")])

    format_numbers(sheet)
    format_numbers(guide)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"cham-diem-{period.month}-{unit.code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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
    tasks = (
        with_counts(Task.objects.filter(assignee=member.cadre))
        .due_in_month(period.first_day, period.last_day)
        .order_by("effective_deadline", "code")
    )
    return render(
        request,
        "scoring/month/tasks.html",
        {"period": period, "member": member, "tasks": tasks, "own": own},
    )
