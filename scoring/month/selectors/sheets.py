"""A set of ratees' submitted score lines sorted into what the engine reads (`ScoreSheets`),
for the period's inputs read whole (`inputs.period_inputs`), unit by unit
(`services.by_unit`) or for one member (`preview.member_preview`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from functools import cached_property

from directives.models import CriterionGroup
from scoring import engine
from scoring.models import AdjustmentKind, ScorecardKind

Adjusted = Mapping[str, list[Decimal]]  # a cadre's adjustment points by kind
NOT_ADJUSTED: Adjusted = defaultdict(list)


class ScoreSheets:
    """The submitted score lines of a set of ratees, sorted into what the engine reads: each
    ratee's self points, peer points (and how many peer cards), and the supervisor's general
    points and manual T from the card saved last; then each ratee's engine input with their
    adjustments and rated dossiers. One home for both ways of building a period's inputs: the
    whole period (`period_inputs`) and unit by unit (`by_unit`)."""

    def __init__(
        self,
        criterion_of: dict[int, tuple[str, str]],
        adjustments: Mapping[int, Adjusted],
        service: Mapping[int, engine.ServiceInput],
        *,
        share_points: bool = True,
    ) -> None:
        self.criterion_of = criterion_of
        self.adjustments = adjustments
        self.service = service
        self.own: defaultdict[str, dict[str, Decimal]] = defaultdict(dict)
        self.peers: defaultdict[str, defaultdict[str, list[Decimal]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self.peer_cards: defaultdict[str, set[int]] = defaultdict(set)
        # ratee -> {(saved at, card id): {code: (group, points)}}
        self.supervisor_cards: defaultdict[
            str, dict[tuple[dt.datetime, int], dict[str, tuple[str, Decimal]]]
        ] = defaultdict(dict)
        # A city's 3 million points take a few dozen values: keep one object of each when the
        # sheets hold a whole period (`share_points`).
        self.same_points: dict[Decimal, Decimal] | None = {} if share_points else None

    def add(
        self,
        card_id: int,
        ratee: str,
        kind: str,
        criterion_id: int,
        points: Decimal,
        saved_at: dict[int, dt.datetime],
    ) -> None:
        """One line; `saved_at` holds the supervisor cards' times (the latest card counts)."""
        if self.same_points is not None:
            points = self.same_points.setdefault(points, points)
        code, group = self.criterion_of[criterion_id]
        if kind == ScorecardKind.SUPERVISOR:
            card = (saved_at[card_id], card_id)
            self.supervisor_cards[ratee].setdefault(card, {})[code] = (group, points)
        elif group != CriterionGroup.GENERAL:
            return
        elif kind == ScorecardKind.SELF:
            self.own[ratee][code] = points
        else:
            self.peers[ratee][code].append(points)
            self.peer_cards[ratee].add(card_id)

    def cadre_input(
        self,
        cadre_id: int,
        code: str,
        unit_code: str,
        job_group: str,
        is_leader: bool,
        tasks: tuple[engine.TaskInput, ...],
    ) -> engine.CadreInput:
        """One ratee's engine input, once every line is added."""
        supervisor, manual_task = self.latest
        adjusted = self.adjustments.get(cadre_id, NOT_ADJUSTED)
        return engine.CadreInput(
            code=code,
            unit_code=unit_code,
            job_group=job_group,
            is_leader=is_leader,
            tasks=tasks,
            manual_task_score=manual_task.get(code),
            self_points=self.own[code],
            peer_points={c: tuple(p) for c, p in self.peers[code].items()},
            supervisor_points=supervisor.get(code, {}),
            bonus_points=tuple(adjusted[AdjustmentKind.BONUS]),
            penalty_points=tuple(adjusted[AdjustmentKind.PENALTY]),
            discipline=bool(adjusted[AdjustmentKind.DISCIPLINE]),
            leave=bool(adjusted[AdjustmentKind.LEAVE]),
            service=self.service.get(cadre_id),
        )

    def peer_counts(self) -> dict[str, int]:
        """How many submitted peer scorecards each ratee has."""
        return {code: len(cards) for code, cards in self.peer_cards.items()}

    @cached_property
    def latest(self) -> tuple[dict[str, dict[str, Decimal]], dict[str, Decimal]]:
        """(each ratee's supervisor general points, each ratee's manual T) of the latest card."""
        general: dict[str, dict[str, Decimal]] = {}
        manual_task: dict[str, Decimal] = {}
        for ratee, cards in self.supervisor_cards.items():
            latest = cards[max(cards)]
            general[ratee] = {
                code: p for code, (group, p) in latest.items() if group == CriterionGroup.GENERAL
            }
            task_points = [p for group, p in latest.values() if group == CriterionGroup.TASK]
            if task_points:
                manual_task[ratee] = task_points[0]
        return general, manual_task
