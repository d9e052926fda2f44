"""The dashboard's tables of units show one page of rows (issue 18 part 3): the league in its
sort, work on time and the converted output each in their own order, with links that keep the
address's other parameters. The pages hold two rows here, so ward W1 (two departments and its
own members) fills two pages; a unit that fits on one page shows no links."""

import csv
import html
import io
import re

import pytest
from django.urls import reverse

from scoring.dashboards import views
from tests.dashboard.factories import lenient_rater

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard")


@pytest.fixture
def two_a_page(monkeypatch):
    monkeypatch.setattr(views, "UNITS_PAGE_SIZE", 2)


def rows(page: str, attribute: str) -> list[str]:
    return re.findall(rf'{attribute}="([^"]+)"', page)


def next_link(page: str, section: str) -> str:
    """The "Next" link under the section (league, on-time, converted-output)."""
    start = page.index(f'id="{section}"')
    return html.unescape(re.search(r'href="([^"]+)" rel="next"', page[start:]).group(1))


def test_a_unit_that_fits_on_a_page_shows_no_links(login, org, months):
    page = login(org.leader_w1).get(DASHBOARD).content.decode()
    assert rows(page, "data-unit") == ["W1", "W1-A", "W1-B"]
    assert "pagination" not in page and "data-showing" not in page


def test_page_two_of_the_league_holds_the_next_rows_in_the_same_sort(
    login, org, months, two_a_page
):
    client = login(org.leader_w1)
    first = client.get(DASHBOARD + "?sort=-average").content.decode()
    second = client.get(DASHBOARD + "?sort=-average&page=2").content.decode()
    # W1-A averages 79,17, the ward's own member 85, W1-B 60.
    assert rows(first, "data-unit") == ["W1", "W1-A"]
    assert rows(second, "data-unit") == ["W1-B"]
    assert "Hiển thị 1–2 trong 3 đơn vị" in first
    assert "Hiển thị 3–3 trong 3 đơn vị" in second
    assert 'rel="prev"' in second


def test_the_page_links_keep_unit_month_and_sort(login, org, months, two_a_page):
    page = login(org.leader_w1).get(
        DASHBOARD + "?unit=W1&month=2026-03&sort=-average&on_time_page=1"
    )
    link = next_link(page.content.decode(), "league-title")
    assert link == "?unit=W1&month=2026-03&sort=-average&on_time_page=1&page=2#league-title"


def test_a_new_sort_starts_again_at_page_one(login, org, months, two_a_page):
    page = login(org.leader_w1).get(DASHBOARD + "?sort=-average&page=2").content.decode()
    assert 'href="?sort=average"' in page


def test_a_page_past_the_last_shows_the_last_and_a_wrong_one_the_first(
    login, org, months, two_a_page
):
    client = login(org.leader_w1)
    assert rows(client.get(DASHBOARD + "?page=9").content.decode(), "data-unit") == ["W1-B"]
    assert rows(client.get(DASHBOARD + "?page=x").content.decode(), "data-unit") == [
        "W1",
        "W1-A",
    ]


def test_work_on_time_and_the_output_page_apart_in_their_own_order(login, org, months, two_a_page):
    client = login(org.leader_w1)
    first = client.get(DASHBOARD + "?sort=-average").content.decode()
    # The output: the departments by code, then the ward's own members.
    assert rows(first, "data-output-unit") == ["W1-A", "W1-B"]
    link = next_link(first, "converted-output")
    assert link == "?sort=-average&output_page=2#converted-output"
    second = client.get(DASHBOARD + link.split("#")[0]).content.decode()
    assert rows(second, "data-output-unit") == ["W1"]
    assert rows(second, "data-unit") == ["W1", "W1-A"]  # the league stays on its page
    # Work on time: W1-A (1 of 3 tasks on time) below the target, then W1-B; the ward's own
    # members had no task and no dossier.
    assert rows(first, "data-on-time-unit") == ["W1-A", "W1-B"]
    assert "on_time_page" not in first


def test_work_on_time_pages_from_the_lowest_rate(login, org, months, monkeypatch):
    monkeypatch.setattr(views, "UNITS_PAGE_SIZE", 1)
    client = login(org.leader_w1)
    first = client.get(DASHBOARD + "?sort=-average&page=2").content.decode()
    assert rows(first, "data-on-time-unit") == ["W1-A"]
    link = next_link(first, "on-time")
    assert link == "?sort=-average&page=2&on_time_page=2#on-time"
    second = client.get(DASHBOARD + link.split("#")[0]).content.decode()
    assert rows(second, "data-on-time-unit") == ["W1-B"]
    assert rows(second, "data-unit") == ["W1-A"]


def test_the_warning_signs_cover_the_rows_of_every_page(login, org, months, two_a_page):
    lenient_rater(months.march, org.b, [org.head_b, org.staff_b])
    client = login(org.leader_w1)
    page = client.get(DASHBOARD).content.decode()
    assert "W1-B" not in rows(page, "data-unit")
    assert 'id="flags-W1-B"' in page and 'data-flag="leniency"' in page


def test_the_exports_hold_every_row(login, org, months, two_a_page):
    response = login(org.leader_w1).get(
        reverse("dashboard-export", args=["league", "csv"]) + "?sort=-average&page=2"
    )
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(table) == 1 + 3
