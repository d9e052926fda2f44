import datetime as dt

import pytest

from units.models import Role
from units.scope import scope_for

pytestmark = pytest.mark.django_db


def codes(qs):
    return set(qs.values_list("code", flat=True))


def test_head_sees_and_acts_on_their_subtree_only(org):
    scope = scope_for(org.head_a.user)
    assert codes(scope.units()) == {"W1-A"}
    assert scope.can_act(org.a)
    assert not scope.can_act(org.b)
    assert not scope.can_view(org.w1)


def test_leader_reads_the_whole_subtree_but_acts_on_nothing(org):
    scope = scope_for(org.leader_w1.user)
    assert codes(scope.units()) == {"W1", "W1-A", "W1-B"}
    assert not scope.can_act(org.a)
    assert not scope.can_view(org.w2)


def test_cadre_sees_only_their_own_unit(org):
    scope = scope_for(org.staff_a.user)
    assert codes(scope.units()) == {"W1-A"}
    own = org.a  # seen, neither browsed nor acted on
    assert (scope.can_view(own), scope.can_browse(own), scope.can_act(own)) == (True, False, False)


def test_superuser_sees_everything(org):
    assert codes(scope_for(org.admin).units()) == {"HN", "W1", "W2", "W1-A", "W1-B"}


def test_an_expired_role_gives_no_scope(org):
    Role.objects.filter(cadre=org.head_a).update(valid_to=dt.date(2026, 1, 31))
    scope = scope_for(org.head_a.user, on=dt.date(2026, 2, 1))
    assert not scope.can_act(org.a)
    assert scope_for(org.head_a.user, on=dt.date(2026, 1, 31)).can_act(org.a)


def test_scope_takes_one_query(org, django_assert_num_queries):
    # the cadre joined to its valid roles and memberships, with their units
    with django_assert_num_queries(1):
        scope_for(org.leader_w1.user)
