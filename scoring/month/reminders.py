"""Who still owes what in a month: the progress page, the in-app banner and `send_reminders`.

A step of the month (self-assessment, peer evaluation, supervisor scoring) is open from its phase
until its deadline (`selectors.step_refusal`). Work is owed by:
- self: every member of the period without a submitted self-assessment;
- peer: every rater with an assigned ratee not yet evaluated (submitted);
- supervisor: for every member without a submitted supervisor scorecard, the heads and deputies
  nearest to them who may score them (the head of a unit is scored from the unit above).
Every function reads whole periods in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q

from scoring.models import (
    PHASE_ORDER,
    PeerAssignment,
    Period,
    PeriodMember,
    Phase,
    Scorecard,
    ScorecardKind,
    ScorecardStatus,
)
from scoring.month.selectors.rating import STEP_DEADLINE, STEP_PHASE, rating_rules, step_refusal
from units.models import Cadre, Role
from units.scope import ACTING_ROLES

REMIND_DAYS = 2
STEPS = (ScorecardKind.SELF, ScorecardKind.PEER, ScorecardKind.SUPERVISOR)
OPEN_PHASES = (Phase.SELF, Phase.PEER, Phase.REVIEW)


@dataclass
class Owed:
    """One person's work of one step in one period: `done` of `total`, `left` still to do."""

    period: Period
    kind: str
    deadline: dt.date
    done: int = 0
    total: int = 0
    left: list = field(default_factory=list)  # PeriodMembers (ratees) still to score

    @property
    def remaining(self) -> int:
        return self.total - self.done


@dataclass
class Received:
    """The peer scorecards of one ratee: `done` submitted of `total` assigned, counts only
    (who rates whom is the rater's alone to see, docs/RULES.md §3)."""

    done: int = 0
    total: int = 0

    @property
    def remaining(self) -> int:
        return self.total - self.done


@dataclass
class PeriodWork:
    """Who has not submitted what in one period, per step."""

    period: Period
    members: list[PeriodMember]  # in the chosen units, by unit then name
    self_missing: list[PeriodMember]  # members without a submitted self-assessment
    peer_owed: dict  # rater cadre id -> Owed (only raters with work left)
    peer_raters: int  # raters with at least one assignment
    peer_received: dict  # ratee cadre id -> Received (only ratees still waiting for some)
    peer_cards: Received  # every assigned peer scorecard of the chosen units
    supervisor_missing: list[PeriodMember]  # without a submitted supervisor scorecard
    supervisors_owed: dict  # supervisor cadre id -> Owed
    names: dict  # cadre id -> PeriodMember, or Cadre for a supervisor outside the period

    @cached_property
    def self_missing_ids(self) -> set:
        return {m.cadre_id for m in self.self_missing}

    def owed_by(self, cadre_id) -> list[Owed]:
        """The steps in which `cadre_id` still owes work (open or not)."""
        period = self.period
        owed = []
        if cadre_id in self.self_missing_ids:
            member = self.names[cadre_id]
            owed.append(Owed(period, ScorecardKind.SELF, period.self_until, 0, 1, [member]))
        if cadre_id in self.peer_owed:
            owed.append(self.peer_owed[cadre_id])
        if cadre_id in self.supervisors_owed:
            owed.append(self.supervisors_owed[cadre_id])
        return owed


def _submitted(period):
    """(rater id, ratee id, kind) of every submitted scorecard of the period: one query."""
    return set(
        Scorecard.objects.filter(period=period, status=ScorecardStatus.SUBMITTED).values_list(
            "rater_id", "ratee_id", "kind"
        )
    )


def _nearest_supervisors(rules, member):
    """The heads and deputies of the nearest unit above-or-at the member's that may score them."""
    ratee_path = member.unit.path
    is_head = (member.cadre_id, member.unit_id) in rules.heads
    best, found = -1, []
    for cadre_id, paths in rules.acting.items():
        if cadre_id == member.cadre_id:
            continue
        for path in paths:
            if not ratee_path.startswith(path) or (is_head and path == ratee_path):
                continue
            if len(path) > best:
                best, found = len(path), [cadre_id]
            elif len(path) == best and cadre_id not in found:
                found.append(cadre_id)
    return found


def period_work(period, *, paths=None) -> PeriodWork:
    """Who owes what in `period`, for the members of the units under `paths` (all if None).

    Five queries: rating rules (members, roles, peer assignments), submitted scorecards, and the
    names of supervisors who are not members of the period.
    """
    rules = rating_rules(period)
    submitted = _submitted(period)

    def wanted(member):
        return paths is None or any(member.unit.path.startswith(p) for p in paths)

    members = sorted(
        (m for m in rules.members.values() if wanted(m)),
        key=lambda m: (m.unit.path, m.cadre.full_name, m.cadre.code),
    )
    self_missing = [
        m for m in members if (m.cadre_id, m.cadre_id, ScorecardKind.SELF) not in submitted
    ]

    peer_owed, raters, received, cards = {}, set(), {}, Received()
    for rater_id, ratee_id in sorted(rules.assigned):
        rater = rules.members.get(rater_id)
        ratee = rules.members.get(ratee_id)
        if rater is None or ratee is None:
            continue
        done = (rater_id, ratee_id, ScorecardKind.PEER) in submitted
        if wanted(ratee):
            counted = received.setdefault(ratee_id, Received())
            for count in (counted, cards):
                count.total += 1
                count.done += done
        if not wanted(rater):
            continue
        raters.add(rater_id)
        owed = peer_owed.setdefault(rater_id, Owed(period, ScorecardKind.PEER, period.peer_until))
        owed.total += 1
        if done:
            owed.done += 1
        else:
            owed.left.append(ratee)
    peer_owed = {k: v for k, v in peer_owed.items() if v.remaining}
    received = {k: v for k, v in received.items() if v.remaining}

    scored = {ratee for _rater, ratee, kind in submitted if kind == ScorecardKind.SUPERVISOR}
    supervisor_missing = [m for m in members if m.cadre_id not in scored]
    supervisors_owed = {}
    for member in members:
        for supervisor_id in _nearest_supervisors(rules, member):
            owed = supervisors_owed.setdefault(
                supervisor_id, Owed(period, ScorecardKind.SUPERVISOR, period.review_until)
            )
            owed.total += 1
            if member.cadre_id in scored:
                owed.done += 1
            else:
                owed.left.append(member)
    supervisors_owed = {k: v for k, v in supervisors_owed.items() if v.remaining}

    names = dict(rules.members)
    outsiders = set(supervisors_owed) - set(names)
    if outsiders:
        names |= {c.pk: c for c in Cadre.objects.filter(pk__in=outsiders)}
    return PeriodWork(
        period=period,
        members=members,
        self_missing=self_missing,
        peer_owed=peer_owed,
        peer_raters=len(raters),
        peer_received=received,
        peer_cards=cards,
        supervisor_missing=supervisor_missing,
        supervisors_owed=supervisors_owed,
        names=names,
    )


def is_open(period, kind, today) -> bool:
    return step_refusal(period, kind, today) is None


def due_within(period, kind, today, days=REMIND_DAYS) -> bool:
    """The step is open today and its deadline falls within `days` days."""
    deadline = getattr(period, STEP_DEADLINE[kind])
    return is_open(period, kind, today) and deadline <= today + dt.timedelta(days=days)


def _due_periods(today, days):
    """Open periods with a step whose deadline falls in [today, today + days]: one query."""
    until = today + dt.timedelta(days=days)
    window = Q()
    for kind in STEPS:
        deadline = STEP_DEADLINE[kind]
        started = PHASE_ORDER[PHASE_ORDER.index(STEP_PHASE[kind]) :]
        window |= Q(**{f"{deadline}__gte": today, f"{deadline}__lte": until, "phase__in": started})
    return list(
        Period.objects.filter(phase__in=OPEN_PHASES)
        .filter(window)
        .select_related("scope", "regulation")
        .order_by("month", "scope__code")
    )


def reminders_due(*, today, days=REMIND_DAYS) -> dict[int, list[Owed]]:
    """Work due within `days` days, by cadre id, over every open period."""
    due = defaultdict(list)
    for period in _due_periods(today, days):
        work = period_work(period)
        for cadre_id in _owing(work):
            for owed in work.owed_by(cadre_id):
                if due_within(period, owed.kind, today, days):
                    due[cadre_id].append(owed)
    return dict(due)


def _owing(work):
    ids = {m.cadre_id for m in work.self_missing}
    return ids | set(work.peer_owed) | set(work.supervisors_owed)


def work_due_for(cadre, *, today, days=REMIND_DAYS) -> list[Owed]:
    """The banner: what `cadre` owes within `days` days.

    One query when nothing is due; otherwise four more (memberships, own submitted scorecards,
    own peer assignments, acting roles), and a whole period's work only for a head or deputy
    who may have cadres to score in it.
    """
    if cadre is None:
        return []
    periods = _due_periods(today, days)
    if not periods:
        return []
    ids = [p.pk for p in periods]
    mine = set(
        PeriodMember.objects.filter(period_id__in=ids, cadre=cadre).values_list(
            "period_id", flat=True
        )
    )
    submitted = set(
        Scorecard.objects.filter(
            period_id__in=ids, rater=cadre, status=ScorecardStatus.SUBMITTED
        ).values_list("period_id", "ratee_id", "kind")
    )
    assigned = defaultdict(list)
    for period_id, ratee_id in PeerAssignment.objects.filter(
        period_id__in=ids, rater=cadre
    ).values_list("period_id", "ratee_id"):
        assigned[period_id].append(ratee_id)
    roles = list(
        Role.objects.filter(cadre=cadre, role__in=ACTING_ROLES).values_list(
            "unit__path", "valid_from", "valid_to"
        )
    )
    owed = []
    for period in periods:
        if period.pk in mine:
            if (
                due_within(period, ScorecardKind.SELF, today, days)
                and (period.pk, cadre.pk, ScorecardKind.SELF) not in submitted
            ):
                owed.append(Owed(period, ScorecardKind.SELF, period.self_until, 0, 1))
            ratees = assigned[period.pk]
            done = sum((period.pk, r, ScorecardKind.PEER) in submitted for r in ratees)
            if done < len(ratees) and due_within(period, ScorecardKind.PEER, today, days):
                owed.append(Owed(period, ScorecardKind.PEER, period.peer_until, done, len(ratees)))
        if due_within(period, ScorecardKind.SUPERVISOR, today, days) and _acts_over(roles, period):
            supervising = period_work(period).supervisors_owed.get(cadre.pk)
            if supervising is not None:
                owed.append(supervising)
    return owed


def _acts_over(roles, period) -> bool:
    """Whether one of the (path, from, to) head or deputy roles covers part of the period's
    scope on the month's last day."""
    last, scope = period.last_day, period.scope.path
    return any(
        (start is None or start <= last)
        and (end is None or end >= last)
        and (path.startswith(scope) or scope.startswith(path))
        for path, start, end in roles
    )
