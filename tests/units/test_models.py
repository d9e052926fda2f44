import datetime as dt

import pytest

from units.models import Membership, Unit

pytestmark = pytest.mark.django_db


def test_path_lists_codes_from_the_root(org):
    assert org.a.path == "/HN/W1/W1-A/"
    assert org.a.depth == 2
    assert org.a.ancestor_paths() == ["/HN/", "/HN/W1/", "/HN/W1/W1-A/"]


def test_subtree_is_a_prefix_query_that_does_not_match_similar_codes(org):
    Unit.objects.create(code="W10", name="Phường Mười", kind="ward", parent=org.city)
    codes = set(Unit.objects.subtree_of(org.w1.path).values_list("code", flat=True))
    assert codes == {"W1", "W1-A", "W1-B"}


def test_moving_a_unit_moves_its_subtree(org):
    team = Unit.objects.create(code="T1", name="Tổ 1", kind="team", parent=org.a)
    org.a.parent = org.w2
    org.a.save()
    team.refresh_from_db()
    assert team.path == "/HN/W2/W1-A/T1/"
    assert team.depth == 3
    assert not Unit.objects.subtree_of(org.w1.path).filter(code="T1").exists()


def test_a_unit_cannot_be_placed_under_its_own_descendant(org):
    from django.core.exceptions import ValidationError

    org.w1.parent = org.a
    with pytest.raises(ValidationError):
        org.w1.full_clean()


def test_membership_valid_on_uses_inclusive_open_ended_ranges(org):
    cadre = org.staff_a
    Membership.objects.filter(cadre=cadre).update(valid_to=dt.date(2026, 10, 31))
    Membership.objects.create(cadre=cadre, unit=org.b, valid_from=dt.date(2026, 11, 1))
    on = Membership.objects.filter(cadre=cadre)
    assert on.valid_on(dt.date(2026, 10, 31)).get().unit == org.a
    assert on.valid_on(dt.date(2026, 11, 1)).get().unit == org.b


def test_every_log_names_its_actor_the_same_way(org, django_assert_num_queries):
    from django.contrib.auth.models import User

    from directives.models import AuditEntry as TaskLog
    from scoring.models import AuditEntry as MonthLog
    from scoring.oversight.models import OversightEntry

    head = org.head_a
    plain = User.objects.create_user("plain")
    for log in (TaskLog, MonthLog, OversightEntry):
        assert log.actor_of(None) == "manage.py"
        assert log.actor_of(plain) == "plain"  # an account that is nobody's cadre
        with django_assert_num_queries(0):  # the cadre given is not looked up again
            assert log.actor_of(head.user, head) == f"{head.full_name} ({head.user.username})"
        with django_assert_num_queries(1):
            assert log.actor_of(head.user) == f"{head.full_name} ({head.user.username})"
        with django_assert_num_queries(1):  # someone else's cadre is never taken for the user's
            assert log.actor_of(head.user, org.staff_a) == (
                f"{head.full_name} ({head.user.username})"
            )
