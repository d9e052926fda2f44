"""The dashboard's converted output (docs/RULES.md §6, scoring/dashboards/output.py): per
subunit and per head for the month, month over month, in the same queries at any size."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives.models import Task, TaskStatus
from scoring.dashboards.output import output_figure
from tests.dashboard.factories import TaskFactory, summarized
from tests.factories import UnitFactory, member

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard") + "?unit=W1&month=2026-03"
D = Decimal


def weigh(task, weight):
    Task.objects.filter(pk=task.pk).update(weight=D(weight))


@pytest.fixture
def weighed(months):
    """March in W1-A: on time 2.5, late 1.5, not done 4 (a cancelled 9 aside); W1-B: on time 1;
    February in W1-B: late 3."""
    weigh(months.tasks.on_time, "2.5")
    weigh(months.tasks.late, "1.5")
    weigh(months.tasks.undone, "4")
    weigh(months.tasks.cancelled, "9")
    weigh(months.tasks.february, "3")
    summarized()  # the summary rows deciding the months writes, weights counted
    return months


def by_label(figure):
    return {r.label: r for r in figure["rows"]}


def test_the_output_is_split_by_how_tasks_ended_per_subunit_with_its_head_count(org, weighed):
    figure = output_figure(org.w1, "2026-03", ["2026-03", "2026-02"])
    rows = by_label(figure)
    a, b = rows[org.a.name], rows[org.b.name]
    assert (a.output.on_time, a.output.late, a.output.not_completed) == (D("2.5"), D("1.5"), D(4))
    assert (b.output.on_time, b.output.late, b.output.not_completed) == (D(1), D(0), D(0))
    # W1-A: its head, two staff and the cadre on leave; completed 4 over 4 members.
    assert (a.heads, a.per_head) == (4, D("1.00"))
    assert (b.heads, b.per_head) == (2, D("0.50"))
    whole = figure["whole"]
    assert (whole.output.on_time, whole.output.late, whole.output.not_completed) == (
        D("3.5"),
        D("1.5"),
        D(4),
    )


def test_month_over_month_shows_each_decided_month_up_to_the_one_shown(org, weighed):
    figure = output_figure(org.w1, "2026-03", ["2026-03", "2026-02"])
    trend = {label: row.output for label, row in figure["trend"]}
    assert list(trend) == ["02/2026", "03/2026"]
    assert (trend["02/2026"].late, trend["02/2026"].on_time) == (D(3), D(0))
    assert trend["03/2026"].total == D(9)
    february_only = output_figure(org.w1, "2026-02", ["2026-03", "2026-02"])
    assert [label for label, _row in february_only["trend"]] == ["02/2026"]


def test_the_leaders_dashboard_shows_the_output(login, org, weighed):
    page = login(org.leader_w1).get(DASHBOARD).content.decode()
    section = page.split('id="converted-output"')[1].split("</section>")[0]
    assert "Sản lượng quy đổi" in page
    assert org.a.name in section and org.b.name in section
    assert "2,5" in section and "1,5" in section
    assert "02/2026" in section and "03/2026" in section


def test_a_head_sees_only_the_output_of_his_subtree(login, org, weighed):
    page = login(org.head_a).get(reverse("dashboard") + "?unit=W1-A&month=2026-03")
    section = page.content.decode().split('id="converted-output"')[1].split("</section>")[0]
    assert org.b.name not in section
    assert login(org.head_a).get(DASHBOARD).status_code == 404


def grow(org, units, per_unit):
    """`units` more departments under W1, each with `per_unit` members and a March task each."""
    for n in range(units):
        unit = UnitFactory(code=f"W1-X{n:02d}", parent=org.w1, name=f"Phòng {n}")
        for i in range(per_unit):
            cadre = member(unit, code=f"X{n:02d}{i:03d}", full_name=f"Ngô Văn {n}-{i}")
            TaskFactory(
                assignee=cadre,
                unit=unit,
                deadline=dt.date(2026, 3, 5 + i % 20),
                completed_on=None if i % 3 else dt.date(2026, 3, 4),
                status=TaskStatus.IN_PROGRESS,
            )


def queries(client):
    """The queries of the dashboard page with its decided body cached (the output never is)."""
    cache.clear()
    client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_output_costs_the_same_queries_for_a_small_and_a_large_ward(
    login, org, weighed, django_assert_num_queries
):
    with django_assert_num_queries(3):  # subunits, summaries by month and row, members
        small_figure = output_figure(org.w1, "2026-03", ["2026-03", "2026-02"])
    client = login(org.leader_w1)
    small, _page = queries(client)
    grow(org, units=12, per_unit=15)
    summarized()
    with django_assert_num_queries(3):
        large_figure = output_figure(org.w1, "2026-03", ["2026-03", "2026-02"])
    large, page = queries(client)
    assert large == small
    assert len(large_figure["rows"]) == len(small_figure["rows"]) + 12
    assert large_figure["whole"].output.tasks == small_figure["whole"].output.tasks + 180
    section = page.split('id="converted-output"')[1].split("</section>")[0]
    assert section.count("Phòng ") == 12 + 2  # the new departments, and A and B
