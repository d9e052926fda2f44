"""Writes of the month (docs/RULES.md §2): open, score, adjust, decide, publish, appeal, lock,
reopen.

Every write is atomic, keyword-only, locks the period row (``select_for_update``) before it
reads what it checks, and records an `AuditEntry` in the same transaction. Refusals raise the
exceptions of `scoring.errors`, whose message is ready to show.

``user=None`` is the command line, which acts as an administrator (docs/RULES.md §2, §5). The web
passes ``enforce_phase=True`` (the default): each step only from its phase until its deadline.
The command line passes ``enforce_phase=False``: any phase before the decision, and a peer may
be any other member of the ratee's unit.

Choices the spec left open:
- A step (self, peer, supervisor) opens with its phase and stays open in the later phases
  before the decision until its deadline. A late step is reopened by a head of the scope
  moving its deadline (`period_reopen_step`, audited with a reason).
- Only submitted scorecards count in a decision; a submitted scorecard can still be edited while
  its step is open, and stays submitted.
- Adjustments belong to the supervisor step: on the web they are accepted only while that step
  is open, exactly like supervisor scores; the command line imports them before the decision.
- An accepted appeal (confirmed) opens a `Correction` for the appellant alone: only their
  supervisor scorecard and adjustments become writable, by their own supervisor
  (`corrections.appeal_supervisors`), while the period stays published. Deciding again
  (`correction_decide`) writes a `Revision` listing every result that changed; nobody else's
  scores are recomputed, they move only through the quota, ranks and pools
  (docs/RULES.md §2).
- A period locks only after its appeals window (the command line may lock earlier) and never
  while an appeal waits for its answer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import json
from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directives.models import Criterion, CriterionGroup, Regulation
from directives.selectors import task_facts
from scoring.bulkwrite import insert_all
from scoring.corrections import answer_refusal, open_correction, revision_plan
from scoring.deciding import unit_decisions
from scoring.engine import UnitOutcome, competition_ranks, round_half_up
from scoring.errors import (
    InvalidInput,
    NotAllowed,
    PeriodConflict,
    PeriodFrozen,
    PhaseClosed,
    StaleScorecard,
)
from scoring.events import appeal_answered, month_published
from scoring.flags import Flag, leniency_flags, reciprocal_flags
from scoring.formats import points_text
from scoring.models import (
    PHASE_ORDER,
    Adjustment,
    AdjustmentKind,
    Appeal,
    AppealStatus,
    AuditEntry,
    Correction,
    PeerAssignment,
    Period,
    PeriodMember,
    PeriodUnit,
    PeriodUnitResult,
    Phase,
    RaterFlag,
    Result,
    Revision,
    RevisionChange,
    Scorecard,
    ScorecardKind,
    ScorecardStatus,
    ScoreLine,
    month_bounds,
)
from scoring.notices import send_revision_notices
from scoring.peers import assign_peers
from scoring.reasons import reason_json
from scoring.selectors import (
    ACTING_ROLES,
    STEP_DEADLINE,
    engine_regulation,
    is_month,
    period_peer_cards,
    rating_rules,
    step_refusal,
)
from units.models import Cadre, Membership, Role, Unit
from units.scope import scope_for

PRE_DECISION = [Phase.DRAFT, Phase.SELF, Phase.PEER, Phase.REVIEW]
DATE_FIELDS = ["self_until", "peer_until", "review_until", "publish_by", "appeals_until", "lock_on"]
APPEAL_DAYS = 5
REOPEN_DAYS = 5
MAX_PENALTY = Decimal("100")
CLI_ACTOR = "manage.py"


def today() -> dt.date:
    return timezone.localdate()


# --- helpers -------------------------------------------------------------------------------


def _lock(period: Period) -> Period:
    """The period row, locked until the transaction ends, with scope and regulation."""
    return (
        Period.objects.select_for_update(of=("self",))
        .select_related("scope", "regulation")
        .get(pk=period.pk)
    )


def _refuse_frozen(period: Period) -> None:
    if period.phase == Phase.LOCKED:
        raise PeriodFrozen(
            _("The period %(period)s is locked: nothing in it changes any more.")
            % {"period": period}
        )
    if period.is_frozen:
        raise PeriodFrozen(
            _(
                "The period %(period)s is decided (%(phase)s): scores, adjustments and pools no "
                "longer change. An administrator can reopen it, with a reason."
            )
            % {"period": period, "phase": period.get_phase_display()}
        )


def _refuse_frozen_inputs(period: Period, *, cadre: Cadre) -> Correction | None:
    """The open correction under which `cadre`'s supervisor inputs may change in a published
    period; None before the decision. Any other write into a frozen period is refused."""
    if not period.is_frozen:
        return None
    correction = open_correction(period, cadre.pk)
    if correction is not None:
        return correction
    others = (
        sorted(
            Correction.objects.filter(period=period, closed_at=None).values_list(
                "cadre__code", flat=True
            )
        )
        if period.phase == Phase.APPEALS
        else []
    )
    if others:
        raise PeriodFrozen(
            _(
                "Only the results under an accepted appeal are being corrected in %(period)s "
                "(%(codes)s). %(cadre)s did not appeal: their scores and adjustments stay as "
                "decided and their result stays as published."
            )
            % {"period": period, "codes": ", ".join(others), "cadre": cadre.code}
        )
    _refuse_frozen(period)
    return None


def _require_appeal_supervisor(user, period: Period, cadre: Cadre) -> None:
    """The user is the cadre's own supervisor for their appeal (or the command line)."""
    if user is None:
        return
    refusal = answer_refusal(period, cadre, Cadre.objects.filter(user=user).first())
    if refusal:
        raise NotAllowed(refusal)


def _is_admin(user) -> bool:
    return user is None or user.is_superuser


def _require_admin(user) -> None:
    if not _is_admin(user):
        raise NotAllowed(_("Only an administrator may do this."))


def _require_head(user, unit: Unit) -> None:
    """A head or deputy over the unit (today), an administrator, or the command line."""
    if _is_admin(user):
        return
    if not scope_for(user).can_act(unit):
        raise NotAllowed(
            _("Only a head or deputy of %(unit)s or of a unit above it may do this.")
            % {"unit": unit.code}
        )


def _require_supervisor(user, period: Period, cadre: Cadre) -> None:
    """The user could supervise the cadre this month (docs/RULES.md §3), or is an administrator."""
    if _is_admin(user):
        return
    acting = Cadre.objects.filter(user=user).first()
    if acting is None:
        raise NotAllowed(_("Only a head or deputy above the cadre may do this."))
    rules = rating_rules(period, cadre_ids=[acting.pk, cadre.pk])
    refusal = rules.refusal(ScorecardKind.SUPERVISOR, acting.pk, cadre.pk)
    if refusal:
        raise NotAllowed(refusal)


def _actor(user) -> str:
    if user is None:
        return CLI_ACTOR
    cadre = Cadre.objects.filter(user=user).only("full_name").first()
    username = user.get_username()
    return f"{cadre.full_name} ({username})" if cadre else username


def audit_entry(
    *, user, action, period=None, obj=None, old=None, new=None, reason="", actor=None
) -> AuditEntry:
    """An unsaved audit entry (bulk writers save many at once)."""
    return AuditEntry(
        user=user,
        actor=actor or _actor(user),
        action=action,
        period=period,
        object_type=obj._meta.model_name if obj is not None else "period",
        object_id=str(obj.pk if obj is not None else period.pk if period else ""),
        old=old,
        new=new,
        reason=reason,
    )


def _audit(**kwargs) -> AuditEntry:
    entry = audit_entry(**kwargs)
    entry.save()
    return entry


def _text(value) -> str:
    return (value or "").strip()


def _decimal(value, label) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(
            _("%(label)s: “%(value)s” is not a number.") % {"label": label, "value": value}
        ) from exc
    if not number.is_finite():
        raise InvalidInput(
            _("%(label)s: “%(value)s” is not a number.") % {"label": label, "value": value}
        )
    return number


def _name(user) -> str:
    if user is None:
        return CLI_ACTOR
    cadre = Cadre.objects.filter(user=user).only("full_name").first()
    return cadre.full_name if cadre else user.get_username()


# --- opening a month -----------------------------------------------------------------------


def default_dates(month: str, regulation: Regulation | None = None) -> dict[str, dt.date]:
    """The month's dates from the regulation's days (docs/RULES.md §2 without one): self-assessment
    until the 25th, peers until the 27th, review until the last day, publish by the 3rd of the
    next month, appeals for 5 days after that, lock on the 10th. A day past the month's end is
    its last day; a later date never comes before an earlier one."""
    first, last = month_bounds(month)
    following = last + dt.timedelta(days=1)
    days = {
        "self": regulation.self_day if regulation else 25,
        "peer": regulation.peer_day if regulation else 27,
        "publish": regulation.publish_day if regulation else 3,
        "appeals": regulation.appeal_days if regulation else APPEAL_DAYS,
        "lock": regulation.lock_day if regulation else 10,
    }
    self_until = first.replace(day=min(days["self"], last.day))
    peer_until = max(self_until, first.replace(day=min(days["peer"], last.day)))
    publish_by = following.replace(day=days["publish"])
    appeals_until = publish_by + dt.timedelta(days=days["appeals"])
    return {
        "self_until": self_until,
        "peer_until": peer_until,
        "review_until": last,
        "publish_by": publish_by,
        "appeals_until": appeals_until,
        "lock_on": max(appeals_until, following.replace(day=days["lock"])),
    }


def _check_dates(dates: dict) -> None:
    unknown = set(dates) - set(DATE_FIELDS)
    if unknown:
        raise InvalidInput(
            _("Unknown date settings: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    ordered = [dates[name] for name in DATE_FIELDS]
    for before, after, value, next_value in zip(
        DATE_FIELDS, DATE_FIELDS[1:], ordered, ordered[1:], strict=False
    ):
        if value > next_value:
            raise InvalidInput(
                _("The date “%(first)s” (%(a)s) comes after “%(second)s” (%(b)s).")
                % {
                    "first": Period._meta.get_field(before).verbose_name,
                    "a": value.isoformat(),
                    "second": Period._meta.get_field(after).verbose_name,
                    "b": next_value.isoformat(),
                }
            )


@transaction.atomic
def period_open(*, month, scope, regulation=None, dates=None, user=None) -> Period:
    """Open `month` for `scope` and its subtree: the month's members, units and peers.

    By a head or deputy of the scope (or of a unit above it) or an administrator. Refused when
    the month is already open for the scope, an ancestor or a descendant. Members are the
    active cadres whose membership valid on the month's last day lies in the subtree, with
    their job group and whether they head or deputise that unit on that day.
    """
    _require_head(user, scope)
    if not is_month(month):
        raise InvalidInput(_("“%(month)s” is not a month (YYYY-MM).") % {"month": month})
    # Locking the scope and its ancestors serialises two openings of overlapping scopes.
    list(Unit.objects.select_for_update().filter(path__in=scope.ancestor_paths()).order_by("path"))
    clash = (
        Period.objects.filter(month=month)
        .filter(Q(scope__path__in=scope.ancestor_paths()) | Q(scope__path__startswith=scope.path))
        .select_related("scope")
        .first()
    )
    if clash is not None:
        if clash.scope_id == scope.pk:
            message = _("The month %(month)s is already open for %(scope)s.")
        else:
            message = _(
                "The month %(month)s is already open for %(other)s, which overlaps %(scope)s."
            )
        raise PeriodConflict(
            message % {"month": month, "scope": scope.code, "other": clash.scope.code}
        )
    if regulation is None:
        regulation = Regulation.objects.filter(code="ND335").first()
        if regulation is None:
            raise InvalidInput(_("The regulation ND335 does not exist."))
    settings = default_dates(month, regulation) | dict(dates or {})
    _check_dates(settings)
    period = Period.objects.create(month=month, scope=scope, regulation=regulation, **settings)
    members, units = _month_snapshot(period)
    PeriodUnit.objects.bulk_create([PeriodUnit(period=period, unit=u) for u in units])
    PeriodMember.objects.bulk_create(members, batch_size=2000)
    PeerAssignment.objects.bulk_create(_peer_assignments(period, members), batch_size=5000)
    _audit(
        user=user,
        action="period.open",
        period=period,
        new={
            "month": month,
            "scope": scope.code,
            "regulation": regulation.code,
            "members": len(members),
            "units": len(units),
            **{name: value.isoformat() for name, value in settings.items()},
        },
    )
    return period


def _month_snapshot(period: Period) -> tuple[list[PeriodMember], list[Unit]]:
    """Unsaved members of the period and the units it covers, from the month's last day."""
    last = period.last_day
    scope = period.scope
    memberships = (
        Membership.objects.valid_on(last)
        .filter(unit__path__startswith=scope.path, cadre__is_active=True)
        .select_related("cadre", "unit")
        .order_by("cadre_id", F("valid_from").asc(nulls_first=True), "pk")
    )
    chosen = {}
    for membership in memberships:
        chosen[membership.cadre_id] = membership  # the latest one valid on the last day
    leaders = set(
        Role.objects.valid_on(last)
        .filter(role__in=ACTING_ROLES, unit__path__startswith=scope.path)
        .values_list("cadre_id", "unit_id")
    )
    members = [
        PeriodMember(
            period=period,
            cadre=m.cadre,
            unit=m.unit,
            job_group=m.cadre.job_group,
            is_leader=(m.cadre_id, m.unit_id) in leaders,
        )
        for m in chosen.values()
    ]
    first = period.first_day
    units = {
        u.pk: u
        for u in Unit.objects.subtree_of(scope.path)
        .exclude(active_from__gt=last)
        .exclude(active_to__lt=first)
    }
    for member in members:
        units.setdefault(member.unit.pk, member.unit)
    return members, sorted(units.values(), key=lambda u: u.path)


def _peer_assignments(period: Period, members) -> list[PeerAssignment]:
    """k = 4 peers per cadre within each unit (docs/RULES.md §2), from `scoring.peers`."""
    by_unit = defaultdict(dict)
    for member in members:
        by_unit[member.unit.code][member.cadre.code] = member.cadre.pk
    rows = []
    for unit_code, ids in by_unit.items():
        for rater, ratees in assign_peers(period.month, unit_code, list(ids)).items():
            rows.extend(
                PeerAssignment(period=period, rater_id=ids[rater], ratee_id=ids[ratee])
                for ratee in ratees
            )
    return rows


@dataclasses.dataclass
class MembersChange:
    """What taking the month's members again would change (`members_change`), unsaved."""

    added: list[PeriodMember]
    removed: list[PeriodMember]
    changed: list[PeriodMember]  # stored rows with their new unit, job group and leadership
    new_units: list[Unit]
    pairs_added: set[tuple[int, int]]  # (rater id, ratee id)
    pairs_removed: set[tuple[int, int]]
    codes: dict[int, str]  # cadre id -> code of everyone above

    def summary(self) -> dict[str, list[str]]:
        return {
            "added": sorted(self.codes[m.cadre_id] for m in self.added),
            "removed": sorted(self.codes[m.cadre_id] for m in self.removed),
            "changed": sorted(self.codes[m.cadre_id] for m in self.changed),
        }


def members_change(period: Period) -> MembersChange:
    """The members, units and peer assignments the month would have if opened today, against
    those it has: joiners, leavers, people whose unit, job group or leadership changed. Reads
    only (the month page's preview; `period_refresh_members` applies it)."""
    wanted, units = _month_snapshot(period)
    current = {
        m.cadre_id: m for m in PeriodMember.objects.filter(period=period).select_related("cadre")
    }
    wanted_by_cadre = {m.cadre_id: m for m in wanted}
    added = [m for m in wanted if m.cadre_id not in current]
    removed = [m for cadre_id, m in current.items() if cadre_id not in wanted_by_cadre]
    changed = []
    for cadre_id, member in current.items():
        new = wanted_by_cadre.get(cadre_id)
        if new and (new.unit_id, new.job_group, new.is_leader) != (
            member.unit_id,
            member.job_group,
            member.is_leader,
        ):
            member.unit_id, member.job_group, member.is_leader = (
                new.unit_id,
                new.job_group,
                new.is_leader,
            )
            changed.append(member)
    known_units = set(PeriodUnit.objects.filter(period=period).values_list("unit_id", flat=True))
    old_pairs = set(
        PeerAssignment.objects.filter(period=period).values_list("rater_id", "ratee_id")
    )
    new_pairs = {(a.rater_id, a.ratee_id) for a in _peer_assignments(period, wanted)}
    codes = {m.cadre_id: m.cadre.code for m in [*current.values(), *wanted]}
    return MembersChange(
        added=added,
        removed=removed,
        changed=changed,
        new_units=[u for u in units if u.pk not in known_units],
        pairs_added=new_pairs - old_pairs,
        pairs_removed=old_pairs - new_pairs,
        codes=codes,
    )


@transaction.atomic
def period_refresh_members(*, period, user=None) -> dict:
    """Take the month's members again (people who joined, left or changed unit since opening),
    and the peer assignments of the units whose members changed. Scorecards already made stay;
    those of people no longer scored are not counted."""
    period = _lock(period)
    _refuse_frozen(period)
    _require_head(user, period.scope)
    change = members_change(period)
    PeriodMember.objects.filter(pk__in=[m.pk for m in change.removed]).delete()
    PeriodMember.objects.bulk_update(change.changed, ["unit", "job_group", "is_leader"])
    PeriodMember.objects.bulk_create(change.added)
    PeriodUnit.objects.bulk_create([PeriodUnit(period=period, unit=u) for u in change.new_units])
    for rater_id, ratee_id in change.pairs_removed:
        PeerAssignment.objects.filter(period=period, rater_id=rater_id, ratee_id=ratee_id).delete()
    PeerAssignment.objects.bulk_create(
        [PeerAssignment(period=period, rater_id=r, ratee_id=e) for r, e in change.pairs_added]
    )
    summary = change.summary()
    if any(summary.values()):
        _audit(
            user=user,
            action="period.refresh_members",
            period=period,
            new={
                **summary,
                "peers_added": len(change.pairs_added),
                "peers_removed": len(change.pairs_removed),
            },
        )
    return summary


# --- phases --------------------------------------------------------------------------------


@transaction.atomic
def period_advance(*, period, phase, user=None, actor=None, reason="") -> Period:
    """Move a period before its decision to another phase: one step forward for a head of the
    scope, any phase before the decision for an administrator (and `run_schedule`, which
    names itself as the `actor` and gives the passed date as the `reason`)."""
    period = _lock(period)
    _refuse_frozen(period)
    if phase not in PRE_DECISION:
        raise InvalidInput(
            _("A period reaches “%(phase)s” by being decided, published or locked.")
            % {"phase": Phase(phase).label if phase in Phase.values else phase}
        )
    _require_head(user, period.scope)
    old = period.phase
    if phase == old:
        return period
    forward_one = PHASE_ORDER.index(phase) == PHASE_ORDER.index(old) + 1
    if not forward_one and not _is_admin(user):
        raise NotAllowed(
            _("A head moves the period one step forward, from “%(old)s” to “%(next)s”.")
            % {
                "old": period.get_phase_display(),
                "next": Phase(PHASE_ORDER[PHASE_ORDER.index(old) + 1]).label,
            }
        )
    period.phase = phase
    period.save(update_fields=["phase"])
    _audit(
        user=user,
        actor=actor,
        action="period.advance",
        period=period,
        old={"phase": old},
        new={"phase": phase},
        reason=reason,
    )
    return period


@transaction.atomic
def period_reopen_step(*, period, kind, until, reason, user=None) -> Period:
    """Accept late work: move the deadline of a step (self, peer or supervisor) to `until`."""
    period = _lock(period)
    _refuse_frozen(period)
    _require_head(user, period.scope)
    if kind not in ScorecardKind.values:
        raise InvalidInput(_("“%(kind)s” is not a kind of scorecard.") % {"kind": kind})
    reason = _text(reason)
    if not reason:
        raise InvalidInput(_("Give a reason for reopening the step."))
    if until < today():
        raise InvalidInput(_("The new deadline must not be in the past."))
    name = STEP_DEADLINE[kind]
    old = getattr(period, name)
    setattr(period, name, until)
    period.save(update_fields=[name])
    _audit(
        user=user,
        action="period.reopen_step",
        period=period,
        old={name: old.isoformat()},
        new={name: until.isoformat()},
        reason=reason,
    )
    return period


# --- scorecards ----------------------------------------------------------------------------


def points_refusal(criterion: Criterion, points: Decimal, *, kind: str, has_tasks: bool):
    """Why `points` cannot be given for `criterion` on a `kind` scorecard; None when fine."""
    if criterion.group == CriterionGroup.BONUS:
        return _("Bonus points are entered as a bonus adjustment, not on a scorecard.")
    if criterion.group == CriterionGroup.TASK:
        if kind != ScorecardKind.SUPERVISOR:
            return _("%(code)s is entered only by the supervisor.") % {"code": criterion.code}
        if has_tasks:
            return _(
                "The cadre has tasks this month: %(code)s is computed from them, not entered."
            ) % {"code": criterion.code}
    if points < 0 or points > criterion.max_points:
        return _("%(code)s: %(points)s is outside 0–%(max)s.") % {
            "code": criterion.code,
            "points": points_text(points, trim=True),
            "max": points_text(criterion.max_points, trim=True),
        }
    if points != points.quantize(Decimal("0.01")):
        return _("%(code)s: at most 2 decimal places.") % {"code": criterion.code}
    return None


def has_tasks_in_month(period: Period, cadre_id: int) -> bool:
    facts = task_facts(cadre_ids=[cadre_id], first_day=period.first_day, last_day=period.last_day)
    return bool(facts.get(cadre_id))


def scorecard_state(card: Scorecard | None, lines) -> dict | None:
    if card is None:
        return None
    return {
        "status": card.status,
        "version": card.version,
        "points": {code: f"{points:.2f}" for code, points in sorted(lines.items())},
    }


def stale_message(card: Scorecard | None) -> str:
    if card is None:  # the form named a version of a scorecard that no longer exists
        return _("This scorecard changed after you opened it. Reload it, then save again.")
    saved_at = timezone.localtime(card.updated_at).strftime("%d/%m/%Y %H:%M")
    return _(
        "%(who)s saved this scorecard at %(when)s, after you opened it. Reload it to see "
        "their changes, then save again."
    ) % {"who": _name(card.updated_by), "when": saved_at}


@transaction.atomic
def scorecard_save(
    *,
    period,
    ratee,
    rater,
    kind,
    points,
    comments=None,
    submit=False,
    expected_version=None,
    user,
    enforce_phase=True,
) -> Scorecard:
    """Save (and with `submit`, submit) `rater`'s `kind` scorecard of `ratee`.

    `points` maps criterion codes to points (None removes a line); codes not given keep their
    line. `expected_version` is the version the form was loaded with (0 for a new scorecard);
    a newer save by anyone raises `StaleScorecard` instead of overwriting it. None skips the
    check (imports). On the web a user saves only their own scorecards, in the step's window,
    and a submitted scorecard has every general criterion.
    """
    period = _lock(period)
    correction = None
    if kind == ScorecardKind.SUPERVISOR:
        correction = _refuse_frozen_inputs(period, cadre=ratee)
    else:
        _refuse_frozen(period)
    if kind not in ScorecardKind.values:
        raise InvalidInput(_("“%(kind)s” is not a kind of scorecard.") % {"kind": kind})
    if enforce_phase:
        if user is not None and rater.user_id != user.pk:
            raise NotAllowed(_("You can only save your own scorecards."))
        refusal = None if correction else step_refusal(period, kind, today(), ratee_id=ratee.pk)
        if refusal:
            raise PhaseClosed(refusal)
    if correction is not None:
        refusal = answer_refusal(period, ratee, rater)
        if refusal:
            raise NotAllowed(refusal)
    rules = rating_rules(period, cadre_ids=[ratee.pk, rater.pk])
    rules.names |= {ratee.pk: ratee.code, rater.pk: rater.code}
    refusal = rules.refusal(kind, rater.pk, ratee.pk, assigned_only=enforce_phase)
    if refusal:
        raise NotAllowed(refusal)

    criteria = {c.code: c for c in Criterion.objects.filter(regulation_id=period.regulation_id)}
    comments = comments or {}
    unknown = sorted(set(points) - set(criteria)) + sorted(set(comments) - set(criteria))
    if unknown:
        raise InvalidInput(
            _("Unknown criteria for %(regulation)s: %(codes)s.")
            % {"regulation": period.regulation.code, "codes": ", ".join(unknown)}
        )
    given = {}
    problems = []
    needs_tasks = any(
        criteria[code].group == CriterionGroup.TASK and value is not None
        for code, value in points.items()
    )
    has_tasks = needs_tasks and has_tasks_in_month(period, ratee.pk)
    for code, value in points.items():
        if value is None:
            given[code] = None
            continue
        number = _decimal(value, code)
        problem = points_refusal(criteria[code], number, kind=kind, has_tasks=has_tasks)
        if problem:
            problems.append(problem)
        given[code] = number
    if problems:
        raise InvalidInput(" ".join(problems))

    card = (
        Scorecard.objects.select_for_update(of=("self",))
        .filter(period=period, ratee=ratee, rater=rater, kind=kind)
        .select_related("updated_by")
        .first()
    )
    if expected_version is not None and expected_version != (card.version if card else 0):
        raise StaleScorecard(stale_message(card))
    existing = {}
    if card is not None:
        existing = {line.criterion.code: line for line in card.lines.select_related("criterion")}
    old_points = {code: line.points for code, line in existing.items()}
    new_points = dict(old_points)
    for code, number in given.items():
        if number is None:
            new_points.pop(code, None)
        else:
            new_points[code] = number
    submitted = submit or (card is not None and card.status == ScorecardStatus.SUBMITTED)
    if submitted and enforce_phase:
        missing = [
            code
            for code, c in criteria.items()
            if c.group == CriterionGroup.GENERAL and code not in new_points
        ]
        if missing:
            raise InvalidInput(
                _("Give points for every criterion before submitting: %(codes)s is missing.")
                % {"codes": ", ".join(missing)}
            )
    old_state = scorecard_state(card, old_points)
    now = timezone.now()
    if card is None:
        card = Scorecard(period=period, ratee=ratee, rater=rater, kind=kind, version=0)
    card.version += 1
    card.updated_by = user
    if submitted:
        card.status = ScorecardStatus.SUBMITTED
        card.submitted_at = card.submitted_at or now
    card.save()
    for code, number in given.items():
        line = existing.get(code)
        if number is None:
            if line is not None:
                line.delete()
            continue
        comment = _text(comments.get(code)) if code in comments else None
        if line is None:
            ScoreLine.objects.create(
                scorecard=card, criterion=criteria[code], points=number, comment=comment or ""
            )
        elif line.points != number or (comment is not None and comment != line.comment):
            line.points = number
            if comment is not None:
                line.comment = comment
            line.save(update_fields=["points", "comment"])
    for code in set(comments) - set(given):
        line = existing.get(code)
        if line is not None:
            line.comment = _text(comments[code])
            line.save(update_fields=["comment"])
    _audit(
        user=user,
        action="scorecard.submit" if submit else "scorecard.save",
        period=period,
        obj=card,
        old=old_state,
        new={
            "ratee": ratee.code,
            "rater": rater.code,
            "kind": kind,
            **scorecard_state(card, new_points),
        },
    )
    return card


# --- adjustments and pools -----------------------------------------------------------------


def adjustment_refusal(regulation: Regulation, kind: str, points: Decimal | None) -> str | None:
    """Why an adjustment cannot be recorded under `regulation`; None when fine."""
    if kind not in AdjustmentKind.values:
        return _("“%(kind)s” is not one of: %(choices)s.") % {
            "kind": kind,
            "choices": ", ".join(AdjustmentKind.values),
        }
    if kind in (AdjustmentKind.DISCIPLINE, AdjustmentKind.LEAVE):
        return None
    if points is None or points <= 0:
        return _("Give the points, more than 0.")
    if points > MAX_PENALTY:  # before quantize, which fails on a number as large as 1e999
        return _("At most %(n)s points.") % {"n": MAX_PENALTY}
    if points != points.quantize(Decimal("0.01")):
        return _("At most 2 decimal places.")
    if kind == AdjustmentKind.BONUS and not engine_regulation(regulation).allows_bonus:
        return _("The regulation %(code)s has no bonus points (its bonus cap is 0).") % {
            "code": regulation.code
        }
    return None


def adjustment_state(adjustment: Adjustment) -> dict:
    return {
        "cadre": adjustment.cadre.code,
        "kind": adjustment.kind,
        "points": f"{Decimal(adjustment.points):.2f}",
        "reason": adjustment.reason,
    }


def _adjustment_allowed(period: Period, cadre: Cadre, user, *, enforce_phase: bool) -> None:
    """Adjustments obey the supervisor step exactly as its scores do (docs/RULES.md §2): refused
    in a frozen period unless a correction is open for the cadre (then only their own supervisor
    writes), and on the web only while the step is open, until its deadline or a reopening."""
    correction = _refuse_frozen_inputs(period, cadre=cadre)
    if correction is not None:
        _require_appeal_supervisor(user, period, cadre)
        return
    _require_supervisor(user, period, cadre)
    if enforce_phase:
        refusal = step_refusal(period, ScorecardKind.SUPERVISOR, today())
        if refusal:
            raise PhaseClosed(
                _("Bonus, penalty, discipline and leave are part of the supervisor review. %(why)s")
                % {"why": refusal}
            )


@transaction.atomic
def adjustment_add(
    *, period, cadre, kind, points=None, reason, user=None, enforce_phase=True
) -> Adjustment:
    """Record a bonus, penalty, discipline or leave for a cadre, with its reason.

    A bonus is refused when the regulation has none (cap 0); several bonuses may add up past
    the cap, which the decision then applies. The points of discipline and leave are ignored.
    With `enforce_phase` (the web), only while the supervisor step is open.
    """
    period = _lock(period)
    if not PeriodMember.objects.filter(period=period, cadre=cadre).exists():
        _refuse_frozen(period)
        raise InvalidInput(
            _("%(cadre)s is not scored in the period %(period)s.")
            % {"cadre": cadre.code, "period": period}
        )
    _adjustment_allowed(period, cadre, user, enforce_phase=enforce_phase)
    number = None if points in (None, "") else _decimal(points, _("points"))
    problem = adjustment_refusal(period.regulation, kind, number)
    if problem:
        raise InvalidInput(problem)
    reason = _text(reason)
    if not reason:
        raise InvalidInput(_("Give a reason for the adjustment."))
    if kind in (AdjustmentKind.DISCIPLINE, AdjustmentKind.LEAVE):
        number = Decimal(0)
    adjustment = Adjustment.objects.create(
        period=period, cadre=cadre, kind=kind, points=number, reason=reason, entered_by=user
    )
    _audit(
        user=user,
        action="adjustment.add",
        period=period,
        obj=adjustment,
        new=adjustment_state(adjustment),
        reason=reason,
    )
    return adjustment


@transaction.atomic
def adjustment_remove(*, adjustment, reason="", user=None, enforce_phase=True) -> None:
    """Remove an adjustment, under the rules of `adjustment_add`."""
    period = _lock(adjustment.period)
    _adjustment_allowed(period, adjustment.cadre, user, enforce_phase=enforce_phase)
    old = adjustment_state(adjustment)
    pk = adjustment.pk
    adjustment.delete()
    adjustment.pk = pk
    _audit(
        user=user,
        action="adjustment.remove",
        period=period,
        obj=adjustment,
        old=old,
        reason=_text(reason),
    )


@transaction.atomic
def pool_set(*, period, unit, amount, user=None) -> PeriodUnit:
    """Set a unit's pool of additional income for the month (integer VND, 0 or more)."""
    period = _lock(period)
    _refuse_frozen(period)
    _require_head(user, unit)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise InvalidInput(_("The pool is a whole number of VND, 0 or more."))
    row = PeriodUnit.objects.filter(period=period, unit=unit).first()
    if row is None:
        raise InvalidInput(
            _("%(unit)s is not in the period %(period)s.") % {"unit": unit.code, "period": period}
        )
    old = row.pool
    if old != amount:
        row.pool = amount
        row.save(update_fields=["pool"])
        _audit(
            user=user,
            action="pool.set",
            period=period,
            obj=row,
            old={"unit": unit.code, "pool": old},
            new={"unit": unit.code, "pool": amount},
        )
    return row


@transaction.atomic
def period_set_outstanding(*, period, unit, outstanding, user=None) -> PeriodUnit:
    """Flag a unit of the period as outstanding (it raises the A quota where the regulation
    says so); decided by a head of the period's scope."""
    period = _lock(period)
    _refuse_frozen(period)
    _require_head(user, period.scope)
    row = PeriodUnit.objects.filter(period=period, unit=unit).first()
    if row is None:
        raise InvalidInput(
            _("%(unit)s is not in the period %(period)s.") % {"unit": unit.code, "period": period}
        )
    if row.outstanding != bool(outstanding):
        row.outstanding = bool(outstanding)
        row.save(update_fields=["outstanding"])
        _audit(
            user=user,
            action="unit.outstanding",
            period=period,
            obj=row,
            old={"unit": unit.code, "outstanding": not row.outstanding},
            new={"unit": unit.code, "outstanding": row.outstanding},
        )
    return row


# --- decision ------------------------------------------------------------------------------


def _result_row(period, inputs, r) -> Result:
    member = inputs.members[r.code]

    def shown(value):
        return None if value is None else value.shown

    def ratio(value):
        return None if value is None else round_half_up(value.exact, 4)

    return Result(
        period=period,
        cadre_id=member.cadre_id,
        unit_id=member.unit_id,
        job_group=r.job_group,
        is_leader=r.is_leader,
        decidable=r.decidable,
        rated=r.rated,
        self_score=shown(r.self_score),
        peer_score=shown(r.peer_score),
        peer_count=inputs.peer_counts.get(r.code, 0),
        supervisor_score=shown(r.supervisor_score),
        general=shown(r.general),
        task=shown(r.task),
        task_source=r.task_source.value,
        qn=ratio(r.qn),
        ql=ratio(r.ql),
        pg=ratio(r.pg),
        bonus=r.bonus.shown,
        penalty=r.penalty.shown,
        total=shown(r.total),
        tier_before_quota=r.tier_before_quota.value if r.tier_before_quota else "",
        tier=r.tier.value if r.tier else "",
        rank_in_unit=r.rank_in_unit,
        rank_in_scope=r.rank_in_scope,
        reward=r.reward,
        reward_equal=r.reward_equal,
        reward_merit=r.reward_merit,
        equal_split=r.equal_split,
        reasons=[reason_json(reason) for reason in r.reasons],
    )


@transaction.atomic
def period_decide(*, period, user=None, enforce_phase=True) -> Period:
    """Decide the month: the engine once over the whole period, its results written in bulk.

    The period row stays locked from the first read to the commit, so two decisions at once
    give one result: the second finds the period decided and is refused. On the web a period
    is decided in supervisor review; the command line decides it in any phase before.
    """
    period = _lock(period)
    _refuse_frozen(period)
    _require_head(user, period.scope)
    if enforce_phase and period.phase != Phase.REVIEW:
        raise PhaseClosed(
            _("A period is decided in supervisor review; %(period)s is at “%(phase)s”.")
            % {"period": period, "phase": period.get_phase_display()}
        )
    with _cycle_collector_paused():
        return _decide(period, user)


@contextmanager
def _cycle_collector_paused():
    """Deciding a city makes millions of small objects and no reference cycles: Python's cycle
    collector would walk the growing heap again and again for nothing (a quarter of the time
    at 20,000 cadres). Reference counting still frees everything at once."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _decide(period: Period, user) -> Period:
    """Decide unit by unit (`scoring.deciding`): each unit's results are written as it is
    decided, the ranks in the scope once every total is known. A city is never in memory at
    once; the results are those of deciding the whole period in one engine call."""
    Result.objects.filter(period=period).delete()
    PeriodUnitResult.objects.filter(period=period).delete()
    tiers: defaultdict[str, int] = defaultdict(int)
    shown: dict[int, Decimal] = {}  # the rated cadres' shown totals, by cadre id
    units: dict[str, UnitOutcome] = {}
    unit_order: dict[str, tuple] = {}
    unit_ids: dict[str, int] = {}
    pending: list[Result] = []
    cadres = 0
    for decision in unit_decisions(period):
        unit_ids[decision.unit_code] = decision.unit_id
        for u in decision.outcome.units:
            units[u.code] = u
        unit_order[decision.unit_code] = (
            (0, decision.path_order, "")
            if decision.path_order is not None
            else (1, 0, min(decision.members))
        )
        for r in decision.outcome.cadres:
            cadres += 1
            tiers[r.tier.value if r.tier else ("not_rated" if r.decidable else "undecidable")] += 1
            row = _result_row(period, decision, r)
            row.rank_in_scope = None  # ranked over the whole scope below
            if r.tier is not None and r.total is not None:
                shown[row.cadre_id] = r.total.shown
            pending.append(row)
        if len(pending) >= WRITE_BATCH:
            insert_all(Result, pending)
            pending = []
    insert_all(Result, pending)
    del pending
    _store_scope_ranks(period, competition_ranks(shown))
    # The units in the order one engine call over the period gives them: the period's units by
    # path, then units with members but no pool by their first cadre's code.
    order = sorted(units, key=lambda code: unit_order[code])
    insert_all(
        PeriodUnitResult,
        [
            PeriodUnitResult(
                period=period,
                unit_id=unit_ids[u.code],
                pool=u.pool,
                rated=u.rated,
                distributed=u.distributed,
                undistributed=u.undistributed,
                equal_split=u.equal_split,
            )
            for u in (units[code] for code in order)
        ],
    )
    del units, shown  # the flags read the month's peer scorecards anew
    rater_flags_store(period)
    old_phase = period.phase
    period.phase = Phase.DECIDED
    period.decided_at = timezone.now()
    period.save(update_fields=["phase", "decided_at"])
    _audit(
        user=user,
        action="period.decide",
        period=period,
        old={"phase": old_phase},
        new={
            "phase": Phase.DECIDED,
            "cadres": cadres,
            "tiers": dict(sorted(tiers.items())),
        },
    )
    return period


WRITE_BATCH = 5000  # results written per COPY while deciding


def _store_scope_ranks(period: Period, ranks: dict[int, int]) -> None:
    """Set the period's results' rank in the scope (`ranks` by cadre id; the others keep none),
    in one statement."""
    if not ranks:
        return
    table = Result._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS r SET rank_in_scope = t.rank"
                " FROM unnest(%s::bigint[], %s::integer[]) AS t (cadre_id, rank)"
                " WHERE r.period_id = %s AND r.cadre_id = t.cadre_id",
                [list(ranks), list(ranks.values()), period.pk],
            )
        else:
            cursor.execute(
                f"UPDATE {table} SET rank_in_scope = t.value"
                " FROM json_each(%s) AS t"
                f" WHERE {table}.period_id = %s AND {table}.cadre_id = CAST(t.key AS INTEGER)",
                [json.dumps({str(k): v for k, v in ranks.items()}), period.pk],
            )


def rater_flags_store(period: Period) -> list[Flag]:
    """Work out the period's lenient raters and reciprocal pairs from its submitted peer
    scorecards and store them for the dashboards (`RaterFlag`), replacing earlier ones.

    Called by `period_decide`; a city's 600,000 scorecards are read once here rather than
    by every dashboard that shows the month.
    """
    cards, cadre_ids = period_peer_cards(period)
    flags = leniency_flags(cards) + reciprocal_flags(cards)
    del cards
    RaterFlag.objects.filter(period=period).delete()
    insert_all(
        RaterFlag,
        [
            RaterFlag(
                period=period,
                unit_id=flag.unit_id,
                kind=flag.kind.value,
                reason=flag.reason,
                rater_id=cadre_ids[flag.people[0].code],
                partner_id=cadre_ids[flag.people[1].code] if len(flag.people) > 1 else None,
                values=dict(flag.values),
            )
            for flag in flags
        ],
    )
    return flags


@transaction.atomic
def period_publish(*, period, user=None) -> Period:
    """Publish the decided results: appeals open for `APPEAL_DAYS` days from today or until
    the period's appeals date, whichever is later."""
    period = _lock(period)
    _require_head(user, period.scope)
    if period.phase != Phase.DECIDED:
        if PHASE_ORDER.index(period.phase) < PHASE_ORDER.index(Phase.DECIDED):
            raise PhaseClosed(
                _("Decide the period %(period)s before publishing it.") % {"period": period}
            )
        raise PhaseClosed(_("The period %(period)s is already published.") % {"period": period})
    old = {"phase": period.phase, "appeals_until": period.appeals_until.isoformat()}
    period.phase = Phase.APPEALS
    period.published_at = timezone.now()
    period.appeals_until = max(period.appeals_until, today() + dt.timedelta(days=APPEAL_DAYS))
    period.lock_on = max(period.lock_on, period.appeals_until + dt.timedelta(days=1))
    period.save(update_fields=["phase", "published_at", "appeals_until", "lock_on"])
    _audit(
        user=user,
        action="period.publish",
        period=period,
        old=old,
        new={"phase": period.phase, "appeals_until": period.appeals_until.isoformat()},
    )
    month_published.send(sender=Period, period=period)
    return period


# --- appeals -------------------------------------------------------------------------------


@transaction.atomic
def appeal_file(*, period, cadre, text, user=None) -> Appeal:
    """A cadre appeals their own published result, within the appeals window."""
    period = _lock(period)
    if period.phase == Phase.LOCKED:
        _refuse_frozen(period)
    if period.phase != Phase.APPEALS:
        raise PhaseClosed(
            _("Results of %(period)s are not published: there is nothing to appeal yet.")
            % {"period": period}
        )
    if today() > period.appeals_until:
        raise PhaseClosed(
            _("Appeals for %(period)s closed on %(date)s.")
            % {"period": period, "date": period.appeals_until.strftime("%d/%m/%Y")}
        )
    if user is not None and cadre.user_id != user.pk:
        raise NotAllowed(_("A cadre appeals only their own result."))
    if not Result.objects.filter(period=period, cadre=cadre).exists():
        raise InvalidInput(
            _("%(cadre)s has no result in %(period)s.") % {"cadre": cadre.code, "period": period}
        )
    text = _text(text)
    if not text:
        raise InvalidInput(_("Write what the appeal is about."))
    if Appeal.objects.filter(period=period, cadre=cadre, status=AppealStatus.OPEN).exists():
        raise InvalidInput(_("An appeal of this result is already waiting for its answer."))
    appeal = Appeal.objects.create(period=period, cadre=cadre, text=text)
    _audit(
        user=user,
        action="appeal.file",
        period=period,
        obj=appeal,
        new={"cadre": cadre.code, "text": text},
    )
    return appeal


def _check_answerable(period, appeal, user) -> None:
    if period.phase == Phase.LOCKED:
        _refuse_frozen(period)
    if appeal.status != AppealStatus.OPEN:
        raise InvalidInput(_("This appeal has already been answered."))
    _require_appeal_supervisor(user, period, appeal.cadre)


def appeal_answer_check(*, appeal, user) -> None:
    """Raise what `appeal_answer` would refuse for this user, before asking them to confirm;
    writes nothing."""
    _check_answerable(appeal.period, appeal, user)


@transaction.atomic
def appeal_answer(*, appeal, accept, answer, confirmed=False, user=None) -> Appeal:
    """The appellant's own supervisor answers an appeal (`corrections.appeal_supervisors`).

    Accepting needs `confirmed`: in a published period it opens a `Correction` for the
    appellant alone, so that their supervisor scorecard and adjustments can be corrected and
    the month decided again (`correction_decide`); the rest stays frozen and published.
    """
    period = _lock(appeal.period)
    appeal = (
        Appeal.objects.select_for_update(of=("self",)).select_related("cadre").get(pk=appeal.pk)
    )
    _check_answerable(period, appeal, user)
    answer = _text(answer)
    if not answer:
        raise InvalidInput(_("Write the answer to the appeal."))
    if accept and not confirmed:
        raise InvalidInput(
            _(
                "Accepting the appeal opens a correction of the result of %(cadre)s: "
                "confirm it first."
            )
            % {"cadre": appeal.cadre.code}
        )
    appeal.status = AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED
    appeal.answer = answer
    appeal.answered_by = user
    appeal.answered_at = timezone.now()
    appeal.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    actor = _actor(user)
    _audit(
        user=user,
        actor=actor,
        action="appeal.accept" if accept else "appeal.reject",
        period=period,
        obj=appeal,
        old={"status": AppealStatus.OPEN},
        new={"status": appeal.status, "answer": answer},
        reason=appeal.text,
    )
    if accept and period.phase == Phase.APPEALS:
        unit_id = (
            PeriodMember.objects.filter(period=period, cadre=appeal.cadre)
            .values_list("unit_id", flat=True)
            .get()
        )
        correction = Correction.objects.create(
            period=period,
            cadre=appeal.cadre,
            unit_id=unit_id,
            appeal=appeal,
            reason=answer,
            opened_by=user,
        )
        _audit(
            user=user,
            actor=actor,
            action="correction.open",
            period=period,
            obj=correction,
            new={"cadre": appeal.cadre.code, "appeal": appeal.pk},
            reason=answer,
        )
    appeal_answered.send(sender=Appeal, appeal=appeal)
    return appeal


@transaction.atomic
def correction_decide(*, correction, user=None) -> Revision:
    """Decide a published month again after a correction, and close the correction.

    The appellant's result is computed anew from their corrected inputs; everyone else moves
    only through the rules (`corrections.revision_plan`). Every result whose total, tier, rank
    or reward changed is listed in the `Revision` with before and after, audited, and its
    person notified by email once the transaction commits (`scoring.notices`). By the
    appellant's own supervisor or a head or deputy of the period's scope.
    """
    period = _lock(correction.period)
    if period.phase == Phase.LOCKED:
        _refuse_frozen(period)
    correction = (
        Correction.objects.select_for_update(of=("self",))
        .select_related("cadre")
        .get(pk=correction.pk)
    )
    if correction.closed_at is not None or period.phase != Phase.APPEALS:
        raise InvalidInput(
            _("The correction of %(cadre)s is closed: the month was already decided again.")
            % {"cadre": correction.cadre.code}
        )
    cadre = correction.cadre
    if user is not None and not scope_for(user).can_act(period.scope):
        _require_appeal_supervisor(user, period, cadre)
    plan = revision_plan(period, cadre)
    rows = _revised_results(period, plan, cadre)
    for unit_id, fields in plan.units.items():
        PeriodUnitResult.objects.filter(period=period, unit_id=unit_id).update(**fields)
    revision = Revision.objects.create(period=period, correction=correction, decided_by=user)
    listed = plan.listed
    RevisionChange.objects.bulk_create(
        [
            RevisionChange(
                revision=revision,
                cadre_id=row.cadre_id,
                unit_id=row.unit_id,
                before=row.before,
                after=row.after,
            )
            for row in listed
        ]
    )
    correction.closed_at = timezone.now()
    correction.save(update_fields=["closed_at"])
    actor = _actor(user)
    codes = dict(
        Cadre.objects.filter(pk__in=[r.cadre_id for r in listed]).values_list("pk", "code")
    )
    AuditEntry.objects.bulk_create(
        [
            audit_entry(
                user=user,
                actor=actor,
                action="period.revise",
                period=period,
                obj=revision,
                new={"cadre": cadre.code, "correction": correction.pk, "changed": len(listed)},
                reason=correction.reason,
            ),
            *[
                audit_entry(
                    user=user,
                    actor=actor,
                    action="result.revise",
                    period=period,
                    obj=rows[row.cadre_id],
                    old={"cadre": codes[row.cadre_id], **row.before},
                    new={"cadre": codes[row.cadre_id], **row.after},
                    reason=correction.reason,
                )
                for row in listed
            ],
        ]
    )
    revision_id = revision.pk
    transaction.on_commit(lambda: send_revision_notices(revision_id))
    return revision


def _revised_results(period, plan, cadre) -> dict[int, Result]:
    """Write the results a revision changes; the saved rows by cadre id."""
    stored = {
        r.cadre_id: r
        for r in Result.objects.filter(
            period=period, cadre_id__in=[row.cadre_id for row in plan.rows]
        )
    }
    fields = set()
    for row in plan.rows:
        result = stored[row.cadre_id]
        if row.cadre_id == cadre.pk:
            fresh = _result_row(period, plan.inputs, plan.fresh)
            own = {
                f.attname: getattr(fresh, f.attname)
                for f in Result._meta.concrete_fields
                if f.attname not in ("id", "period_id", "cadre_id", "computed_at")
            }
            changes = own | row.fields
        else:
            changes = row.fields
        for name, value in changes.items():
            setattr(result, name, value)
        fields |= set(changes)
    if fields:
        Result.objects.bulk_update(list(stored.values()), sorted(fields))
    return stored


def _back_to_review(period, *, user, actor, reason, action) -> None:
    old = {
        "phase": period.phase,
        "review_until": period.review_until.isoformat(),
    }
    period.phase = Phase.REVIEW
    period.locked_at = None
    period.review_until = max(period.review_until, today() + dt.timedelta(days=REOPEN_DAYS))
    period.save(update_fields=["phase", "locked_at", "review_until"])
    _audit(
        user=user,
        actor=actor,
        action=action,
        period=period,
        old=old,
        new={"phase": period.phase, "review_until": period.review_until.isoformat()},
        reason=reason,
    )


# --- lock and reopen -----------------------------------------------------------------------


@transaction.atomic
def period_lock(*, period, user=None, enforce_phase=True, actor=None, reason="") -> Period:
    """Lock a published period once its appeals are answered: nothing changes after."""
    period = _lock(period)
    if period.phase == Phase.LOCKED:
        _refuse_frozen(period)
    if period.phase != Phase.APPEALS:
        raise PhaseClosed(
            _("Publish the period %(period)s before locking it.") % {"period": period}
        )
    _require_head(user, period.scope)
    correcting = Correction.objects.filter(period=period, closed_at=None).count()
    if correcting:
        raise PhaseClosed(
            ngettext(
                "%(n)s correction of %(period)s is still open: decide the month again first.",
                "%(n)s corrections of %(period)s are still open: decide the month again first.",
                correcting,
            )
            % {"n": correcting, "period": period}
        )
    waiting = Appeal.objects.filter(period=period, status=AppealStatus.OPEN).count()
    if waiting:
        raise PhaseClosed(
            ngettext(
                "%(n)s appeal of %(period)s still waits for an answer.",
                "%(n)s appeals of %(period)s still wait for an answer.",
                waiting,
            )
            % {"n": waiting, "period": period}
        )
    if enforce_phase and today() <= period.appeals_until:
        raise PhaseClosed(
            _("Appeals for %(period)s are open until %(date)s: lock it after that.")
            % {"period": period, "date": period.appeals_until.strftime("%d/%m/%Y")}
        )
    period.phase = Phase.LOCKED
    period.locked_at = timezone.now()
    period.save(update_fields=["phase", "locked_at"])
    _audit(
        user=user,
        actor=actor,
        action="period.lock",
        period=period,
        old={"phase": Phase.APPEALS},
        new={"phase": Phase.LOCKED},
        reason=reason,
    )
    return period


@transaction.atomic
def period_reopen(*, period, reason, user=None) -> Period:
    """An administrator sends a decided, published or locked period back to supervisor
    review; the reason is required and kept in the audit log."""
    period = _lock(period)
    _require_admin(user)
    reason = _text(reason)
    if not reason:
        raise InvalidInput(_("Reopening a period needs a reason."))
    if not period.is_frozen:
        raise InvalidInput(
            _("The period %(period)s is not decided: there is nothing to reopen.")
            % {"period": period}
        )
    actor = _actor(user)
    for correction in Correction.objects.filter(period=period, closed_at=None).select_related(
        "cadre"
    ):
        # The whole month is decided again: the correction is overtaken, not revised.
        correction.closed_at = timezone.now()
        correction.save(update_fields=["closed_at"])
        _audit(
            user=user,
            actor=actor,
            action="correction.close",
            period=period,
            obj=correction,
            old={"cadre": correction.cadre.code, "open": True},
            new={"cadre": correction.cadre.code, "open": False},
            reason=reason,
        )
    _back_to_review(period, user=user, actor=actor, reason=reason, action="period.reopen")
    return period
