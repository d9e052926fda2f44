"""The rating rules narrowed to a few people (a scorecard's save) hold what the whole period's
rules hold of them: their roles are read through a compiled query and the period's scope is
tested on them in Python (docs/PERFORMANCE.md, "Saving a grid row")."""

import datetime as dt

import pytest

from scoring.models import Phase
from scoring.month.selectors.rating import rating_rules
from tests.factories import RoleFactory, UnitFactory, member
from tests.month.conftest import open_month

pytestmark = pytest.mark.django_db


def test_a_few_peoples_rules_are_the_whole_periods_rules_of_them():
    city = UnitFactory(code="C", parent=None)
    ward = UnitFactory(code="C-W", parent=city)
    below = UnitFactory(code="C-W-A", parent=ward)
    elsewhere = UnitFactory(code="C-X", parent=city)  # outside the period's scope
    lookalike = UnitFactory(code="C-W-AB", parent=ward)  # in the scope; named like C-W-A
    head = member(below, role="head", code="AH", job_group="leader")
    staff = member(below, code="A01")
    period = open_month(ward, phase=Phase.REVIEW)
    RoleFactory(cadre=head, unit=elsewhere, role="deputy")
    RoleFactory(cadre=head, unit=city, role="head")  # above the scope
    RoleFactory(cadre=head, unit=lookalike, role="leader")  # not a head's or deputy's role
    RoleFactory(cadre=staff, unit=ward, role="deputy", valid_to=period.first_day - dt.timedelta(1))
    RoleFactory(cadre=staff, unit=lookalike, role="deputy")

    whole = rating_rules(period)
    few = rating_rules(period, cadre_ids=[staff.pk, head.pk])

    people = {head.pk, staff.pk}
    assert few.acting == {k: v for k, v in whole.acting.items() if k in people}
    assert few.heads == {(c, u) for c, u in whole.heads if c in people}
    assert sorted(few.acting[head.pk]) == sorted([city.path, below.path])
    assert few.acting[staff.pk] == [lookalike.path]
    assert few.heads == {(head.pk, below.pk), (head.pk, city.pk)}
    assert few.refusal("supervisor", head.pk, staff.pk) is None
    assert few.refusal("supervisor", staff.pk, head.pk) is not None
