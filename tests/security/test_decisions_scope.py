"""The decisions list counts only the appeals the viewer may read (issue 12, item 9).

/month/decisions/ lists the periods covering the viewer's units with their open appeals; a
period over the city (or the ward) counts, for a ward's (or a department's) head, only the
appeals of cadres whose unit in the period lies in what that head reads.
"""

import re

import pytest
from django.urls import reverse

from scoring.models import Appeal, Phase
from tests.factories import member
from tests.scoring.factories import open_period

pytestmark = pytest.mark.django_db


def open_appeals(client) -> dict[str, str]:
    """Scope name → the open appeals cell of each row of the decisions list."""
    page = client.get(reverse("month:decisions")).content.decode()
    rows = re.findall(r"<tr>\s*<td>.*?</td>\s*<td>(.*?)</td>\s*<td>.*?</td>\s*<td>(.*?)</td>", page)
    assert rows, page
    return {scope: re.sub(r"<[^>]+>", "", cell) for scope, cell in rows}


@pytest.fixture
def city_month(org):
    """A month over the whole city in the appeals phase: one open appeal in ward W2, two in
    department A of W1 (one of them answered), one in department B of W1."""
    ward_head_1 = member(org.w1, role="head", code="HW1", job_group="leader")
    ward_head_2 = member(org.w2, role="head", code="HW2", job_group="leader")
    in_w2 = member(org.w2, code="SW2")
    period = open_period(org.city, "2026-09", phase=Phase.APPEALS)
    Appeal.objects.create(period=period, cadre=in_w2, text="Phường Hai")
    Appeal.objects.create(period=period, cadre=org.staff_a, text="Phòng A")
    Appeal.objects.create(period=period, cadre=org.staff_a2, text="Phòng A", status="rejected")
    Appeal.objects.create(period=period, cadre=org.staff_b, text="Phòng B")
    return ward_head_1, ward_head_2


def test_decisions_show_no_appeal_counts_of_units_outside_the_viewers_scope(org, login, city_month):
    """An appeal in another ward is not counted for this ward's head, nor one of a sibling
    department for a department's head; the administrator counts them all."""
    ward_head_1, ward_head_2 = city_month
    city = org.city.name
    assert open_appeals(login(ward_head_1)) == {city: "2"}
    assert open_appeals(login(ward_head_2)) == {city: "1"}
    assert open_appeals(login(org.leader_w2)) == {city: "1"}
    assert open_appeals(login(org.head_a)) == {city: "1"}
    assert open_appeals(login(org.head_b)) == {city: "1"}
    assert open_appeals(login(org.admin)) == {city: "3"}


def test_a_ward_with_no_appeal_of_its_own_shows_none(org, login, city_month):
    Appeal.objects.filter(cadre__code__in=["SA", "SB"]).delete()
    ward_head_1, _ward_head_2 = city_month
    assert open_appeals(login(ward_head_1)) == {org.city.name: "0"}
