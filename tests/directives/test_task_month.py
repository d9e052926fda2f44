"""The month figures page (scoring/tasks_month/views.py): Qn, Ql, Pg and T of one cadre."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from directives.models import Regulation
from scoring.models import Period
from tests.directives.helpers import DELAY, ERROR, done, event, make_task

pytestmark = pytest.mark.django_db

URL = reverse("taskmonth:month")


def figures(page):
    """The four figures as shown, keyed qn, ql, pg, t."""
    found = {}
    for key in ("qn", "ql", "pg", "t"):
        found[key] = page.split(f'data-figure="{key}">')[1].split("<")[0]
    return found


@pytest.fixture
def october(org):
    one = done(
        make_task(org.staff_a, org.head_a, deadline=dt.date(2026, 10, 10)), dt.date(2026, 10, 12)
    )
    event(one, DELAY, author=org.head_a)
    event(one, DELAY)
    two = done(
        make_task(org.staff_a, org.head_a, deadline=dt.date(2026, 10, 20), weight=Decimal("2")),
        dt.date(2026, 10, 19),
    )
    event(two, ERROR, author=org.head_a)
    event(two, ERROR, author=org.head_a, exempted=True)
    make_task(org.staff_a, org.head_a, deadline=dt.date(2026, 11, 3))
    return one, two


def test_the_cadre_sees_their_month_figures(login, org, october):
    page = login(org.staff_a).get(URL, {"month": "2026-10"}).content.decode()
    # weights 1 and 2, both completed and accepted; task 1 two delays, task 2 one error:
    # Qn 1, Ql (1 + 2 * 0.75) / 3 = 0.8333, Pg (0.5 + 2) / 3 = 0.8333, T = 70 * 2.6667 / 3
    assert figures(page) == {"qn": "1,00", "ql": "0,83", "pg": "0,83", "t": "62,22"}
    assert october[0].code in page and october[1].code in page


def test_no_task_in_the_month_says_so(login, org, october):
    page = login(org.staff_a).get(URL, {"month": "2026-09"}).content.decode()
    assert "data-figure" not in page


def test_a_bad_month_falls_back_to_the_current_one(login, org):
    assert login(org.staff_a).get(URL, {"month": "2026-13"}).status_code == 200


def test_the_head_and_a_leader_see_a_cadre_of_their_units(login, org, october):
    for who in (org.head_a, org.leader_w1, org.admin):
        page = login(who).get(URL, {"month": "2026-10", "cadre": "SA"}).content.decode()
        assert figures(page)["t"] == "62,22", who


def test_colleagues_and_outsiders_get_404(login, org, october):
    for who in (org.staff_a2, org.head_b, org.leader_w2):
        assert login(who).get(URL, {"month": "2026-10", "cadre": "SA"}).status_code == 404
    assert login(org.admin).get(URL).status_code == 404  # no cadre of their own


def test_the_regulation_pinned_by_the_period_gives_the_steps(login, org, october):
    strict = Regulation.objects.create(
        code="STRICT", name="Nghiêm", valid_from=dt.date(2026, 1, 1), delay_step=Decimal("0.5")
    )
    Period.objects.create(
        month="2026-10",
        scope=org.w1,
        regulation=strict,
        self_until=dt.date(2026, 10, 25),
        peer_until=dt.date(2026, 10, 27),
        review_until=dt.date(2026, 10, 31),
        publish_by=dt.date(2026, 11, 3),
        appeals_until=dt.date(2026, 11, 8),
        lock_on=dt.date(2026, 11, 10),
    )
    page = login(org.staff_a).get(URL, {"month": "2026-10"}).content.decode()
    assert figures(page)["pg"] == "0,67"  # (0 + 2) / 3: two delays at 0.5 each
    assert "STRICT" in page


def test_query_count_does_not_grow_with_tasks(login, org, django_assert_num_queries):
    client = login(org.staff_a)
    for day in range(1, 13):
        make_task(org.staff_a, org.head_a, deadline=dt.date(2026, 10, day))
    # session, user, scope (1), unit on the month's last day, period, facts, titles
    with django_assert_num_queries(7):
        response = client.get(URL, {"month": "2026-10"})
    assert response.content.decode().count("/tasks/T") == 12


def test_a_task_done_after_the_month_end_shows_as_not_completed(login, org):
    done(make_task(org.staff_a, org.head_a, deadline=dt.date(2026, 10, 20)), dt.date(2026, 10, 15))
    done(make_task(org.staff_a, org.head_a, deadline=dt.date(2026, 10, 30)), dt.date(2026, 11, 1))
    page = login(org.staff_a).get(URL, {"month": "2026-10"}).content.decode()
    assert figures(page)["qn"] == "0,50"
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")[:2]
    shown = []
    for row in rows:
        cells = [c.split("</td>")[0].split(">", 1)[1].strip() for c in row.split("<td")[1:]]
        shown.append((cells[2], cells[3]))  # completed, accepted
    (in_time, in_time_accepted), (late, late_accepted) = shown
    assert in_time == in_time_accepted == late_accepted  # "yes"
    assert late != in_time  # done, accepted, but not by the month's last day
