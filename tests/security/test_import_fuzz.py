"""Fuzzing every import (units, cadres, tasks, scores, adjustments, pools, the grid's upload).

Property: an import either succeeds or raises `ImportFailed` whose every error names its row
(and, for a cell, one of the file's columns) — and then nothing at all is written. No other
exception may escape (UnicodeDecodeError, KeyError, BadZipFile, IndexError, DataError, ...).
Inputs: random bytes, tables with shuffled / missing / renamed / duplicated columns and random
text, plausible or absurd values in every cell, written as CSV (any line ending, BOM, blank
lines, re-encoded in UTF-16, Latin-1 or cp1258) or as .xlsx (numbers and dates in text columns,
formulas, merged cells, several sheets, an empty sheet). Files too large, too wide or
unpacking too far (zip bombs) are refused, on the command line and on every import page.
"""

import csv
import datetime as dt
import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from directives.imports import TASK_COLUMNS
from directives.models import Task
from scoring.models import Adjustment, PeriodUnit, ScoreLine
from tests.conftest import on_the_day
from tests.dbstate import app_rows
from tests.factories import xlsx as workbook
from tests.profiles import examples
from tests.security.imports import COLUMNS, KINDS, review_month, run_import
from units import tabular
from units.formats import DECIMAL_EXAMPLE
from units.models import Cadre, Unit
from units.services import UNIT_COLUMNS, units_import
from units.tabular import XLSX_MAGIC, ImportFailed

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
TODAY = timezone.localdate()
on_today = on_the_day(TODAY)
DAYS = [(TODAY.replace(day=1) + dt.timedelta(days=d)).isoformat() for d in (0, 9, 19)]
ABSURD = ["", " ", "-1", "0", "1e30", "1e999999999", "NaN", "Infinity", "0.001", "1,5", "٣"]
# Values that make some rows valid against the `world` fixture, so imports also succeed.
PLAUSIBLE = {
    "code": ["HN", "W1", "NEW1", "NV-1", "CB9", "a/b"],
    "name": ["Phường Mới", "x" * 201],
    "kind": ["ward", "self", "peer", "supervisor", "bonus", "penalty", "leave", "discipline"],
    "parent_code": ["HN", "W1", "W1-A", "NEW1", "NOPE"],
    "full_name": ["Lê Văn Mới"],
    "unit_code": ["W1-A", "W1", "NOPE"],
    "job_group": ["clerk", "leader"],
    "role": ["staff", "deputy", "head", "boss"],
    "email": ["a@b.vn", "not an email"],
    "title": ["Báo cáo tháng"],
    "assignee_code": ["SA", "SA2", "HA"],
    "assigned_by_code": ["HA", "LW1", "SA"],
    "assigned_on": DAYS,
    "deadline": DAYS,
    "completed_on": DAYS,
    "expected_result": ["Báo cáo"],
    "weight": ["1", "0,5", "100"],
    "accepted": ["true", "false", "có", "maybe"],
    "major_errors": ["0", "2", "99999"],
    "delays": ["1", "40000"],
    "ratee_code": ["SA", "SA2", "HA"],
    "rater_code": ["SA", "SA2", "HA", "LW1"],
    "cadre_code": ["SA", "SA2", "HA", "NOPE"],
    "criterion_code": ["G1", "G4", "T", "B", "X"],
    "points": ["5", "4.5", "4,5", "11", "1.234"],
    "reason": ["Đi muộn"],
    "amount": ["1000000", "1.5"],
    "g1": ["5", "4,5"],
    "g4": ["10", "10.5"],
    "t": ["60", "70"],
}
# Text that reaches the database: anything a file can hold but NUL and lone surrogates.
TEXT = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=12)
# openpyxl cannot even write control characters into a workbook.
XLSX_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12)


@pytest.fixture
def world(org):
    return review_month(org)


def snapshot():
    """Every row of every table the imports may touch (one query)."""
    return app_rows("units", "directives", "scoring", "auth")


def assert_clear(failure, kind):
    assert failure.errors
    columns = COLUMNS[kind]
    for error in failure.errors:
        assert isinstance(error.row, int) and error.row >= 0
        assert error.message
        assert error.column == "" or error.column.lower() in columns, error
        assert str(error.row) in str(error)


def attempt(kind, world, data):
    """Run one import in a savepoint rolled back afterwards; check the property."""
    before = snapshot()
    with transaction.atomic():
        try:
            run_import(kind, world, data)
        except ImportFailed as failure:
            event("refused")
            assert_clear(failure, kind)
            assert snapshot() == before
        else:
            event("imported")
            assert_valid_rows()
        transaction.set_rollback(True)


def assert_valid_rows():
    """What an import wrote passes the models' own validation (SQLite checks no length)."""
    for model in (Unit, Cadre, Task, Adjustment, PeriodUnit, ScoreLine):
        for obj in model.objects.all():
            obj.full_clean(validate_unique=False, validate_constraints=False)
    assert all(t.weight > 0 for t in Task.objects.all())


# --- strategies ----------------------------------------------------------------------------


def cell_values(column, text):
    plausible = PLAUSIBLE.get(column.strip().lower(), [""])
    return st.one_of(st.sampled_from(plausible), st.sampled_from(plausible + ABSURD), text)


@st.composite
def tables(draw, columns, text=TEXT):
    """A header (maybe shuffled, short of a column, renamed, doubled, extended, shouted) and a
    few rows of plausible, absurd or random cells, some rows short."""
    header = list(draw(st.permutations(columns)))
    change = draw(st.sampled_from(["none", "none", "missing", "renamed", "twice", "extra", "case"]))
    if change == "missing":
        header.pop(draw(st.integers(0, len(header) - 1)))
    elif change == "renamed":
        index = draw(st.integers(0, len(header) - 1))
        header[index] += draw(st.sampled_from(["_", "x", " 2", "é"]))
    elif change == "twice":
        header.append(draw(st.sampled_from(header)))
    elif change == "extra":
        header.append(draw(text))
    elif change == "case":
        header = [f" {name.upper()} " for name in header]
    row = st.tuples(*[cell_values(name, text) for name in header]).map(list)
    rows = draw(st.lists(row, max_size=4))
    rows = [r[: draw(st.integers(0, len(r)))] if draw(st.booleans()) else r for r in rows]
    return [header, *rows]


@st.composite
def csv_files(draw, columns):
    table = draw(tables(columns))
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=draw(st.sampled_from([",", ",", ";", "\t"])),
        lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])),
    )
    for row in table:
        writer.writerow(row)
        if draw(st.integers(0, 4)) == 0:
            writer.writerow([])  # a blank line
    text = out.getvalue()
    if draw(st.booleans()):
        text = "\ufeff" + text
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-16", "latin-1", "cp1258"]))
    return text.encode(encoding, errors="replace")


def xlsx_cells(column):
    return st.one_of(
        cell_values(column, XLSX_TEXT),
        st.integers(-(10**12), 10**12),
        st.floats(allow_nan=False, allow_infinity=False, width=32),
        st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
        st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
        st.booleans(),
        st.sampled_from(["=1+1", "=A1", '=HYPERLINK("http://x")', "=1/0", None]),
    )


@st.composite
def xlsx_files(draw, columns):
    """A workbook: the table (numbers, dates, booleans and formulas among its cells), maybe
    with merged cells, other sheets before or after, or nothing at all."""
    table = draw(tables(columns, text=XLSX_TEXT))
    book = Workbook()
    sheet = book.active
    if draw(st.integers(0, 9)) != 0:  # one in ten stays an empty sheet
        for index, row in enumerate(table):
            if index:
                row = [
                    draw(xlsx_cells(name)) if draw(st.booleans()) else v
                    for name, v in zip(table[0], row, strict=False)
                ]
            sheet.append(row)
    if draw(st.booleans()) and sheet.max_row >= 2:
        sheet.merge_cells(start_row=1, start_column=1, end_row=2, end_column=2)
    for _index in range(draw(st.integers(0, 2))):
        other = book.create_sheet(index=draw(st.sampled_from([0, None])))
        other.append(["code", "name", "=SUM(1,2)"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_of(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


VALID_XLSX = workbook([UNIT_COLUMNS, ["NEW1", "Phường Mới", "ward", "HN"]])
junk_bytes = st.one_of(
    st.binary(max_size=3000),
    st.binary(max_size=3000).map(lambda b: XLSX_MAGIC + b),
    st.dictionaries(
        st.sampled_from(
            ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "a"]
        ),
        st.binary(max_size=200),
        max_size=3,
    ).map(zip_of),
    st.tuples(st.integers(0, len(VALID_XLSX) - 1), st.binary(min_size=1, max_size=8)).map(
        lambda cut: VALID_XLSX[: cut[0]] + cut[1] + VALID_XLSX[cut[0] + len(cut[1]) :]
    ),
)


# --- properties ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(data=st.data())
def test_csv_tables(world, kind, data):
    attempt(kind, world, data.draw(csv_files(COLUMNS[kind])))


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(data=st.data())
def test_xlsx_tables(world, kind, data):
    attempt(kind, world, data.draw(xlsx_files(COLUMNS[kind])))


@pytest.mark.parametrize("kind", ["units", "tasks", "scores", "grid"])
@settings(FUZZ, max_examples=examples(40))
@given(data=junk_bytes)
def test_random_bytes(world, kind, data):
    attempt(kind, world, data)


@pytest.mark.parametrize("kind", ["cadres", "adjustments"])
@settings(FUZZ, max_examples=examples(30))
@given(data=st.data())
def test_a_nul_byte_anywhere_in_a_csv_is_refused_clearly(world, kind, data):
    text = data.draw(csv_files(COLUMNS[kind]))
    position = data.draw(st.integers(0, len(text)))
    raw = text[:position] + b"\x00" + text[position:]
    before = snapshot()
    with pytest.raises(ImportFailed) as failure:
        run_import(kind, world, raw)
    assert_clear(failure.value, kind)
    assert snapshot() == before
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return  # refused as not UTF-8 first
    assert [e.message for e in failure.value.errors] == [
        _("The file contains binary data, not CSV text.")
    ]


# --- sizes: huge cells and rows, zip bombs, files over the limit ---------------------------


def refusal(kind, world, data) -> list[str]:
    """The messages of the import's refusal; nothing was written."""
    before = snapshot()
    with pytest.raises(ImportFailed) as failure:
        run_import(kind, world, data)
    assert_clear(failure.value, kind)
    assert snapshot() == before
    return [e.message for e in failure.value.errors]


def test_a_cell_of_one_megabyte(world):
    cell = "x" * 2**20
    csv_messages = refusal(
        "units", world, f"code,name,kind,parent_code\nN1,{cell},ward,\n".encode()
    )
    assert csv_messages == [_("A cell holds more than %(n)s characters.") % {"n": 131_072}]
    xlsx = workbook([UNIT_COLUMNS, ["N1", cell, "ward", None]])
    assert refusal("units", world, xlsx) == [_("At most %(n)s characters.") % {"n": 200}]


def test_ten_thousand_columns():
    header = UNIT_COLUMNS + [f"extra{i}" for i in range(9_996)]
    too_many = _("Too many columns (at most %(n)s).") % {"n": tabular.MAX_COLUMNS}
    for data in (",".join(header).encode() + b"\nN1,x,ward,\n", workbook([header])):
        with pytest.raises(ImportFailed) as failure:
            units_import(data=data)
        assert [(e.row, e.message) for e in failure.value.errors] == [(1, too_many)]


def test_trailing_empty_cells_beyond_the_column_limit_are_ignored():
    data = b"code,name,kind,parent_code" + b"," * 5_000 + b"\nN1,Moi,ward,\n"
    assert units_import(data=data)["created"] == 1


def bomb(sheet_data: str) -> bytes:
    """A real workbook whose first sheet's XML is replaced by `sheet_data`."""
    source = zipfile.ZipFile(io.BytesIO(workbook([UNIT_COLUMNS])))
    sheet = (
        '<?xml version="1.0"?><worksheet xmlns='
        '"http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{sheet_data}</sheetData></worksheet>"
    )
    return zip_of(
        {
            name: sheet if name == "xl/worksheets/sheet1.xml" else source.read(name)
            for name in source.namelist()
        }
    )


def test_zip_bombs_are_refused_before_openpyxl_unpacks_them(settings):
    wide = bomb('<row r="1">' + '<c r="A1"/>' * 1_000_000 + "</row>")  # 11 MB in 26 kB
    huge = bomb(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>' + "x" * 70 * 2**20 + "</t></is></c></row>"
    )
    rows = bomb("<row/>" * 1_000_000)
    assert len(wide) < 100_000 and len(huge) < 200_000
    expected = {
        wide: (1, _("Too many columns (at most %(n)s).") % {"n": tabular.MAX_COLUMNS}),
        huge: (1, _("The workbook unpacks to more than %(mb)s MB.") % {"mb": 64}),
        rows: (
            settings.IMPORT_MAX_ROWS + 2,
            _("More than %(n)s rows below the header: split the file.")
            % {"n": tabular.grouped(settings.IMPORT_MAX_ROWS)},
        ),
    }
    for data, error in expected.items():
        with pytest.raises(ImportFailed) as failure:
            units_import(data=data)
        assert [(e.row, e.message) for e in failure.value.errors] == [error]


def test_a_declared_size_does_not_pad_every_row(settings):
    """One cell at column XFD used to make every row 16,384 cells wide (and a declared
    dimension of A1:XFD1048576 would pad them all): rows are read to MAX_COLUMNS at most."""
    header = "".join(
        f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for col, name in zip("ABCD", UNIT_COLUMNS, strict=True)
    )
    body = "".join(f'<row r="{i}"><c r="XFD{i}"/></row>' for i in range(2, 2_000))
    settings.IMPORT_MAX_ROWS = 5_000
    assert units_import(data=bomb(f'<row r="1">{header}</row>{body}')) == {
        "created": 0,
        "updated": 0,
        "unchanged": 0,
    }


def test_a_workbook_without_a_worksheet():
    book = Workbook()
    book.create_chartsheet()
    book.remove(book.active)
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportFailed) as failure:
        units_import(data=out.getvalue())
    assert failure.value.errors[0].row == 1


def test_a_column_twice_in_the_header_is_refused():
    with pytest.raises(ImportFailed) as failure:
        units_import(data=b"code,name,kind,parent_code,code\nN1,x,ward,,N2\n")
    assert [(e.row, e.column) for e in failure.value.errors] == [(1, "code")]


def test_numbers_too_large_too_precise_or_too_many_are_row_errors(world):
    """Found by the fuzzer: 1e999999999 as a count made a billion-digit int; 40000 delays
    overflowed PostgreSQL's smallint; a weight of 0.001 was stored as 0.00."""
    header = ",".join(TASK_COLUMNS)
    day = DAYS[1]
    rows = [
        f"NV1,Báo cáo,SA,HA,{day},{day},Báo cáo,1,,false,1e999999999,0",
        f"NV2,Báo cáo,SA,HA,{day},{day},Báo cáo,1,,false,0,40000",
        f"NV3,Báo cáo,SA,HA,{day},{day},Báo cáo,0.001,,false,0,0",
    ]
    errors = refusal("tasks", world, "\n".join([header, *rows]).encode())
    assert errors == [
        # units.formats reads only plain decimals: an exponent is no number at all
        _("“%(value)s” is not a number: write it like %(example)s.")
        % {"value": "1e999999999", "example": DECIMAL_EXAMPLE},
        _("Must be at most %(n)s.") % {"n": 999},
        _("At most %(n)s decimal places.") % {"n": 2},
    ]


def test_a_unit_chain_too_deep_for_its_path_is_a_row_error():
    """Found while fuzzing: 40 nested units of 30-character codes made a path over the
    column's 1,000 characters (a DataError on PostgreSQL, silently stored on SQLite)."""
    codes = [f"{i:02d}".ljust(30, "x") for i in range(40)]
    lines = ["code,name,kind,parent_code"]
    lines += [
        f"{code},Đơn vị,dept,{parent}" for code, parent in zip(codes, ["", *codes], strict=False)
    ]
    with pytest.raises(ImportFailed) as failure:
        units_import(data="\n".join(lines).encode())
    deep = [e.row for e in failure.value.errors]
    assert deep == list(range(34, 42)) and not Unit.objects.filter(code__in=codes).exists()
    assert units_import(data="\n".join(lines[:33]).encode())["created"] == 32


def test_a_unit_moved_under_its_own_descendant_is_refused(org):
    """Found by the fuzzer on PostgreSQL: HN moved under W1-A (HN > W1 > W1-A) was imported,
    the cycle check stopping at W1, a unit neither in the file nor fetched."""
    with pytest.raises(ImportFailed) as failure:
        units_import(data="code,name,kind,parent_code\nHN,Hà Nội,city,W1-A\n".encode())
    assert [(e.row, e.column) for e in failure.value.errors] == [(2, "parent_code")]
    assert Unit.objects.get(code="HN").parent is None


def test_a_new_unit_under_a_unit_whose_ancestor_moves_in_the_same_file(org):
    """W1 moves under W2, then a new unit goes under W1-A: its path follows the move (it was
    built from W1-A's path as read before the move)."""
    data = "code,name,kind,parent_code\nW1,Phường Một,ward,W2\nNEW,Mới,dept,W1-A\n"
    units_import(data=data.encode())
    assert Unit.objects.get(code="NEW").path == "/HN/W2/W1/W1-A/NEW/"
    assert Unit.objects.get(code="W1-A").path == "/HN/W2/W1/W1-A/"


def test_a_long_chain_of_units_is_checked_in_linear_time(settings):
    """The cycle check walked every unit's whole chain: 30,000 nested units took about a
    minute (quadratic); now each chain is walked once. Such a chain is too deep anyway."""
    settings.IMPORT_MAX_ROWS = 40_000  # a deployment may raise the row limit
    codes = [f"U{i}" for i in range(30_000)]
    lines = ["code,name,kind,parent_code", "A,a,x,C", "B,b,x,A", "C,c,x,B", "D,d,x,A"]
    lines += [f"{code},x,dept,{parent}" for code, parent in zip(codes, ["", *codes], strict=False)]
    started = time.monotonic()
    with pytest.raises(ImportFailed) as failure:
        units_import(data="\n".join(lines).encode())
    assert time.monotonic() - started < 15
    loops = [e.row for e in failure.value.errors if e.row < 6]
    assert loops == [2, 3, 4, 5]  # D hangs under the loop: refused too


def test_a_root_unit_passes_its_own_validation(org):
    """Found by the fuzzer's check of what an import wrote: Unit.clean raised AttributeError
    for a unit without a parent (a 500 when a city was edited in the admin)."""
    org.city.full_clean()
    org.city.parent = org.a
    with pytest.raises(ValidationError):
        org.city.full_clean()


def test_the_command_line_refuses_a_file_over_the_limit_in_vietnamese(settings, tmp_path):
    settings.IMPORT_MAX_BYTES = 2**20
    path = tmp_path / "units.csv"
    path.write_bytes(b"code,name,kind,parent_code\n" + b"N1,x,ward,\n" * 200_000)
    err = io.StringIO()
    with translation.override("vi"), pytest.raises(CommandError):
        call_command("import", "units", str(path), stderr=err)
    assert "units.csv: Dòng 0: Tệp lớn hơn 1 MB." in err.getvalue()
    assert not Unit.objects.filter(code="N1").exists()


def big_upload(name="big.csv"):
    return SimpleUploadedFile(name, b"code,name,kind,parent_code\n" + b"N1,x,ward,\n" * 200_000)


@pytest.fixture
def vietnamese_limit(settings):
    settings.IMPORT_MAX_BYTES = 2**20
    settings.LANGUAGE_CODE = "vi"
    return "Tệp lớn hơn 1 MB."


def test_the_units_import_page_refuses_a_file_over_the_limit(login, org, vietnamese_limit):
    response = login(org.admin).post(
        reverse("units:import"), {"kind": "units", "file": big_upload()}
    )
    assert response.context["form"].has_error("file", "too_large")  # refused before reading
    assert vietnamese_limit in response.content.decode()
    assert not Unit.objects.filter(code="N1").exists()


def test_the_task_import_page_refuses_a_file_over_the_limit(login, org, vietnamese_limit):
    response = login(org.head_a).post(reverse("directives:import"), {"file": big_upload()})
    assert response.context["form"].has_error("file", "too_large")  # refused before reading
    assert vietnamese_limit in response.content.decode()


def test_the_grid_upload_refuses_a_file_over_the_limit(login, world, vietnamese_limit):
    client = login(world.org.head_a)
    before = snapshot()
    response = client.post(
        reverse("month:grid_upload", args=[world.period.pk, "W1-A"]),
        {"file": big_upload("grid.xlsx")},
        follow=True,
    )
    assert response.redirect_chain  # refused by the form, before the file is read
    assert vietnamese_limit in response.content.decode()
    assert snapshot() == before
