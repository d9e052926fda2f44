"""Excel (.xlsx) and CSV files of the dashboard's league table and ranking.

One list of columns per table serves both formats. In the workbook numbers stay numbers (with a
number format), the header row is frozen and filterable and columns have widths; headers are in
the user's language (Vietnamese by default). Text that a spreadsheet would read as a formula
(beginning with = + - @, a tab or a carriage return) gets a leading apostrophe in both formats.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from scoring.dashboards.league import LeagueRow
from scoring.dashboards.scope import TIERS
from scoring.models import Result
from units.downloads import XLSX, attachment
from units.spreadsheets import NUMBER_FORMATS
from units.tabular import neutralise

CSV_PLACES = {"decimal": Decimal("0.01"), "percent": Decimal("0.1")}


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    kind: str  # text | int | decimal | percent | money
    value: Callable[[object], object]


def league_columns() -> list[Column]:
    columns = [
        Column(_("Unit code"), 14, "text", lambda r: r.unit.code),
        Column(_("Unit"), 40, "text", lambda r: r.unit.name),
        Column(_("Results"), 10, "int", lambda r: r.stats.results),
        Column(_("Rated"), 10, "int", lambda r: r.stats.rated),
        Column(_("Average total"), 14, "decimal", lambda r: r.stats.average),
        Column(_("Standard deviation"), 14, "decimal", lambda r: r.stats.sd),
    ]
    columns += [
        Column(
            _("Tier %(tier)s (%%)") % {"tier": t}, 11, "percent", lambda r, t=t: r.stats.share(t)
        )
        for t in TIERS
    ]
    columns += [
        Column(_("Tasks due"), 12, "int", lambda r: r.stats.due),
        Column(_("On time (%)"), 12, "percent", lambda r: r.stats.on_time_rate),
        Column(_("Pool (VND)"), 16, "money", lambda r: r.stats.pool),
        Column(_("Undistributed (VND)"), 18, "money", lambda r: r.stats.undistributed),
        Column(_("Warning signs"), 80, "text", lambda r: "; ".join(f.message for f in r.flags)),
    ]
    return columns


def ranking_columns() -> list[Column]:
    return [
        Column(_("Cadre code"), 14, "text", lambda r: r.cadre.code),
        Column(_("Full name"), 28, "text", lambda r: r.cadre.full_name),
        Column(_("Unit code"), 14, "text", lambda r: r.unit.code),
        Column(_("Unit"), 36, "text", lambda r: r.unit.name),
        Column(_("Job group"), 20, "text", lambda r: r.job_group),
        Column(_("General points"), 12, "decimal", lambda r: r.general),
        Column(_("Task points"), 12, "decimal", lambda r: r.task),
        Column(_("Bonus"), 10, "decimal", lambda r: r.bonus),
        Column(_("Penalty"), 10, "decimal", lambda r: r.penalty),
        Column(_("Total"), 10, "decimal", lambda r: r.total),
        Column(_("Tier before quota"), 12, "text", lambda r: r.tier_before_quota),
        Column(_("Tier"), 8, "text", lambda r: r.tier),
        Column(_("Rank in unit"), 12, "int", lambda r: r.rank_in_unit),
        Column(_("Rank in scope"), 12, "int", lambda r: r.rank_in_scope),
        Column(_("Reward (VND)"), 16, "money", lambda r: r.reward),
    ]


def _cell(column: Column, row) -> object:
    value = column.value(row)
    if value is None or value == "":
        return None
    if column.kind == "text":
        return neutralise(str(value))
    return value


def xlsx_bytes(title: str, columns: list[Column], rows: Iterable) -> bytes:
    """A one-sheet workbook, streamed row by row (write-only mode: 5,000 rows in about 1 s)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F3")
    header_alignment = Alignment(wrap_text=True, vertical="top")
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.fill, cell.alignment = header_font, header_fill, header_alignment
        header.append(cell)
    sheet.append(header)
    count = 1
    for row in rows:
        count += 1
        cells = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=_cell(column, row))
            if column.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.kind]
            cells.append(cell)
        sheet.append(cells)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count}"
    workbook.properties.creator = "FiveClear"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_value(column: Column, row) -> str:
    value = _cell(column, row)
    if value is None:
        return ""
    if column.kind in CSV_PLACES:
        return str(Decimal(value).quantize(CSV_PLACES[column.kind]))
    return str(value)


def csv_text(columns: list[Column], rows: Iterable) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    for row in rows:
        writer.writerow([_csv_value(c, row) for c in columns])
    return buffer.getvalue()


def export_response(
    fmt: str, filename: str, title: str, columns: list[Column], rows
) -> HttpResponse:
    """The file as an attachment; CSV is UTF-8 with a byte-order mark so Excel reads Vietnamese."""
    if fmt == "xlsx":
        return attachment(xlsx_bytes(title, columns, rows), f"{filename}.xlsx", XLSX)
    content = ("\ufeff" + csv_text(columns, rows)).encode("utf-8")
    return attachment(content, f"{filename}.{fmt}", "text/csv; charset=utf-8")


def league_export(fmt: str, *, unit_code: str, month: str, rows: list[LeagueRow]) -> HttpResponse:
    return export_response(
        fmt, f"bang-xep-hang-don-vi-{unit_code}-{month}", _("Units"), league_columns(), rows
    )


def ranking_export(fmt: str, *, unit_code: str, month: str, rows: Iterable[Result]) -> HttpResponse:
    return export_response(
        fmt, f"xep-hang-can-bo-{unit_code}-{month}", _("Ranking"), ranking_columns(), rows
    )
