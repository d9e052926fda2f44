"""Sections 5.1–5.4 of the rules: task results, the general criteria, the total and its tier."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

from scoring.engine.arithmetic import ONE, ZERO, Number, exact, exact_mean, exact_sum
from scoring.engine.inputs import ND335, Regulation, ServiceInput, TaskInput, Tier
from scoring.engine.reasons import (
    Reason,
    reason_complaints,
    reason_satisfaction_below,
    reason_satisfaction_bonus,
    reason_satisfaction_few,
)
from scoring.engine.results import TaskRatios

# --- 5.1 task results ----------------------------------------------------------------------


def task_completed(completed_on: datetime.date | None, last_day: datetime.date) -> bool:
    """A task counts as completed in a month when it was done on or before the month's last
    day; a task done later, or not done, is not completed (Qn = 0 for it)."""
    return completed_on is not None and completed_on <= last_day


def task_ratios(tasks: Iterable[TaskInput], regulation: Regulation = ND335) -> TaskRatios | None:
    """Weight-averaged Qn, Ql, Pg over the month's tasks; None without tasks."""
    weights: list[Number] = []
    done: list[Number] = []
    accepted: list[Number] = []
    on_time: list[Number] = []
    for task in tasks:
        weight = task.weight
        if weight <= 0 or task.errors < 0 or task.delays < 0:  # compared as given: exact
            raise ValueError(f"task {task.code!r}: weight must be > 0, errors and delays >= 0")
        weights.append(weight)
        if not task.completed:
            continue
        done.append(weight)
        if task.accepted:
            accepted.append(_kept(weight, regulation.error_step, task.errors))
        on_time.append(_kept(weight, regulation.delay_step, task.delays))
    if not weights:
        return None
    # Summed exactly as stored (Decimals, exact_sum's fast way), divided once.
    total_weight = exact_sum(weights)
    return TaskRatios(
        exact_sum(done) / total_weight,
        exact_sum(accepted) / total_weight,
        exact_sum(on_time) / total_weight,
    )


def _kept(weight: Number, step: Number, count: int) -> Number:
    """The weight a task keeps after `count` steps down (25% each by default), floor 0."""
    return weight if count == 0 else exact(weight) * max(ZERO, 1 - exact(step) * count)


def task_score(ratios: TaskRatios, regulation: Regulation = ND335) -> Fraction:
    return exact(regulation.task_max) * ratios.ratio


def leader_task_score(
    own: TaskRatios | None,
    unit: TaskRatios | None,
    staff_has_d: bool,
    regulation: Regulation = ND335,
) -> Fraction | None:
    """T of a head or deputy; None when the unit has no task (the manual T applies)."""
    if unit is None:
        return None
    lam = exact(regulation.leader_lambda)
    own_ratio = own.ratio if own is not None else unit.ratio
    factor = exact(regulation.leader_factor) if staff_has_d else ONE
    return exact(regulation.task_max) * ((1 - lam) * own_ratio + lam * unit.ratio * factor)


# --- 5.2 general criteria ------------------------------------------------------------------


def trimmed_peer_mean(points: Sequence[Number], trim_min: int = 5) -> Fraction | None:
    """Mean of peer points, without the single highest and lowest from ``trim_min`` on."""
    if not points:
        return None
    values = points
    if len(values) >= trim_min:
        # Sorted as given (stored points are Decimals, compared in C); the sum needs no order.
        values = (sorted(points, key=exact) if _mixed(points) else sorted(points))[1:-1]
    return exact_mean(values)


def _mixed(points: Sequence[Number]) -> bool:
    return len({type(p) for p in points}) > 1


def general_value(
    self_points: Number | None,
    peer_mean: Number | None,
    supervisor_points: Number | None,
    regulation: Regulation = ND335,
) -> Fraction | None:
    """Weighted value of one criterion; a missing self or peer part lends its weight pro rata."""
    if supervisor_points is None:
        return None
    weight = exact(regulation.weight_supervisor)
    value = weight * exact(supervisor_points)
    for part_weight, points in (
        (regulation.weight_self, self_points),
        (regulation.weight_peer, peer_mean),
    ):
        if points is not None:
            value += exact(part_weight) * exact(points)
            weight += exact(part_weight)
    return value if weight == 1 else value / weight


# --- 5.3 total, 5.4 tier -------------------------------------------------------------------


def capped_bonus(points: Iterable[Number], regulation: Regulation = ND335) -> Fraction:
    return min(sum((exact(p) for p in points), ZERO), exact(regulation.bonus_cap))


def total_score(
    general: Number,
    task: Number,
    bonus: Number = 0,
    penalty: Number = 0,
    regulation: Regulation = ND335,
) -> Fraction:
    return clamped_total(raw_total(general, task, bonus, penalty), regulation)


def raw_total(general: Number, task: Number, bonus: Number = 0, penalty: Number = 0) -> Fraction:
    """G + T + bonus - penalty before the clamp (most cadres have neither: nothing added)."""
    raw = exact(general) + exact(task)
    if bonus:
        raw += exact(bonus)
    if penalty:
        raw -= exact(penalty)
    return raw


def clamped_total(raw: Fraction, regulation: Regulation = ND335) -> Fraction:
    """The total within 0..total_max."""
    return min(max(raw, ZERO), exact(regulation.total_max))


def tier_for(total: Decimal, regulation: Regulation = ND335) -> Tier:
    """Tier of a total as shown (rounded)."""
    if total >= regulation.tier_a_min:
        return Tier.A
    if total >= regulation.tier_b_min:
        return Tier.B
    if total >= regulation.tier_c_min:
        return Tier.C
    return Tier.D


# --- people's satisfaction (optional, docs/RULES.md §1) -----------------------------------


def satisfaction_index(service: ServiceInput) -> Fraction | None:
    """The share of the month's ratings that are satisfied or very satisfied, in percent; None
    without a rating."""
    if service.rated <= 0:
        return None
    return Fraction(service.satisfied * 100, service.rated)


def satisfaction_points(
    service: ServiceInput | None, regulation: Regulation = ND335
) -> tuple[Fraction, Fraction, tuple[Reason, ...]]:
    """The bonus and the penalty the satisfaction of people gives a cadre in a month, with
    their reasons (docs/RULES.md §1, "People's satisfaction"): (0, 0, ()) when the regulation
    leaves them off.

    Bonus: `satisfaction_bonus` when at least `satisfaction_min_ratings` dossiers were rated
    and the index is at or above `satisfaction_threshold`. Penalty: `complaint_penalty` for
    each verified complaint (an "unsatisfied" rating found justified)."""
    if not regulation.satisfaction_points or service is None:
        return ZERO, ZERO, ()
    if service.rated < 0 or not 0 <= service.satisfied <= service.rated:
        raise ValueError("satisfied ratings must be between 0 and the ratings")
    if service.verified_complaints < 0 or service.verified_complaints > service.rated:
        raise ValueError("verified complaints must be between 0 and the ratings")
    bonus = penalty = ZERO
    reasons: list[Reason] = []
    index = satisfaction_index(service)
    threshold = exact(regulation.satisfaction_threshold)
    if index is not None:
        if service.rated < regulation.satisfaction_min_ratings:
            reasons.append(
                reason_satisfaction_few(service.rated, regulation.satisfaction_min_ratings)
            )
        elif index >= threshold:
            bonus = exact(regulation.satisfaction_bonus)
            reasons.append(reason_satisfaction_bonus(index, threshold, service.rated, bonus))
        else:
            reasons.append(reason_satisfaction_below(index, threshold))
    if service.verified_complaints:
        each = exact(regulation.complaint_penalty)
        penalty = each * service.verified_complaints
        reasons.append(reason_complaints(service.verified_complaints, each, penalty))
    return bonus, penalty, tuple(reasons)
