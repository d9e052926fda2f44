"""Deciding, publishing, locking and reopening a month: the engine run once, its results
written, the raters' flags stored, the month published and locked."""

from __future__ import annotations

import datetime as dt
import gc
import json
from array import array
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Protocol

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scoring.dashboards.flags import Flag, PeerCard, leniency_flags, reciprocal_flags
from scoring.dashboards.summaries import summarize
from scoring.engine import CadreResult, UnitOutcome, Value, competition_ranks, round_half_up
from scoring.errors import InvalidInput, PhaseClosed
from scoring.events import month_published
from scoring.io.bulkwrite import insert_all
from scoring.models import (
    PHASE_ORDER,
    Appeal,
    AppealStatus,
    AuditEntry,
    Correction,
    Period,
    PeriodUnitResult,
    Phase,
    RaterFlag,
    Result,
)
from scoring.month.selectors.rating import general_criteria, peer_cards_of, period_peer_cards
from scoring.month.services.by_unit import unit_decisions
from scoring.month.services.common import (
    APPEAL_DAYS,
    REOPEN_DAYS,
    _audit,
    _lock,
    _refuse_frozen,
    _require_admin,
    _require_head,
    _text,
    today,
)
from scoring.reasons import reason_json

# --- decision ------------------------------------------------------------------------------


class _MemberIds(Protocol):
    @property
    def cadre_id(self) -> int: ...
    @property
    def unit_id(self) -> int: ...


class _Decided(Protocol):
    """What `_result_row` reads of what was decided: a unit's `UnitDecision` (while deciding) or
    the month's `PeriodInputs` (a correction)."""

    @property
    def members(self) -> Mapping[str, _MemberIds]: ...
    @property
    def peer_counts(self) -> Mapping[str, int]: ...


def _result_row(period: Period, inputs: _Decided, r: CadreResult) -> Result:
    member = inputs.members[r.code]

    def shown(value: Value | None) -> Decimal | None:
        return None if value is None else value.shown

    def ratio(value: Value | None) -> Decimal | None:
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
def period_decide(
    *, period: Period, user: User | None = None, enforce_phase: bool = True
) -> Period:
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
def _cycle_collector_paused() -> Iterator[None]:
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


def _decide(period: Period, user: User | None) -> Period:
    """Decide unit by unit (`scoring.month.services.by_unit`): the results are written by
    COPY every WRITE_BATCH rows as the units are decided; once every total is known, the rows
    still in memory take their rank in the scope before their COPY and the rows written earlier
    are updated with theirs. A city is never in memory at once; the results are those of
    deciding the whole period in one engine call."""
    Result.objects.filter(period=period).delete()
    PeriodUnitResult.objects.filter(period=period).delete()
    tiers: defaultdict[str, int] = defaultdict(int)
    shown: dict[int, Decimal] = {}  # the rated cadres' shown totals, by cadre id
    units: dict[str, UnitOutcome] = {}
    unit_order: dict[str, tuple[int, int, str]] = {}
    unit_ids: dict[str, int] = {}
    pending: list[Result] = []
    written: set[int] = set()  # cadre ids of the results written before the last batch
    # The rater flags' peer cards, from the same lines: (ratee id, rater id, general points),
    # kept as arrays of ids and shared points (a city's 400,000 cards in about 10 MB, where
    # tuples in a dict took 80 MB beside the results still to write).
    peer_ratees, peer_raters = array("q"), array("q")
    peer_points: list[Decimal] = []
    same_sums: dict[Decimal, Decimal] = {}
    members: dict[int, tuple[str, int]] = {}  # cadre id -> (code, unit id)
    cadres = 0
    for decision in unit_decisions(period):
        unit_ids[decision.unit_code] = decision.unit_id
        for (ratee_id, rater_id), points in decision.peer_sums.items():
            peer_ratees.append(ratee_id)
            peer_raters.append(rater_id)
            peer_points.append(same_sums.setdefault(points, points))
        members.update((m.cadre_id, (code, m.unit_id)) for code, m in decision.members.items())
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
            written.update(row.cadre_id for row in pending)
            pending = []
    # The rows still in memory take their rank in the scope before they are written; only the
    # rows written earlier (a scope of more than WRITE_BATCH cadres) are updated with theirs.
    ranks = competition_ranks(shown)
    for row in pending:
        row.rank_in_scope = ranks.get(row.cadre_id)
    insert_all(Result, pending)
    del pending
    _store_scope_ranks(period, {cadre: rank for cadre, rank in ranks.items() if cadre in written})
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
    del units, shown
    maximum = sum(general_criteria(period).values(), Decimal(0))
    sums = zip(peer_ratees, peer_raters, peer_points, strict=True)
    cards = peer_cards_of(sums, members, maximum)
    del sums, peer_ratees, peer_raters, peer_points, members
    rater_flags_store(period, cards)
    summarize(period)
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


# Results written per COPY while deciding: a department's or a ward's month is written once, its
# ranks in the scope set before (about 2.5 KB a result in memory: 50 MB at most).
WRITE_BATCH = 20_000


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


def rater_flags_store(
    period: Period, cards: tuple[list[PeerCard], dict[str, int]] | None = None
) -> list[Flag]:
    """Work out the period's lenient raters and reciprocal pairs from its submitted peer
    scorecards and store them for the dashboards (`RaterFlag`), replacing earlier ones.

    Called by `period_decide` with the cards it added up from the score lines it streamed
    (`cards`: `peer_cards_of`); read from the database otherwise (`period_peer_cards`). A
    city's 600,000 scorecards are read once rather than by every dashboard that shows the month.
    """
    peer_cards, cadre_ids = period_peer_cards(period) if cards is None else cards
    flags = leniency_flags(peer_cards) + reciprocal_flags(peer_cards)
    del peer_cards
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
def period_publish(*, period: Period, user: User | None = None) -> Period:
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


def _back_to_review(
    period: Period, *, user: User | None, actor: str, reason: str, action: str
) -> None:
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
def period_lock(
    *,
    period: Period,
    user: User | None = None,
    enforce_phase: bool = True,
    actor: str | None = None,
    reason: str = "",
) -> Period:
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
def period_reopen(*, period: Period, reason: str, user: User | None = None) -> Period:
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
    actor = AuditEntry.actor_of(user)
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
