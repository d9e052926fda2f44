"""Rules that used to be decided outside the engine, now the engine's alone (docs/RULES.md §1)."""

from __future__ import annotations

import datetime as dt

import pytest

from scoring.engine import task_completed

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
