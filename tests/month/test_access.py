"""The permission ladder on every URL of the month: anonymous → login, outsider → 404,
read-only leader → 403 on writes, cadre not assigned as peer → 404, allowed → 200."""

import pytest
from django.urls import reverse

from scoring.models import Adjustment, Appeal, PeerAssignment, Phase, ScorecardKind
from scoring.month.services.adjustments import adjustment_add
from tests.factories import UserFactory, member
from tests.month.conftest import advance, submit

pytestmark = pytest.mark.django_db

# Pages of the unit W1-A of the month: (url name, extra args) — heads act, leaders read.
UNIT_PAGES = [("month:grid", ()), ("month:grid_excel", ())]
UNIT_WRITES = [
    ("month:grid_row", ("SA",)),
    ("month:grid_adjust", ("SA",)),
    ("month:grid_upload", ()),
]
PERIOD_PAGES = ["month:decide", "month:appeals", "month:progress"]
OWN_PAGES = ["month:self", "month:peers", "month:result"]


def unit_url(name, period, *extra):
    return reverse(name, args=[period.pk, "W1-A", *extra])


def period_url(name, period):
    return reverse(name, args=[period.pk])


def all_urls(period):
    return [
        *(("get", unit_url(n, period, *a)) for n, a in UNIT_PAGES),
        *(("post", unit_url(n, period, *a)) for n, a in UNIT_WRITES),
        *(("get", period_url(n, period)) for n in PERIOD_PAGES),
        *(("get", period_url(n, period)) for n in OWN_PAGES),
        ("post", period_url("month:decide", period)),
        ("post", period_url("month:publish", period)),
        ("post", period_url("month:appeal", period)),
        ("get", reverse("month:peer", args=[period.pk, "SA2"])),
        ("get", reverse("month:tasks", args=[period.pk, "SA"])),
        ("get", reverse("month:cadre_result", args=[period.pk, "SA"])),
        ("get", reverse("month:mine")),
        ("get", reverse("month:manage")),
        ("get", reverse("month:decisions")),
        ("get", reverse("month:due")),
    ]


def test_anonymous_is_sent_to_the_login_page_everywhere(client, month):
    for method, url in all_urls(month.period):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_a_head_of_another_department_gets_404_on_every_page_of_this_one(login, month):
    client = login(month.org.head_b)
    urls = [
        *(unit_url(n, month.period, *a) for n, a in UNIT_PAGES),
        *(period_url(n, month.period) for n in PERIOD_PAGES + OWN_PAGES),
        reverse("month:peer", args=[month.period.pk, "SA2"]),
        reverse("month:tasks", args=[month.period.pk, "SA"]),
        reverse("month:cadre_result", args=[month.period.pk, "SA"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for name, extra in UNIT_WRITES:
        assert client.post(unit_url(name, month.period, *extra)).status_code == 404, name
    assert client.post(period_url("month:decide", month.period)).status_code == 404
    assert client.post(period_url("month:publish", month.period)).status_code == 404


def test_a_cadre_of_another_department_cannot_see_pages_of_this_one(login, month):
    client = login(month.org.staff_b)
    for url in [
        unit_url("month:grid", month.period),
        period_url("month:decide", month.period),
        period_url("month:progress", month.period),
        period_url("month:self", month.period),
        reverse("month:tasks", args=[month.period.pk, "SA"]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("month:manage")).status_code == 404
    assert client.get(reverse("month:decisions")).status_code == 404


def test_a_staff_member_cannot_open_the_grid_nor_write_in_it(login, month):
    client = login(month.org.staff_a)
    assert client.get(unit_url("month:grid", month.period)).status_code == 404
    assert client.post(unit_url("month:grid_row", month.period, "SA2")).status_code == 404
    assert client.get(period_url("month:decide", month.period)).status_code == 404
    assert client.get(reverse("month:cadre_result", args=[month.period.pk, "SA2"])).status_code == (
        404
    )


def test_the_ward_leader_reads_but_every_write_is_403(login, month):
    period = advance(advance(month.period, Phase.PEER), Phase.REVIEW)
    adjustment = adjustment_add(
        period=period, cadre=month.org.staff_a, kind="penalty", points=1, reason="Muộn", user=None
    )
    client = login(month.org.leader_w1)
    for name, extra in UNIT_PAGES:
        assert client.get(unit_url(name, period, *extra)).status_code == 200, name
    for name in PERIOD_PAGES:
        assert client.get(period_url(name, period)).status_code == 200, name
    assert client.get(reverse("month:cadre_result", args=[period.pk, "SA"])).status_code == 200
    assert client.get(reverse("month:tasks", args=[period.pk, "SA"])).status_code == 200
    for name, extra in UNIT_WRITES:
        assert client.post(unit_url(name, period, *extra)).status_code == 403, name
    remove = unit_url("month:grid_adjust_remove", period, "SA", adjustment.pk)
    assert client.post(remove).status_code == 403
    assert client.post(period_url("month:decide", period)).status_code == 403
    assert client.post(period_url("month:publish", period)).status_code == 403
    assert Adjustment.objects.filter(pk=adjustment.pk).exists()
    # The leader is not a member of W1-A's period: no self-assessment there.
    assert client.get(period_url("month:self", period)).status_code == 404
    # Leaders read, never score: the grid shows no input.
    assert "data-cell" not in client.get(unit_url("month:grid", period)).content.decode()


def test_the_leader_cannot_answer_an_appeal(login, month):
    appeal = Appeal.objects.create(period=month.period, cadre=month.org.staff_a, text="Xin xem lại")
    url = reverse("month:appeal_reply", args=[month.period.pk, appeal.pk])
    client = login(month.org.leader_w1)
    assert client.post(url, {"answer": "Đồng ý", "decision": "accept"}).status_code == 403
    assert login(month.org.head_b).post(url, {"answer": "x", "decision": "accept"}).status_code == (
        404
    )


def test_a_cadre_not_assigned_as_peer_gets_404(login, month):
    rater = month.org.staff_a
    assigned = set(
        PeerAssignment.objects.filter(period=month.period, rater=rater).values_list(
            "ratee__code", flat=True
        )
    )
    others = {c.code for c in [month.head, *month.staff]} - {rater.code}
    unassigned = sorted(others - assigned)
    assert len(assigned) == 4 and unassigned
    client = login(rater)
    for code in assigned:
        assert client.get(reverse("month:peer", args=[month.period.pk, code])).status_code == 200
    for code in unassigned:
        url = reverse("month:peer", args=[month.period.pk, code])
        assert client.get(url).status_code == 404
        assert client.post(url, {"version": 0, "action": "submit"}).status_code == 404
    assert client.get(reverse("month:peer", args=[month.period.pk, rater.code])).status_code == 404


def test_allowed_users_open_their_pages(login, month):
    period = month.period
    staff = login(month.org.staff_a)
    for name in OWN_PAGES:
        assert staff.get(period_url(name, period)).status_code == 200, name
    assert staff.get(reverse("month:mine")).status_code == 200
    assert staff.get(reverse("month:tasks", args=[period.pk, "SA"])).status_code == 200
    assert staff.get(reverse("month:cadre_result", args=[period.pk, "SA"])).status_code == 200
    assert staff.get(reverse("month:due")).status_code == 200
    head = login(month.head)
    for name, extra in UNIT_PAGES:
        assert head.get(unit_url(name, period, *extra)).status_code == 200, name
    for name in PERIOD_PAGES:
        assert head.get(period_url(name, period)).status_code == 200, name
    assert head.get(reverse("month:manage")).status_code == 200
    assert head.get(reverse("month:decisions")).status_code == 200


def test_a_user_without_a_cadre_has_no_month_of_their_own(client, month):
    client.force_login(UserFactory(username="plain"))
    assert client.get(reverse("month:mine")).status_code == 404
    assert client.get(period_url("month:self", month.period)).status_code == 404
    assert client.get(reverse("month:due")).status_code == 200


def test_a_unit_outside_the_period_scope_is_404_even_for_its_head(login, month):
    url = reverse("month:grid", args=[month.period.pk, "W1-B"])
    assert login(month.org.head_b).get(url).status_code == 404


def test_a_peer_page_never_shows_who_rates_the_cadre(login, month):
    """A ratee sees neither their raters' names on their pages nor their peer scorecards."""
    period = month.period
    raters = PeerAssignment.objects.filter(period=period, ratee=month.org.staff_a).select_related(
        "rater"
    )
    for assignment in raters:
        submit(period, month.org.staff_a, assignment.rater, ScorecardKind.PEER)
    client = login(month.org.staff_a)
    assigned_to_me = set(
        PeerAssignment.objects.filter(period=period, rater=month.org.staff_a).values_list(
            "ratee_id", flat=True
        )
    )
    for url in [
        reverse("month:mine"),
        period_url("month:peers", period),
        period_url("month:self", period),
        period_url("month:result", period),
    ]:
        page = client.get(url).content.decode()
        for assignment in raters:
            if assignment.rater_id not in assigned_to_me:
                assert assignment.rater.full_name not in page, url


def test_a_member_of_an_unrelated_period_is_404_here(login, month):
    other = member(month.org.b, code="SB9")
    assert login(other).get(period_url("month:result", month.period)).status_code == 404
