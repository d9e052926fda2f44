"""Reads of the month: a period's engine inputs, who may rate whom, results and the year.

Every function reads a whole period (or year) in a fixed number of queries, whatever the number
of cadres; the engine (`scoring.engine`) is the only place a score is computed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from directives.dossiers.selectors import cadre_figures
from directives.models import Criterion, CriterionGroup, Regulation
from directives.selectors import TaskFacts, task_facts
from scoring import engine
from scoring.flags import PeerCard, Person
from scoring.models import (
    PHASE_ORDER,
    Adjustment,
    AdjustmentKind,
    PeerAssignment,
    Period,
    PeriodMember,
    PeriodUnit,
    Phase,
    Result,
    Scorecard,
    ScorecardKind,
    ScorecardStatus,
    ScoreLine,
)
from units.models import Role, RoleKind, Unit

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
DECIDED_PHASES = PHASE_ORDER[PHASE_ORDER.index(Phase.DECIDED) :]
PUBLISHED_PHASES = PHASE_ORDER[PHASE_ORDER.index(Phase.APPEALS) :]  # what the API gives out
ACTING_ROLES = (RoleKind.HEAD, RoleKind.DEPUTY)

# The phase in which each kind of scorecard is made, and the period field holding its deadline.
STEP_PHASE: dict[str, Phase] = {
    ScorecardKind.SELF: Phase.SELF,
    ScorecardKind.PEER: Phase.PEER,
    ScorecardKind.SUPERVISOR: Phase.REVIEW,
}
STEP_DEADLINE: dict[str, str] = {
    ScorecardKind.SELF: "self_until",
    ScorecardKind.PEER: "peer_until",
    ScorecardKind.SUPERVISOR: "review_until",
}


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


def month_regulation(unit: Unit | None, month: str) -> tuple[engine.Regulation, Regulation | None]:
    """The engine's regulation of the period covering `unit` in `month` and the stored one it
    comes from; ND335 and None when no period covers the unit that month."""
    period = None
    if unit is not None:
        period = (
            Period.objects.covering(unit)
            .filter(month=month)
            .select_related("regulation")
            .order_by("-scope__depth")
            .first()
        )
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


def service_inputs(period: Period, satisfaction_points: bool) -> dict[int, engine.ServiceInput]:
    """The period's members' rated dossiers of the month as the engine reads them, by cadre id:
    one query, none when the regulation gives no satisfaction points (docs/RULES.md §1)."""
    if not satisfaction_points:
        return {}
    in_period = PeriodMember.objects.filter(period=period).values("cadre_id")
    return {
        cadre_id: engine.ServiceInput(
            rated=figures.handled,
            satisfied=figures.satisfied,
            verified_complaints=figures.verified_complaints,
        )
        for cadre_id, figures in cadre_figures(in_period, period.first_day, period.last_day).items()
    }


def period_inputs(period: Period, unit: Unit | None = None) -> PeriodInputs:
    """The engine inputs of a whole period in eight queries, whatever its size.

    Queries: regulation, criteria, members (with cadre and unit), submitted scorecards, their lines,
    adjustments, the period's units, the members' tasks of the month (`task_facts`); and, only
    under a regulation that turns the satisfaction points on, the members' rated dossiers of
    the month (a ninth).
    Only submitted scorecards count. When a cadre has several submitted supervisor scorecards,
    the one saved last counts (its general points and its manual T).

    With `unit`, the inputs of that unit's own members only, for a unit head's grid: quota,
    pools and a leader's task score are all per unit, so each member's result is the one the
    whole period gives, but for the rank in the scope.
    """
    regulation = Regulation.objects.get(pk=period.regulation_id)
    criteria = list(Criterion.objects.filter(regulation_id=period.regulation_id))
    in_period = PeriodMember.objects.filter(period=period)
    if unit is not None:
        in_period = in_period.filter(unit=unit)
    members = {
        m.cadre.code: m
        for m in in_period.select_related("cadre", "unit")
        .only(*MEMBER_FIELDS)
        .order_by("cadre__code")
    }
    code_of = {m.cadre_id: code for code, m in members.items()}

    own: defaultdict[str, dict[str, Decimal]] = defaultdict(dict)
    peers: defaultdict[str, defaultdict[str, list[Decimal]]] = defaultdict(
        lambda: defaultdict(list)
    )
    peer_cards = defaultdict(set)
    # ratee -> {(saved at, card id): {code: (group, points)}}
    supervisor_cards: defaultdict[
        str, dict[tuple[dt.datetime, int], dict[str, tuple[str, Decimal]]]
    ] = defaultdict(dict)
    criterion_of = {c.pk: (c.code, c.group) for c in criteria}
    submitted = Scorecard.objects.filter(period=period, status=ScorecardStatus.SUBMITTED)
    if unit is not None:
        submitted = submitted.filter(ratee__in=in_period.values("cadre_id"))
    # Only a supervisor's card needs its time (the latest one counts): a city has 100,000 of
    # them but 600,000 cards in all.
    saved_at = dict(submitted.filter(kind=ScorecardKind.SUPERVISOR).values_list("pk", "updated_at"))
    lines = ScoreLine.objects.filter(scorecard__in=submitted).values_list(
        "scorecard_id", "scorecard__ratee_id", "scorecard__kind", "criterion_id", "points"
    )
    same_points: dict[Decimal, Decimal] = {}
    for card_id, ratee_id, kind, criterion_id, points in lines.iterator(chunk_size=5000):
        ratee = code_of.get(ratee_id)
        if ratee is None:
            continue
        # A city's 3 million points take a few dozen values: keep one object of each.
        points = same_points.setdefault(points, points)
        code, group = criterion_of[criterion_id]
        if kind == ScorecardKind.SUPERVISOR:
            card = (saved_at[card_id], card_id)
            supervisor_cards[ratee].setdefault(card, {})[code] = (group, points)
        elif group != CriterionGroup.GENERAL:
            continue
        elif kind == ScorecardKind.SELF:
            own[ratee][code] = points
        else:
            peers[ratee][code].append(points)
            peer_cards[ratee].add(card_id)

    supervisor, manual_task = {}, {}
    for ratee, cards in supervisor_cards.items():
        latest = cards[max(cards)]
        supervisor[ratee] = {
            code: p for code, (group, p) in latest.items() if group == CriterionGroup.GENERAL
        }
        task_points = [p for group, p in latest.values() if group == CriterionGroup.TASK]
        if task_points:
            manual_task[ratee] = task_points[0]

    adjustments: defaultdict[str, defaultdict[str, list[Decimal]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for cadre_id, kind, points in Adjustment.objects.filter(
        period=period, cadre__in=in_period.values("cadre_id")
    ).values_list("cadre_id", "kind", "points"):
        if cadre_id in code_of:
            adjustments[code_of[cadre_id]][kind].append(points)

    in_units = PeriodUnit.objects.filter(period=period)
    if unit is not None:
        in_units = in_units.filter(unit=unit)
    period_units = list(
        in_units.order_by("unit__path").values_list("unit_id", "unit__code", "pool", "outstanding")
    )
    facts = task_facts(
        cadre_ids=in_period.values("cadre_id"),
        first_day=period.first_day,
        last_day=period.last_day,
    )

    service = service_inputs(period, regulation.satisfaction_points)

    cadres = []
    for code, m in members.items():
        adjusted = adjustments[code]
        cadres.append(
            engine.CadreInput(
                code=code,
                unit_code=m.unit.code,
                job_group=m.job_group,
                is_leader=m.is_leader,
                tasks=tuple(task_input(t, period.last_day) for t in facts.get(m.cadre_id, ())),
                manual_task_score=manual_task.get(code),
                self_points=own[code],
                peer_points={c: tuple(p) for c, p in peers[code].items()},
                supervisor_points=supervisor.get(code, {}),
                bonus_points=tuple(adjusted[AdjustmentKind.BONUS]),
                penalty_points=tuple(adjusted[AdjustmentKind.PENALTY]),
                discipline=bool(adjusted[AdjustmentKind.DISCIPLINE]),
                leave=bool(adjusted[AdjustmentKind.LEAVE]),
                service=service.get(m.cadre_id),
            )
        )
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
        peer_counts={code: len(cards) for code, cards in peer_cards.items()},
    )


def period_preview(period: Period) -> engine.PeriodOutcome:
    """What deciding the period now would give: tiers, quota, ranks, rewards. Writes nothing."""
    return period_inputs(period).decide()


# --- a decided period's peer scorecards, for the rater flags ------------------------------


def period_peer_cards(period: Period) -> tuple[list[PeerCard], dict[str, int]]:
    """Every submitted peer scorecard between cadres of a decided period, with its general
    points and the ratee's unit of the month, and the cadre id of each code: three queries (the
    general criteria, the period's results, then the cards' sums streamed).

    The sums are read from the score lines alone, with no join to names: a city has 400,000
    peer cards. People carry their codes only; the dashboards read the names they show.
    """
    general = dict(
        Criterion.objects.filter(
            regulation_id=period.regulation_id, group=CriterionGroup.GENERAL
        ).values_list("pk", "max_points")
    )
    if not general:
        return [], {}
    maximum = sum(general.values(), Decimal(0))
    member = {
        cadre_id: (Person(code, ""), unit_id)
        for cadre_id, code, unit_id in Result.objects.filter(period=period)
        .values_list("cadre_id", "cadre__code", "unit_id")
        .iterator(chunk_size=5000)
    }
    sums = (
        ScoreLine.objects.filter(
            scorecard__period=period,
            scorecard__kind=ScorecardKind.PEER,
            scorecard__status=ScorecardStatus.SUBMITTED,
            criterion_id__in=list(general),
        )
        .values_list("scorecard_id", "scorecard__rater_id", "scorecard__ratee_id")
        .annotate(points=Sum("points"))
        .order_by()
    )
    same_points: dict[Decimal, Decimal] = {}
    cards = []
    for _card_id, rater_id, ratee_id, points in sums.iterator(chunk_size=5000):
        if rater_id not in member or ratee_id not in member:
            continue
        ratee, unit_id = member[ratee_id]
        points = same_points.setdefault(points, points)
        cards.append(PeerCard(unit_id, member[rater_id][0], ratee, points, maximum))
    return cards, {person.code: cadre_id for cadre_id, (person, _unit) in member.items()}


# --- who may rate whom ---------------------------------------------------------------------


@dataclass
class RatingRules:
    """Who may rate whom in one period (docs/RULES.md §3 and §5), read set-based.

    self: the cadre themself. peer: another member of the ratee's unit in the month, assigned
    to them unless `assigned_only` is off (the command line accepts any other member).
    supervisor: a head or deputy of the ratee's unit or of a unit above it, on the month's last
    day; a head of the unit is supervised from above it. Nobody rates themself as peer or
    supervisor.
    """

    period: Period
    members: dict[int, PeriodMember]  # cadre id -> snapshot with unit loaded
    heads: set[tuple[int, int]]  # (cadre id, unit id) of head roles over the member's own unit
    acting: dict[int, list[str]]  # cadre id -> paths of units they head or deputise
    assigned: set[tuple[int, int]]  # (rater id, ratee id)
    names: dict[int, str]

    def refusal(
        self, kind: str, rater_id: int, ratee_id: int, *, assigned_only: bool = True
    ) -> str | None:
        """Why `rater_id` may not make a `kind` scorecard for `ratee_id`; None when allowed."""
        ratee = self.members.get(ratee_id)
        if ratee is None:
            return _("%(ratee)s is not scored in the period %(period)s.") % {
                "ratee": self.names.get(ratee_id, ratee_id),
                "period": self.period,
            }
        names = {"rater": self.names.get(rater_id, rater_id), "ratee": ratee.cadre.code}
        if kind == ScorecardKind.SELF:
            if rater_id != ratee_id:
                return _("A self-assessment is made by the cadre themself.")
            return None
        if rater_id == ratee_id:
            if kind == ScorecardKind.PEER:
                return _("Nobody evaluates themself as a peer.")
            return _("Nobody supervises themself.")
        if kind == ScorecardKind.PEER:
            rater = self.members.get(rater_id)
            if rater is None or rater.unit_id != ratee.unit_id:
                return _("%(rater)s is not a member of %(unit)s, the unit of %(ratee)s.") % {
                    **names,
                    "unit": ratee.unit.code,
                }
            if assigned_only and (rater_id, ratee_id) not in self.assigned:
                return _("%(rater)s is not assigned to evaluate %(ratee)s this month.") % names
            return None
        ratee_path = ratee.unit.path
        is_head = (ratee_id, ratee.unit_id) in self.heads
        for path in self.acting.get(rater_id, ()):
            if ratee_path.startswith(path) and not (is_head and path == ratee_path):
                return None
        if is_head:
            return _(
                "%(ratee)s heads %(unit)s: their supervisor is a head or deputy of a unit "
                "above it, which %(rater)s is not."
            ) % {**names, "unit": ratee.unit.code}
        return _(
            "%(rater)s is not a head or deputy of %(unit)s (the unit of %(ratee)s) "
            "or of a unit above it."
        ) % {**names, "unit": ratee.unit.code}


def rating_rules(period: Period, *, cadre_ids: Iterable[int] | None = None) -> RatingRules:
    """The rules of `period` in four queries; `cadre_ids` narrows them to a few people."""
    last_day = period.last_day
    scope = period.scope
    in_period = PeriodMember.objects.filter(period=period).select_related("cadre", "unit")
    roles = Role.objects.valid_on(last_day).filter(role__in=ACTING_ROLES)
    roles = roles.filter(
        Q(unit__path__startswith=scope.path) | Q(unit__path__in=scope.ancestor_paths())
    )
    assigned = PeerAssignment.objects.filter(period=period)
    if cadre_ids is not None:
        cadre_ids = list(cadre_ids)
        in_period = in_period.filter(cadre_id__in=cadre_ids)
        roles = roles.filter(cadre_id__in=cadre_ids)
        assigned = assigned.filter(rater_id__in=cadre_ids, ratee_id__in=cadre_ids)
    members = {m.cadre_id: m for m in in_period}
    acting: defaultdict[int, list[str]] = defaultdict(list)
    heads: set[tuple[int, int]] = set()
    for cadre_id, unit_id, path, role in roles.values_list(
        "cadre_id", "unit_id", "unit__path", "role"
    ):
        acting[cadre_id].append(path)
        if role == RoleKind.HEAD:
            heads.add((cadre_id, unit_id))
    return RatingRules(
        period=period,
        members=members,
        heads=heads,
        acting=dict(acting),
        assigned=set(assigned.values_list("rater_id", "ratee_id")),
        names={cadre_id: m.cadre.code for cadre_id, m in members.items()},
    )


def step_refusal(
    period: Period,
    kind: str,
    today: dt.date,
    *,
    unit_id: int | None = None,
    ratee_id: int | None = None,
) -> str | None:
    """Why a `kind` scorecard cannot be saved today on the web; None when its step is open.

    A step opens with its phase and stays open, also in the later phases before the decision,
    until its deadline. A head reopens a late step for the whole period by moving its deadline
    (`period_reopen_step`) or for named units (`scoring.months.services.period_reopen_units`):
    the step then stays open for the members of those units — the ratee's unit, given as
    `unit_id` or found from `ratee_id` — until the unit's own date. That date is read (one
    query) only once the period's deadline has passed.
    """
    step_phase = STEP_PHASE[kind]
    if PHASE_ORDER.index(period.phase) < PHASE_ORDER.index(step_phase):
        return _("The step “%(step)s” has not started: the period is at “%(phase)s”.") % {
            "step": Phase(step_phase).label,
            "phase": period.get_phase_display(),
        }
    name = STEP_DEADLINE[kind]
    deadline = getattr(period, name)
    if today > deadline:
        reopened = _reopened_until(period, name, unit_id=unit_id, ratee_id=ratee_id)
        if reopened is not None and today <= reopened:
            return None
        return _(
            "The step “%(step)s” closed on %(date)s: late work is refused unless a head of the "
            "unit reopens the step."
        ) % {"step": Phase(step_phase).label, "date": deadline.strftime("%d/%m/%Y")}
    return None


def _reopened_until(
    period: Period, name: str, *, unit_id: int | None, ratee_id: int | None
) -> dt.date | None:
    """The date until which a unit's step was reopened (`name` is the period's field).

    The unit's three dates are read in one query and kept on the period object, so a page
    that asks about several steps of one period reads them once.
    """
    if unit_id is None and ratee_id is None:
        return None
    key = ("unit", unit_id) if unit_id is not None else ("ratee", ratee_id)
    cache = period.__dict__.setdefault("_reopened_units", {})
    if key not in cache:
        rows = PeriodUnit.objects.filter(period=period)
        if unit_id is not None:
            rows = rows.filter(unit_id=unit_id)
        else:
            assert ratee_id is not None  # one of the two is given (returned above otherwise)
            unit = PeriodMember.objects.filter(period=period, cadre_id=ratee_id).values("unit_id")
            rows = rows.filter(unit_id__in=unit)
        cache[key] = rows.values("self_until", "peer_until", "review_until").first() or {}
    return cache[key].get(name)


# --- finding periods -----------------------------------------------------------------------


def period_freezing(regulation_id: int) -> Period | None:
    """The first decided (or published, or locked) period that pins the regulation: while one
    exists the regulation and its criteria never change (`scoring.signals`)."""
    return (
        Period.objects.filter(regulation_id=regulation_id, phase__in=DECIDED_PHASES)
        .select_related("scope")
        .order_by("month", "pk")
        .first()
    )


def period_for(*, month: str, scope_code: str) -> Period | None:
    return (
        Period.objects.select_related("scope", "regulation")
        .filter(month=month, scope__code=scope_code)
        .first()
    )


def periods_of_month(month: str) -> QuerySet[Period]:
    return Period.objects.filter(month=month).select_related("scope", "regulation")


def member_periods(*, month: str, cadre_ids: Iterable[int]) -> dict[int, Period]:
    """The period of the month in which each cadre is scored (scopes never overlap)."""
    rows = PeriodMember.objects.filter(period__month=month, cadre_id__in=cadre_ids).values_list(
        "cadre_id", "period_id"
    )
    found = dict(rows)
    periods = Period.objects.in_bulk(set(found.values()))
    return {cadre_id: periods[period_id] for cadre_id, period_id in found.items()}


def covering_periods(*, month: str, unit: Unit) -> QuerySet[Period]:
    """Decided (or later) periods of the month whose members may lie in the unit's subtree."""
    return Period.objects.filter(month=month, phase__in=DECIDED_PHASES).filter(
        Q(scope__path__startswith=unit.path) | Q(scope__path__in=unit.ancestor_paths())
    )


# --- results -------------------------------------------------------------------------------


def month_results(
    *, month: str, unit: Unit, phases: Sequence[str] = DECIDED_PHASES
) -> QuerySet[Result]:
    """Decided (or only published: `phases`) results of the month for cadres whose unit then
    lay in the unit's subtree."""
    return (
        Result.objects.filter(
            period__month=month, period__phase__in=phases, unit__path__startswith=unit.path
        )
        .select_related("cadre", "unit")
        .order_by("cadre__code")
    )


@dataclass(frozen=True)
class YearTable:
    year: int
    scope: Unit
    months: tuple[str, ...]  # decided months that count
    rows: tuple[engine.YearResult, ...]  # by cadre code
    names: dict[str, str]  # cadre code -> full name


def year_results(*, year: int, scope: Unit, phases: Sequence[str] = DECIDED_PHASES) -> YearTable:
    """docs/RULES.md §1 over the decided months of `year` for cadres of the scope's subtree.

    A cadre's unit and job group are those of their latest decided month; the regulation is the
    one of the latest decided period. Three queries.
    """
    results = (
        Result.objects.filter(
            period__month__startswith=f"{year:04d}-",
            period__phase__in=phases,
            unit__path__startswith=scope.path,
        )
        .order_by("cadre__code", "period__month", "period_id")
        .values_list(
            "cadre__code",
            "cadre__full_name",
            "unit__code",
            "job_group",
            "period__month",
            "period__regulation_id",
            "rated",
            "total",
            "supervisor_score",
            "pg",
            "penalty",
            "reasons",
        )
    )
    months_of = defaultdict(list)
    latest = {}
    names = {}
    regulation_of_month = {}
    for (
        code,
        name,
        unit_code,
        job_group,
        month,
        regulation_id,
        rated,
        total,
        sup,
        pg,
        pen,
        why,
    ) in results:
        names[code] = name
        latest[code] = (unit_code, job_group)
        regulation_of_month[month] = regulation_id
        months_of[code].append(
            engine.MonthRecord(
                total=total,
                rated=rated,
                discipline=any(r.get("code") == "discipline" for r in why or ()),
                supervisor_general=sup or Decimal(0),
                pg=pg or Decimal(0),
                penalty=pen,
            )
        )
    months = tuple(sorted(regulation_of_month))
    if not months:
        return YearTable(year=year, scope=scope, months=(), rows=(), names={})
    regulation = Regulation.objects.get(pk=regulation_of_month[months[-1]])
    rows = engine.yearly_rollup(
        engine_regulation(regulation),
        [
            engine.YearInput(
                code=code, unit_code=latest[code][0], job_group=latest[code][1], months=tuple(m)
            )
            for code, m in months_of.items()
        ],
    )
    return YearTable(year=year, scope=scope, months=months, rows=rows, names=names)
