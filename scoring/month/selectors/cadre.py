"""A cadre's own months: the open one with its steps and deadlines, and published results."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import OuterRef

from scoring.models import (
    PeerAssignment,
    PeriodMember,
    Result,
    Scorecard,
    ScorecardKind,
    ScorecardStatus,
)
from scoring.month.selectors.rating import PUBLISHED_PHASES, step_problem
from units.models import Cadre


def my_months(cadre: Cadre, today: dt.date) -> list[dict[str, Any]]:
    """The cadre's last twelve months, newest first: their self-assessment, how many peer
    evaluations they owe and have done, each step's problem, and the published result. Five
    queries."""
    memberships = list(
        PeriodMember.objects.filter(cadre=cadre)
        .select_related("period__scope", "unit")
        .order_by("-period__month")[:12]
    )
    period_ids = [m.period_id for m in memberships]
    self_cards = {
        card.period_id: card
        for card in Scorecard.objects.filter(
            period_id__in=period_ids, ratee=cadre, rater=cadre, kind=ScorecardKind.SELF
        )
    }
    assigned = Counter(
        PeerAssignment.objects.filter(period_id__in=period_ids, rater=cadre).values_list(
            "period_id", flat=True
        )
    )
    peers_done = Counter(
        Scorecard.objects.filter(
            period_id__in=period_ids,
            rater=cadre,
            kind=ScorecardKind.PEER,
            status=ScorecardStatus.SUBMITTED,
            ratee_id__in=PeerAssignment.objects.filter(
                period_id=OuterRef("period_id"), rater=cadre
            ).values("ratee_id"),
        ).values_list("period_id", flat=True)
    )
    results = {r.period_id: r for r in Result.objects.filter(period_id__in=period_ids, cadre=cadre)}
    return [
        {
            "period": (period := member.period),
            "unit": member.unit,
            "self_card": self_cards.get(period.pk),
            "self_problem": step_problem(period, ScorecardKind.SELF, today, unit_id=member.unit_id),
            "peer_total": assigned[period.pk],
            "peer_done": peers_done[period.pk],
            "peer_problem": step_problem(period, ScorecardKind.PEER, today, unit_id=member.unit_id),
            "result": results.get(period.pk) if period.phase in PUBLISHED_PHASES else None,
            "open": not period.is_frozen,
        }
        for member in memberships
    ]
