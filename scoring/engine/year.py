"""Section 5.8 of the rules: a cadre's year from their decided months."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from scoring.engine.arithmetic import ZERO, Number, exact, round_half_up
from scoring.engine.criteria import tier_for
from scoring.engine.inputs import Regulation, Tier
from scoring.engine.quota import QuotaCandidate, ranks, requota
from scoring.engine.reasons import REASON_YEAR_DISCIPLINE, Reason, reason_few_months
from scoring.engine.results import Value, value_of

# --- 5.8 year ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthRecord:
    """One decided month of a cadre, as its result was published."""

    total: Number | None
    rated: bool
    discipline: bool = False
    supervisor_general: Number = 0
    pg: Number = 0
    penalty: Number = 0


@dataclass(frozen=True)
class YearInput:
    code: str
    unit_code: str
    job_group: str
    months: tuple[MonthRecord, ...]


@dataclass(frozen=True)
class YearResult:
    code: str
    unit_code: str
    job_group: str
    rated_months: int
    total: Value | None
    tier_before_quota: Tier | None
    tier: Tier | None
    rank_in_unit: int | None
    rank_in_scope: int | None
    reasons: tuple[Reason, ...]


def yearly_rollup(
    regulation: Regulation,
    cadres: Sequence[YearInput],
    outstanding_units: Collection[str] = (),
) -> tuple[YearResult, ...]:
    """Annual total = mean of rated months' totals; tiers, quota and ranks as for a month."""
    rated_months = {
        c.code: [m for m in c.months if m.rated and m.total is not None] for c in cadres
    }
    totals: dict[str, Fraction | None] = {}
    tiers: dict[str, Tier | None] = {}
    reasons: dict[str, list[Reason]] = {c.code: [] for c in cadres}
    for cadre in cadres:
        months = rated_months[cadre.code]
        total = totals[cadre.code] = _mean(t for m in months if (t := m.total) is not None)
        # As in a month, "not rated" comes first: too few rated months leave no tier, no rank
        # and no place in the quota even when there was discipline (docs/RULES.md, the year).
        if len(months) < regulation.min_rated_months:
            tiers[cadre.code] = None
            reasons[cadre.code].append(reason_few_months(regulation.min_rated_months))
        elif any(m.discipline for m in cadre.months):
            tiers[cadre.code] = Tier.D
            reasons[cadre.code].append(REASON_YEAR_DISCIPLINE)
        elif total is not None:
            tiers[cadre.code] = tier_for(round_half_up(total), regulation)
        else:  # no rated month, under a regulation that needs none
            tiers[cadre.code] = None

    shown: dict[str, Decimal] = {}
    groups: dict[tuple[str, str], list[QuotaCandidate]] = defaultdict(list)
    for cadre in cadres:
        tier, total = tiers[cadre.code], totals[cadre.code]
        if tier is None or total is None:
            continue
        months = rated_months[cadre.code]
        shown[cadre.code] = round_half_up(total)
        groups[cadre.unit_code, cadre.job_group].append(
            QuotaCandidate(
                code=cadre.code,
                tier=tier,
                total=shown[cadre.code],
                supervisor_general=_average([m.supervisor_general for m in months]),
                pg=_average([m.pg for m in months]),
                penalty=sum((exact(m.penalty) for m in months), ZERO),
            )
        )
    final = dict(tiers)
    for code, (tier, reason) in requota(groups, outstanding_units, regulation).items():
        final[code] = tier
        if reason is not None:
            reasons[code].append(reason)

    members: dict[str, list[str]] = defaultdict(list)
    for c in cadres:
        members[c.unit_code].append(c.code)
    scope_ranks, unit_ranks = ranks(shown, members)
    return tuple(
        YearResult(
            code=c.code,
            unit_code=c.unit_code,
            job_group=c.job_group,
            rated_months=len(rated_months[c.code]),
            total=value_of(totals[c.code]),
            tier_before_quota=tiers[c.code],
            tier=final[c.code],
            rank_in_unit=unit_ranks.get(c.code),
            rank_in_scope=scope_ranks.get(c.code),
            reasons=tuple(reasons[c.code]),
        )
        for c in cadres
    )


def _mean(values: Iterable[Number]) -> Fraction | None:
    """The mean, None without values."""
    exact_values = [exact(v) for v in values]
    return _average(exact_values) if exact_values else None


def _average(values: Sequence[Number]) -> Fraction:
    """The mean of at least one value."""
    return sum((exact(v) for v in values), ZERO) / len(values)
