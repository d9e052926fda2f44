"""Sections 5.5–5.7 of the rules: the quota of tier A, ranks and the split of a unit's pool."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from scoring.engine.arithmetic import ZERO, exact, floor_to
from scoring.engine.inputs import ND335, QuotaBase, Regulation, Tier
from scoring.engine.results import PoolSplit

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


# --- 5.6 ranks -----------------------------------------------------------------------------


def competition_ranks(totals: Mapping[str, Decimal]) -> dict[str, int]:
    """Standard competition ranking (1, 2, 2, 4), highest total first."""
    ordered = sorted(totals.values(), reverse=True)
    first_position: dict[Decimal, int] = {}
    for position, total in enumerate(ordered, start=1):
        first_position.setdefault(total, position)
    return {code: first_position[total] for code, total in totals.items()}


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
    merit_by_code = {
        code: floor_to(merit_half * coefficient / coefficient_sum, unit)
        for code, coefficient in merit.items()
    }
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
