"""Sample import files to download beside each import form: the Vietnamese headers of
`tabular.HEADERS` and a couple of example rows, as .xlsx or as CSV (UTF-8 with a BOM, which
Excel needs to read the diacritics). The units and cadres samples import as they are, one after
the other; the task sample after them.
"""

import csv
import datetime as dt
import io

from django.http import Http404, HttpResponse
from django.urls import reverse

from units.downloads import XLSX, attachment
from units.tabular import HEADERS

FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}
UNIT_EXAMPLES = [
    ["P-XP", "Phường Xuân Phương", "ward", ""],
    ["P-XP-VP", "Văn phòng HĐND và UBND", "office", "P-XP"],
    ["P-XP-KT", "Phòng Kinh tế, Hạ tầng và Đô thị", "department", "P-XP"],
]
CADRE_EXAMPLES = [
    ["CB900001", "Nguyễn Văn An", "P-XP-KT", "Lãnh đạo", "cấp trưởng", "an.nv@example.vn"],
    ["CB900002", "Trần Thị Bình", "P-XP-KT", "Chuyên viên", "nhân viên", ""],
    ["CB900003", "Lê Minh Châu", "P-XP-VP", "Văn thư - Hành chính", "nhân viên", ""],
]


def header(column: str) -> str:
    """The header a sample gives a column: its first Vietnamese name, else its own."""
    return HEADERS.get(column, (column,))[0]


def sample_file(columns, rows, fmt) -> bytes:
    """The sample table as bytes; dates (datetime.date) are written dd/mm/yyyy."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([header(c) for c in columns])
        for row in rows:
            writer.writerow([f"{v:%d/%m/%Y}" if isinstance(v, dt.date) else v for v in row])
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    return _workbook(columns, rows)


def _workbook(columns, rows) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.append([header(c) for c in columns])
    for row in rows:
        sheet.append([v if v != "" else None for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        width = max(len(str(v or "")) for v in [header(column), *(r[index - 1] for r in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 40)
        for cell in sheet[get_column_letter(index)][1:]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def listing(title, columns, url_name, *args) -> dict:
    """What an import page says of one sample: its columns (header and English name) and
    where to download it (the URL `url_name` with `args` and the format)."""
    return {
        "title": title,
        "columns": [{"header": header(c), "name": c} for c in columns],
        "xlsx": reverse(url_name, args=[*args, "xlsx"]),
        "csv": reverse(url_name, args=[*args, "csv"]),
    }


def sample_response(name, columns, rows, fmt) -> HttpResponse:
    """The sample as a download named `name`.csv or `name`.xlsx; 404 for another format."""
    if fmt not in FORMATS:
        raise Http404
    return attachment(sample_file(columns, rows, fmt), f"{name}.{fmt}", FORMATS[fmt])
