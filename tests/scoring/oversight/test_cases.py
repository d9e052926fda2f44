"""Personnel review cases (docs/RULES.md §8): downward only, never on oneself; a transfer or
rotation moves the cadre on its date; every step audited; the list shows one's scope only."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring.errors import InvalidInput, NotAllowed
from scoring.oversight import services
from scoring.oversight.models import OversightEntry, ReviewCase
from tests.factories import member
from units.models import Membership
from units.scope import unit_of

pytestmark = pytest.mark.django_db

ON = dt.date(2027, 1, 1)


def _open(actor, cadre, kind="transfer"):
    return services.case_open(user=actor.user, cadre=cadre, kind=kind, grounds="Xếp loại D 3 tháng")


def test_a_head_opens_a_case_on_his_staff(org):
    case = _open(org.head_a, org.staff_a)
    assert (case.cadre, case.unit, case.opened_by) == (org.staff_a, org.a, org.head_a)
    entry = OversightEntry.objects.get(action="case.open")
    assert entry.object_id == str(case.pk) and entry.unit == org.a


def test_a_leader_opens_a_case_on_a_head_below(org):
    assert _open(org.leader_w1, org.head_a, kind="rotation").cadre == org.head_a


@pytest.mark.parametrize(
    ("actor", "subject"),
    [
        ("head_a", "head_a"),  # oneself
        ("leader_w1", "leader_w1"),  # oneself
        ("head_a", "leader_w1"),  # someone above
        ("head_a", "staff_b"),  # outside: a sibling unit
        ("head_b", "staff_a"),  # outside
        ("leader_w2", "staff_a"),  # outside: another ward
        ("staff_a", "staff_a2"),  # a peer, no role
    ],
)
def test_no_case_on_oneself_a_peer_someone_above_or_outside(org, actor, subject):
    with pytest.raises(NotAllowed):
        _open(getattr(org, actor), getattr(org, subject))
    assert not ReviewCase.objects.exists()


def test_no_case_on_a_peer_head(org):
    other_head = member(org.a, role="head", code="HA2", job_group="leader")
    with pytest.raises(NotAllowed):
        _open(org.head_a, other_head)


def test_a_transfer_moves_the_cadre_on_its_date(org):
    case = _open(org.leader_w1, org.staff_a)
    services.case_decide(
        user=org.leader_w1.user,
        case=case,
        number="123/QĐ-UBND",
        decided_on=dt.date(2026, 12, 20),
        effective_on=ON,
        target_unit=org.b,
    )
    case.refresh_from_db()
    assert (case.decision_number, case.decision_date, case.target_unit) == (
        "123/QĐ-UBND",
        dt.date(2026, 12, 20),
        org.b,
    )
    assert unit_of(org.staff_a, ON - dt.timedelta(days=1)) == org.a
    assert unit_of(org.staff_a, ON) == org.b
    rows = list(Membership.objects.filter(cadre=org.staff_a).order_by("pk"))
    assert rows[0].valid_to == ON - dt.timedelta(days=1)
    assert (rows[-1].unit, rows[-1].valid_from, rows[-1].valid_to) == (org.b, ON, None)
    entry = OversightEntry.objects.get(action="case.decide")
    assert entry.new["unit"] == "W1-B" and entry.new["effective_on"] == ON.isoformat()
    with pytest.raises(InvalidInput):  # decided once
        services.case_decide(
            user=org.leader_w1.user, case=case, number="124", decided_on=dt.date(2026, 12, 21)
        )


def test_a_warning_changes_no_membership(org):
    case = _open(org.head_a, org.staff_a, kind="warning")
    services.case_decide(user=org.head_a.user, case=case, number="5/QĐ", decided_on=ON)
    assert Membership.objects.filter(cadre=org.staff_a).count() == 1


def test_a_transfer_needs_a_unit_and_a_date_within_ones_units(org):
    case = _open(org.head_a, org.staff_a)
    with pytest.raises(InvalidInput):
        services.case_decide(user=org.head_a.user, case=case, number="1", decided_on=ON)
    with pytest.raises(InvalidInput):  # effective before the decision
        services.case_decide(
            user=org.head_a.user,
            case=case,
            number="1",
            decided_on=ON,
            effective_on=ON - dt.timedelta(days=1),
            target_unit=org.a,
        )
    with pytest.raises(NotAllowed):  # W1-B is not the head of W1-A's
        services.case_decide(
            user=org.head_a.user,
            case=case,
            number="1",
            decided_on=ON,
            effective_on=ON,
            target_unit=org.b,
        )
    assert Membership.objects.filter(cadre=org.staff_a).count() == 1


def test_no_decision_by_someone_outside_or_the_cadre(org):
    case = _open(org.head_a, org.staff_a, kind="warning")
    for who in (org.staff_a, org.head_b, org.leader_w2):
        with pytest.raises(NotAllowed):
            services.case_decide(user=who.user, case=case, number="1", decided_on=ON)


# --- pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("staff_a", 403), ("staff_a2", 403), ("head_b", 404), ("head_a", 200), ("leader_w1", 200)],
)
def test_case_form_access(org, client, who, status):
    client.force_login(getattr(org, who).user)
    response = client.get(reverse("oversight:case_new"), {"cadre": "SA"})
    assert response.status_code == status


def test_case_form_opens_a_case(org, client):
    client.force_login(org.head_a.user)
    response = client.post(
        reverse("oversight:case_new") + "?cadre=SA", {"kind": "warning", "grounds": "Xếp loại D"}
    )
    case = ReviewCase.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "oversight:case", args=[case.pk]
    )


def test_case_form_on_oneself_is_refused(org, client):
    client.force_login(org.head_a.user)
    response = client.post(
        reverse("oversight:case_new") + "?cadre=HA", {"kind": "warning", "grounds": "x"}
    )
    assert response.status_code == 403
    assert not ReviewCase.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("staff_a", 404), ("head_b", 404), ("leader_w2", 404), ("head_a", 200), ("leader_w1", 200)],
)
def test_case_page_is_visible_to_the_scope_only(org, client, who, status):
    case = _open(org.head_a, org.staff_a)
    client.force_login(getattr(org, who).user)
    assert client.get(reverse("oversight:case", args=[case.pk])).status_code == status


def test_case_list_shows_the_scope_only(org, client):
    mine = _open(org.head_a, org.staff_a)
    other = _open(org.head_b, org.staff_b)
    client.force_login(org.head_a.user)
    page = client.get(reverse("oversight:cases")).content.decode()
    assert reverse("oversight:case", args=[mine.pk]) in page
    assert reverse("oversight:case", args=[other.pk]) not in page
    client.force_login(org.staff_a.user)
    assert client.get(reverse("oversight:cases")).status_code == 403


def test_case_decision_through_the_page(org, client):
    case = _open(org.leader_w1, org.staff_a)
    client.force_login(org.leader_w1.user)
    url = reverse("oversight:case", args=[case.pk])
    data = {
        "number": "12/QĐ",
        "decided_on": "20/12/2026",
        "effective_on": "01/01/2027",
        "target_unit": "W1-B",
    }
    assert client.post(url, data).status_code == 302
    assert unit_of(org.staff_a, ON) == org.b
    client.force_login(org.head_b.user)  # outside W1-A, where the case lies
    assert client.post(url, data).status_code == 404


def test_case_list_query_count_does_not_grow(org, client):
    client.force_login(org.leader_w1.user)
    _open(org.head_a, org.staff_a)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("oversight:cases")).status_code == 200
        return len(queries)

    small = count()
    for i in range(5):
        _open(org.head_a, member(org.a, code=f"C{i}"))
    assert count() == small
