"""The access module (units/scope.py, docs/RULES.md §3): every question on the small organisation
of tests/conftest.py, with a ward head above and two deputies of W1-A added where they matter.

HN > W1 (leader LW1), W2 (leader LW2); W1 > W1-A (head HA, staff SA, SA2), W1-B (head HB, SB).
"""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from tests.factories import MembershipFactory, member
from units.models import Membership
from units.scope import (
    cadre_or_404,
    can_act_on_cadre,
    latest_unit,
    require_admin,
    require_unit,
    scope_for,
    unit_of,
    unit_or_404,
)

pytestmark = pytest.mark.django_db

BEFORE, MOVE, AFTER = dt.date(2026, 5, 31), dt.date(2026, 6, 1), dt.date(2026, 6, 2)
ON = dt.date(2026, 5, 15)


@pytest.fixture
def people(org):
    org.head_w1 = member(org.w1, role="head", code="HW1", job_group="leader")
    org.deputy_a = member(org.a, role="deputy", code="DA", job_group="leader")
    org.deputy_a2 = member(org.a, role="deputy", code="DA2", job_group="leader")
    return org


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    return request


# --- acting on a cadre: downward, never oneself ----------------------------------------------


@pytest.mark.parametrize(
    ("actor", "subject", "allowed"),
    [
        ("head_a", "head_a", False),  # oneself
        ("deputy_a", "deputy_a", False),
        ("head_a", "staff_a", True),  # below
        ("head_a", "deputy_a", True),  # a deputy is below the head of their unit
        ("deputy_a", "staff_a", True),
        ("deputy_a", "deputy_a2", False),  # a peer: a fellow deputy
        ("head_a", "head_b", False),  # a peer: the head of a sibling unit
        ("deputy_a", "head_a", False),  # above
        ("head_a", "head_w1", False),
        ("head_w1", "head_a", True),  # the ward's head over a department's head
        ("head_w1", "staff_b", True),
        ("head_a", "staff_b", False),  # an outsider: another unit's staff
        ("head_b", "staff_a", False),
        ("leader_w1", "staff_a", False),  # a read-only leader acts on nobody
        ("staff_a", "staff_a2", False),  # a cadre without a role
    ],
)
def test_acting_on_a_cadre_is_downward_and_never_on_oneself(people, actor, subject, allowed):
    actor, subject = getattr(people, actor), getattr(people, subject)
    assert can_act_on_cadre(actor, subject, on=ON) is allowed


def test_nobody_and_the_administrator_act_on_no_cadre_through_a_role(org):
    assert not can_act_on_cadre(None, org.staff_a, on=ON)
    assert not scope_for(org.admin).can_act(org.a)


def test_acting_in_a_given_unit_asks_for_a_role_over_that_unit(people):
    """A task's unit can differ from the assignee's: authority is asked there."""
    assert not can_act_on_cadre(people.head_a, people.staff_a, on=ON, unit=people.b)
    assert can_act_on_cadre(people.head_w1, people.staff_a, on=ON, unit=people.b)


def test_acting_on_a_cadre_takes_two_queries_and_one_in_a_given_unit(
    people, django_assert_num_queries
):
    with django_assert_num_queries(2):
        can_act_on_cadre(people.head_a, people.staff_a, on=ON)
    with django_assert_num_queries(1):
        can_act_on_cadre(people.head_a, people.staff_a, on=ON, unit=people.a)


# --- seeing units and cadres -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("staff_a", {"SA"}),  # oneself only
        ("head_a", {"HA", "SA", "SA2", "DA", "DA2"}),  # oneself and the unit below
        ("deputy_a", {"DA", "HA", "SA", "SA2", "DA2"}),  # a deputy reads the unit's people
        ("head_b", {"HB", "SB"}),
        ("leader_w1", {"LW1", "HA", "SA", "SA2", "HB", "SB", "HW1", "DA", "DA2"}),
        ("leader_w2", {"LW2"}),
        ("admin", {"HA", "SA", "SA2", "HB", "SB", "LW1", "LW2", "HW1", "DA", "DA2"}),
    ],
)
def test_who_sees_which_cadre(people, who, sees):
    user = people.admin if who == "admin" else getattr(people, who).user
    scope = scope_for(user, on=ON)
    everyone = [
        getattr(people, name)
        for name in (
            "head_a",
            "staff_a",
            "staff_a2",
            "head_b",
            "staff_b",
            "leader_w1",
            "leader_w2",
            "head_w1",
            "deputy_a",
            "deputy_a2",
        )
    ]
    assert {c.code for c in everyone if scope.can_see_cadre(c)} == sees


def test_an_anonymous_visitor_sees_nothing(org):
    scope = scope_for(AnonymousUser())
    assert not scope.can_view(org.a)
    assert not scope.can_see_cadre(org.staff_a)


@pytest.mark.parametrize(
    ("who", "view", "browse", "act"),
    [
        ("staff_a", True, False, False),  # own unit: sees it, not its people in depth
        ("head_a", True, True, True),
        ("leader_w1", True, True, False),  # read-only
        ("head_b", False, False, False),  # outsider
        ("admin", True, True, False),
    ],
)
def test_the_unit_questions(org, who, view, browse, act):
    user = org.admin if who == "admin" else getattr(org, who).user
    scope = scope_for(user, on=ON)
    assert (scope.can_view(org.a), scope.can_browse(org.a), scope.can_act(org.a)) == (
        view,
        browse,
        act,
    )


# --- the cadre's unit on a date ------------------------------------------------------------


@pytest.fixture
def moved(org):
    """SA leaves W1-A for W1-B on MOVE."""
    Membership.objects.filter(cadre=org.staff_a).update(valid_to=BEFORE)
    MembershipFactory(cadre=org.staff_a, unit=org.b, valid_from=MOVE)
    return org


def test_the_cadres_unit_follows_a_membership_change(moved):
    assert unit_of(moved.staff_a, BEFORE) == moved.a
    assert unit_of(moved.staff_a, MOVE) == moved.b
    assert unit_of(moved.staff_a, AFTER) == moved.b


def test_authority_follows_the_cadres_unit_on_the_day(moved):
    assert can_act_on_cadre(moved.head_a, moved.staff_a, on=BEFORE)
    assert not can_act_on_cadre(moved.head_b, moved.staff_a, on=BEFORE)
    assert not can_act_on_cadre(moved.head_a, moved.staff_a, on=AFTER)
    assert can_act_on_cadre(moved.head_b, moved.staff_a, on=AFTER)


def test_seeing_a_cadre_follows_the_unit_on_the_scopes_day(moved):
    assert scope_for(moved.head_a.user, on=BEFORE).can_see_cadre(moved.staff_a)
    assert not scope_for(moved.head_a.user, on=AFTER).can_see_cadre(moved.staff_a)
    assert scope_for(moved.head_b.user, on=AFTER).can_see_cadre(moved.staff_a)
    assert scope_for(moved.staff_a.user, on=AFTER).own_unit == moved.b


def test_a_role_ended_before_the_day_gives_no_authority(org):
    org.head_a.roles.update(valid_to=BEFORE)
    assert can_act_on_cadre(org.head_a, org.staff_a, on=BEFORE)
    assert not can_act_on_cadre(org.head_a, org.staff_a, on=AFTER)


def test_of_two_memberships_valid_on_the_day_the_later_started_counts(org):
    """An open start counts as the earliest, whatever order the rows come in."""
    MembershipFactory(cadre=org.staff_a, unit=org.b, valid_from=MOVE)
    assert unit_of(org.staff_a, BEFORE) == org.a
    assert unit_of(org.staff_a, AFTER) == org.b
    rows = list(Membership.objects.filter(cadre=org.staff_a))
    assert latest_unit(reversed(rows), AFTER) == latest_unit(rows, AFTER) == org.b


def test_a_cadre_without_a_unit_on_the_day_has_none(org):
    Membership.objects.filter(cadre=org.staff_a).update(valid_from=MOVE)
    assert unit_of(org.staff_a, BEFORE) is None
    assert not can_act_on_cadre(org.head_a, org.staff_a, on=BEFORE)


# --- for views: 404 for an outsider, 403 for a read-only viewer -----------------------------


@pytest.mark.parametrize(
    ("who", "need", "outcome"),
    [
        ("staff_a", "see", "ok"),
        ("staff_a", "browse", 403),
        ("staff_a", "act", 403),
        ("head_a", "act", "ok"),
        ("leader_w1", "browse", "ok"),
        ("leader_w1", "act", 403),
        ("head_b", "see", 404),
        ("head_b", "act", 404),
        ("admin", "browse", "ok"),
        ("admin", "act", 403),
        ("anonymous", "see", 404),
    ],
)
def test_unit_or_404(org, who, need, outcome):
    users = {"admin": org.admin, "anonymous": None}
    request = request_of(users[who] if who in users else getattr(org, who).user)
    if outcome == "ok":
        assert unit_or_404(request, "W1-A", need=need) == org.a
    else:
        with pytest.raises(Http404 if outcome == 404 else PermissionDenied):
            unit_or_404(request, "W1-A", need=need)


def test_require_unit_asks_the_same_of_a_unit_in_hand(org):
    assert require_unit(request_of(org.head_a.user), org.a, need="act").cadre == org.head_a
    with pytest.raises(PermissionDenied):
        require_unit(request_of(org.leader_w1.user), org.a, need="act")
    with pytest.raises(Http404):
        require_unit(request_of(org.leader_w2.user), org.a, need="see")


def test_cadre_or_404(org):
    assert cadre_or_404(request_of(org.staff_a.user), None) == org.staff_a  # oneself
    assert cadre_or_404(request_of(org.staff_a.user), "SA") == org.staff_a
    assert cadre_or_404(request_of(org.head_a.user), "SA") == org.staff_a  # below
    assert cadre_or_404(request_of(org.leader_w1.user), "SA") == org.staff_a  # reads
    for user, code in (
        (org.staff_a.user, "SA2"),  # a colleague
        (org.staff_a.user, "HA"),  # above
        (org.head_b.user, "SA"),  # an outsider
        (org.head_a.user, "NOBODY"),
        (None, "SA"),
    ):
        with pytest.raises(Http404):
            cadre_or_404(request_of(user), code)
    with pytest.raises(Http404):
        cadre_or_404(request_of(org.admin), None)  # the administrator is no cadre


def test_require_admin(org):
    assert require_admin(request_of(org.admin)).is_admin
    for user in (org.head_a.user, org.leader_w1.user, None):
        with pytest.raises(PermissionDenied):
            require_admin(request_of(user))
