"""The progress of heads and leaders, the head's months to score and the decisions list."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from scoring.models import (
    Appeal,
    AppealStatus,
    Period,
    PeriodMember,
    Scorecard,
    ScorecardKind,
    ScorecardStatus,
)
from scoring.month.reminders import period_work
from scoring.month.selectors.periods import path_q, periods_covering
from scoring.month.selectors.rating import BEFORE_DECISION, step_problem

STEPS = (ScorecardKind.SELF, ScorecardKind.PEER, ScorecardKind.SUPERVISOR)


def progress_page(period: Period, paths: list[str], today: dt.date) -> dict[str, Any]:
    """Who has not submitted what under `paths`, per step. Of the peer step only counts: per
    rater how many they still owe, per ratee how many are in; never who rates whom
    (docs/RULES.md §3)."""
    work = period_work(period, paths=paths)
    peers = sorted(
        ((work.names[rater_id], owed.remaining) for rater_id, owed in work.peer_owed.items()),
        key=_by_member_name,
    )
    receiving = sorted(
        ((work.names[ratee_id], count) for ratee_id, count in work.peer_received.items()),
        key=_by_member_name,
    )
    supervisors = sorted(
        (_full_name(work.names[cadre_id]), owed) for cadre_id, owed in work.supervisors_owed.items()
    )
    total = len(work.members)
    return {
        "work": work,
        "total": total,
        "self_done": total - len(work.self_missing),
        "peers": peers,
        "receiving": receiving,
        "peer_done": work.peer_raters - len(work.peer_owed),
        "supervisors": supervisors,
        "supervisor_done": total - len(work.supervisor_missing),
        "steps": {kind: step_problem(period, kind, today) for kind in STEPS},
    }


def _by_member_name(pair: tuple[Any, int]) -> tuple[str, str]:
    member = pair[0]
    return member.cadre.full_name, member.cadre.code


def _full_name(person: Any) -> str:
    """The name of a period member, or of a cadre who is not one (a supervisor above)."""
    return getattr(person, "cadre", person).full_name


def months_to_score(act_paths: list[str], today: dt.date) -> list[dict[str, Any]]:
    """The head's last six periods before their decision and the units under `act_paths` to
    score in each, with how many of their members are scored. Two queries."""
    periods = list(
        periods_covering(act_paths)
        .filter(phase__in=BEFORE_DECISION)
        .select_related("scope")
        .order_by("-month", "scope__code")[:6]
    )
    scored = Exists(
        Scorecard.objects.filter(
            period_id=OuterRef("period_id"),
            ratee_id=OuterRef("cadre_id"),
            kind=ScorecardKind.SUPERVISOR,
            status=ScorecardStatus.SUBMITTED,
        )
    )
    counts = (
        PeriodMember.objects.filter(period__in=periods)
        .filter(path_q("unit__path", act_paths))
        .annotate(is_scored=scored)
        .values_list("period_id", "unit__code", "unit__name", "unit__path", "is_scored")
    )
    units: defaultdict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for period_id, code, name, path, is_scored in counts:
        entry = units[period_id].setdefault(
            path, {"code": code, "name": name, "members": 0, "scored": 0}
        )
        entry["members"] += 1
        entry["scored"] += bool(is_scored)
    return [
        {
            "period": period,
            "units": [units[period.pk][path] for path in sorted(units[period.pk])],
            "problem": step_problem(period, ScorecardKind.SUPERVISOR, today),
        }
        for period in periods
    ]


def open_appeals(paths: list[str] | None) -> Coalesce:
    """The number of open appeals of the outer period by cadres whose unit in the period lies
    under one of `paths` (None: every appeal), as a subquery."""
    appeals = Appeal.objects.filter(period=OuterRef("pk"), status=AppealStatus.OPEN)
    if paths is not None:
        members = PeriodMember.objects.filter(
            period=OuterRef("period"), cadre=OuterRef("cadre")
        ).filter(path_q("unit__path", paths))
        appeals = appeals.filter(Exists(members))
    counted = appeals.order_by().values("period").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
