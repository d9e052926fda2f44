"""A month decided unit by unit, its inputs streamed in unit order (docs/PERFORMANCE.md, "Decide").

The engine's rules are per unit: the quota groups are per unit and job group, a leader's task
score reads the unit's tasks, the pool is split per unit, the rank in the unit is per unit. Only
the rank in the whole scope spans units, and it needs nothing but the rated cadres' shown totals.
So `period_decide` no longer holds the whole month: the members, their supervisor scorecards,
score lines and tasks are each read by one query ordered by the unit, streamed, and the engine
decides one unit at a time from the rows of that unit (`unit_decisions`); the caller writes each
unit's results as it goes and sets the ranks in the scope at the end (`competition_ranks` over
the totals it kept). The results are those of `period_inputs(period).decide()`, row for row.

A city of 100,000 cadres held about 900 MB this way at once (3 million score lines, 1.6 million
tasks, 300,000 model instances); one unit is a few hundred kilobytes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from directives.models import Criterion, CriterionGroup, Regulation, Task
from directives.selectors import TaskFacts, month_task_facts
from scoring import engine
from scoring.models import (
    Period,
    PeriodMember,
    Scorecard,
    ScorecardKind,
    ScorecardStatus,
    ScoreLine,
)
from scoring.month.selectors.inputs import (
    engine_regulation,
    member_adjustments,
    period_unit_rows,
    service_inputs,
    task_input,
)
from scoring.month.selectors.sheets import Adjusted, ScoreSheets

CHUNK = 5000  # rows fetched at a time from each stream


@dataclass(frozen=True)
class MemberRow:
    cadre_id: int
    unit_id: int


@dataclass
class UnitDecision:
    """One unit's outcome, with what the writer needs of its members (`_result_row`)."""

    unit_id: int
    unit_code: str
    outcome: engine.PeriodOutcome
    path_order: int | None  # the unit's place among the period's units by path (none: no pool)
    members: dict[str, MemberRow] = field(default_factory=dict)  # by cadre code
    peer_counts: dict[str, int] = field(default_factory=dict)  # submitted peer scorecards
    # (ratee id, rater id) -> the card's general points, for the rater flags (`peer_cards_of`)
    peer_sums: dict[tuple[int, int], Decimal] = field(default_factory=dict)


class _ByUnit:
    """The rows of a query ordered by unit id (each row's first value), one unit at a time."""

    def __init__(self, rows: Iterable[tuple]) -> None:
        self._rows = iter(rows)
        self._next: tuple | None = next(self._rows, None)

    def take(self, unit_id: int) -> list[tuple]:
        taken = []
        while self._next is not None and self._next[0] < unit_id:
            self._next = next(self._rows, None)  # a unit without members: not decided
        while self._next is not None and self._next[0] == unit_id:
            taken.append(self._next)
            self._next = next(self._rows, None)
        return taken


def unit_decisions(period: Period) -> Iterator[UnitDecision]:
    """The period decided one unit at a time: every unit with members in the order of their
    ids, then every unit of the period without members (its pool is left undistributed).

    Queries: regulation, criteria, adjustments, the period's units, and four streams ordered by
    unit (members, supervisor scorecards, score lines, tasks), whatever the size. Each unit's
    ranks in the scope are its own: the caller ranks the whole scope (`competition_ranks`).
    """
    regulation = engine_regulation(Regulation.objects.get(pk=period.regulation_id))
    service = service_inputs(period, regulation.satisfaction_points)
    stored_criteria = list(Criterion.objects.filter(regulation_id=period.regulation_id))
    criteria = tuple(engine.Criterion(c.code, c.group, c.max_points) for c in stored_criteria)
    criterion_of = {c.pk: (c.code, c.group) for c in stored_criteria}
    in_period = PeriodMember.objects.filter(period=period)
    adjustments = member_adjustments(period, in_period)
    unit_inputs = {
        unit_id: engine.UnitInput(code=code, pool=pool, outstanding=outstanding)
        for unit_id, code, pool, outstanding in period_unit_rows(period)
    }
    path_order = {unit_id: n for n, unit_id in enumerate(unit_inputs)}

    # The ratee's or assignee's unit in the period: the join to its period membership.
    ratee_unit = "ratee__period_memberships__unit_id"
    submitted = Scorecard.objects.filter(
        period=period,
        status=ScorecardStatus.SUBMITTED,
        ratee__period_memberships__period=period,
    )
    members = _ByUnit(
        in_period.order_by("unit_id", "cadre__code")
        .values_list("unit_id", "cadre_id", "cadre__code", "unit__code", "job_group", "is_leader")
        .iterator(chunk_size=CHUNK)
    )
    saved_at = _ByUnit(
        submitted.filter(kind=ScorecardKind.SUPERVISOR)
        .order_by(ratee_unit)
        .values_list(ratee_unit, "pk", "updated_at")
        .iterator(chunk_size=CHUNK)
    )
    lines = _ByUnit(
        ScoreLine.objects.filter(
            scorecard__period=period,
            scorecard__status=ScorecardStatus.SUBMITTED,
            scorecard__ratee__period_memberships__period=period,
        )
        .order_by(f"scorecard__{ratee_unit}")
        .values_list(
            f"scorecard__{ratee_unit}",
            "scorecard_id",
            "scorecard__ratee_id",
            "scorecard__rater_id",
            "scorecard__kind",
            "criterion_id",
            "points",
        )
        .iterator(chunk_size=CHUNK)
    )
    tasks = _ByUnit(
        month_task_facts(
            Task.objects.filter(assignee__period_memberships__period=period),
            period.first_day,
            period.last_day,
            "assignee__period_memberships__unit_id",
            "assignee_id",
        ).iterator(chunk_size=CHUNK)
    )

    decided: set[int] = set()
    while True:
        rows = members.take(members._next[0]) if members._next is not None else []
        if not rows:
            break
        unit_id = rows[0][0]
        decided.add(unit_id)
        yield _decide_unit(
            period,
            regulation,
            criteria,
            criterion_of,
            unit_id,
            rows,
            saved_at.take(unit_id),
            lines.take(unit_id),
            tasks.take(unit_id),
            adjustments,
            service,
            unit_inputs.get(unit_id),
            path_order.get(unit_id),
        )
    for unit_id, unit in unit_inputs.items():
        if unit_id not in decided:
            outcome = engine.decide_period(regulation, criteria, (), (unit,))
            yield UnitDecision(
                unit_id=unit_id,
                unit_code=unit.code,
                outcome=outcome,
                path_order=path_order[unit_id],
            )


def _decide_unit(
    period: Period,
    regulation: engine.Regulation,
    criteria: tuple[engine.Criterion, ...],
    criterion_of: dict[int, tuple[str, str]],
    unit_id: int,
    member_rows: list[tuple],
    saved_at_rows: list[tuple],
    line_rows: list[tuple],
    task_rows: list[tuple],
    adjustments: Mapping[int, Adjusted],
    service: dict[int, engine.ServiceInput],
    unit: engine.UnitInput | None,
    order: int | None,
) -> UnitDecision:
    """One unit's engine inputs from its rows, as `period_inputs` builds them, and its outcome."""
    code_of = {cadre_id: code for _u, cadre_id, code, *_rest in member_rows}
    saved_at = {card_id: at for _u, card_id, at in saved_at_rows}
    # One unit's points are held only while it is decided: no need to share equal values.
    sheets = ScoreSheets(criterion_of, adjustments, service, share_points=False)
    peer_sums: dict[tuple[int, int], Decimal] = {}  # the rater flags' sums, read once here
    for _u, card_id, ratee_id, rater_id, kind, criterion_id, points in line_rows:
        sheets.add(card_id, code_of[ratee_id], kind, criterion_id, points, saved_at)
        if kind == ScorecardKind.PEER and criterion_of[criterion_id][1] == CriterionGroup.GENERAL:
            pair = (ratee_id, rater_id)
            peer_sums[pair] = peer_sums.get(pair, 0) + points

    facts: defaultdict[int, list[engine.TaskInput]] = defaultdict(list)
    last_day = period.last_day  # worked out from the month: once, not once a task
    for _u, cadre_id, *values in task_rows:
        facts[cadre_id].append(task_input(TaskFacts(*values), last_day))

    unit_code = member_rows[0][3]
    members = {code: MemberRow(cadre_id, unit_id) for _u, cadre_id, code, *_rest in member_rows}
    cadres = [
        sheets.cadre_input(
            cadre_id, code, unit_code, job_group, is_leader, tuple(facts.get(cadre_id, ()))
        )
        for _u, cadre_id, code, _unit_code, job_group, is_leader in member_rows
    ]
    outcome = engine.decide_period(regulation, criteria, cadres, () if unit is None else (unit,))
    return UnitDecision(
        unit_id=unit_id,
        unit_code=unit_code,
        outcome=outcome,
        path_order=order,
        members=members,
        peer_counts=sheets.peer_counts(),
        peer_sums=peer_sums,
    )
