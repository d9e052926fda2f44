"""Sections 5.5–5.7 of the rules: the quota of tier A, ranks and the split of a unit's pool."""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

from scoring.engine.arithmetic import ZERO, exact, floor_to
from scoring.engine.inputs import ND335, QuotaBase, Regulation, Tier, UnitInput
from scoring.engine.reasons import Reason, reason_quota
from scoring.engine.results import PoolSplit, UnitOutcome

# --- 5.5 quota -----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaCandidate:
    """A rated cadre of one unit and job group; ``total`` is the rounded total."""

    code: str
    tier: Tier
    total: Decimal
    supervisor_general: Fraction = ZERO
    pg: Fraction = ZERO
    penalty: Fraction = ZERO


def quota_keep(
    n_a: int, n_b: int, n_rated: int, rate: Fraction, base: QuotaBase = QuotaBase.GOOD
) -> int:
    """How many A-candidates keep A."""
    for k in range(n_a, 0, -1):
        base_count = n_b + (n_a - k) if base == QuotaBase.GOOD else n_rated
        if k <= math.floor(rate * base_count):
            return k
    return 0


def quota_order_key(c: QuotaCandidate) -> tuple:
    return (-c.total, -c.supervisor_general, -c.pg, c.penalty, c.code)


def apply_quota(
    candidates: Sequence[QuotaCandidate], rate: Fraction, base: QuotaBase = QuotaBase.GOOD
) -> dict[str, Tier]:
    """Final tier of every candidate of one unit and job group."""
    a_candidates = sorted((c for c in candidates if c.tier == Tier.A), key=quota_order_key)
    n_b = sum(1 for c in candidates if c.tier == Tier.B)
    keep = quota_keep(len(a_candidates), n_b, len(candidates), rate, base)
    final = {c.code: c.tier for c in candidates}
    for c in a_candidates[keep:]:
        final[c.code] = Tier.B
    return final


def requota(
    groups: Mapping[tuple[str, str], Sequence[QuotaCandidate]],
    outstanding: Collection[str],
    regulation: Regulation,
) -> dict[str, tuple[Tier, Reason | None]]:
    """The quota in each (unit code, job group) of `groups`, at the outstanding rate in the
    units of `outstanding`: every candidate's final tier, with the reason where it demoted them."""
    placed: dict[str, tuple[Tier, Reason | None]] = {}
    for (unit_code, _), group in groups.items():
        rate = regulation.rate_for(unit_code in outstanding)
        final = apply_quota(group, rate, regulation.quota_base)
        for candidate in group:
            tier = final[candidate.code]
            placed[candidate.code] = (tier, None if tier == candidate.tier else reason_quota(rate))
    return placed


# --- 5.6 ranks -----------------------------------------------------------------------------


Key = TypeVar("Key", bound=Hashable)  # a cadre's code (the engine), or id (the decision)


def competition_ranks(totals: Mapping[Key, Decimal]) -> dict[Key, int]:
    """Standard competition ranking (1, 2, 2, 4), highest total first."""
    ordered = sorted(totals.values(), reverse=True)
    first_position: dict[Decimal, int] = {}
    for position, total in enumerate(ordered, start=1):
        first_position.setdefault(total, position)
    return {code: first_position[total] for code, total in totals.items()}


def ranks(
    totals: Mapping[str, Decimal], members: Mapping[str, Sequence[str]]
) -> tuple[dict[str, int], dict[str, int]]:
    """The ranks in the scope and in each unit of the cadres of `totals` (rounded totals, of
    the rated only); `members` holds each unit's cadre codes."""
    in_unit: dict[str, int] = {}
    for codes in members.values():
        in_unit |= competition_ranks({code: totals[code] for code in codes if code in totals})
    return competition_ranks(totals), in_unit


# --- 5.7 rewards ---------------------------------------------------------------------------


def split_pool(pool: int, tiers: Mapping[str, Tier], regulation: Regulation = ND335) -> PoolSplit:
    """Split a unit's pool among its rated members (``tiers`` holds final tiers, A-D)."""
    unit = regulation.money_unit
    eligible = [code for code, tier in tiers.items() if tier in (Tier.A, Tier.B, Tier.C)]
    coefficients = {
        Tier.A: exact(regulation.coefficient_a),
        Tier.B: exact(regulation.coefficient_b),
    }
    merit = {code: coefficients[tier] for code, tier in tiers.items() if tier in coefficients}
    equal_split = floor_to(Fraction(pool, len(tiers)), unit) if tiers else None

    equal_half = Fraction(pool) * exact(regulation.equal_share)
    merit_half = pool - equal_half
    if not merit:
        equal_half, merit_half = Fraction(pool), ZERO
    equal_each = floor_to(equal_half / len(eligible), unit) if eligible else 0
    coefficient_sum = sum(merit.values(), ZERO)
    # Everyone of a tier takes the same share: worked out once a tier, not once a cadre.
    share = {
        tier: floor_to(merit_half * coefficient / coefficient_sum, unit)
        for tier, coefficient in coefficients.items()
        if merit
    }
    merit_by_code = {code: share[tiers[code]] for code in merit}
    distributed = equal_each * len(eligible) + sum(merit_by_code.values())
    return PoolSplit(
        pool=pool,
        rated=len(tiers),
        equal_each=equal_each,
        merit_by_code=merit_by_code,
        equal_by_code=dict.fromkeys(eligible, equal_each),
        distributed=distributed,
        undistributed=pool - distributed,
        equal_split=equal_split,
    )


# --- 5.6 and 5.7 together --------------------------------------------------------------------


@dataclass(frozen=True)
class Places:
    """The ranks of a period's rated cadres and the split of each unit's pool."""

    scope_ranks: Mapping[str, int]
    unit_ranks: Mapping[str, int]
    splits: Mapping[str, PoolSplit]  # by unit code

    def of(self, code: str, unit_code: str, rated: bool) -> dict[str, Any]:
        """The fields of `Placed` for one cadre of the unit."""
        split = self.splits[unit_code]
        return {
            "rank_in_unit": self.unit_ranks.get(code),
            "rank_in_scope": self.scope_ranks.get(code),
            "reward_equal": split.equal_by_code.get(code, 0),
            "reward_merit": split.merit_by_code.get(code, 0),
            "reward": split.reward(code),
            "equal_split": split.equal_split if rated else None,
        }

    def unit_outcomes(self) -> tuple[UnitOutcome, ...]:
        return tuple(UnitOutcome.of(code, split) for code, split in self.splits.items())


def place(
    regulation: Regulation,
    units: Sequence[UnitInput],
    members: Mapping[str, Sequence[str]],
    tiers: Mapping[str, Tier],
    totals: Mapping[str, Decimal],
) -> Places:
    """Ranks and pool splits once every final tier is known. `members` holds each unit's cadre
    codes; `tiers` and `totals` (rounded) those of the rated cadres only. Every unit of `units`
    is split (in their order), then every other unit with members, with no pool."""
    scope_ranks, unit_ranks = ranks(totals, members)
    pools = {u.code: u.pool for u in units}
    splits = {
        unit_code: split_pool(
            pools.get(unit_code, 0),
            {code: tiers[code] for code in members.get(unit_code, ()) if code in tiers},
            regulation,
        )
        for unit_code in [*pools, *(code for code in members if code not in pools)]
    }
    return Places(scope_ranks, unit_ranks, splits)
