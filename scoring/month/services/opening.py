"""Opening a month and moving it through its steps (docs/RULES.md §2): the default deadlines,
the members and their peers, a change of members, advancing the phase and reopening a late step."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import DateField, F
from django.utils.translation import gettext as _

from directives.models import Regulation
from scoring.errors import InvalidInput, NotAllowed, PeriodConflict
from scoring.models import (
    PHASE_ORDER,
    PeerAssignment,
    Period,
    PeriodMember,
    PeriodUnit,
    Phase,
    ScorecardKind,
    month_bounds,
)
from scoring.month.peers import assign_peers
from scoring.month.selectors.inputs import is_month
from scoring.month.selectors.periods import overlapping_period
from scoring.month.selectors.rating import ACTING_ROLES, STEP_DEADLINE, STEP_PHASE
from scoring.month.services.common import (
    APPEAL_DAYS,
    DATE_FIELDS,
    PRE_DECISION,
    _audit,
    _is_admin,
    _lock,
    _refuse_frozen,
    _require_head,
    _text,
    today,
)
from units.formats import date_text
from units.models import Membership, Role, Unit

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


def _check_dates(dates: Mapping[str, dt.date]) -> None:
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
                    "first": _date_label(before),
                    "a": value.isoformat(),
                    "second": _date_label(after),
                    "b": next_value.isoformat(),
                }
            )


def _date_label(name: str) -> str:
    """The name of one of the period's dates, as its form shows it."""
    field = Period._meta.get_field(name)
    assert isinstance(field, DateField)  # DATE_FIELDS name the period's own date columns
    return str(field.verbose_name)


@transaction.atomic
def period_open(
    *,
    month: str,
    scope: Unit,
    regulation: Regulation | None = None,
    dates: Mapping[str, dt.date] | None = None,
    user: User | None = None,
) -> Period:
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
    clash = overlapping_period(month, scope)
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


def _peer_assignments(period: Period, members: Iterable[PeriodMember]) -> list[PeerAssignment]:
    """k = 4 peers per cadre within each unit (docs/RULES.md §2), from `scoring.month.peers`."""
    by_unit: defaultdict[str, dict[str, int]] = defaultdict(dict)
    for member in members:
        by_unit[member.unit.code][member.cadre.code] = member.cadre.pk
    rows: list[PeerAssignment] = []
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
def period_refresh_members(*, period: Period, user: User | None = None) -> dict[str, list[str]]:
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
def period_advance(
    *,
    period: Period,
    phase: str,
    user: User | None = None,
    actor: str | None = None,
    reason: str = "",
) -> Period:
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


def reopen_locked(
    *, period: Period, kind: str, reason: str, user: User | None
) -> tuple[Period, str]:
    """The period locked for reopening a step (for everyone or for named units), once the
    head's right, the kind of step and the reason are checked; with the reason as kept."""
    period = _lock(period)
    _refuse_frozen(period)
    _require_head(user, period.scope)
    if kind not in ScorecardKind.values:
        raise InvalidInput(_("“%(kind)s” is not a kind of scorecard.") % {"kind": kind})
    reason = _text(reason)
    if not reason:
        raise InvalidInput(_("Give a reason for reopening the step."))
    return period, reason


@transaction.atomic
def period_reopen_step(
    *, period: Period, kind: str, until: dt.date, reason: str, user: User | None = None
) -> Period:
    """Accept late work: move the deadline of a step (self, peer or supervisor) to `until`,
    later than it was: reopening never closes a step early."""
    period, reason = reopen_locked(period=period, kind=kind, reason=reason, user=user)
    if until < today():
        raise InvalidInput(_("The new deadline must not be in the past."))
    name = STEP_DEADLINE[kind]
    old = getattr(period, name)
    if until <= old:
        raise InvalidInput(
            _("The step “%(step)s” is open for everyone until %(date)s: choose a later date.")
            % {"step": STEP_PHASE[kind].label, "date": date_text(old)}
        )
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
