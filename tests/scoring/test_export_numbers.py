"""Every workbook people download holds its numbers as numbers (docs/RULES.md §5): a numeric
cell (data type "n") with a number format, never digits stored as text, so a spreadsheet
opened in a Vietnamese-locale office suite reads every exported number as a number and shows
it with its own separators ("0,50", "17.000.000"). The CSV exports start with a byte-order mark.
"""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from scoring.models import Phase
from tests.dashboard.conftest import months  # noqa: F401  (the decided months fixture)
from tests.month.conftest import open_month
from tests.security.test_formula_injection import evil  # noqa: F401  (cadres with results)

pytestmark = pytest.mark.django_db

# Text a spreadsheet would have read as a number had it been a number: "92.90", "0,5", "1.000".
NUMBER_AS_TEXT = re.compile(r"-?\d+([.,]\d+)*")


def assert_numbers_are_numbers(content: bytes) -> int:
    """Fails on a number stored as text or without a number format; returns how many numbers
    the workbook holds below its header rows."""
    book = load_workbook(io.BytesIO(content))
    numbers = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    assert not NUMBER_AS_TEXT.fullmatch(cell.value), (cell.coordinate, cell.value)
                elif isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    assert cell.data_type == "n", (sheet.title, cell.coordinate)
                    assert cell.number_format != "General", (sheet.title, cell.coordinate)
                    numbers += 1
    return numbers


@pytest.mark.parametrize("when", ["2026-03", "2026"])
def test_export_results_writes_numbers_with_number_formats(evil, when, tmp_path):  # noqa: F811
    path = tmp_path / "results.xlsx"
    call_command(
        "export", "results", when, "--scope", "W1", "--format", "xlsx", "--output", str(path)
    )
    assert assert_numbers_are_numbers(path.read_bytes()) > 0
    sheet = load_workbook(path).active
    header = [cell.value for cell in sheet[1]]
    total = sheet.cell(row=2, column=header.index("total") + 1)
    assert total.number_format == "0.00"
    if when == "2026-03":
        reward = sheet.cell(row=2, column=header.index("reward") + 1)
        assert reward.number_format == "#,##0" and reward.data_type == "n"
        rank = sheet.cell(row=2, column=header.index("rank_in_unit") + 1)
        assert rank.number_format == "0" and rank.data_type == "n"


def test_export_results_csv_keeps_the_decimal_point_and_starts_with_a_bom(evil):  # noqa: F811
    out = io.StringIO()
    call_command("export", "results", "2026-03", "--scope", "W1", stdout=out)
    text = out.getvalue()
    assert text.startswith("\ufeffcadre_code,")
    assert ",20.00," in text and ",20,00" not in text


@pytest.mark.parametrize("table", ["league", "ranking"])
def test_dashboard_exports_write_numbers_with_number_formats(evil, login, org, table):  # noqa: F811
    client = login(org.leader_w1)
    xlsx = client.get(reverse("dashboard-export", args=[table, "xlsx"]))
    assert assert_numbers_are_numbers(xlsx.content) > 0
    csv_file = client.get(reverse("dashboard-export", args=[table, "csv"]))
    assert csv_file.content.startswith(b"\xef\xbb\xbf")


def test_the_grid_template_writes_points_and_maxima_as_numbers(evil, login, org):  # noqa: F811
    period = open_month(org.a, phase=Phase.REVIEW)
    response = login(org.head_a).get(reverse("month:grid_excel", args=[period.pk, org.a.code]))
    assert assert_numbers_are_numbers(response.content) > 0
    guide = load_workbook(io.BytesIO(response.content)).worksheets[1]
    maximum = guide.cell(row=2, column=3)
    assert maximum.data_type == "n" and maximum.number_format == "0.00"
