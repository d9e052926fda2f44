"""`manage.py seed_demo`: a ward with six decided months and the current month open."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from decimal import Decimal
from statistics import mean, pstdev

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from scoring.dashboards.selectors import dashboard_data
from scoring.models import Adjustment, AppealStatus, Period, Phase, Result
from units.models import Cadre, Unit

pytestmark = pytest.mark.django_db


# The demo's months are drawn around "today": these tests read one demo, seeded with the clock
# on a fixed day (the same draws on any real day). tests/scoring/test_demo_any_day.py seeds it
# on the days of the calendar that move its months.
SEEDED_ON = dt.datetime(2026, 11, 12, 3, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the module (it takes a few seconds), removed afterwards."""
    with django_db_blocker.unblock(), time_machine.travel(SEEDED_ON, tick=True):
        from django.db import transaction

        out = io.StringIO()
        with transaction.atomic():
            call_command("seed_demo", "--force", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


def months():
    return list(Period.objects.filter(scope__code="HH").order_by("month"))


def test_seed_demo_says_what_it_loaded(seeded, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    output = seeded
    assert "120 cadres" in output and "7 periods" in output
    for login in ("admin", "lanhdao", "chutich", "truongphong", "canbo"):
        assert get_user_model().objects.get(username=login).check_password("fiveclear-demo")


def test_six_earlier_months_are_decided_and_the_current_one_is_open(seeded):
    periods = months()
    current = f"{timezone.localdate():%Y-%m}"
    assert [p.month for p in periods][-1] == current
    assert [p.phase for p in periods] == [Phase.LOCKED] * 5 + [Phase.APPEALS, Phase.SELF]
    for period in periods[:-1]:
        results = period.results.all()
        assert results.count() == period.members.count() > 100
        assert not results.filter(decidable=False).exists()
        assert results.filter(reasons__icontains="quota_demoted").exists()
        assert period.decided_at.date() == period.review_until
        assert sum(period.units.values_list("pool", flat=True)) > 0


def test_the_months_have_spread_discipline_leave_and_penalties(seeded):
    decided = Result.objects.filter(period__phase__in=[Phase.LOCKED, Phase.APPEALS])
    assert decided.filter(tier="A").exists() and decided.filter(tier="C").exists()
    assert decided.filter(tier="D").count() >= 2
    assert decided.filter(rated=False).count() == 1
    assert Adjustment.objects.filter(kind="discipline").count() == 1
    assert Adjustment.objects.filter(kind="penalty").count() >= 12


def test_the_newest_decided_month_waits_for_one_appeal_by_canbo(seeded):
    newest = months()[-2]
    appeal = newest.appeals.get()
    assert appeal.status == AppealStatus.OPEN
    assert appeal.cadre.user.username == "canbo"
    assert newest.appeals_until >= timezone.localdate()
    assert newest.audit_entries.filter(action="appeal.file").exists()


def test_the_current_month_is_open_for_self_assessment_with_peers(seeded):
    current = months()[-1]
    assert current.self_until >= timezone.localdate()
    assert current.peer_assignments.count() > 300
    cards = current.scorecards.all()
    assert cards.filter(status="submitted").count() > 30
    assert cards.filter(status="draft").exists()
    assert set(cards.values_list("kind", flat=True)) == {"self"}
    canbo = Cadre.objects.get(user__username="canbo")
    assert not cards.filter(rater=canbo).exists()


# --- what the dashboards should find in the decided months --------------------------------

DECIDED = [Phase.LOCKED, Phase.APPEALS]


def flags_of(month):
    """(unit code, flag kind) of every flag the ward's dashboard raises in `month`."""
    code_of = dict(Unit.objects.values_list("pk", "code"))
    data = dashboard_data(Unit.objects.get(code="HH"), month, [month], with_trend=False)
    return {(code_of[flag.unit_id], str(flag.kind)) for flag in data.flags}


def test_each_decided_month_shows_the_warning_signs_where_the_demo_put_them(seeded):
    """Equal scoring in HH-DV, self-inflation in HH-VHXH, a lenient peer in HH-VP, a reciprocal
    pair in HH-KT (chance may add a flag elsewhere, such as a small team all in tier B)."""
    expected = {
        ("HH-DV", "equalization"),
        ("HH-VHXH", "self_inflation"),
        ("HH-VP", "leniency"),
        ("HH-KT", "reciprocal"),
    }
    for period in months()[:-1]:
        assert expected <= flags_of(period.month), period.month


def test_the_equalizing_department_gives_its_staff_one_same_total(seeded):
    for period in months()[:-1]:
        staff = period.results.filter(unit__code="HH-DV", is_leader=False)
        assert staff.count() >= 10
        assert set(staff.values_list("total", flat=True)) == {Decimal("89.50")}
        assert set(staff.values_list("tier", flat=True)) == {"B"}


def test_decided_totals_spread_around_75_with_every_tier_each_month(seeded):
    totals = [
        float(total)
        for total in Result.objects.filter(period__phase__in=DECIDED, rated=True).values_list(
            "total", flat=True
        )
    ]
    assert 71 <= mean(totals) <= 80
    assert 10 <= pstdev(totals) <= 16
    for period in months()[:-1]:
        tiers = Counter(period.results.values_list("tier", flat=True))
        assert tiers["A"] >= 3 and tiers["B"] > tiers["A"] and tiers["C"] >= 5, period.month
    assert Result.objects.filter(period__phase__in=DECIDED, tier="D").count() >= 6


def test_every_ratee_has_at_least_three_peer_scorecards(seeded):
    for period in months()[:-1]:
        members = period.members.values_list("cadre_id", flat=True)
        cards = Counter(
            period.scorecards.filter(kind="peer", status="submitted").values_list(
                "ratee_id", flat=True
            )
        )
        assert min(cards[cadre] for cadre in members) >= 3, period.month


def test_reward_pools_per_member_differ_between_units(seeded):
    for period in months()[:-1]:
        size = Counter(period.members.values_list("unit_id", flat=True))
        per_member = [
            pool / size[unit] for unit, pool in period.units.values_list("unit_id", "pool")
        ]
        assert max(per_member) >= 2 * min(per_member) > 0, period.month
