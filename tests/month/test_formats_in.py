"""Numbers typed in the grid's cells and adjustments as Vietnamese write them (docs/RULES.md §5):
"4,5" is four and a half, ambiguous text is refused on its cell with an example and nothing is
saved, and a pool is read "17.000.000"."""

from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.io.imports import pools_import
from scoring.models import Adjustment, PeriodUnit
from tests.month.test_grid import FULL_ROW, HTMX, review, row_data, row_url, supervisor_card  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_cell_typed_with_a_decimal_comma_saves_that_number(login, review):  # noqa: F811
    cells = FULL_ROW | {"G1": "2,25"}
    login(review.head).post(row_url(review.period, "SA"), row_data(**cells), **HTMX)
    lines = supervisor_card(review.period, review.org.staff_a).get().lines.all()
    assert {line.criterion.code: line.points for line in lines}["G1"] == Decimal("2.25")


@pytest.mark.parametrize("typed", ["1.234,5", "1,234.5", "1.5,0"])
def test_an_ambiguous_cell_is_refused_with_an_example_and_nothing_is_saved(
    login,
    review,  # noqa: F811
    typed,
):
    cells = FULL_ROW | {"G1": typed}
    response = login(review.head).post(row_url(review.period, "SA"), row_data(**cells), **HTMX)
    feedback = response.content.decode().split('id="e-SA-G1"')[1].split("</div>")[0]
    assert f"“{typed}” có thể hiểu theo nhiều cách" in feedback and "1234,5" in feedback
    assert not supervisor_card(review.period, review.org.staff_a).exists()


def test_an_adjustment_of_half_a_point_is_half_a_point(login, review):  # noqa: F811
    url = reverse("month:grid_adjust", args=[review.period.pk, "W1-A", "SA"])
    login(review.head).post(url, {"kind": "penalty", "points": "0,5", "reason": "Muộn"}, **HTMX)
    assert Adjustment.objects.get().points == Decimal("0.5")


def test_a_pools_file_reads_amounts_with_thousands_separators(review):  # noqa: F811
    data = b"unit_code,amount\nW1-A,17.000.000\n"
    pools_import(data=data, month=review.period.month)
    assert PeriodUnit.objects.get(period=review.period, unit__code="W1-A").pool == 17_000_000
