"""Decided months written directly (results as `period_decide` stores them), for the radar."""

from decimal import Decimal

from scoring.models import Phase
from tests.scoring.factories import open_period, results_in_bulk

TOTAL = {"A": Decimal(92), "B": Decimal(80), "C": Decimal(60), "D": Decimal(40)}


def decided_month(scope, month, tiers, *, totals=None):
    """A decided period of `scope` in `month` with one result per (cadre, unit) of `tiers`:
    {cadre: (unit, tier)}; `totals` overrides the total of a tier's default."""
    period = open_period(scope, month, phase=Phase.DECIDED)

    def fields(cadre, tier):
        total = (totals or {}).get(cadre, TOTAL[tier])
        return {"tier": tier, "tier_before_quota": tier, "total": total, "rated": True}

    results_in_bulk(period, [(c, unit, fields(c, tier)) for c, (unit, tier) in tiers.items()])
    return period
