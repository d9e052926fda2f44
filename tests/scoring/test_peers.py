"""Peer assignment of docs/RULES.md §2."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.month.peers import assign_peers

MEMBERS = [f"CB{i:04d}" for i in range(1, 12)]
PERIODS = [f"{year}-{month:02d}" for year in (2026, 2027) for month in range(1, 13)]


def raters_by_ratee(assignment):
    """Invert an assignment: who evaluates each ratee."""
    raters = defaultdict(list)
    for rater, ratees in assignment.items():
        for ratee in ratees:
            raters[ratee].append(rater)
    return {ratee: tuple(sorted(r)) for ratee, r in raters.items()}


def test_each_cadre_gets_four_peers_and_each_ratee_four_raters():
    assignment = assign_peers("2026-10", "W1-VH", MEMBERS)
    assert sorted(assignment) == MEMBERS
    assert {len(ratees) for ratees in assignment.values()} == {4}
    assert {len(raters) for raters in raters_by_ratee(assignment).values()} == {4}
    assert sorted(raters_by_ratee(assignment)) == MEMBERS


def test_nobody_rates_themself_or_a_cadre_twice():
    for period in PERIODS:
        for rater, ratees in assign_peers(period, "W1-VH", MEMBERS).items():
            assert rater not in ratees
            assert len(set(ratees)) == len(ratees)
            assert set(ratees) <= set(MEMBERS)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5])
def test_small_unit_rates_everyone_else(n):
    members = MEMBERS[:n]
    assignment = assign_peers("2026-10", "U", members)
    assert assignment == {m: tuple(x for x in members if x != m) for m in members}


def test_k_is_a_parameter():
    assignment = assign_peers("2026-10", "U", MEMBERS, k=2)
    assert {len(r) for r in assignment.values()} == {2}
    assert {len(r) for r in raters_by_ratee(assignment).values()} == {2}


def test_assignment_is_reproducible_and_ignores_member_order():
    first = assign_peers("2026-10", "W1-VH", MEMBERS)
    assert assign_peers("2026-10", "W1-VH", list(reversed(MEMBERS))) == first
    assert assign_peers("2026-10", "W1-VH", MEMBERS) == first


@pytest.mark.parametrize("n", [6, 7, 11, 30])
def test_assignment_rotates_every_month(n):
    members = MEMBERS[:n] if n <= len(MEMBERS) else [f"X{i}" for i in range(n)]
    assignments = [assign_peers(period, "W1-VP", members) for period in PERIODS]
    for previous, current in itertools.pairwise(assignments):
        assert previous != current
    # Nothing repeats before every arrangement the circle allows has had its month.
    distinct = {tuple(sorted(a.items())) for a in assignments}
    assert len(distinct) == min(len(PERIODS), math.comb(n - 1, 4))


def test_every_pair_meets_over_a_year():
    pairs = {
        (rater, ratee)
        for period in PERIODS[:12]
        for rater, ratees in assign_peers(period, "W1-VH", MEMBERS).items()
        for ratee in ratees
    }
    assert len(pairs) == len(MEMBERS) * (len(MEMBERS) - 1)


def test_units_do_not_share_the_same_assignment():
    assert assign_peers("2026-10", "A", MEMBERS) != assign_peers("2026-10", "B", MEMBERS)


@pytest.mark.parametrize("period", ["2026-13", "2026-1", "10-2026", "2026-Q4"])
def test_period_must_be_a_month(period):
    with pytest.raises(ValueError):
        assign_peers(period, "U", MEMBERS)


@given(
    st.sets(st.text(alphabet="ABC0123456789", min_size=1, max_size=5), max_size=25),
    st.sampled_from(PERIODS),
    st.integers(min_value=1, max_value=6),
)
def test_assignment_is_balanced(members, period, k):
    assignment = assign_peers(period, "U", sorted(members), k=k)
    n = len(members)
    expected = k if n > k + 1 else n - 1
    received = raters_by_ratee(assignment)
    for member in members:
        assert member not in assignment[member]
        assert len(assignment[member]) == expected
        assert len(received.get(member, ())) == expected
