"""Issue 6, acceptance 2: the dashboard and the ranking cost the same number of queries for a
city of 500 cadres and one of 5,000 (`seed_demo --cadres 500` / `--cadres 5000`)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from scoring.dashboards import views
from scoring.models import Result
from tests.dashboard.generator import Patterns, decided_months, organisation
from units.models import Unit

pytestmark = pytest.mark.django_db

# The admin has no cadre: session, user, scope (cadre lookup), the unit, its decided months;
# then, unless the page is cached, the page's own queries.
CACHED_QUERIES = 5
ON_TIME_QUERIES = 1  # work on time, cached like the body: the regulation (dashboards/
#                      on_time.py; its subtree rows and subunits are read with the body's)
DASHBOARD_QUERIES = 11 + ON_TIME_QUERIES  # + picker units, the subtree rows by month and
#                         series and the direct subunits, each read once for the body, work
#                         on time and the output (dashboards/summaries.py, ScopeSums), the
#                         flagged rows' summaries and rater flags (scoring/dashboards/
#                         selectors.py), the output's members
RANKING_QUERIES = 10  # + picker units, count, job groups, the page of results, the head
#                         signing the printed page


def without_tokens(page: str) -> str:
    """The page without its CSRF token (masked anew on every response)."""
    return re.sub(r'("X-CSRFToken": |name="csrfmiddlewaretoken" value=)"[^"]+"', "", page)


@pytest.fixture
def city(request, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    organisation(request.param)
    # Every cadre decided for two months; scorecards written for two departments only, to
    # keep the test fast (the flag queries still read hundreds of them).
    decided_months(
        Unit.objects.get(code="HN"),
        ["2026-02", "2026-03"],
        scorecard_units={"HH-KT", "HH-VP"},
        patterns=Patterns(equalized={"HH-QS"}, self_inflating={"HH-HCC"}),
    )
    return request.param


@pytest.mark.parametrize("city", [500, 5000], indirect=True)
def test_dashboard_and_ranking_queries_do_not_grow_with_the_city(
    city, client, django_assert_num_queries, monkeypatch
):
    client.force_login(get_user_model().objects.get(username="admin"))
    assert Result.objects.filter(period__month="2026-03").count() == city

    with django_assert_num_queries(DASHBOARD_QUERIES):
        page = client.get(reverse("dashboard")).content.decode()
    rated = int(re.search(r'data-stat="rated">(\d+)<', page).group(1))
    assert rated > 0.9 * city
    assert 'data-flag="equalization"' in page and 'data-flag="self_inflation"' in page
    with django_assert_num_queries(CACHED_QUERIES):
        again = client.get(reverse("dashboard")).content.decode()
    assert without_tokens(again) == without_tokens(page)

    # The city's tables of units on pages of two rows: any page costs the same.
    monkeypatch.setattr(views, "UNITS_PAGE_SIZE", 2)
    for query in ("?page=1", "?page=2&on_time_page=2&output_page=2", "?page=2&sort=-average"):
        with django_assert_num_queries(DASHBOARD_QUERIES):
            page = client.get(reverse("dashboard") + query).content.decode()
        assert page.count("data-unit=") == 2 and page.count("data-output-unit=") == 2
        assert page.count('rel="next"') == 3

    with django_assert_num_queries(RANKING_QUERIES):
        page = client.get(reverse("dashboard-ranking") + "?tier=B&page=2").content.decode()
    assert page.count('href="/dashboard/cadre/') == 50
    with django_assert_num_queries(CACHED_QUERIES):
        again = client.get(reverse("dashboard-ranking") + "?tier=B&page=2").content.decode()
    assert without_tokens(again) == without_tokens(page)
