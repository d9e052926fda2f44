"""Every page of the month reads in a fixed number of queries, whatever the number of rows.

Each test touches a page with several rows, then again with more rows, and pins the count.
"session, user, scope (1)" are the five queries every logged-in page makes.
"""

import pytest
from django.urls import reverse

from scoring.models import Appeal, PeerAssignment, Phase
from scoring.month.services.decide import period_decide, period_publish
from tests.factories import UnitFactory, member
from tests.month.conftest import open_month, points, submit

pytestmark = pytest.mark.django_db


def queries(client, url, django_assert_num_queries, expected):
    client.get(url)  # the session's first touch is not the page's cost
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def published(ready):
    period_decide(period=ready.period, user=None)
    period_publish(period=ready.period, user=None)
    return ready.period


def test_the_cadres_pages(login, ready, django_assert_num_queries):
    period = ready.period
    client = login(ready.org.staff_a)
    code = PeerAssignment.objects.filter(period=period, rater=ready.org.staff_a)[0].ratee.code
    # + memberships with period and unit, self cards, assignments, submitted peers, results,
    # the unit's reopened dates (its steps are past their deadline)
    page = queries(client, reverse("month:mine"), django_assert_num_queries, 9)
    assert "4 / 4 đã hoàn thành" in page
    # + own membership, criteria, the scorecard, its lines with criteria, the unit's reopened
    # dates (the step is past its deadline)
    queries(client, reverse("month:self", args=[period.pk]), django_assert_num_queries, 9)
    # + own membership, assignments with ratees, own peer scorecards, the unit's reopened dates
    page = queries(client, reverse("month:peers", args=[period.pk]), django_assert_num_queries, 7)
    assert page.count('class="list-group-item') == 4
    # + own membership, the assignment, criteria, the scorecard, its lines with criteria, the
    # unit's reopened dates
    url = reverse("month:peer", args=[period.pk, code])
    queries(client, url, django_assert_num_queries, 10)
    # + period, member, tasks with counts
    url = reverse("month:tasks", args=[period.pk, "SA"])
    queries(client, url, django_assert_num_queries, 6)


def test_the_result_page(login, ready, django_assert_num_queries):
    period = published(ready)
    for i in range(3):
        Appeal.objects.create(
            period=period, cadre=ready.org.staff_a, text=f"{i}", status="rejected"
        )
    client = login(ready.org.staff_a)
    # + own membership, result, rated counts, the unit's pool result, revisions of the result,
    # an open correction, tasks, adjustments, appeals, the general criteria and the self and
    # head's score lines, the cadre's rated dossiers of the month
    page = queries(client, reverse("month:result", args=[period.pk]), django_assert_num_queries, 15)
    assert "data-reward" in page
    # The head reads a cadre's result: + period, member (instead of own membership)
    url = reverse("month:cadre_result", args=[period.pk, "SA"])
    queries(login(ready.head), url, django_assert_num_queries, 16)


def test_the_decide_page_before_and_after_the_decision(login, ready, django_assert_num_queries):
    client = login(ready.head)
    url = reverse("month:decide", args=[ready.period.pk])
    # + period (with its regulation); period_inputs (criteria, members, supervisor scorecards'
    # times, lines, adjustments, tasks, units)
    page = queries(client, url, django_assert_num_queries, 11)
    assert page.count("<tr>") >= 7
    published(ready)
    # + period, results with cadre and unit, revisions, their changes, open corrections
    page = queries(client, url, django_assert_num_queries, 8)
    assert page.count(f"month/{ready.period.pk}/result/") == 7


def test_the_appeals_inbox(login, ready, django_assert_num_queries):
    period = published(ready)
    client = login(ready.head)
    url = reverse("month:appeals", args=[period.pk])
    Appeal.objects.create(period=period, cadre=ready.org.staff_a, text="một")
    # + period, appeals with cadre, answerer and correction, the appellants' supervisors
    # (their units, the roles above them)
    queries(client, url, django_assert_num_queries, 7)
    for cadre in ready.staff[1:]:
        Appeal.objects.create(period=period, cadre=cadre, text="nữa")
    page = queries(client, url, django_assert_num_queries, 7)
    assert page.count("<blockquote") == 6


def test_the_heads_lists(login, org, django_assert_num_queries):
    client = login(org.head_a)
    months = ["2026-01", "2026-02"]
    periods = []
    for i, month in enumerate(months):
        period = open_month(org.a, phase=Phase.SELF)
        period.month = month
        period.save()
        periods.append(period)
        member(org.a, code=f"X{i}")
    # + periods, members with scored flags
    page = queries(client, reverse("month:manage"), django_assert_num_queries, 5)
    assert page.count("/grid/W1-A/") == 2
    # + periods with the open appeals of the units the head reads
    queries(client, reverse("month:decisions"), django_assert_num_queries, 4)
    ward = open_month(org.w1, phase=Phase.SELF)
    ward.month = "2026-03"
    ward.save()
    for period in [*periods, ward]:
        for cadre in (org.staff_a, org.staff_a2, org.staff_b):
            Appeal.objects.create(period=period, cadre=cadre, text="Xin xem lại")
    page = queries(client, reverse("month:decisions"), django_assert_num_queries, 4)
    # W1-A's months count SA and SA2; the ward's month leaves SB of W1-B out.
    assert page.count('<span class="badge text-bg-warning">2</span>') == 3


def test_the_excel_template(login, org, django_assert_num_queries):
    unit = UnitFactory(code="W1-Z", parent=org.w1)
    head = member(unit, role="head", code="ZH", job_group="leader")
    staff = [member(unit, code=f"Z{i:02d}") for i in range(12)]
    period = open_month(unit, phase=Phase.REVIEW)
    for cadre in staff[:6]:
        submit(period, cadre, head, "supervisor")
    client = login(head)
    url = reverse("month:grid_excel", args=[period.pk, unit.code])
    # + period (with its regulation), unit; the criteria, once for the request; period_inputs
    # (5: members, lines with their scorecard's time, adjustments, tasks, the unit's pool);
    # latest supervisor cards, their lines
    client.get(url)
    with django_assert_num_queries(13):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("size", [5, 30])
def test_the_grid_and_the_decide_page_while_peers_rate(login, org, size, django_assert_num_queries):
    """While peers rate, the grid reads what it always reads but shows no total or tier, and
    the decide page reads no score at all (docs/RULES.md §3)."""
    unit = UnitFactory(code="W1-P", name="Phòng P", parent=org.w1)
    head = member(unit, role="head", code="PH", job_group="leader")
    staff = [member(unit, code=f"P{i:02d}") for i in range(size - 1)]
    period = open_month(unit, phase=Phase.PEER)
    for cadre in staff[::2]:
        submit(period, cadre, head, "supervisor", points(T=50))
    for assignment in PeerAssignment.objects.filter(period=period)[:size]:
        submit(period, assignment.ratee, assignment.rater, "peer")
    client = login(head)
    # + period (with its regulation), unit; the criteria, once for the request; period_inputs
    # (5: members, lines with their scorecard's time, adjustments, tasks, the unit's pool);
    # latest supervisor cards and their lines; adjustments; subunits (no rating rules: the
    # supervisor step has not started); the self-assessments beside the cells (no peer means
    # while peers rate); the members' rated dossiers of the month
    url = reverse("month:grid", args=[period.pk, unit.code])
    page = queries(client, url, django_assert_num_queries, 17)
    assert "data-peer-mean" not in page
    assert page.count('<tr id="row-') == size
    assert page.count('data-total><span class="text-body-secondary"') == size
    # + period, and nothing else: no preview to compute
    url = reverse("month:decide", args=[period.pk])
    page = queries(client, url, django_assert_num_queries, 4)
    assert "data-figures-hidden" in page
