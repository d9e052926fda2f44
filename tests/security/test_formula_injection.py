"""No export hands a spreadsheet a formula (OWASP "CSV injection").

Cadres, job groups, a unit, a task and an adjustment carry text that a spreadsheet would run
(= + - @, a tab, a carriage return); every CSV and .xlsx export of the app is then read back:
no cell is a formula and no text cell starts with one of those characters, while negative
numbers stay numbers.
"""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from scoring.models import Phase, Result
from tests.dashboard.conftest import months  # noqa: F401  (the decided months fixture)
from tests.dashboard.factories import AdjustmentFactory, ResultFactory, TaskFactory
from tests.factories import member
from tests.month.conftest import open_month
from units.models import Cadre, Unit
from units.tabular import FORMULA_STARTS, neutralise

pytestmark = pytest.mark.django_db

EVIL = ['=HYPERLINK("http://evil")', "+1", "-1+2", "@SUM(A1)", "\t=1+1", "\r=1+1"]
EVIL_UNIT = "=cmd|' /C calc'!A0"
NUMBER = re.compile(r"-?\d+(\.\d+)?")


@pytest.fixture
def evil(org, months):  # noqa: F811
    """W1-A renamed to a command, six cadres of it named and grouped as formulas, each with a
    decided March (total 20 = general 25 + task -5: a negative number), a task and a penalty."""
    Unit.objects.filter(pk=org.a.pk).update(name=EVIL_UNIT)
    org.a.refresh_from_db()
    cadres = [
        member(org.a, code=f"EV{i}", full_name=text, job_group=text) for i, text in enumerate(EVIL)
    ]
    # A cadre's save trims a leading tab or carriage return (docs/RULES.md §5): rows stored
    # before it, or written around it, still reach the exports as they are.
    for cadre, text in zip(cadres, EVIL, strict=True):
        Cadre.objects.filter(pk=cadre.pk).update(full_name=text, job_group=text)
        cadre.refresh_from_db()
    for rank, cadre in enumerate(cadres, start=10):
        ResultFactory(
            period=months.march,
            unit=org.a,
            cadre=cadre,
            total=Decimal("20"),
            general=Decimal("25"),
            tier="D",
            rank_in_unit=rank,
            rank_in_scope=rank,
        )
        TaskFactory(assignee=cadre, unit=org.a, title=cadre.full_name)
        AdjustmentFactory(period=months.march, cadre=cadre, reason=cadre.full_name)
    return cadres


def assert_safe_workbook(content: bytes) -> list:
    """Every cell of every sheet; fails on a formula or a text cell a spreadsheet would run."""
    book = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    for cell in cells:
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            assert not cell.value.startswith(FORMULA_STARTS), (cell.coordinate, cell.value)
    return [cell.value for cell in cells]


def assert_safe_csv(text: str) -> list[str]:
    """Every field; only a plain number may start with a minus sign."""
    fields = [field for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for field in row]
    for field in fields:
        if field.startswith(FORMULA_STARTS):
            assert NUMBER.fullmatch(field), field
    return fields


def assert_evil_shown_neutralised(values, *, workbook=True):
    """Each evil text shows with its apostrophe (an XML reader turns a carriage return into a
    line feed, so a workbook gives "\n" back for "\r")."""
    shown = {v for v in values if isinstance(v, str)}
    expected = {neutralise(text) for text in EVIL}
    if workbook:
        expected = {text.replace("\r", "\n") for text in expected}
    assert expected <= shown


def test_neutralise_prefixes_only_what_would_run():
    assert [neutralise(text) for text in EVIL] == [f"'{text}" for text in EVIL]
    assert neutralise("Nguyễn Văn A") == "Nguyễn Văn A"
    assert neutralise("a=b") == "a=b"


@pytest.mark.parametrize("when", ["2026-03", "2026"])
def test_export_results_csv(evil, when):
    out = io.StringIO()
    call_command("export", "results", when, "--scope", "W1", "--format", "csv", stdout=out)
    fields = assert_safe_csv(out.getvalue())
    assert_evil_shown_neutralised(fields, workbook=False)
    if when == "2026-03":
        assert "-5.00" in fields  # the task part: a negative number stays a number


@pytest.mark.parametrize("when", ["2026-03", "2026"])
def test_export_results_xlsx(evil, when, tmp_path):
    path = tmp_path / "results.xlsx"
    call_command(
        "export",
        "results",
        when,
        "--scope",
        "W1",
        "--format",
        "xlsx",
        "--output",
        str(path),
        stderr=io.StringIO(),
    )
    values = assert_safe_workbook(path.read_bytes())
    assert_evil_shown_neutralised(values)
    if when == "2026-03":
        assert -5 in values


@pytest.mark.parametrize("table", ["league", "ranking"])
def test_dashboard_exports(evil, login, org, table):
    client = login(org.leader_w1)
    xlsx = client.get(reverse("dashboard-export", args=[table, "xlsx"]))
    csv_file = client.get(reverse("dashboard-export", args=[table, "csv"]))
    assert xlsx.status_code == csv_file.status_code == 200
    values = assert_safe_workbook(xlsx.content)
    fields = assert_safe_csv(csv_file.content.decode("utf-8"))
    assert neutralise(EVIL_UNIT) in values and neutralise(EVIL_UNIT) in fields
    if table == "ranking":
        assert_evil_shown_neutralised(values)
        assert_evil_shown_neutralised(fields, workbook=False)
        assert -5 in values and "-5.00" in fields


def test_grid_excel_template(evil, login, org):
    period = open_month(org.a, phase=Phase.REVIEW)
    response = login(org.head_a).get(reverse("month:grid_excel", args=[period.pk, org.a.code]))
    assert response.status_code == 200
    assert_evil_shown_neutralised(assert_safe_workbook(response.content))


def test_results_keep_their_evil_text_in_the_database(evil):
    """The neutralising is the exports' business: the data itself is stored as typed."""
    assert set(Result.objects.filter(cadre__in=evil).values_list("job_group", flat=True)) == set(
        EVIL
    )
