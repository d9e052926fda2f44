"""A cadre's result page: the stored result with every component (never the raters), the
figures it is read against, the adjustments, tasks, appeals and revisions of the month."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from directives.dossiers.selectors import cadre_figures
from directives.models import Task
from directives.selectors import with_counts
from scoring.models import (
    Adjustment,
    Appeal,
    AppealStatus,
    Period,
    PeriodMember,
    PeriodUnitResult,
    Phase,
    Result,
    RevisionChange,
    peer_parts_visible,
)
from scoring.month import beside
from scoring.month.corrections import open_corrections
from scoring.reasons import reason_text
from units.models import Cadre


def shown_result(period: Period, member: PeriodMember) -> Result | None:
    return Result.objects.filter(period=period, cadre=member.cadre).select_related("unit").first()


def result_page(
    period: Period, member: PeriodMember, row: Result, *, viewer: Cadre | None, today: dt.date
) -> dict[str, Any]:
    """What the result page shows of `row`, as `viewer` may see it (`peer_parts_visible`)."""
    cadre = member.cadre
    difference = row.reward - row.equal_split if row.equal_split is not None else None
    counts = Result.objects.filter(period=period, rated=True).aggregate(
        scope=Count("pk"), unit=Count("pk", filter=Q(unit=row.unit))
    )
    parts_visible = peer_parts_visible(
        closed=period.cross_evaluation_closed(today),
        peer_count=row.peer_count,
        ratee_id=member.cadre_id,
        viewer=viewer,
    )
    appeals = Appeal.objects.filter(period=period, cadre=cadre).order_by("-created_at")
    page = {
        "result": row,
        "parts_visible": parts_visible,
        "rated_in_unit": counts["unit"],
        "rated_in_scope": counts["scope"],
        "unit_result": PeriodUnitResult.objects.filter(period=period, unit=row.unit).first(),
        "adjustments": Adjustment.objects.filter(period=period, cadre=cadre).order_by("created_at"),
        "tasks": month_tasks(period, cadre),
        "appeals": appeals,
        "reward_difference": difference,
        "reward_gap": abs(difference or 0),
        "demoted_reason": next(
            (reason_text(r) for r in row.reasons if r.get("code") == "quota_demoted"), ""
        ),
        "other_reasons": [r for r in row.reasons if r.get("code") != "quota_demoted"],
    }
    page["service"] = cadre_figures([member.cadre_id], period.first_day, period.last_day).get(
        member.cadre_id
    )
    page["criteria_lines"], page["weights"] = beside.result_lines(
        period, period.regulation, cadre, parts_visible=parts_visible
    )
    page["appeal_waiting"] = any(a.status == AppealStatus.OPEN for a in appeals)
    # Revisions after accepted appeals: what changed in this result (never whose appeal).
    page["revised"] = list(
        RevisionChange.objects.filter(revision__period=period, cadre=cadre)
        .select_related("revision")
        .order_by("-revision__decided_at", "-pk")
    )
    page["correcting"] = (
        open_corrections(period).filter(cadre=cadre).exists()
        if period.phase == Phase.APPEALS
        else False
    )
    return page


def month_tasks(period: Period, cadre: Cadre) -> Any:
    """The cadre's tasks that count in the month's T (docs/RULES.md §1), with their counts."""
    tasks: Any = with_counts(Task.objects.filter(assignee=cadre))
    return tasks.due_in_month(period.first_day, period.last_day).order_by(
        "effective_deadline", "code"
    )
