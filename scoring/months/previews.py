"""What deciding, publishing and locking make final, shown before the head confirms: per unit
the tiers, the quota's cuts with their reasons, the pool, what it distributes and what is left;
and why a step cannot be taken today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from scoring.models import (
    TIERS,
    Appeal,
    AppealStatus,
    Period,
    PeriodUnit,
    PeriodUnitResult,
    Phase,
    Result,
    ScorecardKind,
)
from scoring.month.selectors.inputs import period_inputs
from scoring.month.selectors.rating import step_refusal
from scoring.month.services.opening import members_change
from scoring.reasons import reason_text, reasons_text
from units.formats import date_text
from units.models import Unit


@dataclass
class UnitPreview:
    unit: Unit
    pool: int = 0
    outstanding: bool = False
    rated: int = 0
    distributed: int = 0
    undistributed: int = 0
    tiers: dict = field(default_factory=dict)
    not_rated: int = 0
    undecidable: list = field(default_factory=list)  # (member, [reason messages])
    cuts: list = field(default_factory=list)  # (member, total, reason message)


@dataclass
class DecisionPreview:
    units: list[UnitPreview]
    named: bool  # whether people and totals may be shown (cross-evaluation closed)
    quota_rate: object
    outstanding_rate: object

    @property
    def pool(self) -> int:
        return sum(u.pool for u in self.units)

    @property
    def distributed(self) -> int:
        return sum(u.distributed for u in self.units)

    @property
    def undistributed(self) -> int:
        return sum(u.undistributed for u in self.units)

    @property
    def tiers(self) -> dict:
        return {t: sum(u.tiers.get(t, 0) for u in self.units) for t in TIERS}

    @property
    def cuts(self) -> int:
        return sum(len(u.cuts) for u in self.units)

    @property
    def undecidable(self) -> int:
        return sum(len(u.undecidable) for u in self.units)


def decision_preview(period: Period, today: dt.date) -> DecisionPreview:
    """What deciding now would give, per unit: tiers, the quota's cuts with their reasons, the
    pool, what it distributes and what is left undistributed. Writes nothing; the engine's
    eight input queries and the period's units. People are named only once the
    cross-evaluation step has closed (docs/RULES.md §3)."""
    inputs = period_inputs(period)
    outcome = inputs.decide()
    rows = {
        row.unit_id: row for row in PeriodUnit.objects.filter(period=period).select_related("unit")
    }
    units = {
        code: UnitPreview(unit=rows[unit_id].unit, outstanding=rows[unit_id].outstanding)
        for code, unit_id in inputs.unit_ids.items()
    }
    for result in outcome.units:
        preview = units[result.code]
        preview.pool, preview.rated = result.pool, result.rated
        preview.distributed, preview.undistributed = result.distributed, result.undistributed
    for result in outcome.cadres:
        member = inputs.members[result.code]
        preview = units[result.unit_code]
        if not result.decidable:
            preview.undecidable.append((member, reasons_text(result.reasons)))
        elif result.tier is None:
            preview.not_rated += 1
        else:
            preview.tiers[result.tier.value] = preview.tiers.get(result.tier.value, 0) + 1
        if result.tier and result.tier_before_quota and result.tier != result.tier_before_quota:
            reason = next((reason_text(r) for r in result.reasons if r.code == "quota_demoted"), "")
            preview.cuts.append((member, result.total, reason))
    for preview in units.values():
        preview.cuts.sort(key=lambda cut: (-(cut[1].exact if cut[1] else 0), cut[0].cadre.code))
    return DecisionPreview(
        units=sorted(units.values(), key=lambda u: u.unit.path),
        named=step_refusal(period, ScorecardKind.PEER, today) is not None,
        quota_rate=period.regulation.quota_rate,
        outstanding_rate=period.regulation.quota_rate_outstanding,
    )


def stored_preview(period: Period) -> DecisionPreview:
    """The decided results per unit (publishing and locking show what they make final):
    tiers, cuts and the pools' split, from the stored rows in three queries."""
    rows = {
        row.unit_id: row for row in PeriodUnit.objects.filter(period=period).select_related("unit")
    }
    units = {
        uid: UnitPreview(unit=row.unit, outstanding=row.outstanding) for uid, row in rows.items()
    }
    for split in PeriodUnitResult.objects.filter(period=period):
        preview = units.get(split.unit_id)
        if preview is not None:
            preview.pool, preview.rated = split.pool, split.rated
            preview.distributed, preview.undistributed = split.distributed, split.undistributed
    results = Result.objects.filter(period=period).select_related("cadre")
    for result in results.order_by("-total", "cadre__code"):
        preview = units.get(result.unit_id)
        if preview is None:
            continue
        if not result.decidable:
            preview.undecidable.append((result, reasons_text(result.reasons)))
        elif not result.tier:
            preview.not_rated += 1
        else:
            preview.tiers[result.tier] = preview.tiers.get(result.tier, 0) + 1
        if result.tier and result.tier != result.tier_before_quota:
            reason = next(
                (reason_text(r) for r in result.reasons if r.get("code") == "quota_demoted"),
                "",
            )
            preview.cuts.append((result, result.total, reason))
    return DecisionPreview(
        units=sorted(units.values(), key=lambda u: u.unit.path),
        named=True,
        quota_rate=period.regulation.quota_rate,
        outstanding_rate=period.regulation.quota_rate_outstanding,
    )


def open_appeals(period: Period) -> int:
    return Appeal.objects.filter(period=period, status=AppealStatus.OPEN).count()


def lock_refusal(period: Period, today: dt.date, waiting: int) -> str | None:
    """Why the period cannot be locked from the page today (`waiting`: its open appeals);
    None when it can."""
    if period.phase != Phase.APPEALS:
        return _("Publish the period before locking it.")
    if waiting:
        return _("%(n)s appeals still wait for an answer.") % {"n": waiting}
    if today <= period.appeals_until:
        return _("Appeals are open until %(date)s: lock it after that.") % {
            "date": date_text(period.appeals_until)
        }
    return None


def decide_refusal(period: Period) -> str | None:
    if period.phase != Phase.REVIEW:
        return _("A period is decided in supervisor review; it is at “%(phase)s”.") % {
            "phase": period.get_phase_display()
        }
    return None


def decision_page(period: Period, action: str, today: dt.date) -> dict[str, Any]:
    """What the page confirming `action` (decide, publish or lock) shows: why it cannot be done
    today (`refusal`, None when it can) and the results it decides or has decided."""
    if action == "decide":
        page: dict[str, Any] = {"refusal": decide_refusal(period)}
        if period.phase == Phase.REVIEW:
            page["preview"] = decision_preview(period, today)
        return page
    if action == "lock":
        waiting = open_appeals(period)
        page = {"refusal": lock_refusal(period, today, waiting), "open_appeals": waiting}
    elif period.phase != Phase.DECIDED:
        page = {"refusal": _("Only a decided month, not yet published, is published.")}
    else:
        page = {"refusal": None}
    if period.is_frozen:
        page["preview"] = stored_preview(period)
    return page


def members_preview(period: Period):
    """What refreshing the members would change (`services.members_change`), with names."""
    return members_change(period)
