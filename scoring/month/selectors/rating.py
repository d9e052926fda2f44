"""Who may rate whom and when: the steps' phases and deadlines, the peer scorecards, the rating
rules of a month, a step's refusal, a frozen period."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from directives.models import Criterion, CriterionGroup
from scoring.dashboards.flags import PeerCard, Person
from scoring.models import (
    PHASE_ORDER,
    PeerAssignment,
    Period,
    PeriodMember,
    PeriodUnit,
    Phase,
    Result,
    ScorecardKind,
    ScorecardStatus,
    ScoreLine,
)
from units.compiled import CompiledRows
from units.models import Role, RoleKind

BEFORE_DECISION = PHASE_ORDER[: PHASE_ORDER.index(Phase.DECIDED)]
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


# --- a decided period's peer scorecards, for the rater flags ------------------------------

CENT = Decimal("0.01")  # the score lines' points have two decimals


def period_peer_cards(period: Period) -> tuple[list[PeerCard], dict[str, int]]:
    """Every submitted peer scorecard between cadres of a decided period, with its general
    points and the ratee's unit of the month, and the cadre id of each code: three queries (the
    general criteria, the period's results, then the cards' sums streamed).

    The sums are read from the score lines alone, with no join to names: a city has 400,000
    peer cards. People carry their codes only; the dashboards read the names they show.
    Deciding a month adds the same sums up from the lines it streams anyway (`peer_cards_of`).
    """
    general = general_criteria(period)
    if not general:
        return [], {}
    members = {
        cadre_id: (code, unit_id)
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
        .values_list("scorecard__ratee_id", "scorecard__rater_id")  # one card a pair
        .annotate(points=Sum("points"))
        .order_by()
    )
    maximum = sum(general.values(), Decimal(0))
    return peer_cards_of(sums.iterator(chunk_size=5000), members, maximum)


def general_criteria(period: Period) -> dict[int, Decimal]:
    """The period's general criteria: id -> most points (a peer card's points are theirs)."""
    return dict(
        Criterion.objects.filter(
            regulation_id=period.regulation_id, group=CriterionGroup.GENERAL
        ).values_list("pk", "max_points")
    )


def peer_cards_of(
    sums: Iterable[tuple[int, int, Decimal]],
    members: dict[int, tuple[str, int]],
    maximum: Decimal,
) -> tuple[list[PeerCard], dict[str, int]]:
    """The peer cards from (ratee id, rater id, general points), a card's pair being unique in a
    period, with the period's members (cadre id -> (code, unit id)), and the cadre id of each
    code. A card counts when both people are members; it belongs to the ratee's unit. Sorted
    by the pair, so the flags never depend on the order the rows came in; the points written
    with the score lines' two decimals (exactly: a sum of such points has no more), so the
    flags' figures read the same whichever database or path added them up."""
    people = {cadre_id: Person(code, "") for cadre_id, (code, _unit) in members.items()}
    same_points: dict[Decimal, Decimal] = {}
    cards = []
    for ratee_id, rater_id, points in sorted(sums):
        if rater_id not in members or ratee_id not in members:
            continue
        points = same_points.setdefault(points, points.quantize(CENT))
        cards.append(
            PeerCard(members[ratee_id][1], people[rater_id], people[ratee_id], points, maximum)
        )
    return cards, {code: cadre_id for cadre_id, (code, _unit) in members.items()}


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
    assignments: QuerySet[PeerAssignment]  # read once, when a peer rule first asks
    names: dict[int, str]

    @cached_property
    def assigned(self) -> set[tuple[int, int]]:
        """(rater id, ratee id) of the peer assignments: one query, only for a peer scorecard."""
        return set(self.assignments.values_list("rater_id", "ratee_id"))

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


ROLE_COLUMNS = ("cadre_id", "unit_id", "unit__path", "role")


def _people_acting_roles(day: dt.date, cadre_ids: list[int]) -> QuerySet:
    """The head and deputy roles of `cadre_ids` valid on `day`, anywhere."""
    roles = Role.objects.valid_on(day).filter(role__in=ACTING_ROLES, cadre_id__in=cadre_ids)
    return roles.values_list(*ROLE_COLUMNS)


# A scorecard's save reads the roles of its rater and ratee (docs/PERFORMANCE.md).
_people_roles = CompiledRows(Role, _people_acting_roles)


def rating_rules(period: Period, *, cadre_ids: Iterable[int] | None = None) -> RatingRules:
    """The rules of `period` in three queries, a fourth when a peer's assignment is asked;
    `cadre_ids` narrows them to a few people."""
    last_day = period.last_day
    scope = period.scope
    in_period = PeriodMember.objects.filter(period=period).select_related("cadre", "unit")
    assigned = PeerAssignment.objects.filter(period=period)
    found: Iterable[tuple]
    if cadre_ids is None:
        roles = Role.objects.valid_on(last_day).filter(role__in=ACTING_ROLES)
        roles = roles.filter(
            Q(unit__path__startswith=scope.path) | Q(unit__path__in=scope.ancestor_paths())
        )
        found = roles.values_list(*ROLE_COLUMNS)
    else:
        cadre_ids = list(cadre_ids)
        in_period = in_period.filter(cadre_id__in=cadre_ids)
        assigned = assigned.filter(rater_id__in=cadre_ids, ratee_id__in=cadre_ids)
        # The scope's test, a path pattern the compiled query cannot take, on the few rows read.
        ancestors = set(scope.ancestor_paths())
        found = [
            row
            for row in _people_roles.rows(last_day, cadre_ids)
            if row[2].startswith(scope.path) or row[2] in ancestors
        ]
    members = {m.cadre_id: m for m in in_period}
    acting: defaultdict[int, list[str]] = defaultdict(list)
    heads: set[tuple[int, int]] = set()
    for cadre_id, unit_id, path, role in found:
        acting[cadre_id].append(path)
        if role == RoleKind.HEAD:
            heads.add((cadre_id, unit_id))
    return RatingRules(
        period=period,
        members=members,
        heads=heads,
        acting=dict(acting),
        assignments=assigned,
        names={cadre_id: m.cadre.code for cadre_id, m in members.items()},
    )


def step_problem(period: Period, kind: str, today: dt.date, **unit: int | None) -> str | None:
    """Why the step cannot be worked on today: the month decided, or `step_refusal` (for the
    unit given as `unit_id` or `ratee_id`); None when it is open."""
    if period.is_frozen:
        return _("The period %(period)s is decided: scores no longer change.") % {"period": period}
    return step_refusal(period, kind, today, **unit)


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
