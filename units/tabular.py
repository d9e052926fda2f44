"""Reading import files (CSV UTF-8 or .xlsx) into rows, and collecting row errors; the one
rule every CSV and .xlsx export follows against formula injection (`neutralise`).

Every importer follows one pattern: read the whole table, validate every row while collecting
`RowError`s, raise `ImportFailed` with all of them before writing anything, then write in one
transaction. Row numbers are the ones a spreadsheet shows: the header is row 1.

A header cell names its column in English (`full_name`) or in Vietnamese (`Họ và tên`, see
HEADERS), in any case, with or without diacritics; every cell's text is NFC and trimmed. A file
is read up to settings.IMPORT_MAX_ROWS rows and refused at the next one (docs/RULES.md, imports).
"""

import csv
import datetime as dt
import functools
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from xml.etree import ElementTree

from django.conf import settings
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from units.formats import FormatError, clean_text, parse_date, parse_decimal, parse_vnd

XLSX_MAGIC = b"PK\x03\x04"
MAX_LISTED = 200  # errors a page or the command line lists; the rest are counted
MAX_COLUMNS = 100  # the widest import (the grid) has a dozen
# openpyxl holds a whole row in memory: a small .xlsx of one row with millions of cells (a "zip
# bomb") would exhaust it, so a workbook is refused when it unpacks to more than this, or when a
# row of a sheet holds more than MAX_COLUMNS cells.
MAX_UNZIPPED_BYTES = 64 * 2**20
MAX_DIGITS = 15  # before the decimal point: no amount, count or score of this app needs more
# OWASP "CSV injection": a text cell starting with one of these may run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# The Vietnamese headers accepted for each column besides its English name; the first is the one
# the sample files use. A header may name one column only, whatever the import.
HEADERS = {
    "code": ("Mã", "Mã số"),
    "name": ("Tên", "Tên đơn vị", "Tên sản phẩm"),
    "kind": ("Loại", "Loại đơn vị"),
    "parent_code": ("Mã đơn vị cha", "Đơn vị cha"),
    "full_name": ("Họ và tên", "Họ tên"),
    "unit_code": ("Mã đơn vị", "Đơn vị"),
    "job_group": ("Nhóm chức danh", "Nhóm vị trí việc làm", "Chức danh"),
    "role": ("Vai trò",),
    "email": ("Email", "Thư điện tử"),
    "title": ("Tiêu đề", "Tên nhiệm vụ"),
    "assignee_code": ("Người thực hiện", "Mã người thực hiện"),
    "assigned_by_code": ("Người giao", "Mã người giao"),
    "assigned_on": ("Ngày giao",),
    "deadline": ("Hạn", "Hạn hoàn thành", "Thời hạn"),
    "expected_result": ("Kết quả dự kiến",),
    "weight": ("Trọng số",),
    "completed_on": ("Ngày hoàn thành",),
    "accepted": ("Đạt yêu cầu",),
    "major_errors": ("Lỗi nghiêm trọng", "Số lỗi nghiêm trọng"),
    "delays": ("Chậm muộn", "Số lần chậm muộn"),
    "product_code": ("Mã sản phẩm", "Mã sản phẩm quy chuẩn"),
    "quantity": ("Số lượng",),
    "name_en": ("Tên tiếng Anh",),
    "unit_of_measure": ("Đơn vị tính",),
    "coefficient": ("Hệ số quy đổi", "Hệ số"),
    "note": ("Ghi chú",),
    "dossier_code": ("Mã hồ sơ", "Số hồ sơ"),
    "cadre_code": ("Mã cán bộ xử lý", "Cán bộ xử lý", "Mã cán bộ"),
    "handled_on": ("Ngày xử lý", "Ngày trả kết quả"),
    "on_time": ("Đúng hạn",),
    "rating": ("Mức độ hài lòng", "Đánh giá"),
    "comment": ("Ý kiến", "Góp ý"),
    "verified": ("Đã xác minh", "Phản ánh đã xác minh"),
    "inspection_ref": ("Số cuộc kiểm tra", "Mã cuộc kiểm tra", "Số biên bản"),
    "inspected_on": ("Ngày kiểm tra",),
    "scope": ("Phạm vi kiểm tra", "Phạm vi", "Nội dung kiểm tra"),
    "surprise": ("Hình thức kiểm tra", "Hình thức"),
    "summary": ("Tóm tắt", "Kết luận"),
    "finding": ("Nội dung phát hiện", "Phát hiện"),
    "against_code": ("Mã cán bộ vi phạm", "Cán bộ vi phạm", "Đối tượng"),
    "handling": ("Hướng xử lý đề xuất", "Đề xuất xử lý", "Hình thức xử lý"),
    "penalty_points": ("Điểm trừ", "Số điểm trừ"),
}


def loose_key(text) -> str:
    """How a header or a choice is matched: NFC, case-folded, without diacritics (đ is d),
    underscores read as spaces, runs of spaces as one: "Họ và  TÊN" and "ho_va_ten" agree."""
    text = str(text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text).casefold().replace("đ", "d")
        text = unicodedata.normalize("NFD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().replace("_", " ").split())


@functools.lru_cache(maxsize=32)
def _choice_keys(choices: tuple, names: tuple) -> dict[str, str]:
    """{loose key: choice} for the choices and their other names (read once per import)."""
    keys = {loose_key(c): c for c in choices}
    for choice, others in names:
        keys |= {loose_key(name): choice for name in others}
    return keys


def grouped(count: int) -> str:
    """A count with the active language's thousands separator: 20.000 (vi), 20,000 (en)."""
    return f"{count:,}".replace(",", get_format("THOUSAND_SEPARATOR"))


def column_label(column: str) -> str:
    """A column as messages name it: "Họ và tên (full_name)", or the name alone."""
    names = HEADERS.get(column)
    return f"{names[0]} ({column})" if names else column


def neutralise(text: str) -> str:
    """Text a spreadsheet must not run as a formula: "=1+1" → "'=1+1" (numbers are not text)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # the column's English name, whatever the file's header calls it
    message: str
    header: str = field(default="", compare=False)  # the file's header of the column

    @property
    def label(self) -> str:
        """The column as the user's file names it, else as the import knows it."""
        return self.header or self.column

    def __str__(self):
        if not self.column:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.label,
            "message": self.message,
        }


class ImportFailed(Exception):
    """Nothing was written; `errors` lists every bad row.

    Pages and the command line show the first MAX_LISTED (`listed`) and count the rest
    (`unlisted_text`): a file of thousands of bad rows answers in a page of a few kilobytes.
    """

    def __init__(self, errors):
        self.errors = sorted(errors, key=lambda e: (e.row, e.column))
        super().__init__("\n".join(str(e) for e in self.errors[:MAX_LISTED]))

    @property
    def listed(self) -> list[RowError]:
        return self.errors[:MAX_LISTED]

    @property
    def unlisted(self) -> int:
        return max(0, len(self.errors) - MAX_LISTED)

    @property
    def unlisted_text(self) -> str:
        """ "… and 1,234 more errors." in the active language; empty when all are listed."""
        if not self.unlisted:
            return ""
        return _("… and %(n)s more errors.") % {"n": grouped(self.unlisted)}

    def lines(self) -> list[str]:
        """The errors as the command line prints them, the unlisted ones counted."""
        return [str(e) for e in self.listed] + ([self.unlisted_text] if self.unlisted else [])


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict)  # column -> the file's header

    def __getitem__(self, column):
        return self.values.get(column, "")


def read_table(data: bytes, columns: list[str], *, optional=()) -> list[Row]:
    """Parse CSV or .xlsx bytes into rows keyed by the given columns (header row required).

    Anything wrong with the file itself (too large, not UTF-8, binary, not a workbook, more
    rows than settings.IMPORT_MAX_ROWS besides the header, too many columns, a column missing
    or twice in the header) raises `ImportFailed` too. Reading stops at the first row over the
    limit, so a huge file costs no more than one at the limit.
    """
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise ImportFailed(
            [RowError(0, "", _("The file is larger than %(mb)s MB.") % {"mb": limit // 2**20})]
        )
    if not data.strip():
        raise ImportFailed([RowError(1, "", _("The file is empty."))])
    max_rows = settings.IMPORT_MAX_ROWS
    xlsx = data.startswith(XLSX_MAGIC)
    records = _xlsx_records(data, max_rows) if xlsx else _csv_records(data)
    header = [_cell_text(cell) for cell in _within_columns(1, next(records, []))]
    positions = _positions(header, columns, optional)
    names = {c: str(header[i]) for c, i in positions.items()}  # one dict, shared by every row
    rows = []
    for number, record in enumerate(records, start=2):
        if number > max_rows + 1:
            raise too_many_rows(number, max_rows)
        cells = [_cell_text(v) for v in _within_columns(number, record)]
        if not any(cells):
            continue
        values = {c: (cells[i] if i < len(cells) else "") for c, i in positions.items()}
        rows.append(Row(number, values, names))
    return rows


def too_many_rows(number, max_rows) -> ImportFailed:
    return ImportFailed(
        [
            RowError(
                number,
                "",
                _("More than %(n)s rows below the header: split the file.")
                % {"n": grouped(max_rows)},
            )
        ]
    )


def _positions(header, columns, optional) -> dict[str, int]:
    """Where each wanted column is; every required column once, an optional one at most once.

    A column is found by its English name or one of its Vietnamese HEADERS (`loose_key`)."""
    keys = [loose_key(cell) for cell in header]

    def found(column):
        names = {loose_key(column), *(loose_key(n) for n in HEADERS.get(column, ()))}
        return [i for i, key in enumerate(keys) if key in names]

    places = {c: found(c) for c in [*columns, *optional]}
    errors = [
        RowError(1, c, _("The header has no column “%(column)s”.") % {"column": column_label(c)})
        for c in columns
        if not places[c]
    ]
    wanted = [*columns, *[c for c in optional if places[c]]]
    errors += [
        RowError(
            1, c, _("The header has the column “%(column)s” twice.") % {"column": column_label(c)}
        )
        for c in wanted
        if len(places[c]) > 1
    ]
    if errors:
        raise ImportFailed(errors)
    return {c: places[c][0] for c in wanted}


def _within_columns(number, record):
    """The record cut to MAX_COLUMNS cells; refused if a cell beyond holds anything."""
    if len(record) <= MAX_COLUMNS:
        return record
    if any(record[MAX_COLUMNS:]):
        raise ImportFailed(
            [RowError(number, "", _("Too many columns (at most %(n)s).") % {"n": MAX_COLUMNS})]
        )
    return record[:MAX_COLUMNS]


def _csv_records(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailed(
            [RowError(line, "", _("The file is not UTF-8 text: save it as “CSV UTF-8”."))]
        ) from exc
    if "\x00" in text:
        raise ImportFailed([RowError(1, "", _("The file contains binary data, not CSV text."))])
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        yield from reader
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # the csv module's one error here
            message = _("A cell holds more than %(n)s characters.") % {"n": csv.field_size_limit()}
        else:
            message = _("Unreadable CSV: %(e)s") % {"e": exc}
        raise ImportFailed([RowError(reader.line_num, "", message)]) from exc


def _not_a_workbook(row=1):
    return ImportFailed([RowError(row, "", _("The file is not a valid .xlsx workbook."))])


def _xlsx_records(data, max_rows):
    """The first sheet's rows as tuples of values (cached results of formulas, not formulas).

    openpyxl fails in many ways (zip, XML, KeyError, AttributeError, ...) on a damaged or foreign
    file, while opening it or while reading a row: any of them means the file is not a workbook.
    """
    from openpyxl import load_workbook

    _check_unpacked(data, max_rows)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise _not_a_workbook() from exc
    try:
        if not book.worksheets:
            raise ImportFailed([RowError(1, "", _("The workbook has no sheet."))])
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # a declared size would pad every row up to it
        # Every row comes padded to this width (one cell at column XFD would make it 16,384).
        rows = sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
        number = 1
        while True:
            try:
                record = next(rows)
            except StopIteration:
                return
            except Exception as exc:
                raise _not_a_workbook(number) from exc
            yield _without_trailing_blanks(record)
            number += 1
    finally:
        book.close()


def _without_trailing_blanks(record):
    end = len(record)
    while end and record[end - 1] is None:
        end -= 1
    return record[:end]


def _check_unpacked(data, max_rows):
    """Refuse a workbook that unpacks to too much, or whose sheets hold a row too wide or more
    rows than `max_rows` below a header, before openpyxl reads any of it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise ImportFailed(
                    [
                        RowError(
                            1,
                            "",
                            _("The workbook unpacks to more than %(mb)s MB.")
                            % {"mb": MAX_UNZIPPED_BYTES // 2**20},
                        )
                    ]
                )
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with archive.open(name) as part:
                        _check_rows(part, max_rows)
    except ImportFailed:
        raise
    except Exception as exc:
        raise _not_a_workbook() from exc


def _check_rows(part, max_rows):
    """Stream a sheet's XML counting its rows and the cells of each row, in bounded memory;
    stop at the first row over the limit."""
    number = cells = 0
    for _event, element in ElementTree.iterparse(part):
        tag = element.tag.rpartition("}")[2]
        if tag == "c":
            cells += 1
            if cells > MAX_COLUMNS:
                raise ImportFailed(
                    [
                        RowError(
                            number + 1,
                            "",
                            _("Too many columns (at most %(n)s).") % {"n": MAX_COLUMNS},
                        )
                    ]
                )
        elif tag == "row":
            number, cells = number + 1, 0
            if number > max_rows + 1:
                raise too_many_rows(number, max_rows)
            element.clear()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float | int | Decimal):
        # A number cell is one number: written plainly (never "1e-05"), as parse_decimal reads it.
        return format(Decimal(str(value)), "f")
    return clean_text(value)


class RowChecker:
    """Collects errors while converting one row's cells to values."""

    def __init__(self, errors: list[RowError], row: Row):
        self.errors = errors
        self.row = row

    def fail(self, column, message):
        header = self.row.headers.get(column, "")
        self.errors.append(RowError(self.row.number, column, message, header))

    def repeated(self, column, seen: dict, key, *, shown=None) -> bool:
        """Whether an earlier row of the file already had `key` (said on `column`, as `shown` or
        the key itself); a first one is noted in `seen` (key -> row number)."""
        if key in seen:
            self.fail(
                column,
                _("“%(code)s” already appears in row %(row)s.")
                % {"code": key if shown is None else shown, "row": seen[key]},
            )
            return True
        seen[key] = self.row.number
        return False

    def _missing(self, column, required, message) -> bool:
        """Whether the cell is empty: a failure with `message` when the column is `required`."""
        if self.row[column]:
            return False
        if required:
            self.fail(column, message)
        return True

    def _parsed(self, column, parse, value):
        """`parse(value)` of a cell known not to be empty; None when the parser refuses it
        (`FormatError`), its message the cell's failure."""
        try:
            return parse(value)
        except FormatError as error:
            self.fail(column, error.message)
            return None

    def text(self, column, *, required=True, max_length=None):
        value = self.row[column]
        if required and not value:
            self.fail(column, _("A value is required."))
            return None
        if max_length and len(value) > max_length:
            self.fail(column, _("At most %(n)s characters.") % {"n": max_length})
            return None
        return value

    def choice(self, column, choices, *, required=True, names=None):
        """One of `choices`, or one of its other `names` ({choice: (name, ...)}), matched as
        headers are (`loose_key`): "Cấp phó" and "cap pho" both give "deputy"."""
        value = self.row[column]
        if not value and not required:
            return None
        accepted = _choice_keys(tuple(choices), tuple((names or {}).items()))
        if loose_key(value) not in accepted:
            shown = [f"{c} ({', '.join(names[c])})" if names and c in names else c for c in choices]
            self.fail(
                column,
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(shown)},
            )
            return None
        return accepted[loose_key(value)]

    def date(self, column, *, required=True):
        """A date written dd/mm/yyyy (as Vietnamese offices do) or ISO (yyyy-mm-dd), or a real
        date cell of a workbook (`units.formats.parse_date`)."""
        if self._missing(column, required, _("A date is required (dd/mm/yyyy).")):
            return None
        value = self.row[column]
        return self._parsed(column, parse_date, value[:10] if _ISO_TIME.match(value) else value)

    def decimal(self, column, *, required=True, minimum=None, maximum=None, places=None):
        """A number written "0,5" or "0.5" (`units.formats.parse_decimal`): text that reads two
        ways ("1.234,5") is refused with an example."""
        value = self.row[column]
        try:  # not `_parsed`: a blank cell parses to None, which must stay apart from a refusal
            number = parse_decimal(value)
        except FormatError as error:
            self.fail(column, error.message)
            return None
        if number is None:
            if required:
                self.fail(column, _("A number is required."))
            return None
        if number and number.adjusted() >= MAX_DIGITS:
            self.fail(column, _("“%(value)s” is too large a number.") % {"value": value})
            return None
        if minimum is not None and number < minimum:
            self.fail(column, _("Must be at least %(n)s.") % {"n": minimum})
            return None
        if maximum is not None and number > maximum:
            self.fail(column, _("Must be at most %(n)s.") % {"n": maximum})
            return None
        if places is not None and number != round(number, places):
            self.fail(column, _("At most %(n)s decimal places.") % {"n": places})
            return None
        return number

    def money(self, column, *, required=True):
        """Whole VND written "17.000.000", "17 000 000" or "17000000" (`formats.parse_vnd`)."""
        if self._missing(column, required, _("A number is required.")):
            return None
        value = self.row[column]
        amount = self._parsed(column, parse_vnd, value)
        if amount is None:
            return None
        if len(str(amount)) > MAX_DIGITS:
            self.fail(column, _("“%(value)s” is too large a number.") % {"value": value})
            return None
        return amount

    def integer(self, column, *, required=True, minimum=None, maximum=None):
        number = self.decimal(column, required=required, minimum=minimum, maximum=maximum)
        if number is None:
            return None
        if number != number.to_integral_value():
            self.fail(column, _("Must be a whole number."))
            return None
        return int(number)

    def boolean(self, column, *, required=True):
        value = loose_key(self.row[column])
        if not value and not required:
            return None
        if value in TRUTHY:
            return True
        if value in FALSY:
            return False
        self.fail(column, _("“%(value)s” is not true or false.") % {"value": self.row[column]})
        return None


# As `loose_key` reads them: "Có", "Đạt", "x" are true; "Không", "Chưa đạt" or nothing false.
TRUTHY = {"true", "1", "yes", "co", "x", "dat"}
FALSY = {"false", "0", "no", "khong", "", "khong dat", "chua dat"}
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")  # a workbook's date and time
