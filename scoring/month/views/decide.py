"""The head's decision page (the quota groups, the tiers, the revisions) and the publication."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scoring import engine
from scoring.errors import ScoringError
from scoring.models import Result, Revision, RevisionChange
from scoring.month.corrections import open_corrections
from scoring.month.selectors.inputs import period_inputs
from scoring.month.services.decide import period_decide, period_publish
from scoring.month.views.common import _get_period_for_reader, _require_scope_head, _today, _under
from units.models import Unit
from units.scope import get_scope

# --- decision, publication, appeals --------------------------------------------------------


@dataclass
class QuotaGroup:
    """One unit × job group of the preview: what the quota does there."""

    unit: Unit
    job_group: str
    rows: list = field(default_factory=list)  # (member, CadreResult)

    @property
    def candidates(self):
        return sum(1 for _m, r in self.rows if r.tier_before_quota == engine.Tier.A)

    @property
    def kept(self):
        return sum(1 for _m, r in self.rows if r.tier == engine.Tier.A)

    @property
    def demoted(self):
        return [(m, r) for m, r in self.rows if r.tier != r.tier_before_quota and r.tier]

    @property
    def rated(self):
        return sum(1 for _m, r in self.rows if r.tier is not None)


def decide(request, pk):
    """Before the decision: provisional tiers and what the quota will do; then the results."""
    period, paths = _get_period_for_reader(request, pk)
    scope = get_scope(request)
    if request.method == "POST":
        _require_scope_head(request, period)
        try:
            period_decide(period=period, user=request.user)
        except ScoringError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("The period is decided. Publish it to show the results."))
        return redirect("month:decide", period.pk)

    closed = period.cross_evaluation_closed(_today())
    context = {
        "period": period,
        "can_decide": scope.can_act(period.scope),
        "decided": period.is_frozen,
        "figures_hidden": not closed,
    }
    if period.is_frozen:
        results = list(
            Result.objects.filter(period=period)
            .filter(_path_q("unit__path", paths))
            .select_related("cadre", "unit")
            .order_by("unit__path", "rank_in_unit", "cadre__full_name")
        )
        context["results"] = results
        context["tiers"] = _tier_counts(r.tier for r in results)
        context["revisions"] = _revisions(period, paths)
        context["corrections"] = list(
            open_corrections(period).filter(_path_q("unit__path", paths)).order_by("opened_at")
        )
    elif closed:  # while peers rate, the preview would move with each peer scorecard
        inputs = period_inputs(period)
        outcome = inputs.decide()
        groups = {}
        undecidable, tiers = [], []
        for result in outcome.cadres:
            member = inputs.members[result.code]
            if not _under(member.unit.path, paths):
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
        context.update(
            groups=[groups[k] for k in sorted(groups)],
            undecidable=sorted(
                undecidable, key=lambda mr: (mr[0].unit.path, mr[0].cadre.full_name)
            ),
            tiers=_tier_counts(tiers),
            demoted=sum(len(g.demoted) for g in groups.values()),
        )
    return render(request, "scoring/month/decide.html", context)


def _revisions(period, paths) -> list[Revision]:
    """The month's revisions, newest first, each with the changed results the viewer reads
    (`shown_changes`) and whether they read the appellant (`shows_appellant`): two queries."""
    revisions = list(
        Revision.objects.filter(period=period).select_related(
            "correction__cadre", "correction__unit", "decided_by__cadre"
        )
    )
    changes = defaultdict(list)
    for change in (
        RevisionChange.objects.filter(revision__period=period)
        .filter(_path_q("unit__path", paths))
        .select_related("cadre", "unit")
        .order_by("unit__path", "cadre__full_name", "cadre__code")
    ):
        changes[change.revision_id].append(change)
    for revision in revisions:
        revision.shown_changes = changes[revision.pk]
        revision.shows_appellant = _under(revision.correction.unit.path, paths)
    return [r for r in revisions if r.shown_changes or r.shows_appellant]


def _tier_counts(tiers) -> list[tuple[str, int]]:
    """[(tier, count)] in order A, B, C, D, then "" for not rated."""
    counts = Counter(str(tier or "") for tier in tiers)
    return sorted(counts.items(), key=lambda item: (item[0] == "", item[0]))


def _path_q(field_name, paths):
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field_name}__startswith": path})
    return condition


@require_POST
def publish(request, pk):
    period, _paths = _get_period_for_reader(request, pk)
    _require_scope_head(request, period)
    try:
        period_publish(period=period, user=request.user)
    except ScoringError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Published: every cadre now sees their result."))
    return redirect("month:decide", period.pk)
