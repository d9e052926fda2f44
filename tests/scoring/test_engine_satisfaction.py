"""The optional points of people's satisfaction (docs/RULES.md §1), with no database."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.engine import (
    HN3814,
    ND335,
    Reason,
    ServiceInput,
    Tier,
    satisfaction_index,
    satisfaction_points,
)
from tests.scoring.test_engine import WORKED_TOTALS, cadre, decide

D = Decimal
F = Fraction
ON = dataclasses.replace(ND335, satisfaction_points=True)


def test_the_points_are_off_by_default_in_both_seeded_regulations():
    assert (ND335.satisfaction_points, HN3814.satisfaction_points) == (False, False)
    assert satisfaction_points(ServiceInput(rated=40, satisfied=40, verified_complaints=3)) == (
        0,
        0,
        (),
    )


def test_the_index_is_the_share_satisfied_or_very_satisfied():
    assert satisfaction_index(ServiceInput(rated=8, satisfied=6)) == F(75)
    assert satisfaction_index(ServiceInput()) is None


def test_worked_example_a_bonus_at_the_threshold_and_a_penalty_per_verified_complaint():
    """20 ratings, 18 satisfied (90%), 1 verified complaint: +2 and -1 (RULES.md §1)."""
    bonus, penalty, reasons = satisfaction_points(
        ServiceInput(rated=20, satisfied=18, verified_complaints=1), ON
    )
    assert (bonus, penalty) == (2, 1)
    assert reasons == (
        Reason(
            "satisfaction_bonus",
            {"index": D("90.00"), "threshold": D("90.00"), "rated": 20, "points": D("2.00")},
        ),
        Reason("verified_complaints", {"count": 1, "each": D("1.00"), "points": D("1.00")}),
    )


def test_below_the_threshold_no_bonus_and_the_reason_says_so():
    bonus, penalty, reasons = satisfaction_points(ServiceInput(rated=20, satisfied=17), ON)
    assert (bonus, penalty) == (0, 0)
    assert reasons == (
        Reason("satisfaction_below", {"index": D("85.00"), "threshold": D("90.00")}),
    )


def test_too_few_ratings_give_no_bonus_however_satisfied():
    bonus, _penalty, reasons = satisfaction_points(ServiceInput(rated=9, satisfied=9), ON)
    assert bonus == 0
    assert reasons == (Reason("satisfaction_few_ratings", {"rated": 9, "needed": 10}),)


def test_no_rating_gives_nothing_and_says_nothing():
    assert satisfaction_points(ServiceInput(), ON) == (0, 0, ())
    assert satisfaction_points(None, ON) == (0, 0, ())


def test_impossible_counts_are_refused():
    with pytest.raises(ValueError):
        satisfaction_points(ServiceInput(rated=3, satisfied=4), ON)
    with pytest.raises(ValueError):
        satisfaction_points(ServiceInput(rated=3, satisfied=0, verified_complaints=4), ON)


def test_in_a_period_the_points_add_outside_the_bonus_cap_and_are_explained():
    """ND335 has no bonus points (cap 0), yet its satisfaction bonus counts when turned on."""
    regulation = dataclasses.replace(ON, satisfaction_bonus=D("3"), complaint_penalty=D("0.5"))
    service = ServiceInput(rated=12, satisfied=12, verified_complaints=2)
    served = cadre("C1", "85", service=service)
    result = decide(served, regulation=regulation).cadres[0]
    assert (result.bonus.shown, result.penalty.shown) == (D("3.00"), D("1.00"))
    assert result.total.shown == D("87.00")
    assert result.reason_codes == ("satisfaction_bonus", "verified_complaints")


def test_the_points_can_lift_a_tier():
    served = cadre("C1", "89", service=ServiceInput(rated=10, satisfied=10))
    assert decide(served, regulation=ON).cadres[0].tier_before_quota == Tier.A
    assert decide(served).cadres[0].tier_before_quota == Tier.B


def test_the_total_stays_within_its_limits():
    served = cadre("C1", "100", service=ServiceInput(rated=10, satisfied=10))
    result = decide(served, regulation=ON).cadres[0]
    assert result.total.shown == D("100.00")
    assert "total_clamped" in result.reason_codes


def test_with_the_setting_off_the_worked_example_is_unchanged_whatever_the_ratings():
    plain = [cadre(f"C{i}", t) for i, t in enumerate(WORKED_TOTALS, start=1)]
    rated = [
        dataclasses.replace(c, service=ServiceInput(rated=30, satisfied=30, verified_complaints=5))
        for c in plain
    ]
    assert decide(*rated, pool=10_000_000) == decide(*plain, pool=10_000_000)


@given(
    rated=st.integers(0, 60),
    data=st.data(),
    total=st.integers(0, 100),
)
def test_off_changes_nothing_and_on_moves_the_total_by_bonus_minus_penalty(rated, data, total):
    satisfied = data.draw(st.integers(0, rated))
    complaints = data.draw(st.integers(0, rated - satisfied))
    service = ServiceInput(rated=rated, satisfied=satisfied, verified_complaints=complaints)
    plain = cadre("C1", str(total))
    served = dataclasses.replace(plain, service=service)
    assert decide(served) == decide(plain)
    bonus, penalty, _ = satisfaction_points(service, ON)
    before = decide(plain, regulation=ON).cadres[0].total.exact
    after = decide(served, regulation=ON).cadres[0].total.exact
    assert after == min(max(before + bonus - penalty, 0), 100)


def test_the_worked_example_of_the_rules_in_a_period():
    """RULES.md §1: G 24 + T 63, 20 rated, 18 satisfied, 1 verified complaint: 88.00, B."""
    clerk = cadre("C1", "87", service=ServiceInput(rated=20, satisfied=18, verified_complaints=1))
    assert clerk.manual_task_score == 57  # the helper fills G first (30), T with the rest
    clerk = dataclasses.replace(
        clerk,
        supervisor_points={"G1": D(5), "G2": D(5), "G3": D(4), "G4": D(6), "G5": D(4)},
        manual_task_score=D(63),
    )
    result = decide(clerk, regulation=ON).cadres[0]
    assert (result.general.shown, result.task.shown) == (D("24.00"), D("63.00"))
    assert result.total.shown == D("88.00") and result.tier == Tier.B
    assert result.reason_codes == ("satisfaction_bonus", "verified_complaints")
    lower = dataclasses.replace(clerk, service=ServiceInput(20, 17, 1))
    assert decide(lower, regulation=ON).cadres[0].total.shown == D("86.00")
    assert decide(clerk).cadres[0].total.shown == D("87.00")
