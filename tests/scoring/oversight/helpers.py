"""Decided months written directly (results as `period_decide` stores them), for the radar."""

from decimal import Decimal

from scoring.models import Phase, Result
from tests.scoring.factories import open_period

TOTAL = {"A": Decimal(92), "B": Decimal(80), "C": Decimal(60), "D": Decimal(40)}


def decided_month(scope, month, tiers, *, totals=None):
    """A decided period of `scope` in `month` with one result per (cadre, unit) of `tiers`:
    {cadre: (unit, tier)}; `totals` overrides the total of a tier's default."""
    period = open_period(scope, month, phase=Phase.DECIDED)
    Result.objects.bulk_create(
        Result(
            period=period,
            cadre=cadre,
            unit=unit,
            job_group=cadre.job_group,
            tier=tier,
            tier_before_quota=tier,
            total=(totals or {}).get(cadre, TOTAL[tier]),
            rated=True,
        )
        for cadre, (unit, tier) in tiers.items()
    )
    return period
