"""The rules of 5.5–5.7 applied again over settled scores: a corrected month (docs/RULES.md §2)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from scoring.engine.arithmetic import Number, exact
from scoring.engine.inputs import Regulation, Tier, UnitInput
from scoring.engine.quota import QuotaCandidate, place
from scoring.engine.quota import requota as requota_groups
from scoring.engine.reasons import Reason
from scoring.engine.results import Placed, UnitOutcome


@dataclass(frozen=True)
class Standing:
    """A decided cadre as the rules of 5.5–5.7 see them, once their own scores are settled.

    ``total`` is the rounded total, ``tier_before`` the tier before the quota and ``tier`` the
    tier as it stands (None: not rated); the rest are the quota's tie-breakers.
    """

    code: str
    unit_code: str
    job_group: str
    total: Decimal | None
    tier_before: Tier | None
    tier: Tier | None
    supervisor_general: Number = 0
    pg: Number = 0
    penalty: Number = 0


@dataclass(frozen=True)
class Placing(Placed):
    """What the rules give one cadre: the final tier, ranks and reward."""

    code: str
    tier: Tier | None
    quota_reason: Reason | None  # set where the quota was applied again and demoted them


def apply_rules(
    regulation: Regulation,
    standings: Sequence[Standing],
    units: Sequence[UnitInput],
    *,
    requota: Collection[tuple[str, str]],
) -> tuple[dict[str, Placing], tuple[UnitOutcome, ...]]:
    """The quota (5.5), ranks (5.6) and pools (5.7) over cadres whose scores are settled.

    A corrected month (docs/RULES.md §2, appeals) changes one cadre's own result; everyone else may
    move only through these rules. The quota is applied again in the groups of ``requota``
    (unit code, job group), the corrected cadre's; elsewhere each keeps the tier as it stands.
    Ranks and pool splits are computed over everyone: they depend on nothing but the rounded
    totals and final tiers, so an untouched unit comes out as it was decided.
    """
    tiers: dict[str, Tier | None] = {s.code: s.tier for s in standings}
    demoted: dict[str, Reason] = {}
    groups: dict[tuple[str, str], list[QuotaCandidate]] = defaultdict(list)
    for s in standings:
        if s.tier_before is not None and (s.unit_code, s.job_group) in requota:
            groups[s.unit_code, s.job_group].append(
                QuotaCandidate(
                    code=s.code,
                    tier=s.tier_before,
                    total=_total(s),
                    supervisor_general=exact(s.supervisor_general),
                    pg=exact(s.pg),
                    penalty=exact(s.penalty),
                )
            )
    for code in (s.code for s in standings if (s.unit_code, s.job_group) in requota):
        tiers[code] = None  # not rated, unless the group below rates them
    outstanding = {u.code for u in units if u.outstanding}
    for code, (final, reason) in requota_groups(groups, outstanding, regulation).items():
        tiers[code] = final
        if reason is not None:
            demoted[code] = reason

    members: dict[str, list[str]] = defaultdict(list)
    for s in standings:
        members[s.unit_code].append(s.code)
    rated = {s.code: tier for s in standings if (tier := tiers[s.code]) is not None}
    totals = {s.code: _total(s) for s in standings if s.code in rated}
    places = place(regulation, units, members, rated, totals)
    placings = {
        s.code: Placing(
            code=s.code,
            tier=tiers[s.code],
            quota_reason=demoted.get(s.code),
            **places.of(s.code, s.unit_code, tiers[s.code] is not None),
        )
        for s in standings
    }
    return placings, places.unit_outcomes()


def _total(standing: Standing) -> Decimal:
    """The rounded total of a cadre the rules rate: there is always one."""
    if standing.total is None:
        raise ValueError(f"{standing.code}: a rated cadre needs a total")
    return standing.total
