"""The radar (docs/RULES.md §8): who is on it and why, who sees it, in a fixed number of
queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives.models import Regulation
from scoring.oversight.selectors import radar
from scoring.oversight.settings import RadarSettings, radar_settings
from tests.factories import member
from tests.scoring.factories import make_task
from tests.scoring.oversight.helpers import decided_month
from units.scope import scope_for

pytestmark = pytest.mark.django_db

MONTHS = ("2026-06", "2026-07", "2026-08", "2026-09")


def _history(org, *, extra=()):
    """SA rated D from July to September; SA2 B throughout; HA's unit falls each month."""
    for i, month in enumerate(MONTHS):
        tiers = {
            org.staff_a: (org.a, "C" if month == "2026-06" else "D"),
            org.staff_a2: (org.a, "B"),
            org.head_a: (org.a, "A"),
            org.staff_b: (org.b, "B"),
        }
        tiers |= dict.fromkeys(extra, (org.a, "D"))
        totals = {org.staff_a2: Decimal(90 - 5 * i)}
        decided_month(org.w1, month, tiers, totals=totals)


def test_settings_default_and_read_from_the_regulation():
    assert radar_settings(None) == RadarSettings(3, 6, Decimal(100))

    regulation = Regulation(radar_consecutive_months=2, radar_months_of_12=4, on_time_target=95)
    assert radar_settings(regulation) == RadarSettings(2, 4, Decimal(95))
    assert radar_settings(Regulation()) == RadarSettings(3, 6, Decimal(100))  # the model's defaults


def test_a_cadre_low_three_months_in_a_row_is_on_the_radar(org):
    _history(org)
    data = radar(scope_for(org.leader_w1.user), org.w1)
    assert data.month == "2026-09"
    assert [(r.code, r.low_months) for r in data.cadres] == [
        ("SA", ("2026-07", "2026-08", "2026-09"))
    ]


def test_a_head_whose_unit_falls_three_months_is_on_the_radar(org):
    _history(org)
    data = radar(scope_for(org.leader_w1.user), org.w1)
    falling = {r.code: r.falling for r in data.leaders}
    assert falling["HA"] == MONTHS
    assert "HB" not in falling  # W1-B stays level


def test_a_head_whose_on_time_rate_stays_under_target(org):
    for month in (7, 8, 9):
        decided_month(org.w1, f"2026-{month:02d}", {org.staff_b: (org.b, "B")})
        make_task(org.staff_b, unit=org.b, deadline=dt.date(2026, month, 10), completed_on=None)
        make_task(
            org.staff_b,
            unit=org.b,
            deadline=dt.date(2026, month, 12),
            completed_on=dt.date(2026, month, 11),
        )
    data = radar(scope_for(org.leader_w1.user), org.w1)
    below = {r.code: r.below_target for r in data.leaders}
    assert below["HB"] == ("2026-07", "2026-08", "2026-09")


def test_only_decided_months_count_for_the_on_time_rate(org):
    decided_month(org.w1, "2026-09", {org.staff_b: (org.b, "B")})
    for month in (7, 8, 9):  # July and August were never decided
        make_task(org.staff_b, unit=org.b, deadline=dt.date(2026, month, 10), completed_on=None)
    data = radar(scope_for(org.leader_w1.user), org.w1)
    assert "HB" not in {r.code for r in data.leaders}


def test_two_years_not_completed(org):
    for year in (2024, 2025):
        for month in range(1, 7):
            decided_month(org.w1, f"{year}-{month:02d}", {org.staff_b: (org.b, "D")})
    decided_month(org.w1, "2026-03", {org.staff_b: (org.b, "B")})
    data = radar(scope_for(org.leader_w1.user), org.w1)
    years = {r.code: r.low_years for r in data.cadres}
    assert years["SB"] == (2024, 2025)


def test_who_may_open_a_case_from_the_radar(org):
    _history(org)
    as_head = radar(scope_for(org.head_a.user), org.a)
    assert {r.code: r.may_open for r in as_head.cadres} == {"SA": True}
    assert {r.code: r.may_open for r in as_head.leaders}.get("HA") is False  # never oneself
    as_leader = radar(scope_for(org.leader_w1.user), org.w1)
    assert {r.code: r.may_open for r in as_leader.leaders}["HA"] is True


# --- the page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("staff_a", 403), ("head_b", 404), ("leader_w2", 404), ("head_a", 200), ("leader_w1", 200)],
)
def test_radar_page_access(org, client, who, status):
    _history(org)
    client.force_login(getattr(org, who).user)
    response = client.get(reverse("oversight:radar"), {"unit": "W1-A"})
    assert response.status_code == status


def test_radar_page_anonymous_goes_to_login(org, client):
    response = client.get(reverse("oversight:radar"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_radar_page_shows_the_months(org, client):
    _history(org)
    client.force_login(org.leader_w1.user)
    page = client.get(reverse("oversight:radar")).content.decode()
    assert "SA" in page and "tháng 07/2026, tháng 08/2026, tháng 09/2026" in page
    assert reverse("oversight:case_new") + "?cadre=SA" in page


def _count(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("oversight:radar"), {"unit": "W1"}).status_code == 200
    return len(queries)


def test_radar_query_count_does_not_grow(org, client):
    client.force_login(org.leader_w1.user)
    _history(org)
    small = _count(client)
    extra = [member(org.a, code=f"X{i}") for i in range(8)]
    for i in range(3):
        member(org.w1, code=f"U{i}")
    decided_month(org.w1, "2026-10", dict.fromkeys([org.staff_a, *extra], (org.a, "D")))
    large = _count(client)
    assert small == large


def test_a_decided_december_counts_its_own_year(org):
    for year in (2025, 2026):
        for month in range(7, 13):
            decided_month(org.w1, f"{year}-{month:02d}", {org.staff_b: (org.b, "D")})
    data = radar(scope_for(org.leader_w1.user), org.w1)
    assert data.month == "2026-12"
    assert {r.code: r.low_years for r in data.cadres}["SB"] == (2025, 2026)


def test_the_home_page_links_leaders_to_the_radar_inspections_and_cases(org, client):
    client.force_login(org.leader_w1.user)
    page = client.get(reverse("home")).content.decode()
    for name in ("oversight:radar", "oversight:inspections_start", "oversight:cases"):
        assert f'href="{reverse(name)}"' in page
    client.force_login(org.staff_a.user)
    assert reverse("oversight:radar") not in client.get(reverse("home")).content.decode()
