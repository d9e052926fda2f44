"""The head's grid as an Excel workbook to fill in and upload back (`supervisor_grid_import`)."""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _

from scoring.io.formats import points_text
from scoring.models import Period, peer_parts_visible
from scoring.month.forms import shown_points
from scoring.month.grid import MANUAL_TASK, _grid_inputs, _unit_members
from scoring.month.services.grid import grid_criteria, latest_supervisor_cards
from units.models import Cadre, Unit
from units.spreadsheets import format_numbers
from units.tabular import neutralise


def grid_workbook(period: Period, unit: Unit, *, viewer: Cadre | None, today: dt.date) -> bytes:
    """Cadre codes, one column per criterion, the current points (those `viewer` may see), and
    a guide sheet. It holds every member but the viewer (nobody scores themself), and uploads
    back unchanged: a row still holding the points shown saves nothing."""
    from openpyxl import Workbook

    inputs = _grid_inputs(period, unit)
    general, task = grid_criteria(period)
    members = [m for m in _unit_members(inputs, unit) if viewer is None or m.cadre_id != viewer.pk]
    cards = latest_supervisor_cards(period, [m.cadre_id for m in members])
    columns = [*general, *([task] if task else [])]

    book = Workbook()
    sheet = book.active
    sheet.title = _("Scores")
    sheet.append(["cadre_code", "full_name", *[c.code for c in columns]])
    _header(sheet, columns, len(members))
    closed = period.cross_evaluation_closed(today)
    for member in members:
        card = cards.get(member.cadre_id)
        shown = card is not None and peer_parts_visible(
            closed=closed,
            peer_count=inputs.peer_counts.get(member.cadre.code, 0),
            ratee_id=member.cadre_id,
            viewer=viewer,
        )
        points = {line.criterion.code: line.points for line in card.lines.all()} if shown else {}
        result = inputs.results.get(member.cadre.code)
        manual = result is not None and result.task_source in MANUAL_TASK
        values = [points.get(c.code) for c in general]
        if task:
            values.append(points.get(task.code) if manual else None)
        sheet.append([member.cadre.code, neutralise(member.cadre.full_name), *values])
        if task and not manual:
            sheet.cell(row=sheet.max_row, column=len(columns) + 2).fill = _grey()
    _guide(book, columns, task)
    format_numbers(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _grey():
    from openpyxl.styles import PatternFill

    return PatternFill("solid", fgColor="DDDDDD")


def _header(sheet, columns, rows: int) -> None:
    """Each criterion's name and maximum as a comment on its header, and its values held
    between 0 and the maximum on the `rows` below."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    for index, criterion in enumerate(columns, start=3):
        cell = sheet.cell(row=1, column=index)
        maximum = points_text(criterion.max_points, trim=True)
        most = _("at most %(max)s") % {"max": maximum}
        cell.comment = Comment(f"{criterion.name} ({most})", "FiveClear")
        validation = DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2=shown_points(criterion.max_points),
            allow_blank=True,
            showErrorMessage=True,
            error=_("From 0 to %(max)s.") % {"max": maximum},
        )
        sheet.add_data_validation(validation)
        letter = cell.column_letter
        validation.add(f"{letter}2:{letter}{rows + 1}")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 30
    sheet.freeze_panes = "C2"


def _guide(book, columns, task) -> None:
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
    format_numbers(guide)
