"""Vietnamese formats in the task form and the task import (docs/RULES.md §4, §5): a weight typed
"0,5" is one half (it was once saved as 5), ambiguous numbers are refused with an example,
dates are dd/mm/yyyy in the form whatever the browser's language and dd/mm/yyyy or ISO in a
file, and text is stored NFC."""

import datetime as dt
import io
import unicodedata
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import Workbook

from directives.imports import TASK_COLUMNS, tasks_import
from directives.models import Task
from units.tabular import ImportFailed

pytestmark = pytest.mark.django_db

ASSIGN = reverse("directives:assign", args=["W1-A"])
TODAY = dt.date(2026, 10, 5)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 10, 5, 9, tzinfo=dt.UTC), tick=False):
        yield


def assign(org, **overrides):
    return {
        "assignee": org.staff_a.pk,
        "title": "Báo cáo tháng",
        "assigned_on": "05/10/2026",
        "deadline": "20/10/2026",
        "expected_result": "Báo cáo",
        "weight": "1",
    } | overrides


def test_a_weight_typed_with_a_decimal_comma_is_saved_as_typed(login, org):
    response = login(org.head_a).post(ASSIGN, assign(org, weight="0,5"))
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.weight == Decimal("0.5")
    assert (task.assigned_on, task.deadline) == (TODAY, dt.date(2026, 10, 20))


@pytest.mark.parametrize("weight", ["1.234,5", "1,234.5", "1.5,0"])
def test_an_ambiguous_weight_is_refused_with_an_example_and_nothing_is_saved(login, org, weight):
    page = login(org.head_a).post(ASSIGN, assign(org, weight=weight)).content.decode()
    assert f"“{weight}” có thể hiểu theo nhiều cách" in page
    assert "ví dụ 1234,5" in page
    assert not Task.objects.exists()


def test_the_form_shows_dates_and_the_weight_as_text_in_vietnamese_notation(login, org):
    page = login(org.head_a).get(ASSIGN).content.decode()
    assert 'type="date"' not in page and 'type="number"' not in page
    assert 'name="assigned_on" value="05/10/2026"' in page
    assert 'placeholder="dd/mm/yyyy"' in page


def test_a_date_the_browser_wrote_its_own_way_is_refused_with_the_form_expected(login, org):
    page = login(org.head_a).post(ASSIGN, assign(org, deadline="10/20/2026")).content.decode()
    assert (
        "“10/20/2026” không phải là ngày: hãy viết theo dạng dd/mm/yyyy, ví dụ 25/11/2026." in page
    )
    assert not Task.objects.exists()


def test_a_title_typed_decomposed_is_stored_nfc(login, org):
    login(org.head_a).post(ASSIGN, assign(org, title=unicodedata.normalize("NFD", " Báo cáo ")))
    assert Task.objects.get().title == "Báo cáo"


# --- the import ----------------------------------------------------------------------------


def task_row(**values):
    row = {
        "code": "NV1",
        "title": "Báo cáo tháng",
        "assignee_code": "SA",  # the org fixture's staff member of W1-A and its head
        "assigned_by_code": "HA",
        "assigned_on": "01/10/2026",
        "deadline": "15/10/2026",
        "expected_result": "Báo cáo",
        "weight": "1",
        "completed_on": "",
        "accepted": "",
        "major_errors": "",
        "delays": "",
    }
    return [values.get(c, row[c]) for c in TASK_COLUMNS]


def workbook(*rows):
    book = Workbook()
    book.active.append(TASK_COLUMNS)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_import_reads_weights_written_either_way_and_real_numbers(org):
    tasks_import(
        data=workbook(
            task_row(code="NV1", weight="0,5"),  # a text cell, as a Vietnamese office types it
            task_row(code="NV2", weight=0.25),  # a number cell
            task_row(code="NV3", weight="1.5", assigned_on="2026-10-01"),  # ISO date
        )
    )
    assert dict(Task.objects.values_list("code", "weight")) == {
        "NV1": Decimal("0.5"),
        "NV2": Decimal("0.25"),
        "NV3": Decimal("1.5"),
    }


def test_an_import_refuses_a_two_digit_year_and_an_ambiguous_number_saying_what_it_expects(org):
    with pytest.raises(ImportFailed) as failed:
        tasks_import(
            data=workbook(
                task_row(code="NV1", deadline="01/12/26"),
                task_row(code="NV2", weight="1.234,5"),
            )
        )
    messages = {(e.row, e.column): e.message for e in failed.value.errors}
    assert "dd/mm/yyyy" in messages[(2, "deadline")]
    assert "yyyy-mm-dd" in messages[(2, "deadline")]
    assert "1234,5" in messages[(3, "weight")]
    assert not Task.objects.exists()
