"""The engine's inputs, built here only: a regulation, a task, a whole period (in a fixed number
of queries), and the preview of a month not yet decided, of the whole period or of one member."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet

from directives.dossiers.selectors import cadre_figures
from directives.models import Criterion, Regulation
from directives.selectors import MONTH_RE, TaskFacts, task_facts
from scoring import engine
from scoring.models import (
    Adjustment,
    Period,
    PeriodMember,
    PeriodUnit,
    Scorecard,
    ScorecardKind,
    ScorecardStatus,
    ScoreLine,
)
from scoring.month.selectors.sheets import Adjusted, ScoreSheets
from units.compiled import CompiledRows
from units.models import Unit


def is_month(value: str) -> bool:
    return bool(MONTH_RE.match(value or ""))


# --- regulation ----------------------------------------------------------------------------


def engine_regulation(regulation: Regulation) -> engine.Regulation:
    """The engine's parameters of a stored regulation (field names match)."""
    return engine.Regulation(
        code=regulation.code,
        weight_self=regulation.weight_self,
        weight_peer=regulation.weight_peer,
        weight_supervisor=regulation.weight_supervisor,
        peer_trim_min=regulation.peer_trim_min,
        task_max=regulation.task_max,
        error_step=regulation.error_step,
        delay_step=regulation.delay_step,
        leader_lambda=regulation.leader_lambda,
        leader_factor=regulation.leader_factor,
        bonus_cap=regulation.bonus_cap,
        total_max=regulation.total_max,
        tier_a_min=regulation.tier_a_min,
        tier_b_min=regulation.tier_b_min,
        tier_c_min=regulation.tier_c_min,
        quota_rate=regulation.quota_rate,
        quota_base=engine.QuotaBase(regulation.quota_base),
        quota_rate_outstanding=regulation.quota_rate_outstanding,
        equal_share=regulation.equal_share,
        coefficient_a=regulation.coefficient_a,
        coefficient_b=regulation.coefficient_b,
        money_unit=regulation.money_unit,
        min_rated_months=regulation.min_rated_months,
        satisfaction_points=regulation.satisfaction_points,
        satisfaction_threshold=regulation.satisfaction_threshold,
        satisfaction_min_ratings=regulation.satisfaction_min_ratings,
        satisfaction_bonus=regulation.satisfaction_bonus,
        complaint_penalty=regulation.complaint_penalty,
        on_time_target=regulation.on_time_target,
        radar_consecutive_months=regulation.radar_consecutive_months,
        radar_months_of_12=regulation.radar_months_of_12,
    )


def covering_period(unit: Unit, month: str) -> Period | None:
    """The period of `month` covering `unit` (the nearest scope), with its regulation: one
    query."""
    return (
        Period.objects.covering(unit)
        .filter(month=month)
        .select_related("regulation")
        .order_by("-scope__depth")
        .first()
    )


def month_regulation(unit: Unit | None, month: str) -> tuple[engine.Regulation, Regulation | None]:
    """The engine's regulation of the period covering `unit` in `month` and the stored one it
    comes from; ND335 and None when no period covers the unit that month."""
    period = None if unit is None else covering_period(unit, month)
    if period is None:
        return engine.ND335, None
    return engine_regulation(period.regulation), period.regulation


def task_input(facts: TaskFacts, last_day: dt.date) -> engine.TaskInput:
    """The engine's input of one task read for the month ending `last_day`."""
    return engine.TaskInput(
        code=facts.code,
        weight=facts.weight,
        completed=engine.task_completed(facts.completed_on, last_day),
        accepted=facts.accepted,
        errors=facts.errors,
        delays=facts.delays,
    )


# --- a period's engine inputs --------------------------------------------------------------


@dataclass(frozen=True)
class PeriodInputs:
    """Everything `engine.decide_period` needs for one period, plus what the writer keeps."""

    period: Period
    regulation: engine.Regulation
    criteria: tuple[engine.Criterion, ...]
    cadres: tuple[engine.CadreInput, ...]
    units: tuple[engine.UnitInput, ...]
    members: dict[str, PeriodMember]  # by cadre code, with cadre and unit loaded
    unit_ids: dict[str, int]  # unit code -> id
    peer_counts: dict[str, int] = field(default_factory=dict)  # submitted peer scorecards

    def decide(self) -> engine.PeriodOutcome:
        return engine.decide_period(self.regulation, self.criteria, self.cadres, self.units)


# What the month's pages show of a member: a city's 100,000 members stay light.
MEMBER_FIELDS = (
    "period",
    "cadre",
    "unit",
    "job_group",
    "is_leader",
    "cadre__code",
    "cadre__full_name",
    "cadre__job_group",
    "unit__code",
    "unit__name",
    "unit__path",
    "unit__depth",
    "unit__parent",
)


def service_inputs(
    period: Period,
    satisfaction_points: bool,
    cadre_ids: Iterable[int] | QuerySet | None = None,
) -> dict[int, engine.ServiceInput]:
    """The period's members' rated dossiers of the month as the engine reads them, by cadre id:
    one query, none when the regulation gives no satisfaction points (docs/RULES.md §1).
    `cadre_ids` (a list or a subquery of ids) narrows it to some members."""
    if not satisfaction_points:
        return {}
    if cadre_ids is None:
        cadre_ids = PeriodMember.objects.filter(period=period).values("cadre_id")
    return {
        cadre_id: engine.ServiceInput(
            rated=figures.handled,
            satisfied=figures.satisfied,
            verified_complaints=figures.verified_complaints,
        )
        for cadre_id, figures in cadre_figures(cadre_ids, period.first_day, period.last_day).items()
    }


def member_adjustments(
    period: Period, in_period: QuerySet[PeriodMember] | list[int]
) -> defaultdict[int, defaultdict[str, list[Decimal]]]:
    """The points of the period's adjustments of the members of `in_period` (or of those cadre
    ids), by cadre id and kind: one query."""
    adjustments: defaultdict[int, defaultdict[str, list[Decimal]]] = defaultdict(
        lambda: defaultdict(list)
    )
    if isinstance(in_period, list):
        adjusted = Adjustment.objects.filter(period=period, cadre_id__in=in_period)
    else:
        adjusted = Adjustment.objects.filter(period=period, cadre__in=in_period.values("cadre_id"))
    for cadre_id, kind, points in adjusted.values_list("cadre_id", "kind", "points"):
        adjustments[cadre_id][kind].append(points)
    return adjustments


def period_unit_rows(period: Period, unit: Unit | None = None) -> list[tuple[int, str, int, bool]]:
    """The period's units (or `unit` alone) in the tree's order: (id, code, pool, outstanding)."""
    in_units = PeriodUnit.objects.filter(period=period)
    if unit is not None:
        in_units = in_units.filter(unit=unit)
    return list(
        in_units.order_by("unit__path").values_list("unit_id", "unit__code", "pool", "outstanding")
    )


# A member as `member_inputs` reads it: cadre code, cadre id, unit code, job group, leader.
MemberKey = tuple[str, int, str, str, bool]

LINE_COLUMNS = ("scorecard_id", "scorecard__ratee_id", "scorecard__kind", "criterion_id", "points")


def _ratees_lines(period_id: int, ratees: list[int] | QuerySet) -> QuerySet:
    """The submitted score lines of `ratees` in the period, each with its card's time."""
    submitted = Scorecard.objects.filter(
        period_id=period_id, status=ScorecardStatus.SUBMITTED, ratee_id__in=ratees
    )
    return ScoreLine.objects.filter(scorecard__in=submitted).values_list(
        *LINE_COLUMNS, "scorecard__updated_at"
    )


# A grid row's save reads its member's lines, or its quota group's (docs/PERFORMANCE.md).
_listed_lines = CompiledRows(ScoreLine, _ratees_lines)


def member_inputs(
    period: Period,
    members: list[MemberKey],
    in_period: QuerySet[PeriodMember] | list[int],
    criterion_of: dict[int, tuple[str, str]],
    satisfaction_points: bool,
    *,
    whole_period: bool = False,
    adjustments: Mapping[int, Adjusted] | None = None,
) -> tuple[list[engine.CadreInput], ScoreSheets]:
    """The engine's input of each of `members` (the period's members `in_period` holds, or
    their cadre ids), and the score sheets they were read into (how many submitted peer
    scorecards each has, the self points, the supervisor scorecards): three queries, whatever
    the number of members (a fourth, their rated dossiers, under a regulation that turns the
    satisfaction points on).

    Queries: the submitted score lines with their scorecard's time, the adjustments (none when
    the caller read them: `adjustments`, by cadre id), the tasks of the month (`task_facts`);
    with `whole_period` (`in_period` is every member of the period) the scorecards are read
    without naming them, and the supervisor scorecards' times apart (a fourth query). Only
    submitted scorecards count; of several submitted supervisor scorecards, the one saved last
    counts (its general points and its manual T).
    """
    code_of = {cadre_id: code for code, cadre_id, *_rest in members}
    ratees = in_period if isinstance(in_period, list) else in_period.values("cadre_id")
    saved_at: dict[int, dt.datetime] = {}
    lines: Iterable[tuple]
    if whole_period:
        # Only a supervisor's card needs its time (the latest one counts): a city has 100,000
        # of them but 600,000 cards in all, so the times come apart from the lines.
        submitted = Scorecard.objects.filter(period=period, status=ScorecardStatus.SUBMITTED)
        saved_at = dict(
            submitted.filter(kind=ScorecardKind.SUPERVISOR).values_list("pk", "updated_at")
        )
        lines = (
            ScoreLine.objects.filter(scorecard__in=submitted)
            .values_list(*LINE_COLUMNS)
            .iterator(chunk_size=5000)
        )
    elif isinstance(ratees, list):
        lines = _listed_lines.rows(period.pk, ratees)
    else:
        lines = _ratees_lines(period.pk, ratees).iterator(chunk_size=5000)
    service = service_inputs(period, satisfaction_points, ratees)
    if adjustments is None:
        adjustments = member_adjustments(period, in_period)
    sheets = ScoreSheets(criterion_of, adjustments, service)
    for card_id, ratee_id, kind, criterion_id, points, *at in lines:
        ratee = code_of.get(ratee_id)
        if ratee is not None:
            if at:
                saved_at[card_id] = at[0]
            sheets.add(card_id, ratee, kind, criterion_id, points, saved_at)
    facts = task_facts(cadre_ids=ratees, first_day=period.first_day, last_day=period.last_day)
    cadres = [
        sheets.cadre_input(
            cadre_id,
            code,
            unit_code,
            job_group,
            is_leader,
            tuple(task_input(t, period.last_day) for t in facts.get(cadre_id, ())),
        )
        for code, cadre_id, unit_code, job_group, is_leader in members
    ]
    return cadres, sheets


def period_inputs(period: Period, unit: Unit | None = None) -> PeriodInputs:
    """The engine inputs of a whole period in eight queries, whatever its size (seven for a unit).

    Queries: regulation and criteria (none when the period was read with its regulation and
    its criteria were asked already: `regulation_criteria`), members (with cadre and unit),
    those of `member_inputs` (the supervisor scorecards' times, the score lines, adjustments,
    the members' tasks of the month; a unit's lines bring their times), the period's units; and,
    only under a regulation that turns the satisfaction points on, the members' rated dossiers
    of the month.

    With `unit`, the inputs of that unit's own members only, for a unit head's grid: quota,
    pools and a leader's task score are all per unit, so each member's result is the one the
    whole period gives, but for the rank in the scope.
    """
    regulation = period.regulation
    criteria = regulation_criteria(period)
    in_period = PeriodMember.objects.filter(period=period)
    if unit is not None:
        in_period = in_period.filter(unit=unit)
    members = {
        m.cadre.code: m
        for m in in_period.select_related("cadre", "unit")
        .only(*MEMBER_FIELDS)
        .order_by("cadre__code")
    }
    cadres, sheets = member_inputs(
        period,
        [(code, m.cadre_id, m.unit.code, m.job_group, m.is_leader) for code, m in members.items()],
        in_period,
        {c.pk: (c.code, c.group) for c in criteria},
        regulation.satisfaction_points,
        whole_period=unit is None,
    )
    period_units = period_unit_rows(period, unit)
    return PeriodInputs(
        period=period,
        regulation=engine_regulation(regulation),
        criteria=tuple(engine.Criterion(c.code, c.group, c.max_points) for c in criteria),
        cadres=tuple(cadres),
        units=tuple(
            engine.UnitInput(code=code, pool=pool, outstanding=outstanding)
            for _id, code, pool, outstanding in period_units
        ),
        members=members,
        unit_ids={code: unit_id for unit_id, code, _pool, _out in period_units},
        peer_counts=sheets.peer_counts(),
    )


def period_preview(period: Period) -> engine.PeriodOutcome:
    """What deciding the period now would give: tiers, quota, ranks, rewards. Writes nothing."""
    return period_inputs(period).decide()


def regulation_criteria(period: Period) -> list[Criterion]:
    """The criteria of the period's regulation in their order: one query, kept on the period
    object, which the views of one request ask several times."""
    cached = period.__dict__.get("_criteria")
    if cached is None:
        cached = period.__dict__["_criteria"] = list(
            Criterion.objects.filter(regulation_id=period.regulation_id).order_by("order", "code")
        )
    return cached


def keep_criteria(source: Period, target: Period) -> None:
    """Let `target`, the same period read again (a write locks it), keep the criteria `source`
    read (`regulation_criteria`)."""
    cached = source.__dict__.get("_criteria")
    same = target.pk == source.pk and target.regulation_id == source.regulation_id
    if cached is not None and same:
        target.__dict__["_criteria"] = cached


@dataclass(frozen=True)
class MemberPreview:
    """One member's result as deciding its unit now would give it (`member_preview`), and what
    its grid row shows beside it of what was read for it."""

    result: engine.CadreResult  # without ranks and reward (`engine.decide_cadre`)
    peer_count: int  # the member's submitted peer scorecards
    unit_size: int  # the members of its unit in the period
    unit_scored: int  # those of them with a submitted supervisor scorecard
    adjustments: list[Adjustment]  # the member's, in the order they were entered
    self_points: dict[str, Decimal]  # the member's submitted self-assessment (general criteria)
    card_id: int | None  # the supervisor scorecard that counts (submitted, saved last)
    card_points: dict[str, Decimal]  # its points by criterion code


def _unit_member_rows(period_id: int, unit_id: int) -> QuerySet:
    """The unit's members (code, id, job group, leader) by code, each with whether a supervisor
    scorecard of them is submitted."""
    supervised = Scorecard.objects.filter(
        period_id=period_id,
        kind=ScorecardKind.SUPERVISOR,
        status=ScorecardStatus.SUBMITTED,
        ratee_id=OuterRef("cadre_id"),
    )
    return (
        PeriodMember.objects.filter(period_id=period_id, unit_id=unit_id)
        .annotate(scored=Exists(supervised))
        .order_by("cadre__code")
        .values_list("cadre__code", "cadre_id", "job_group", "is_leader", "scored")
    )


def _unit_pool_rows(period_id: int, unit_id: int) -> QuerySet:
    return PeriodUnit.objects.filter(period_id=period_id, unit_id=unit_id).values_list(
        "pool", "outstanding"
    )


# What every grid row's save reads of its unit, compiled once (docs/PERFORMANCE.md).
_unit_members = CompiledRows(PeriodMember, _unit_member_rows)
_unit_pool = CompiledRows(PeriodUnit, _unit_pool_rows)


def member_preview(period: Period, member: PeriodMember) -> MemberPreview:
    """What deciding the member's unit now would give the member, but for its ranks and reward,
    from the inputs of the member alone unless its result reads other members' (a candidate for
    A reads its quota group, a head or deputy the whole unit: `engine.members_needed`). Writes
    nothing; what one grid row shows after a save (docs/PERFORMANCE.md, "Saving a grid row").

    Queries: the unit's members (each with whether a supervisor scorecard of them is
    submitted), the unit's pool, the criteria (`regulation_criteria`), the member's adjustments,
    score lines and tasks (`member_inputs`) and, when its result reads other members, their
    three: whatever the size of the unit. The period's regulation is read with the period.
    """
    regulation = period.regulation
    criteria = regulation_criteria(period)
    criterion_of = {c.pk: (c.code, c.group) for c in criteria}
    engine_criteria = tuple(engine.Criterion(c.code, c.group, c.max_points) for c in criteria)
    rules = engine_regulation(regulation)
    unit_rows = _unit_members.rows(period.pk, member.unit_id)
    unit_code = member.unit.code
    rows: list[MemberKey] = [
        (code, cadre_id, unit_code, job_group, is_leader)
        for code, cadre_id, job_group, is_leader, _scored in unit_rows
    ]
    unit = next(
        (
            engine.UnitInput(code=unit_code, pool=pool, outstanding=outstanding)
            for pool, outstanding in _unit_pool.rows(period.pk, member.unit_id)
        ),
        None,
    )
    code = member.cadre.code
    adjustments = list(
        Adjustment.objects.filter(period=period, cadre_id=member.cadre_id).order_by(
            "created_at", "pk"
        )
    )
    adjusted: defaultdict[str, list[Decimal]] = defaultdict(list)
    for adjustment in adjustments:
        adjusted[adjustment.kind].append(adjustment.points)
    (mine,), sheets = member_inputs(
        period,
        [row for row in rows if row[0] == code],
        [member.cadre_id],
        criterion_of,
        regulation.satisfaction_points,
        adjustments={member.cadre_id: adjusted},
    )
    result = engine.decide_cadre(rules, engine_criteria, [mine], code, unit)
    needed = engine.members_needed(result, [engine.UnitMember(r[0], r[3], r[4]) for r in rows])
    others = [row for row in rows if row[0] in needed and row[0] != code]
    if others:
        ids = [row[1] for row in others]  # members of the period: no subquery needed
        cadres, _sheets = member_inputs(
            period, others, ids, criterion_of, regulation.satisfaction_points
        )
        result = engine.decide_cadre(rules, engine_criteria, [mine, *cadres], code, unit)
    cards = sheets.supervisor_cards.get(code, {})
    shown = max(cards, default=None)
    return MemberPreview(
        result=result,
        peer_count=sheets.peer_counts().get(code, 0),
        unit_size=len(rows),
        unit_scored=sum(1 for *_key, scored in unit_rows if scored),
        adjustments=adjustments,
        self_points=dict(sheets.own.get(code, {})),
        card_id=None if shown is None else shown[1],
        card_points={c: points for c, (_group, points) in cards[shown].items()} if shown else {},
    )
