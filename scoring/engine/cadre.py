"""One cadre's result without deciding the rest of its unit: which members it reads.

The head's grid shows each member's result as deciding the unit would give it, and saving one
row changes that member's inputs only. Most of a result is the member's own (its general
points, its T, its total and tier before the quota); the rest reads other members, and only
through two rules of docs/RULES.md §1:

- the quota, per unit and job group, changes only the candidates for A: a member who is not
  one keeps its tier whatever the others have;
- the T of a head or deputy reads every task of the unit and whether a staff member is D.

So a member is decided alone first (`decide_cadre` over itself), and `members_needed` says
from that result which members of its unit the answer reads; deciding those together gives the
unit's answer for that member (tests/scoring/test_engine_cadre.py holds the two to each other).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scoring.engine.inputs import CadreInput, Criterion, Regulation, Tier, UnitInput
from scoring.engine.period import decide_period
from scoring.engine.results import CadreResult


@dataclass(frozen=True)
class UnitMember:
    """A member of the unit as `members_needed` reads them: their place, not their scores."""

    code: str
    job_group: str
    is_leader: bool = False


def members_needed(alone: CadreResult, members: Iterable[UnitMember]) -> frozenset[str]:
    """The codes of the unit's members whose inputs the result of cadre `alone.code` reads,
    given that cadre decided alone (`decide_cadre` over itself); `members` are the unit's.

    - Itself only, for a staff member who is not a candidate for A: its T is its own tasks' or
      the one entered by hand, and the quota leaves anyone but a candidate for A as they are.
    - Its quota group (the unit's members of its job group) for a candidate for A: the quota
      keeps the first candidates of the group, counted against the group's B (or rated).
    - The whole unit for a head or deputy, or for a candidate whose group holds one: a
      leader's T reads every task of the unit and whether a staff member is D.
    """
    members = list(members)
    everyone = frozenset({alone.code, *(m.code for m in members)})
    if alone.is_leader:
        return everyone
    if alone.tier_before_quota != Tier.A:
        return frozenset({alone.code})
    group = [m for m in members if m.job_group == alone.job_group]
    if any(m.is_leader for m in group):
        return everyone
    return frozenset({alone.code, *(m.code for m in group)})


def decide_cadre(
    regulation: Regulation,
    criteria: Sequence[Criterion],
    cadres: Sequence[CadreInput],
    code: str,
    unit: UnitInput | None = None,
) -> CadreResult:
    """The result of cadre `code` as deciding its whole unit gives it, from `cadres`: that
    cadre and the members of its unit that `members_needed` names (more are harmless).

    Its ranks and reward read every member of the unit and of the scope, so they are not
    worked out here: they are left empty (no rank, no reward, no equal split).
    """
    outcome = decide_period(regulation, criteria, cadres, () if unit is None else (unit,))
    return without_shared_figures(outcome.cadre(code))


def without_shared_figures(result: CadreResult) -> CadreResult:
    """`result` with what reads the whole unit and scope left empty, as `decide_cadre` leaves
    it: no rank, no reward, no equal split."""
    return dataclasses.replace(
        result,
        rank_in_unit=None,
        rank_in_scope=None,
        reward_equal=0,
        reward_merit=0,
        reward=0,
        equal_split=None,
    )
