"""Reads of the Months area: the months to open and what opening one would create, the
timeline, and who still owes what per unit (the history is `months.history`, the previews of
deciding, publishing and locking `months.previews`).

Each reads a whole period in a fixed number of queries, whatever its size. Progress is counts
only: never who rated whom (docs/RULES.md §3).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from directives.models import Regulation
from scoring.engine import month_shift
from scoring.models import (
    PHASE_ORDER,
    Period,
    PeriodMember,
    PeriodUnit,
    Phase,
    ReminderSent,
    ScorecardKind,
    month_bounds,
)
from scoring.month.reminders import period_work
from scoring.month.selectors.periods import overlapping_period
from scoring.month.selectors.rating import step_refusal
from scoring.month.services.opening import _month_snapshot, _peer_assignments, default_dates
from units.models import Unit
from units.scope import Scope

# --- months and scopes ---------------------------------------------------------------------


def months_to_open(scope: Unit, today: dt.date) -> tuple[list[str], str | None]:
    """The months a head may open for `scope` (last month to two ahead, those not yet open
    there) and the one to propose: the month after the scope's latest; for a first month,
    this one, or the next once this one's self-assessment would be over."""
    current = f"{today:%Y-%m}"
    window = [month_shift(current, n) for n in range(-1, 3)]
    taken = set(
        Period.objects.filter(scope=scope, month__in=window).values_list("month", flat=True)
    )
    free = [m for m in window if m not in taken]
    latest = Period.objects.filter(scope=scope).order_by("-month").values_list("month", flat=True)
    if latest:
        following = month_shift(latest[0], 1)
    elif today <= default_dates(current)["self_until"]:
        following = current
    else:  # too late in the month for its self-assessment: the next one
        following = month_shift(current, 1)
    proposed = following if following in free else next((m for m in free if m >= current), None)
    return free, proposed or (free[0] if free else None)


def regulations_for(month: str) -> QuerySet[Regulation]:
    """The regulations in force by the month's last day, newest first (the versioned list)."""
    return Regulation.objects.filter(valid_from__lte=month_bounds(month)[1]).order_by(
        "-valid_from", "code"
    )


def proposed_regulation(scope: Unit, month: str) -> Regulation | None:
    """The regulation of the scope's latest month, or the newest version that supersedes it
    and is in force; for a first month, ND335 (or the newest in force)."""
    available = list(regulations_for(month))
    latest = (
        Period.objects.filter(scope=scope, month__lt=month)
        .order_by("-month")
        .select_related("regulation")
        .first()
    )
    if latest is not None:
        chosen = latest.regulation
        successors = {r.supersedes_id: r for r in reversed(available) if r.supersedes_id}
        while chosen.pk in successors:
            chosen = successors[chosen.pk]
        if chosen in available:
            return chosen
    return next((r for r in available if r.code == "ND335"), available[0] if available else None)


@dataclass
class OpenChoice:
    """What the opening page offers and has chosen: the scope among those the head may open a
    month for, the month among those free there, the regulation among those in force."""

    unit: Unit
    scopes: QuerySet[Unit]
    months: list[str]
    month: str | None
    regulations: QuerySet[Regulation] | None = None
    regulation: Regulation | None = None


def open_choice(scope: Scope, asked: Mapping[str, str], today: dt.date) -> OpenChoice | None:
    """The scope, month and regulation `asked` for, where they may be chosen, else those
    proposed (`months_to_open`, `proposed_regulation`); None without a unit to open."""
    scopes = scopes_to_open(scope)
    unit = scopes.filter(code=asked.get("scope", "")).first() or scopes.first()
    if unit is None:
        return None
    months, proposed = months_to_open(unit, today)
    month = asked.get("month") if asked.get("month") in months else proposed
    choice = OpenChoice(unit=unit, scopes=scopes, months=months, month=month)
    if month is None:
        return choice
    choice.regulations = regulations_for(month)
    regulation = str(asked.get("regulation", ""))
    choice.regulation = (
        choice.regulations.filter(pk=regulation).first() if regulation.isdigit() else None
    ) or proposed_regulation(unit, month)
    return choice


@dataclass
class OpenPreview:
    """What opening a month would create: people, units and peer assignments, per unit."""

    members: int
    units: int
    peers: int
    per_unit: list[tuple[Unit, int, int]]  # (unit, people, peer assignments)
    clash: str | None


def open_preview(*, month: str, scope: Unit) -> OpenPreview:
    """Opening `month` for `scope` without writing anything (`services.period_open`'s own
    reading of the organisation and its peer rule)."""
    clash = overlapping_period(month, scope)
    message = None
    if clash is not None:
        message = _("The month %(month)s is already open for %(other)s, which overlaps %(scope)s.")
        message %= {"month": month, "other": clash.scope.code, "scope": scope.code}
    draft = Period(month=month, scope=scope)
    members, units = _month_snapshot(draft)
    peers = _peer_assignments(draft, members)
    people = Counter(m.unit_id for m in members)
    unit_of = {m.cadre_id: m.unit_id for m in members}
    pairs = Counter(unit_of[p.rater_id] for p in peers)
    return OpenPreview(
        members=len(members),
        units=len(units),
        peers=len(peers),
        per_unit=[(u, people[u.pk], pairs[u.pk]) for u in units],
        clash=message,
    )


def open_initial(scope: Unit, month: str, regulation: Regulation | None) -> dict:
    return {
        "scope": scope,
        "month": month,
        "regulation": regulation,
        **default_dates(month, regulation),
    }


def period_units(period: Period) -> QuerySet[PeriodUnit]:
    """The period's units with their unit, in the tree's order."""
    return PeriodUnit.objects.filter(period=period).select_related("unit").order_by("unit__path")


def month_periods(scope: Scope) -> QuerySet[Period]:
    """The periods whose scope the user reads in full (a role over it, or administrator)."""
    periods = Period.objects.all()
    if not scope.is_admin:
        condition = Q(pk__in=[])
        for path in scope.read_paths:
            condition |= Q(scope__path__startswith=path)
        periods = periods.filter(condition)
    return periods.select_related("scope", "regulation").order_by("-month", "scope__path")


def scopes_to_open(scope: Scope) -> QuerySet[Unit]:
    """The units a user may open a month for: those they head or deputise (or, for an
    administrator, the top two levels and every unit that has been a period's scope)."""
    if scope.is_admin:
        used = Period.objects.values("scope_id")
        return Unit.objects.filter(Q(depth__lte=1) | Q(pk__in=used)).order_by("path")
    return Unit.objects.filter(path__in=scope.act_paths).order_by("path")


# --- the timeline --------------------------------------------------------------------------


@dataclass
class Stage:
    phase: str
    label: str | Promise
    date: dt.date  # deadline (or the day it happens)
    state: str  # "done" | "current" | "upcoming"
    overdue: bool = False


STAGE_DATE: dict[str, str] = {
    Phase.SELF: "self_until",
    Phase.PEER: "peer_until",
    Phase.REVIEW: "review_until",
    Phase.DECIDED: "publish_by",
    Phase.APPEALS: "appeals_until",
    Phase.LOCKED: "lock_on",
}


def timeline(period: Period, today: dt.date) -> tuple[list[Stage], int]:
    """The phases with their dates, which is done, current or to come, and where today falls
    (the index of the first stage dated today or later)."""
    current = PHASE_ORDER.index(period.phase)
    stages = []
    for index, phase in enumerate(PHASE_ORDER):
        name = STAGE_DATE.get(phase)
        day = getattr(period, name) if name else timezone.localdate(period.created_at)
        state = "done" if index < current else "current" if index == current else "upcoming"
        overdue = state == "current" and name is not None and phase != Phase.LOCKED and today > day
        stages.append(Stage(phase, Phase(phase).label, day, state, overdue))
    # The opening is behind whoever reads the page, even on its own day; a deadline dated
    # today is still ahead (the step is open all that day).
    today_at = next((i for i, s in enumerate(stages) if i and s.date >= today), len(stages))
    return stages, today_at


# --- who still owes what, per unit ---------------------------------------------------------


@dataclass
class PersonOwed:
    member: PeriodMember
    self_missing: bool = False
    peer_left: int = 0
    peer_total: int = 0
    to_score: int = 0  # supervisor cards still owed by this person
    reminded: bool = False


@dataclass
class UnitProgress:
    row: PeriodUnit
    members: int = 0
    self_missing: int = 0
    peer_left: int = 0  # peer cards still owed by the unit's raters
    supervisor_missing: int = 0  # members without a submitted supervisor card
    people: list[PersonOwed] = field(default_factory=list)

    @property
    def unit(self) -> Unit:
        return self.row.unit

    @property
    def owing(self) -> int:
        return len(self.people)


def unit_progress(period: Period, rows: list[PeriodUnit], today: dt.date) -> list[UnitProgress]:
    """Per unit of the period: its members, the self, peer and supervisor cards still owed
    (counts), and each person who owes something with how much. Five queries (the period's
    work, `reminders.period_work`) and one for who was reminded today."""
    work = period_work(period)
    reminded = set(
        ReminderSent.objects.filter(period=period, sent_on=today).values_list("cadre_id", flat=True)
    )
    progress = {row.unit_id: UnitProgress(row=row) for row in rows}
    people = {}
    for member in work.members:
        unit = progress.get(member.unit_id)
        if unit is None:
            continue
        unit.members += 1
        people[member.cadre_id] = PersonOwed(member, reminded=member.cadre_id in reminded)
    for member in work.self_missing:
        if member.cadre_id in people:
            progress[member.unit_id].self_missing += 1
            people[member.cadre_id].self_missing = True
    for rater_id, owed in work.peer_owed.items():
        if rater_id in people:
            person = people[rater_id]
            person.peer_left, person.peer_total = owed.remaining, owed.total
            progress[person.member.unit_id].peer_left += owed.remaining
    for member in work.supervisor_missing:
        if member.unit_id in progress:
            progress[member.unit_id].supervisor_missing += 1
    for supervisor_id, owed in work.supervisors_owed.items():
        if supervisor_id in people:
            people[supervisor_id].to_score = owed.remaining
    for person in people.values():
        if person.self_missing or person.peer_left or person.to_score:
            progress[person.member.unit_id].people.append(person)
    return [progress[row.unit_id] for row in rows]


def steps_open(period: Period, today: dt.date) -> dict[str, bool]:
    return {
        kind: not period.is_frozen and step_refusal(period, kind, today) is None
        for kind in ScorecardKind.values
    }
