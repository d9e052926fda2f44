"""Builders for the month: periods with every step open, scorecards, tasks and a large scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from directives.models import Criterion, Regulation, Task, TaskStatus
from scoring.models import Period, Result, Scorecard, ScorecardKind, ScorecardStatus, ScoreLine
from scoring.month.services.common import DATE_FIELDS
from scoring.month.services.opening import period_open
from scoring.month.services.scorecards import scorecard_save
from tests.factories import UnitFactory
from units.models import Cadre, Membership, Role

FULL = {"G1": 5, "G2": 5, "G3": 5, "G4": 10, "G5": 5}


def open_dates(days=30, **over) -> dict[str, dt.date]:
    """Every step of a period open until `days` from today."""
    until = timezone.localdate() + dt.timedelta(days=days)
    return dict.fromkeys(DATE_FIELDS, until) | over


def open_period(scope, month="2026-10", *, phase=None, regulation=None, **dates) -> Period:
    period = period_open(
        month=month, scope=scope, regulation=regulation, dates=open_dates(**dates), user=None
    )
    if phase:
        Period.objects.filter(pk=period.pk).update(phase=phase)
        period.refresh_from_db()
    return period


def points(scale=Decimal(1), **over) -> dict[str, Decimal]:
    """Points of the ND335 general criteria: full marks times `scale`, then `over`."""
    return {code: Decimal(top) * scale for code, top in FULL.items()} | {
        code: Decimal(value) for code, value in over.items()
    }


def submit(period, ratee, rater, kind, given=None, **extra) -> Scorecard:
    """A submitted scorecard (a draft with `submit=False`) saved the way the command line
    saves it."""
    given = given if given is not None else points()
    saving = {"submit": True, "user": None, "enforce_phase": False} | extra
    return scorecard_save(
        period=period, ratee=ratee, rater=rater, kind=kind, points=given, **saving
    )


def make_task(assignee, *, unit, deadline, completed_on=None, accepted=True, code=None, **kw):
    return Task.objects.create(
        code=code or f"T-{assignee.code}-{deadline:%m%d}-{Task.objects.count()}",
        title=kw.pop("title", "Báo cáo"),
        assignee=assignee,
        assigned_by=kw.pop("assigned_by", assignee),
        unit=unit,
        assigned_on=deadline.replace(day=1),
        deadline=deadline,
        effective_deadline=deadline,
        expected_result="Báo cáo kết quả",
        completed_on=completed_on,
        accepted=accepted,
        **kw,
    )


def task_done_on_time(assignee, period, *, accepted, **fields) -> Task:
    """A task of `assignee` due the 5th of `period`'s month and done that day: accepted, or
    submitted and not accepted."""
    day = period.first_day + dt.timedelta(days=4)
    status = TaskStatus.ACCEPTED if accepted else TaskStatus.SUBMITTED
    return make_task(
        assignee, deadline=day, completed_on=day, accepted=accepted, status=status, **fields
    )


def build_scope(size: int, *, units: int = 4, month: str = "2026-10", code: str = "S"):
    """A scope unit with `units` departments and `size` cadres, opened for `month` and fully
    scored in bulk: self, assigned peers, supervisors, two tasks each, a few adjustments."""
    scope = UnitFactory(code=code, name="Phường lớn", kind="ward")
    departments = [
        UnitFactory(code=f"{code}-{i}", name=f"Phòng {i}", parent=scope) for i in range(units)
    ]
    ward_head = Cadre.objects.create(code=f"{code}H", full_name="Chủ tịch", job_group="leader")
    cadres = Cadre.objects.bulk_create(
        Cadre(
            code=f"{code}{i:05d}",
            full_name=f"Cán bộ {i}",
            job_group="leader" if i < units else ("clerk" if i % 3 else "specialist"),
        )
        for i in range(size - 1)
    )
    unit_of = {c.pk: departments[i % units] for i, c in enumerate(cadres)}
    Membership.objects.bulk_create(
        [Membership(cadre=ward_head, unit=scope)]
        + [Membership(cadre=c, unit=unit_of[c.pk]) for c in cadres]
    )
    heads = {departments[i].pk: c for i, c in enumerate(cadres[:units])}
    Role.objects.bulk_create(
        [Role(cadre=ward_head, unit=scope, role="head")]
        + [Role(cadre=heads[d.pk], unit=d, role="head") for d in departments]
    )
    period = open_period(scope, month)
    criteria = list(Criterion.objects.filter(regulation__code="ND335", group="general"))
    first, last = period.first_day, period.last_day
    members = period.members.all()
    supervisor_of = {}
    for m in members:
        head = heads.get(m.unit_id)
        supervisor_of[m.cadre_id] = (
            ward_head.pk if head is None or head.pk == m.cadre_id else head.pk
        )
    cards = []
    for m in members:
        cards.append((m.cadre_id, m.cadre_id, ScorecardKind.SELF))
        cards.append((m.cadre_id, supervisor_of[m.cadre_id], ScorecardKind.SUPERVISOR))
    for rater_id, ratee_id in period.peer_assignments.values_list("rater_id", "ratee_id"):
        cards.append((ratee_id, rater_id, ScorecardKind.PEER))

    def lines(ratee, rater):
        """A little under full marks, varied by who rates whom."""
        return {c: c.max_points - Decimal((ratee + rater + i) % 3) for i, c in enumerate(criteria)}

    submitted_in_bulk(
        period, [(ratee, rater, kind, lines(ratee, rater)) for ratee, rater, kind in cards]
    )
    tasks = []
    for i, c in enumerate(cadres):
        for j in range(2):
            deadline = first + dt.timedelta(days=(i + 7 * j) % 28)
            late = (i + j) % 5 == 0
            tasks.append(
                Task(
                    code=f"{code}T{i:05d}{j}",
                    title="Nhiệm vụ",
                    assignee=c,
                    assigned_by=heads.get(unit_of[c.pk].pk, ward_head),
                    unit=unit_of[c.pk],
                    assigned_on=first,
                    deadline=deadline,
                    effective_deadline=deadline,
                    expected_result="Báo cáo",
                    completed_on=None if (i + j) % 11 == 0 else min(last, deadline),
                    accepted=(i + j) % 7 != 0,
                    imported_delays=1 if late else 0,
                )
            )
    Task.objects.bulk_create(tasks, batch_size=2000)
    return period


def submitted_in_bulk(period, cards) -> list[Scorecard]:
    """Submitted scorecards written in bulk, one per (ratee id, rater id, kind, {criterion:
    points}) of `cards`, with their score lines."""
    now = timezone.now()
    saved = Scorecard.objects.bulk_create(
        (
            Scorecard(
                period=period,
                ratee_id=ratee,
                rater_id=rater,
                kind=kind,
                status=ScorecardStatus.SUBMITTED,
                submitted_at=now,
            )
            for ratee, rater, kind, _lines in cards
        ),
        batch_size=2000,
    )
    ScoreLine.objects.bulk_create(
        (
            ScoreLine(scorecard=card, criterion=criterion, points=points)
            for card, (*_who, lines) in zip(saved, cards, strict=True)
            for criterion, points in lines.items()
        ),
        batch_size=5000,
    )
    return saved


def results_in_bulk(period, rows) -> list[Result]:
    """Results of `period` written directly in bulk, one per (cadre, unit, {field: value}) of
    `rows`, the cadre's job group theirs."""
    return Result.objects.bulk_create(
        Result(period=period, cadre=cadre, unit=unit, job_group=cadre.job_group, **fields)
        for cadre, unit, fields in rows
    )


def nd335() -> Regulation:
    return Regulation.objects.get(code="ND335")
