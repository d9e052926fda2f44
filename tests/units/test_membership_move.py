"""`units.services.membership_move`: the cadre's unit changes on a date, the old membership
ends the day before (docs/RULES.md §8, a transfer or rotation)."""

import datetime as dt

import pytest

from units.models import Membership
from units.scope import unit_of
from units.services import membership_move

pytestmark = pytest.mark.django_db

ON = dt.date(2027, 2, 1)


def test_the_old_membership_ends_the_day_before(org):
    new = membership_move(cadre=org.staff_a, unit=org.b, on=ON)
    old = Membership.objects.get(cadre=org.staff_a, unit=org.a)
    assert old.valid_to == dt.date(2027, 1, 31)
    assert (new.valid_from, new.valid_to) == (ON, None)
    assert unit_of(org.staff_a, dt.date(2027, 1, 31)) == org.a
    assert unit_of(org.staff_a, ON) == org.b


def test_a_membership_that_starts_later_is_replaced(org):
    Membership.objects.create(cadre=org.staff_a, unit=org.w1, valid_from=dt.date(2027, 3, 1))
    membership_move(cadre=org.staff_a, unit=org.b, on=ON)
    assert not Membership.objects.filter(cadre=org.staff_a, unit=org.w1).exists()
    assert unit_of(org.staff_a, dt.date(2027, 6, 1)) == org.b


def test_memberships_already_ended_stay(org):
    Membership.objects.filter(cadre=org.staff_a).update(valid_to=dt.date(2026, 12, 31))
    membership_move(cadre=org.staff_a, unit=org.b, on=ON)
    assert Membership.objects.get(cadre=org.staff_a, unit=org.a).valid_to == dt.date(2026, 12, 31)
