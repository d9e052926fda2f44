"""Issue 16, part 2: work on time against the target on the leaders' dashboard, the late items
one click away, and the scope's on-time rate counting decided months only."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse

from directives.dossiers.models import DossierRating, Rating
from directives.dossiers.selectors import ServiceFigures
from directives.models import Regulation
from scoring.dashboards.on_time import Share, on_time_figure
from scoring.dashboards.selectors import dashboard_data
from scoring.dashboards.stats import Stats
from scoring.dashboards.summaries import summarize
from scoring.models import Phase
from tests.dashboard.factories import PeriodFactory, ResultFactory, TaskFactory, summarized
from tests.factories import UnitFactory, member

pytestmark = pytest.mark.django_db

LATE_A = reverse("dashboard-late", args=["W1-A", "2026-03"])


def dossier(code, unit, cadre, day, on_time, rating=Rating.SATISFIED):
    return DossierRating.objects.create(
        code=code, unit=unit, cadre=cadre, handled_on=day, on_time=on_time, rating=rating
    )


@pytest.fixture
def dossiers(org, months):
    d = dt.date
    made = [
        dossier("HS-1", org.a, org.staff_a, d(2026, 3, 3), True),
        dossier("HS-2", org.a, org.staff_a2, d(2026, 3, 4), False, Rating.UNSATISFIED),
        dossier("HS-3", org.b, org.staff_b, d(2026, 3, 5), True),
        dossier("HS-4", org.b, org.staff_b, d(2026, 4, 5), False),  # April is still open
    ]
    summarized()  # the summary rows deciding March writes, dossiers counted
    return made


def test_the_scopes_on_time_rate_counts_only_decided_months(org, months):
    """A ward whose March is still in review adds none of its late tasks to the city's March."""
    w3 = UnitFactory(code="W3", name="Phường Ba", kind="ward", parent=org.city)
    cadre = member(w3, code="S3")
    running = PeriodFactory(month="2026-03", scope=w3, phase=Phase.REVIEW)
    TaskFactory(assignee=cadre, unit=w3, deadline=dt.date(2026, 3, 5), completed_on=None)
    TaskFactory(assignee=cadre, unit=w3, deadline=dt.date(2026, 3, 6), completed_on=None)
    data = dashboard_data(org.city, "2026-03", ["2026-03", "2026-02"])
    # W1: 1 of 3 in W1-A, 1 of 1 in W1-B; W2 has no task; W3 (2 late) is not decided.
    assert (data.summary.on_time, data.summary.due) == (2, 4)
    assert data.summary.on_time_rate == Decimal("50.0")
    assert all(row.unit.code != "W3" for row in data.league)
    # Once W3's March is decided (its members have results), its tasks count.
    running.phase = Phase.DECIDED
    running.save(update_fields=["phase"])
    ResultFactory(period=running, cadre=cadre, unit=w3)
    summarize(running)  # what deciding it writes with its results
    data = dashboard_data(org.city, "2026-03", ["2026-03", "2026-02"])
    assert (data.summary.on_time, data.summary.due) == (2, 6)


def test_each_unit_against_the_target_below_it_first(org, months, dossiers):
    figure = on_time_figure(org.w1, "2026-03")
    assert figure["target"] == Decimal("100")
    assert figure["below"] == 1
    first, second = figure["rows"]
    assert first.unit == org.a  # 2 of 5 on time: below the target
    assert (first.tasks.on_time, first.tasks.done, first.dossiers.on_time) == (1, 3, 1)
    assert first.month_rate == Decimal("40.0")
    assert first.satisfaction_index == Decimal("50.0")  # HS-1 satisfied, HS-2 not
    assert first.late == 3
    assert second.unit == org.b
    assert (second.tasks.rate, second.dossiers.rate) == (Decimal("100.0"), Decimal("100.0"))
    # The year: February (locked) adds B's late task; April (open) adds nothing.
    assert (second.tasks_year.on_time, second.tasks_year.done) == (1, 2)
    assert (second.dossiers_year.done, first.dossiers_year.done) == (1, 2)


def test_the_target_is_the_regulations(org, months, dossiers):
    Regulation.objects.filter(code="ND335").update(on_time_target=Decimal("30"))
    figure = on_time_figure(org.w1, "2026-03")
    assert figure["target"] == Decimal("30")
    assert figure["below"] == 0
    assert [r.unit for r in figure["rows"]] == [org.a, org.b]  # tree order


def test_the_figure_costs_the_same_queries_for_a_small_and_a_large_ward(
    org, months, dossiers, django_assert_num_queries
):
    with django_assert_num_queries(3):  # the regulation, subunits, summaries by month and row
        small = on_time_figure(org.w1, "2026-03")
    for i in range(8):
        unit = UnitFactory(code=f"W1-X{i}", name=f"Phòng X{i}", parent=org.w1)
        cadre = member(unit, code=f"X{i}")
        ResultFactory(period=months.march, cadre=cadre, unit=unit)
        for n in range(5):
            TaskFactory(assignee=cadre, unit=unit, deadline=dt.date(2026, 3, 10 + n))
            dossier(f"HS-X{i}-{n}", unit, cadre, dt.date(2026, 3, 10 + n), n % 2 == 0)
    summarized()  # what deciding March writes
    with django_assert_num_queries(3):
        large = on_time_figure(org.w1, "2026-03")
    assert len(large["rows"]) == len(small["rows"]) + 8


def test_the_dashboard_shows_it_with_the_late_items_one_click_away(org, months, dossiers, login):
    page = login(org.leader_w1).get(reverse("dashboard")).content.decode()
    section = page.split('id="on-time"')[1].split("</section>")[0]
    assert section.index('data-on-time-unit="W1-A"') < section.index('data-on-time-unit="W1-B"')
    assert "data-below-target" in section
    assert f'href="{LATE_A}"' in section


def test_the_late_items_page_lists_the_late_tasks_and_dossiers(org, months, dossiers, login):
    page = login(org.leader_w1).get(LATE_A).content.decode()
    tasks = page.split('data-late="tasks"')[1].split("</table>")[0]
    assert "Kế hoạch thu" in tasks and months.tasks.undone.code in tasks
    assert "Báo cáo quý I" not in tasks and "Hủy" not in tasks
    late_dossiers = page.split('data-late="dossiers"')[1].split("</table>")[0]
    assert "HS-2" in late_dossiers and "HS-1" not in late_dossiers


def test_who_may_open_the_late_items(org, months, dossiers, client, login):
    assert client.get(LATE_A).status_code == 302  # anonymous: to the sign-in page
    assert login(org.staff_a).get(LATE_A).status_code == 403  # no dashboard
    assert login(org.leader_w2).get(LATE_A).status_code == 404  # an outsider
    assert login(org.head_b).get(LATE_A).status_code == 404
    for reader in (org.leader_w1, org.head_a, org.admin):
        assert login(reader).get(LATE_A).status_code == 200
    bad = reverse("dashboard-late", args=["W1-A", "2026-3"])
    assert login(org.leader_w1).get(bad).status_code == 404


def test_the_late_items_page_costs_the_same_queries_for_few_and_many(
    org, months, dossiers, login, django_assert_num_queries
):
    client = login(org.leader_w1)
    # session, user, scope (one query), the unit, late tasks, late dossiers
    with django_assert_num_queries(6):
        client.get(LATE_A)
    for n in range(30):
        TaskFactory(assignee=org.staff_a, unit=org.a, deadline=dt.date(2026, 3, 20))
        dossier(f"HS-L{n}", org.a, org.staff_a, dt.date(2026, 3, 20), False)
    with django_assert_num_queries(6):
        page = client.get(LATE_A).content.decode()
    assert page.count("<tr>") >= 62


@pytest.mark.parametrize(("on_time", "done"), [(1, 8), (5, 8), (1, 16), (5, 16), (13, 16)])
def test_the_dossiers_rate_reads_as_the_dashboards_on_a_tie(on_time, done):
    """The head's dossier figures and the leader's dashboard show one rate for one count: 5 of
    16 on time reads 31,3% on both (never 31,2 on one of them)."""
    dossiers = ServiceFigures(handled=done, on_time=on_time, satisfied=on_time)
    tasks = Stats(due=done, on_time=on_time)
    share = Share(done=done, on_time=on_time)
    rates = {dossiers.on_time_rate, dossiers.satisfaction_index, tasks.on_time_rate, share.rate}
    assert rates == {(Decimal(100 * on_time) / done).quantize(Decimal("0.1"), ROUND_HALF_UP)}
