"""Reads of the month page: what opening would create, the timeline, who still owes what per
unit, the history, and the previews of deciding, publishing and locking.

Each reads a whole period in a fixed number of queries, whatever its size. Totals, tiers and
rewards come from the engine (`selectors.period_inputs(...).decide()`) before the decision and
from the stored results after it. Progress is counts only: never who rated whom (DESIGN §7).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.models import Regulation
from scoring.formats import date_text
from scoring.models import (
    PHASE_ORDER,
    Appeal,
    AppealStatus,
    AuditEntry,
    Period,
    PeriodUnit,
    PeriodUnitResult,
    Phase,
    ReminderSent,
    Result,
    ScorecardKind,
    month_bounds,
)
from scoring.reminders import period_work
from scoring.selectors import period_inputs, step_refusal
from scoring.services import (
    CLI_ACTOR,
    _month_snapshot,
    _peer_assignments,
    default_dates,
    members_change,
)
from units.models import Unit

SCHEDULE_ACTOR = "run_schedule"
HISTORY_PREFIXES = ("period.", "pool.", "unit.", "reminder.", "appeal.")
HISTORY_LENGTH = 60
TIERS = ("A", "B", "C", "D")


# --- months and scopes ---------------------------------------------------------------------


def month_shift(month: str, n: int) -> str:
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + number - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


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


def regulations_for(month: str):
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
    clash = (
        Period.objects.filter(month=month)
        .filter(Q(scope__path__in=scope.ancestor_paths()) | Q(scope__path__startswith=scope.path))
        .select_related("scope")
        .first()
    )
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


def month_periods(scope):
    """The periods whose scope the user reads in full (a role over it, or administrator)."""
    periods = Period.objects.all()
    if not scope.is_admin:
        condition = Q(pk__in=[])
        for path in scope.read_paths:
            condition |= Q(scope__path__startswith=path)
        periods = periods.filter(condition)
    return periods.select_related("scope", "regulation").order_by("-month", "scope__path")


def scopes_to_open(scope):
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
    label: str
    date: dt.date | None  # deadline (or the day it happens)
    state: str  # "done" | "current" | "upcoming"
    overdue: bool = False


STAGE_DATE = {
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
    member: object  # PeriodMember
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
    def unit(self):
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


# --- the history ---------------------------------------------------------------------------


def history(period: Period) -> list[AuditEntry]:
    """The month's own actions, newest first (not every score saved: those are the grid's)."""
    condition = Q()
    for prefix in HISTORY_PREFIXES:
        condition |= Q(action__startswith=prefix)
    entries = list(
        AuditEntry.objects.filter(period=period)
        .filter(condition)
        .order_by("-at", "-pk")[:HISTORY_LENGTH]
    )
    for entry in entries:
        entry.who = actor_label(entry.actor)
        entry.what = describe(entry)
    return entries


def actor_label(actor: str) -> str:
    if actor == SCHEDULE_ACTOR:
        return _("Automatic schedule")
    if actor == CLI_ACTOR:
        return _("Command line")
    return actor


def _phase(value) -> str:
    return Phase(value).label if value in Phase.values else str(value or "")


def _day(value) -> str:
    try:
        return date_text(dt.date.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value or "")


def _money(value) -> str:
    return f"{int(value or 0):,}".replace(",", ".")


STEP_NAMES = {
    ScorecardKind.SELF: Phase.SELF,
    ScorecardKind.PEER: Phase.PEER,
    ScorecardKind.SUPERVISOR: Phase.REVIEW,
}


def describe(entry: AuditEntry) -> str:
    """One line of the month's history, in words."""
    old, new = entry.old or {}, entry.new or {}
    action = entry.action
    if action == "period.open":
        return _(
            "Opened with regulation %(regulation)s: %(members)s people in %(units)s units."
        ) % {
            "regulation": new.get("regulation", ""),
            "members": new.get("members", 0),
            "units": new.get("units", 0),
        }
    if action == "period.advance":
        return _("Moved from “%(old)s” to “%(new)s”.") % {
            "old": _phase(old.get("phase")),
            "new": _phase(new.get("phase")),
        }
    if action == "period.step_back":
        return _("Stepped back from “%(old)s” to “%(new)s”.") % {
            "old": _phase(old.get("phase")),
            "new": _phase(new.get("phase")),
        }
    if action == "period.reopen_units":
        return _("Step “%(step)s” reopened for %(units)s until %(date)s.") % {
            "step": _phase(STEP_NAMES.get(new.get("kind"), "")),
            "units": ", ".join(new.get("units", [])),
            "date": _day(new.get("until")),
        }
    if action == "period.reopen_step":
        return _("A step reopened for every unit: new deadline %(date)s.") % {
            "date": ", ".join(_day(v) for v in new.values())
        }
    if action == "period.refresh_members":
        return _("Members refreshed: %(added)s joined, %(removed)s left, %(changed)s changed.") % {
            "added": len(new.get("added", [])),
            "removed": len(new.get("removed", [])),
            "changed": len(new.get("changed", [])),
        }
    if action == "period.decide":
        return _("Decided: %(cadres)s people.") % {"cadres": new.get("cadres", 0)}
    if action == "period.publish":
        return _("Published; appeals until %(date)s.") % {"date": _day(new.get("appeals_until"))}
    if action == "period.lock":
        return _("Locked: nothing in the month changes any more.")
    if action in ("period.reopen", "period.reopen_by_appeal"):
        return _("Reopened: back in supervisor review.")
    if action == "pool.set":
        return _("Pool of %(unit)s: %(old)s → %(new)s VND.") % {
            "unit": new.get("unit", ""),
            "old": _money(old.get("pool")),
            "new": _money(new.get("pool")),
        }
    if action == "unit.outstanding":
        if new.get("outstanding"):
            return _("%(unit)s flagged as an outstanding unit.") % {"unit": new.get("unit", "")}
        return _("%(unit)s no longer flagged as outstanding.") % {"unit": new.get("unit", "")}
    if action in ("reminder.send", "reminder.due"):
        return _("Reminders emailed to %(n)s people.") % {"n": len(new.get("sent", []))}
    if action == "appeal.file":
        return _("An appeal was filed.")
    if action == "appeal.accept":
        return _("An appeal was accepted.")
    if action == "appeal.reject":
        return _("An appeal was answered (not accepted).")
    return action


# --- previews: decide, publish, lock -------------------------------------------------------


@dataclass
class UnitPreview:
    unit: Unit
    pool: int = 0
    outstanding: bool = False
    rated: int = 0
    distributed: int = 0
    undistributed: int = 0
    tiers: dict = field(default_factory=dict)
    not_rated: int = 0
    undecidable: list = field(default_factory=list)  # (member, [reason messages])
    cuts: list = field(default_factory=list)  # (member, total, reason message)


@dataclass
class DecisionPreview:
    units: list[UnitPreview]
    named: bool  # whether people and totals may be shown (cross-evaluation closed)
    quota_rate: object
    outstanding_rate: object

    @property
    def pool(self) -> int:
        return sum(u.pool for u in self.units)

    @property
    def distributed(self) -> int:
        return sum(u.distributed for u in self.units)

    @property
    def undistributed(self) -> int:
        return sum(u.undistributed for u in self.units)

    @property
    def tiers(self) -> dict:
        return {t: sum(u.tiers.get(t, 0) for u in self.units) for t in TIERS}

    @property
    def cuts(self) -> int:
        return sum(len(u.cuts) for u in self.units)

    @property
    def undecidable(self) -> int:
        return sum(len(u.undecidable) for u in self.units)


def decision_preview(period: Period, today: dt.date) -> DecisionPreview:
    """What deciding now would give, per unit: tiers, the quota's cuts with their reasons, the
    pool, what it distributes and what is left undistributed. Writes nothing; the engine's
    eight input queries and the period's units. People are named only once the
    cross-evaluation step has closed (DESIGN §7)."""
    inputs = period_inputs(period)
    outcome = inputs.decide()
    rows = {
        row.unit_id: row for row in PeriodUnit.objects.filter(period=period).select_related("unit")
    }
    units = {
        code: UnitPreview(unit=rows[unit_id].unit, outstanding=rows[unit_id].outstanding)
        for code, unit_id in inputs.unit_ids.items()
    }
    for result in outcome.units:
        preview = units[result.code]
        preview.pool, preview.rated = result.pool, result.rated
        preview.distributed, preview.undistributed = result.distributed, result.undistributed
    for result in outcome.cadres:
        member = inputs.members[result.code]
        preview = units[result.unit_code]
        if not result.decidable:
            preview.undecidable.append((member, [r.message for r in result.reasons]))
        elif result.tier is None:
            preview.not_rated += 1
        else:
            preview.tiers[result.tier.value] = preview.tiers.get(result.tier.value, 0) + 1
        if result.tier and result.tier_before_quota and result.tier != result.tier_before_quota:
            reason = next((r.message for r in result.reasons if r.code == "quota_demoted"), "")
            preview.cuts.append((member, result.total, reason))
    for preview in units.values():
        preview.cuts.sort(key=lambda cut: (-(cut[1].exact if cut[1] else 0), cut[0].cadre.code))
    return DecisionPreview(
        units=sorted(units.values(), key=lambda u: u.unit.path),
        named=step_refusal(period, ScorecardKind.PEER, today) is not None,
        quota_rate=period.regulation.quota_rate,
        outstanding_rate=period.regulation.quota_rate_outstanding,
    )


def stored_preview(period: Period) -> DecisionPreview:
    """The decided results per unit (publishing and locking show what they make final):
    tiers, cuts and the pools' split, from the stored rows in three queries."""
    rows = {
        row.unit_id: row for row in PeriodUnit.objects.filter(period=period).select_related("unit")
    }
    units = {
        uid: UnitPreview(unit=row.unit, outstanding=row.outstanding) for uid, row in rows.items()
    }
    for split in PeriodUnitResult.objects.filter(period=period):
        preview = units.get(split.unit_id)
        if preview is not None:
            preview.pool, preview.rated = split.pool, split.rated
            preview.distributed, preview.undistributed = split.distributed, split.undistributed
    results = Result.objects.filter(period=period).select_related("cadre")
    for result in results.order_by("-total", "cadre__code"):
        preview = units.get(result.unit_id)
        if preview is None:
            continue
        if not result.decidable:
            preview.undecidable.append((result, [r.get("message", "") for r in result.reasons]))
        elif not result.tier:
            preview.not_rated += 1
        else:
            preview.tiers[result.tier] = preview.tiers.get(result.tier, 0) + 1
        if result.tier and result.tier != result.tier_before_quota:
            reason = next(
                (r.get("message", "") for r in result.reasons if r.get("code") == "quota_demoted"),
                "",
            )
            preview.cuts.append((result, result.total, reason))
    return DecisionPreview(
        units=sorted(units.values(), key=lambda u: u.unit.path),
        named=True,
        quota_rate=period.regulation.quota_rate,
        outstanding_rate=period.regulation.quota_rate_outstanding,
    )


def open_appeals(period: Period) -> int:
    return Appeal.objects.filter(period=period, status=AppealStatus.OPEN).count()


def lock_refusal(period: Period, today: dt.date, waiting: int) -> str | None:
    """Why the period cannot be locked from the page today (`waiting`: its open appeals);
    None when it can."""
    if period.phase != Phase.APPEALS:
        return _("Publish the period before locking it.")
    if waiting:
        return _("%(n)s appeals still wait for an answer.") % {"n": waiting}
    if today <= period.appeals_until:
        return _("Appeals are open until %(date)s: lock it after that.") % {
            "date": date_text(period.appeals_until)
        }
    return None


def decide_refusal(period: Period) -> str | None:
    if period.phase != Phase.REVIEW:
        return _("A period is decided in supervisor review; it is at “%(phase)s”.") % {
            "phase": period.get_phase_display()
        }
    return None


def members_preview(period: Period):
    """What refreshing the members would change (`services.members_change`), with names."""
    return members_change(period)
