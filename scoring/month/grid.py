"""The head's score grid as data: one row per member with their cards, the figures beside them
and the engine's preview, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from directives.dossiers.selectors import ServiceFigures
from scoring import engine
from scoring.models import (
    Adjustment,
    Correction,
    PeriodMember,
    Result,
    Scorecard,
    ScorecardStatus,
    peer_parts_visible,
)
from scoring.month import beside
from scoring.month.corrections import open_corrections, supervisors_of
from scoring.month.forms import shown_points
from scoring.month.selectors.inputs import MEMBER_FIELDS, member_preview, period_inputs
from scoring.month.selectors.rating import DECIDED_PHASES, rating_rules
from scoring.month.services.grid import latest_supervisor_cards
from scoring.month.views.common import SUPERVISOR, _step_problem, _today
from units.scope import get_scope

# --- the head's grid -----------------------------------------------------------------------

# A cadre without a task in the month: the head types their T (docs/RULES.md §1).
MANUAL_TASK = (engine.TaskSource.MANUAL, engine.TaskSource.MISSING)


@dataclass
class Cell:
    criterion: object
    value: str
    errors: list = field(default_factory=list)
    self_points: object = None  # the cadre's self-assessment, beside (scoring/month/beside.py)
    peer_mean: object = None  # the cross-evaluations' mean, once it may be shown

    @property
    def code(self):
        return self.criterion.code


@dataclass
class GridRow:
    member: PeriodMember
    result: engine.CadreResult | Result | None  # the preview, or the stored decision
    card: Scorecard | None
    cells: list
    task_cell: Cell | None  # the manual T, for a cadre with no task in the month
    editable: bool
    refusal: str
    adjustments: list
    parts_hidden: bool = False  # the viewer's own row, see peer_parts_visible (docs/RULES.md §3)
    correction: Correction | None = None  # open for this cadre after an accepted appeal
    # While peers still rate: no total, tier or leader's T (Period.cross_evaluation_closed).
    figures_hidden: bool = False
    state: str = ""  # "", "saved", "invalid" or "refused"
    message: str = ""
    service: ServiceFigures | None = None  # the month's rated dossiers (scoring/month/beside.py)

    @property
    def cadre(self):
        return self.member.cadre

    @property
    def code(self):
        return self.member.cadre.code

    @property
    def saved_by(self) -> str:
        """Who saved the scorecard shown (its rater when the command line saved it)."""
        user = self.card.updated_by
        if user is None:
            return self.card.rater.full_name
        cadre = getattr(user, "cadre", None)
        return cadre.full_name if cadre else user.get_username()

    @property
    def demoted(self):
        r = self.result
        return r is not None and bool(r.tier) and r.tier != r.tier_before_quota

    @property
    def task_hidden(self):
        """A leader's T hangs on whether a staff member is D (docs/RULES.md §1), so on the peers."""
        r = self.result
        return self.figures_hidden and r is not None and r.task_source == engine.TaskSource.LEADER


@dataclass
class GridInputs:
    """What the grid shows of a unit's members besides their scorecards.

    Before the decision, the engine's preview of the unit; from the decision on, the stored
    `Result` rows, without the engine (docs/RULES.md §2: a decided month never changes, whatever
    happens to its tasks afterwards).
    """

    members: dict[str, PeriodMember]  # by cadre code, with cadre and unit loaded
    results: dict  # by cadre code: an engine.CadreResult before the decision, then a Result
    peer_counts: dict[str, int]  # submitted peer scorecards, by cadre code
    # What a saved row's preview read already (`member_preview`), by cadre id; None: the rows
    # read them. The supervisor scorecard shown with its points, the adjustments, the self points.
    cards: dict[int, Scorecard] | None = None
    card_points: dict[int, dict[str, Decimal]] | None = None
    adjustments: dict[int, list[Adjustment]] | None = None
    self_points: dict[int, dict[str, Decimal]] | None = None


def _grid_inputs(period, unit) -> GridInputs:
    if period.phase in DECIDED_PHASES:
        return _stored_grid_inputs(period, unit)
    inputs = period_inputs(period, unit)
    return GridInputs(
        members=inputs.members,
        results={r.code: r for r in inputs.decide().cadres},
        peer_counts=inputs.peer_counts,
    )


def _stored_grid_inputs(period, unit) -> GridInputs:
    """The unit's members and their decided results: two queries, whatever the unit's size."""
    members = {
        m.cadre.code: m
        for m in PeriodMember.objects.filter(period=period, unit=unit)
        .select_related("cadre", "unit")
        .only(*MEMBER_FIELDS)
    }
    code_of = {m.cadre_id: code for code, m in members.items()}
    results = {
        code_of[r.cadre_id]: r
        for r in Result.objects.filter(period=period, cadre_id__in=list(code_of))
    }
    return GridInputs(
        members=members,
        results=results,
        peer_counts={code: r.peer_count for code, r in results.items()},
    )


def _row_inputs(period, member) -> tuple[GridInputs, dict[str, int]]:
    """What one row shows of its member, and its unit's progress (members with a submitted
    supervisor scorecard, members): the member's own preview (`member_preview`: its inputs
    alone unless its result reads others'), or its decided result. A saved row costs the same
    in a unit of 5 and of 50."""
    code = member.cadre.code
    if period.phase in DECIDED_PHASES:
        stored = Result.objects.filter(period=period, cadre_id=member.cadre_id).first()
        size = PeriodMember.objects.filter(period=period, unit_id=member.unit_id).count()
        found = {} if stored is None else {code: stored}
        return (
            GridInputs(
                members={code: member},
                results=found,
                peer_counts={code: r.peer_count for code, r in found.items()},
            ),
            {"scored": _scored_count(period, member.unit), "total": size},
        )
    preview = member_preview(period, member)
    cards = {}
    if preview.card_id is not None:
        cards[member.cadre_id] = Scorecard.objects.select_related(
            "rater", "updated_by", "updated_by__cadre"
        ).get(pk=preview.card_id)
    inputs = GridInputs(
        members={code: member},
        results={code: preview.result},
        peer_counts={code: preview.peer_count},
        cards=cards,
        card_points={member.cadre_id: preview.card_points},
        adjustments={member.cadre_id: preview.adjustments},
        self_points={member.cadre_id: preview.self_points},
    )
    return inputs, {"scored": preview.unit_scored, "total": preview.unit_size}


def _grid_rows(
    request, period, unit, members, inputs, general, task, *, typed=None, errors=None, allowed=()
) -> list[GridRow]:
    """Rows of the grid for `members`, valued by `inputs` (the preview, or the decision).

    `allowed`: the cadre ids the viewer was found to supervise in this request (a row saved
    under the rating rules); their rules are not read again."""
    scope = get_scope(request)
    results = inputs.results
    ids = [m.cadre_id for m in members]
    if inputs.cards is None or inputs.card_points is None:
        cards = latest_supervisor_cards(period, ids)
        card_points = {
            cadre_id: {line.criterion.code: line.points for line in card.lines.all()}
            for cadre_id, card in cards.items()
        }
    else:
        cards, card_points = inputs.cards, inputs.card_points
    adjustments = defaultdict(list)
    if inputs.adjustments is None:
        for adjustment in Adjustment.objects.filter(period=period, cadre_id__in=ids).order_by(
            "created_at", "pk"
        ):
            adjustments[adjustment.cadre_id].append(adjustment)
    else:
        adjustments.update(inputs.adjustments)
    me = scope.cadre
    closed = period.cross_evaluation_closed(_today())
    step_open = (
        scope.can_act(unit)
        and me is not None
        and _step_problem(period, SUPERVISOR, unit_id=unit.pk) is None
    )
    asked = [cadre_id for cadre_id in ids if cadre_id not in allowed]
    rules = rating_rules(period, cadre_ids=[*asked, me.pk]) if step_open and asked else None
    # A published month: only a cadre under correction (an accepted appeal) is writable, by
    # their own supervisor (docs/RULES.md §2).
    corrections = {c.cadre_id: c for c in open_corrections(period).filter(cadre_id__in=ids)}
    correctors = supervisors_of(period, list(corrections)) if corrections else {}
    typed = typed or {}
    errors = errors or {}
    rows = []
    for member in members:
        code = member.cadre.code
        card = cards.get(member.cadre_id)
        parts_hidden = not peer_parts_visible(
            closed=closed,
            peer_count=inputs.peer_counts.get(code, 0),
            ratee_id=member.cadre_id,
            viewer=me,
        )
        shown = {} if card is None or parts_hidden else card_points.get(member.cadre_id, {})
        values = {code: shown_points(points) for code, points in shown.items()}
        values |= typed.get(code, {})
        row_errors = errors.get(code, {})
        result = results.get(code)
        refusal = ""
        if rules is not None:
            refusal = rules.refusal(SUPERVISOR, me.pk, member.cadre_id) or ""
        correction = corrections.get(member.cadre_id)
        corrects = (
            correction is not None
            and me is not None
            and me.pk in correctors.get(member.cadre_id, ())
            and scope.can_act(unit)
        )
        manual = task is not None and result is not None and result.task_source in MANUAL_TASK
        rows.append(
            GridRow(
                member=member,
                result=result,
                card=card,
                cells=[
                    Cell(c, values.get(c.code, ""), row_errors.get(c.code, [])) for c in general
                ],
                task_cell=(
                    Cell(task, values.get(task.code, ""), row_errors.get(task.code, []))
                    if manual
                    else None
                ),
                editable=(step_open and not refusal) or corrects,
                refusal=refusal,
                adjustments=adjustments[member.cadre_id],
                parts_hidden=parts_hidden,
                correction=correction,
                figures_hidden=not closed,
            )
        )
    beside.attach_to_grid(period, rows, closed=closed, self_points=inputs.self_points)
    return rows


def _unit_members(inputs, unit):
    """The unit's members in the period: heads and deputies first, then by name."""
    return sorted(
        (m for m in inputs.members.values() if m.unit_id == unit.pk),
        key=lambda m: (not m.is_leader, m.cadre.full_name, m.cadre.code),
    )


def _scored_count(period, unit) -> int:
    return (
        Scorecard.objects.filter(
            period=period,
            kind=SUPERVISOR,
            status=ScorecardStatus.SUBMITTED,
            ratee__period_memberships__period=period,
            ratee__period_memberships__unit=unit,
        )
        .values("ratee_id")
        .distinct()
        .count()
    )
