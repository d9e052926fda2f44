"""Why a cadre's result is what it is: the reasons the rules attach to a result.

A reason is a code and the figures it needs (``params``), never a sentence: the interface words it
in the reader's language (`scoring/reasons.py`). Figures are ``Decimal`` rounded half up to 2
decimals, or ``int``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from scoring.engine.arithmetic import round_half_up

ReasonParam = Decimal | int | str

QUOTA_DEMOTED = "quota_demoted"
DISCIPLINE = "discipline"
LEAVE = "leave"
LEAVE_OVERRIDDEN = "leave_overridden_by_discipline"
NO_SUPERVISOR = "no_supervisor_scorecard"
SUPERVISOR_INCOMPLETE = "supervisor_scorecard_incomplete"
NO_TASK_SCORE = "no_task_score"
BONUS_REFUSED = "bonus_refused"
BONUS_CAPPED = "bonus_capped"
TOTAL_CLAMPED = "total_clamped"
STAFF_TIER_D = "staff_tier_d"
TOO_FEW_RATED_MONTHS = "too_few_rated_months"
SATISFACTION_BONUS = "satisfaction_bonus"
SATISFACTION_BELOW = "satisfaction_below"
SATISFACTION_FEW = "satisfaction_few_ratings"
COMPLAINTS = "verified_complaints"

# Every code the engine gives, with the names of its figures.
REASON_PARAMS: Mapping[str, tuple[str, ...]] = {
    QUOTA_DEMOTED: ("rate",),
    DISCIPLINE: ("span",),
    LEAVE: (),
    LEAVE_OVERRIDDEN: (),
    NO_SUPERVISOR: (),
    SUPERVISOR_INCOMPLETE: (),
    NO_TASK_SCORE: (),
    BONUS_REFUSED: ("asked",),
    BONUS_CAPPED: ("asked", "cap"),
    TOTAL_CLAMPED: ("raw", "limit"),
    STAFF_TIER_D: ("factor",),
    TOO_FEW_RATED_MONTHS: ("needed",),
    SATISFACTION_BONUS: ("index", "threshold", "rated", "points"),
    SATISFACTION_BELOW: ("index", "threshold"),
    SATISFACTION_FEW: ("rated", "needed"),
    COMPLAINTS: ("count", "each", "points"),
}
REASON_CODES = tuple(REASON_PARAMS)


@dataclass(frozen=True)
class Reason:
    """A reason's code and its figures; `scoring/reasons.py` words it."""

    code: str
    params: Mapping[str, ReasonParam] = field(default_factory=dict, hash=False)


def _shown(x: Fraction) -> Decimal:
    return round_half_up(x)


def reason_quota(rate: Fraction) -> Reason:
    """Demoted from A to B by the quota; ``rate`` as a percentage."""
    return Reason(QUOTA_DEMOTED, {"rate": _shown(rate * 100)})


REASON_DISCIPLINE = Reason(DISCIPLINE, {"span": "month"})
REASON_LEAVE = Reason(LEAVE)
REASON_LEAVE_OVERRIDDEN = Reason(LEAVE_OVERRIDDEN)
REASON_NO_SUPERVISOR = Reason(NO_SUPERVISOR)
REASON_SUPERVISOR_INCOMPLETE = Reason(SUPERVISOR_INCOMPLETE)
REASON_NO_TASK_SCORE = Reason(NO_TASK_SCORE)
REASON_YEAR_DISCIPLINE = Reason(DISCIPLINE, {"span": "year"})


def reason_bonus_capped(asked: Fraction, cap: Fraction) -> Reason:
    if cap == 0:
        return Reason(BONUS_REFUSED, {"asked": _shown(asked)})
    return Reason(BONUS_CAPPED, {"asked": _shown(asked), "cap": _shown(cap)})


def reason_clamped(raw: Fraction, limit: Fraction) -> Reason:
    return Reason(TOTAL_CLAMPED, {"raw": _shown(raw), "limit": _shown(limit)})


def reason_staff_d(factor: Fraction) -> Reason:
    return Reason(STAFF_TIER_D, {"factor": _shown(factor)})


def reason_few_months(needed: int) -> Reason:
    return Reason(TOO_FEW_RATED_MONTHS, {"needed": needed})


def reason_satisfaction_bonus(
    index: Fraction, threshold: Fraction, rated: int, points: Fraction
) -> Reason:
    return Reason(
        SATISFACTION_BONUS,
        {
            "index": _shown(index),
            "threshold": _shown(threshold),
            "rated": rated,
            "points": _shown(points),
        },
    )


def reason_satisfaction_below(index: Fraction, threshold: Fraction) -> Reason:
    return Reason(SATISFACTION_BELOW, {"index": _shown(index), "threshold": _shown(threshold)})


def reason_satisfaction_few(rated: int, needed: int) -> Reason:
    return Reason(SATISFACTION_FEW, {"rated": rated, "needed": needed})


def reason_complaints(count: int, each: Fraction, points: Fraction) -> Reason:
    return Reason(COMPLAINTS, {"count": count, "each": _shown(each), "points": _shown(points)})
