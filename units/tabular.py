"""Reading import files (CSV UTF-8 or .xlsx) into rows, and collecting row errors; the one
rule every CSV and .xlsx export follows against formula injection (`neutralise`).

Every importer follows one pattern: read the whole table, validate every row while collecting
`RowError`s, raise `ImportFailed` with all of them before writing anything, then write in one
transaction. Row numbers are the ones a spreadsheet shows: the header is row 1.
"""

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
MAX_ROWS = 200_000
MAX_COLUMNS = 100  # the widest import (the grid) has a dozen
# openpyxl holds a whole row in memory: a small .xlsx of one row with millions of cells (a "zip
# bomb") would exhaust it, so a workbook is refused when it unpacks to more than this, or when a
# row of a sheet holds more than MAX_COLUMNS cells.
MAX_UNZIPPED_BYTES = 64 * 2**20
MAX_DIGITS = 15  # before the decimal point: no amount, count or score of this app needs more
# OWASP "CSV injection": a text cell starting with one of these may run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text a spreadsheet must not run as a formula: "=1+1" → "'=1+1" (numbers are not text)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        if not self.column:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class ImportFailed(Exception):
    """Nothing was written; `errors` lists every bad row."""

    def __init__(self, errors):
        self.errors = sorted(errors, key=lambda e: (e.row, e.column))
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]

    def __getitem__(self, column):
        return self.values.get(column, "")


def read_table(data: bytes, columns: list[str], *, optional=()) -> list[Row]:
    """Parse CSV or .xlsx bytes into rows keyed by the given columns (header row required).

    Anything wrong with the file itself (too large, not UTF-8, binary, not a workbook, too many
    rows or columns, a column missing or twice in the header) raises `ImportFailed` too.
    """
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise ImportFailed(
            [RowError(0, "", _("The file is larger than %(mb)s MB.") % {"mb": limit // 2**20})]
        )
    if not data.strip():
        raise ImportFailed([RowError(1, "", _("The file is empty."))])
    records = _xlsx_records(data) if data.startswith(XLSX_MAGIC) else _csv_records(data)
    header = [_cell_text(cell).lower() for cell in _within_columns(1, next(records, []))]
    positions = _positions(header, columns, optional)
    rows = []
    for number, record in enumerate(records, start=2):
        if number > MAX_ROWS:
            raise ImportFailed(
                [RowError(number, "", _("Too many rows (at most %(n)s).") % {"n": MAX_ROWS})]
            )
        cells = [_cell_text(v) for v in _within_columns(number, record)]
        if not any(cells):
            continue
        values = {c: (cells[i] if i < len(cells) else "") for c, i in positions.items()}
        rows.append(Row(number, values))
    return rows


def _positions(header, columns, optional) -> dict[str, int]:
    """Where each wanted column is; every required column once, an optional one at most once."""
    errors = [
        RowError(1, c, _("The header has no column “%(column)s”.") % {"column": c})
        for c in columns
        if c not in header
    ]
    wanted = [*columns, *[c for c in optional if c in header]]
    errors += [
        RowError(1, c, _("The header has the column “%(column)s” twice.") % {"column": c})
        for c in wanted
        if header.count(c) > 1
    ]
    if errors:
        raise ImportFailed(errors)
    return {c: header.index(c) for c in wanted if c in header}


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


def _xlsx_records(data):
    """The first sheet's rows as tuples of values (cached results of formulas, not formulas).

    openpyxl fails in many ways (zip, XML, KeyError, AttributeError, ...) on a damaged or foreign
    file, while opening it or while reading a row: any of them means the file is not a workbook.
    """
    from openpyxl import load_workbook

    _check_unpacked(data)
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


def _check_unpacked(data):
    """Refuse a workbook that unpacks to too much, or whose sheets hold a row too wide."""
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
                        _check_row_widths(part)
    except ImportFailed:
        raise
    except Exception as exc:
        raise _not_a_workbook() from exc


def _check_row_widths(part):
    """Stream a sheet's XML counting its rows and the cells of each row, in bounded memory."""
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
            if number > MAX_ROWS:
                raise ImportFailed(
                    [RowError(number, "", _("Too many rows (at most %(n)s).") % {"n": MAX_ROWS})]
                )
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
    return str(value).strip()


class RowChecker:
    """Collects errors while converting one row's cells to values."""

    def __init__(self, errors: list[RowError], row: Row):
        self.errors = errors
        self.row = row

    def fail(self, column, message):
        self.errors.append(RowError(self.row.number, column, message))

    def text(self, column, *, required=True, max_length=None):
        value = self.row[column]
        if required and not value:
            self.fail(column, _("A value is required."))
            return None
        if max_length and len(value) > max_length:
            self.fail(column, _("At most %(n)s characters.") % {"n": max_length})
            return None
        return value

    def choice(self, column, choices, *, required=True):
        value = self.row[column].lower()
        if not value and not required:
            return None
        if value not in choices:
            self.fail(
                column,
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": self.row[column], "choices": ", ".join(choices)},
            )
            return None
        return value

    def date(self, column, *, required=True):
        value = self.row[column]
        if not value:
            if required:
                self.fail(column, _("A date is required (YYYY-MM-DD)."))
            return None
        try:
            return dt.date.fromisoformat(value[:10] if "T" in value else value)
        except ValueError:
            self.fail(column, _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value})
            return None

    def decimal(self, column, *, required=True, minimum=None, maximum=None, places=None):
        value = self.row[column]
        if value.count(",") == 1 and "." not in value:
            value = value.replace(",", ".")  # a Vietnamese spreadsheet's decimal comma
        if not value:
            if required:
                self.fail(column, _("A number is required."))
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            self.fail(column, _("“%(value)s” is not a number.") % {"value": value})
            return None
        if not number.is_finite():
            self.fail(column, _("“%(value)s” is not a number.") % {"value": value})
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

    def integer(self, column, *, required=True, minimum=None, maximum=None):
        number = self.decimal(column, required=required, minimum=minimum, maximum=maximum)
        if number is None:
            return None
        if number != number.to_integral_value():
            self.fail(column, _("Must be a whole number."))
            return None
        return int(number)

    def boolean(self, column, *, required=True):
        value = self.row[column].lower()
        if not value and not required:
            return None
        truthy = {"true", "1", "yes", "có", "x"}
        falsy = {"false", "0", "no", "không", ""}
        if value in truthy:
            return True
        if value in falsy:
            return False
        self.fail(column, _("“%(value)s” is not true or false.") % {"value": self.row[column]})
        return None
