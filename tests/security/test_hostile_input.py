"""Input nobody types by accident is refused with a message, never a 500 (found while
probing the permission matrix's URLs with extreme values)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from directives.selectors import month_range
from scoring.models import Adjustment, Phase
from scoring.month.services.adjustments import adjustment_refusal
from tests.scoring.factories import nd335, open_period

pytestmark = pytest.mark.django_db

HUGE = "1e999999"  # a valid Decimal that quantize(0.01) cannot hold


def test_month_zero_of_year_zero_is_not_a_month():
    assert month_range("0000-01") is None
    assert month_range("0001-01") is not None


@pytest.mark.parametrize(
    "name, args",
    [("taskmonth:month", []), ("directives:my_tasks", []), ("directives:board", ["W1-A"])],
)
def test_pages_read_year_zero_as_no_month(org, login, name, args):
    response = login(org.head_a).get(reverse(name, args=args), {"month": "0000-01"})
    assert response.status_code == 200


def test_a_huge_adjustment_is_refused_as_too_many_points(db):
    expected = adjustment_refusal(nd335(), "penalty", Decimal(101))
    assert adjustment_refusal(nd335(), "penalty", Decimal(HUGE)) == expected
    assert adjustment_refusal(nd335(), "bonus", Decimal(HUGE)) == expected


def test_the_grid_refuses_a_huge_adjustment_with_its_message(org, login):
    period = open_period(org.a, "2026-10", phase=Phase.REVIEW)
    url = reverse("month:grid_adjust", args=[period.pk, "W1-A", "SA"])
    response = login(org.head_a).post(
        url,
        {"kind": "penalty", "points": HUGE, "reason": "Đi muộn"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'data-state="refused"' in response.content.decode()
    assert not Adjustment.objects.exists()
