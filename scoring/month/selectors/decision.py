"""The head's decision page: before the decision, the provisional tiers and what the quota does
in each unit and job group; after it, the stored results, the revisions and the corrections.
Both read only the parts of the period's scope the viewer reads (`paths`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from scoring import engine
from scoring.models import (
    Correction,
    Period,
    PeriodMember,
    Phase,
    Result,
    Revision,
    RevisionChange,
)
from scoring.month.corrections import open_corrections, revision_plan
from scoring.month.selectors.inputs import period_inputs
from scoring.month.selectors.periods import path_q, under
from units.models import Unit


@dataclass
class QuotaGroup:
    """One unit × job group of the preview: what the quota does there."""

    unit: Unit
    job_group: str
    rows: list[tuple[PeriodMember, engine.CadreResult]] = field(default_factory=list)

    @property
    def candidates(self) -> int:
        return sum(1 for _m, r in self.rows if r.tier_before_quota == engine.Tier.A)

    @property
    def kept(self) -> int:
        return sum(1 for _m, r in self.rows if r.tier == engine.Tier.A)

    @property
    def demoted(self) -> list[tuple[PeriodMember, engine.CadreResult]]:
        return [(m, r) for m, r in self.rows if r.tier != r.tier_before_quota and r.tier]

    @property
    def rated(self) -> int:
        return sum(1 for _m, r in self.rows if r.tier is not None)


def decided_page(period: Period, paths: list[str]) -> dict[str, Any]:
    """A decided month's results, tiers, revisions and open corrections under `paths`."""
    results = list(
        Result.objects.filter(period=period)
        .filter(path_q("unit__path", paths))
        .select_related("cadre", "unit")
        .order_by("unit__path", "rank_in_unit", "cadre__full_name")
    )
    return {
        "results": results,
        "tiers": tier_counts(r.tier for r in results),
        "revisions": _revisions(period, paths),
        "corrections": list(
            open_corrections(period).filter(path_q("unit__path", paths)).order_by("opened_at")
        ),
    }


def preview_page(period: Period, paths: list[str]) -> dict[str, Any]:
    """What deciding now gives under `paths`: the quota groups, the undecidable cadres, the
    provisional tiers and how many the quota demotes."""
    inputs = period_inputs(period)
    outcome = inputs.decide()
    groups: dict[tuple[str, str], QuotaGroup] = {}
    undecidable: list[tuple[PeriodMember, engine.CadreResult]] = []
    tiers = []
    for result in outcome.cadres:
        member = inputs.members[result.code]
        if not under(member.unit.path, paths):
            continue
        if not result.decidable:
            undecidable.append((member, result))
            continue
        tiers.append(result.tier)
        key = (member.unit.path, result.job_group)
        if key not in groups:
            groups[key] = QuotaGroup(unit=member.unit, job_group=result.job_group)
        groups[key].rows.append((member, result))
    for group in groups.values():
        group.rows.sort(
            key=lambda mr: (mr[1].total is None, -(mr[1].total.exact if mr[1].total else 0))
        )
    return {
        "groups": [groups[k] for k in sorted(groups)],
        "undecidable": sorted(undecidable, key=lambda mr: (mr[0].unit.path, mr[0].cadre.full_name)),
        "tiers": tier_counts(tiers),
        "demoted": sum(len(g.demoted) for g in groups.values()),
    }


def correction_page(period: Period, paths: list[str], correction: Correction) -> dict[str, Any]:
    """The results under `paths` that deciding the open correction again would change (before
    and after); once decided, its revision and the changes under `paths`."""
    if correction.is_open and period.phase == Phase.APPEALS:
        plan = revision_plan(period, correction.cadre)
        members = {
            m.cadre_id: m
            for m in PeriodMember.objects.filter(
                period=period, cadre_id__in=[row.cadre_id for row in plan.listed]
            ).select_related("cadre", "unit")
        }
        changes = [
            SimpleNamespace(
                cadre=members[row.cadre_id].cadre,
                unit=members[row.cadre_id].unit,
                before=row.before,
                after=row.after,
            )
            for row in plan.listed
            if under(members[row.cadre_id].unit.path, paths)
        ]
        return {"changes": changes}
    revision = Revision.objects.filter(correction=correction).first()
    return {
        "revision": revision,
        "changes": (
            list(
                revision.changes.filter(path_q("unit__path", paths))
                .select_related("cadre", "unit")
                .order_by("unit__path", "cadre__full_name")
            )
            if revision
            else []
        ),
    }


def _revisions(period: Period, paths: list[str]) -> list[Revision]:
    """The month's revisions, newest first, each with the changed results the viewer reads
    (`shown_changes`) and whether they read the appellant (`shows_appellant`): two queries."""
    revisions = list(
        Revision.objects.filter(period=period).select_related(
            "correction__cadre", "correction__unit", "decided_by__cadre"
        )
    )
    changes: defaultdict[int, list[RevisionChange]] = defaultdict(list)
    for change in (
        RevisionChange.objects.filter(revision__period=period)
        .filter(path_q("unit__path", paths))
        .select_related("cadre", "unit")
        .order_by("unit__path", "cadre__full_name", "cadre__code")
    ):
        changes[change.revision_id].append(change)
    for revision in revisions:
        revision.shown_changes = changes[revision.pk]  # type: ignore[attr-defined]
        revision.shows_appellant = under(  # type: ignore[attr-defined]
            revision.correction.unit.path, paths
        )
    return [r for r in revisions if r.shown_changes or r.shows_appellant]  # type: ignore[attr-defined]


def tier_counts(tiers: Iterable[str | None]) -> list[tuple[str, int]]:
    """[(tier, count)] in order A, B, C, D, then "" for not rated."""
    counts = Counter(str(tier or "") for tier in tiers)
    return sorted(counts.items(), key=lambda item: (item[0] == "", item[0]))
