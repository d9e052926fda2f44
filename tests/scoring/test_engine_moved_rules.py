"""Rules that used to be decided outside the engine, now the engine's alone (docs/RULES.md §1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from scoring.engine import HN3814, ND335, Regulation, task_completed

OCTOBER_END = dt.date(2026, 10, 31)


@pytest.mark.parametrize(
    ("completed_on", "expected"),
    [
        (None, False),  # not done
        (dt.date(2026, 10, 12), True),
        (dt.date(2026, 9, 30), True),  # done early, before the month began
        (OCTOBER_END, True),  # on the last day still counts
        (dt.date(2026, 11, 1), False),  # a day late is not completed in October
    ],
)
def test_a_task_is_completed_when_done_by_the_months_last_day(completed_on, expected):
    assert task_completed(completed_on, OCTOBER_END) is expected


def test_completion_follows_the_given_month_end_across_a_year_end():
    done = dt.date(2027, 1, 1)
    assert task_completed(done, dt.date(2026, 12, 31)) is False
    assert task_completed(done, dt.date(2027, 1, 31)) is True


@pytest.mark.parametrize(
    ("cap", "allowed"),
    [(Decimal("0"), False), (Decimal("-1"), False), (Decimal("0.01"), True), (Decimal("10"), True)],
)
def test_a_bonus_is_allowed_only_under_a_positive_bonus_cap(cap, allowed):
    assert Regulation(bonus_cap=cap).allows_bonus is allowed


def test_nd335_refuses_bonuses_and_hn3814_allows_them():
    assert (ND335.allows_bonus, HN3814.allows_bonus) == (False, True)
