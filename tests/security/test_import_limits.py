"""Issue 12 item 8: huge uploads. A 150,000-row .xlsx took 51 s and answered a 17 MB page.

Now every import (units, cadres, tasks, scores, adjustments, pools, the grid's upload; web and
command line) reads a file up to settings.IMPORT_MAX_ROWS rows below its header and refuses it at
the next one without reading further, and a page or the command line lists the first 200 errors
and counts the rest (docs/RULES.md, imports). No timing here: the tests count what is read.
"""

import io
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from tests.security.imports import COLUMNS, KINDS, review_month, run_import
from tests.security.matrix import snapshot
from units import tabular
from units.services import UNIT_COLUMNS, units_import
from units.tabular import ImportFailed

pytestmark = pytest.mark.django_db

LIMIT = 50


@pytest.fixture
def limit(settings):
    settings.IMPORT_MAX_ROWS = LIMIT
    return LIMIT


@pytest.fixture
def world(org):
    return review_month(org)


def csv_of(columns, rows):
    lines = [",".join(columns)] + [",".join(["x"] * len(columns))] * rows
    return ("\n".join(lines) + "\n").encode()


def xlsx_of(columns, rows):
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(columns)
    for _ in range(rows):
        sheet.append(["x"] * len(columns))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def consumed(monkeypatch):
    """Counts the records the CSV reader yields and the rows the .xlsx check parses."""
    counts = {"csv": 0, "xlsx": 0}
    read_csv, iterparse = tabular._csv_records, ElementTree.iterparse

    def counting_csv(data):
        for record in read_csv(data):
            counts["csv"] += 1
            yield record

    def counting_iterparse(source, *args, **kwargs):
        for event, element in iterparse(source, *args, **kwargs):
            if element.tag.endswith("}row"):
                counts["xlsx"] += 1
            yield event, element

    monkeypatch.setattr(tabular, "_csv_records", counting_csv)
    monkeypatch.setattr(ElementTree, "iterparse", counting_iterparse)
    return counts


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_import_stops_reading_a_huge_file_at_the_row_limit(world, limit, consumed, kind, fmt):
    data = (csv_of if fmt == "csv" else xlsx_of)(COLUMNS[kind], 20 * limit)
    before = snapshot()
    with pytest.raises(ImportFailed) as failure:
        run_import(kind, world, data)
    first_over = limit + 2  # the header is row 1
    assert [(e.row, e.column) for e in failure.value.errors] == [(first_over, "")]
    assert f"{limit}" in failure.value.errors[0].message
    assert consumed[fmt] == first_over  # the header, the rows allowed and one more
    assert snapshot() == before


def test_a_file_at_the_row_limit_is_read_whole(world, limit):
    data = csv_of(UNIT_COLUMNS, 0).decode() + "".join(
        f"N{i},Phòng {i},department,W1\n" for i in range(limit)
    )
    assert units_import(data=data.encode())["created"] == limit


def many_bad_units(count):
    """`count` rows, each with one error (a code no unit may have)."""
    rows = "".join(f"N/{i},Phòng,department,W1\n" for i in range(count))
    return ("code,name,kind,parent_code\n" + rows).encode()


def test_a_page_lists_the_first_200_errors_and_counts_the_rest(login, org):
    response = login(org.admin).post(
        reverse("units:import"),
        {"kind": "units", "file": SimpleUploadedFile("don-vi.csv", many_bad_units(1434))},
    )
    page = response.content.decode()
    assert len(response.context["failure"].errors) == 1434
    assert page.count("data-error-row=") == 200
    assert 'data-error-row="201"' in page and 'data-error-row="202"' not in page
    assert "… và 1.234 lỗi khác." in page
    assert "1434 lỗi" in page  # the heading still says how many there are in all


def test_the_command_line_prints_the_first_200_errors_and_counts_the_rest(org, tmp_path):
    path = tmp_path / "don-vi.csv"
    path.write_bytes(many_bad_units(250))
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import", "units", str(path), stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 201
    assert lines[199].startswith("don-vi.csv: Dòng 201, cột code:")
    assert lines[200] == "don-vi.csv: … và 50 lỗi khác."
    assert "250 error(s)" in str(failure.value)
