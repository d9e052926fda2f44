"""Deciding, publishing, appeals, locking and reopening; a decided period refuses every write."""

from __future__ import annotations

import datetime as dt
import gc
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directives.models import Criterion, Regulation
from scoring.errors import InvalidInput, NotAllowed, PeriodFrozen, PhaseClosed, RegulationFrozen
from scoring.io.imports import adjustments_import, pools_import, scores_import
from scoring.models import (
    Adjustment,
    Appeal,
    AppealStatus,
    AuditEntry,
    Period,
    PeriodUnitResult,
    Phase,
    RaterFlag,
    Result,
)
from scoring.month.selectors.inputs import period_preview
from scoring.month.services import decide as services_decide
from scoring.month.services.adjustments import (
    adjustment_add,
    adjustment_remove,
    period_set_outstanding,
    pool_set,
)
from scoring.month.services.appeals import appeal_answer, appeal_file, correction_decide
from scoring.month.services.decide import period_decide, period_lock, period_publish, period_reopen
from scoring.month.services.opening import (
    period_advance,
    period_refresh_members,
    period_reopen_step,
)
from scoring.month.services.scorecards import scorecard_save
from tests.conftest import on_the_day
from tests.factories import member
from tests.scoring.factories import build_scope, make_task, open_period, points, submit

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
on_today = on_the_day(TODAY)


@pytest.fixture
def w1(org):
    org.head_w1 = member(org.w1, role="head", code="HW1", job_group="leader")
    return org


@pytest.fixture
def scored(w1):
    """W1 in supervisor review: every cadre scored by self, peers and supervisor; a pool."""
    period = open_period(w1.w1, phase=Phase.REVIEW)
    people = [w1.head_w1, w1.leader_w1, w1.head_a, w1.staff_a, w1.staff_a2, w1.head_b, w1.staff_b]
    supervisor = {
        "HA": w1.head_w1,
        "HB": w1.head_w1,
        "LW1": w1.head_w1,
        "SA": w1.head_a,
        "SA2": w1.head_a,
        "SB": w1.head_b,
    }
    for i, cadre in enumerate(people):
        submit(period, cadre, cadre, "self")
        if cadre.code == "HW1":
            continue
        scale = Decimal(1) - Decimal(i) / 20
        submit(period, cadre, supervisor[cadre.code], "supervisor", points(scale, T=60 - i))
    submit(period, w1.staff_a, w1.staff_a2, "peer")
    pool_set(period=period, unit=w1.a, amount=3_000_000)
    return period


def refresh(period):
    period.refresh_from_db()
    return period


# --- decide --------------------------------------------------------------------------------


def test_decide_writes_a_result_per_member_and_the_unit_pools(scored, w1):
    period = period_decide(period=scored, user=w1.head_w1.user)
    assert period.phase == Phase.DECIDED and period.decided_at is not None
    results = {r.cadre.code: r for r in period.results.select_related("cadre")}
    assert set(results) == {"HW1", "LW1", "HA", "SA", "SA2", "HB", "SB"}
    # HW1 has no supervisor scorecard: not decidable, with the reason in words.
    assert results["HW1"].decidable is False
    assert results["HW1"].reasons[0]["code"] == "no_supervisor_scorecard"
    sa = results["SA"]
    assert sa.peer_count == 1
    assert sa.self_score == Decimal("30.00") and sa.peer_score == Decimal("30.00")
    assert sa.task == Decimal("57.00") and sa.task_source == "manual"
    assert sa.total == sa.general + sa.task
    assert sa.tier and sa.rank_in_unit and sa.rank_in_scope
    a_pool = period.unit_results.get(unit=w1.a)
    assert a_pool.pool == 3_000_000
    assert a_pool.distributed + a_pool.undistributed == 3_000_000
    assert sum(r.reward for r in results.values() if r.unit_id == w1.a.pk) == a_pool.distributed
    entry = AuditEntry.objects.get(action="period.decide")
    assert entry.old == {"phase": "review"} and entry.new["cadres"] == 7


def test_decide_matches_the_preview(scored):
    preview = {
        c.code: (c.total.shown if c.total else None, c.tier) for c in period_preview(scored).cadres
    }
    period_decide(period=scored, user=None)
    stored = {
        r.cadre.code: (r.total, r.tier or None) for r in Result.objects.select_related("cadre")
    }
    assert stored == preview


def test_decide_stores_the_rater_flags_and_a_new_decision_replaces_them(scored, w1):
    """SA and SA2 give each other full marks and their head 18 of 30: a reciprocal pair,
    worked out from the peer scorecards when the month is decided (not by each dashboard)."""
    submit(scored, w1.staff_a2, w1.staff_a, "peer")
    for rater in (w1.staff_a, w1.staff_a2):
        submit(scored, w1.head_a, rater, "peer", points(Decimal("0.6")))
    assert not RaterFlag.objects.exists()
    period = period_decide(period=scored, user=None)
    [flag] = period.rater_flags.select_related("rater", "partner")
    assert (flag.kind, flag.reason, flag.unit_id) == ("reciprocal", "pair", w1.a.pk)
    assert {flag.rater.code, flag.partner.code} == {"SA", "SA2"}
    values = {key: Decimal(value) for key, value in flag.values.items()}
    assert values == {
        "first_gave": 30,
        "second_gave": 30,
        "max": 30,
        "first_others": 18,
        "second_others": 18,
    }

    # SA2 lowers the mark after a reopening: the next decision finds no pair any more.
    period = period_reopen(period=period, reason="Chấm lại", user=w1.admin)
    submit(period, w1.staff_a, w1.staff_a2, "peer", points(Decimal("0.7")))
    period_decide(period=period, user=None)
    assert not RaterFlag.objects.exists()


def test_decide_pauses_the_cycle_collector_and_always_turns_it_back_on(scored, monkeypatch):
    seen = []
    real = services_decide.unit_decisions

    def decisions(period):
        seen.append(gc.isenabled())
        return real(period)

    monkeypatch.setattr(services_decide, "unit_decisions", decisions)
    period_decide(period=scored, user=None)
    assert seen == [False] and gc.isenabled()

    def failing(period):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services_decide, "unit_decisions", failing)
    Period.objects.filter(pk=scored.pk).update(phase=Phase.REVIEW)
    with pytest.raises(RuntimeError):
        period_decide(period=refresh(scored), user=None)
    assert gc.isenabled()


def test_decide_computes_t_from_tasks_with_ratios(w1):
    period = open_period(w1.w1, phase=Phase.REVIEW)
    make_task(
        w1.staff_a, unit=w1.a, deadline=dt.date(2026, 10, 10), completed_on=dt.date(2026, 10, 9)
    )
    make_task(
        w1.staff_a,
        unit=w1.a,
        deadline=dt.date(2026, 10, 20),
        completed_on=dt.date(2026, 11, 2),  # after the month: not completed
    )
    submit(period, w1.staff_a, w1.head_a, "supervisor")
    period_decide(period=period, user=None)
    result = Result.objects.get(cadre=w1.staff_a)
    assert result.task_source == "tasks"
    assert (result.qn, result.ql, result.pg) == (Decimal("0.5"), Decimal("0.5"), Decimal("0.5"))
    assert result.task == Decimal("35.00")


def test_decide_on_the_web_is_for_a_head_of_the_scope_in_review(scored, w1):
    with pytest.raises(NotAllowed):
        period_decide(period=scored, user=w1.head_a.user)
    Period.objects.filter(pk=scored.pk).update(phase=Phase.PEER)
    with pytest.raises(PhaseClosed):
        period_decide(period=scored, user=w1.head_w1.user)
    assert period_decide(period=scored, user=None, enforce_phase=False).phase == Phase.DECIDED


def crash_when_writing(monkeypatch, model, error):
    """Make the decision's bulk write of `model`'s rows fail (the earlier writes went through)."""
    real = services_decide.insert_all

    def insert_all(target, rows):
        if target is model:
            raise error
        return real(target, rows)

    monkeypatch.setattr(services_decide, "insert_all", insert_all)


def test_a_crash_after_the_first_bulk_write_leaves_the_period_as_it_was(scored, monkeypatch):
    assert Result.objects.count() == 0
    crash_when_writing(monkeypatch, PeriodUnitResult, RuntimeError("disk full"))
    with pytest.raises(RuntimeError):
        period_decide(period=scored, user=None)
    assert refresh(scored).phase == Phase.REVIEW
    assert scored.decided_at is None
    assert Result.objects.count() == 0
    assert not AuditEntry.objects.filter(action="period.decide").exists()


def test_a_crash_during_a_redecision_keeps_the_previous_results(scored, monkeypatch):
    period_decide(period=scored, user=None)
    before = list(Result.objects.order_by("cadre_id").values_list("cadre_id", "total", "tier"))
    period_reopen(period=scored, reason="Sửa điểm", user=None)
    crash_when_writing(monkeypatch, PeriodUnitResult, OSError("disk full"))
    with pytest.raises(OSError):
        period_decide(period=scored, user=None)
    after = list(Result.objects.order_by("cadre_id").values_list("cadre_id", "total", "tier"))
    assert after == before
    assert refresh(scored).phase == Phase.REVIEW


def test_decide_uses_the_same_number_of_queries_for_40_and_400_cadres():
    counts = []
    for size, code in ((40, "S"), (400, "L")):
        period = build_scope(size, code=code)
        with CaptureQueriesContext(connection) as queries:
            period_decide(period=period, user=None, enforce_phase=False)
        assert period.results.count() == size
        assert period.results.filter(tier="").count() < size // 4
        counts.append(len(queries))
    # Lock, two deletes, regulation, criteria, adjustments, units, then the streams ordered by
    # unit: members, supervisor scorecards, lines, tasks; the results inserted (one bulk insert
    # per 5,000), their ranks in the scope set in one update, the units' results inserted; for
    # the rater flags the general criteria, the results, the peer scorecards' sums, a delete
    # (and an insert when any is found); the dashboards' summary rows: results, tasks and
    # dossiers by unit, the pools, the flags by kind, a delete, an insert (COPY on PostgreSQL)
    # and the period's stamp; their subtree rows: the summary rows with their paths, the units'
    # ids, a delete, an insert (COPY); the period update, the audit insert (and savepoints on
    # some databases).
    assert counts[0] == counts[1]
    assert counts[0] <= 34


# --- publish, appeals, lock ----------------------------------------------------------------


@pytest.fixture
def published(scored, w1):
    period_decide(period=scored, user=None)
    return period_publish(period=scored, user=w1.head_w1.user)


def test_publish_opens_appeals_for_five_days_at_least(published):
    assert published.phase == Phase.APPEALS
    assert published.published_at is not None
    assert published.appeals_until >= TODAY + dt.timedelta(days=5)
    assert published.lock_on > published.appeals_until or published.lock_on >= TODAY
    assert AuditEntry.objects.filter(action="period.publish").count() == 1


def test_publish_needs_a_decision(scored):
    with pytest.raises(PhaseClosed):
        period_publish(period=scored, user=None)


def test_a_cadre_appeals_their_own_result_within_the_window(published, w1):
    appeal = appeal_file(
        period=published, cadre=w1.staff_a, text="Điểm G4 thấp", user=w1.staff_a.user
    )
    assert appeal.status == AppealStatus.OPEN
    with pytest.raises(InvalidInput):
        appeal_file(period=published, cadre=w1.staff_a, text="Lần nữa", user=w1.staff_a.user)
    with pytest.raises(NotAllowed):
        appeal_file(period=published, cadre=w1.staff_a2, text="Hộ", user=w1.staff_a.user)
    with pytest.raises(InvalidInput):
        appeal_file(period=published, cadre=w1.staff_a2, text="  ", user=w1.staff_a2.user)
    entry = AuditEntry.objects.get(action="appeal.file")
    assert entry.new == {"cadre": "SA", "text": "Điểm G4 thấp"}


def test_appeals_are_refused_before_publication_and_after_the_window(scored, w1):
    with pytest.raises(PhaseClosed):
        appeal_file(period=scored, cadre=w1.staff_a, text="Sớm", user=w1.staff_a.user)
    period_decide(period=scored, user=None)
    period_publish(period=scored, user=None)
    Period.objects.filter(pk=scored.pk).update(appeals_until=TODAY - dt.timedelta(days=1))
    with pytest.raises(PhaseClosed) as refused:
        appeal_file(period=scored, cadre=w1.staff_a, text="Muộn", user=w1.staff_a.user)
    assert (TODAY - dt.timedelta(days=1)).strftime("%d/%m/%Y") in refused.value.message


def correct_supervisor_g4(period, w1):
    """The head corrects SA's supervisor card in the open correction: G4 becomes 10."""
    card = w1.staff_a.scorecards_received.get(kind="supervisor")
    scorecard_save(
        period=period,
        ratee=w1.staff_a,
        rater=w1.head_a,
        kind="supervisor",
        points={"G4": 10},
        expected_version=card.version,
        user=w1.head_a.user,
    )


def test_a_head_above_the_cadre_answers_and_nobody_else(published, w1):
    appeal = appeal_file(period=published, cadre=w1.staff_a, text="Xem lại", user=w1.staff_a.user)
    with pytest.raises(NotAllowed):
        appeal_answer(appeal=appeal, accept=False, answer="Không", user=w1.head_b.user)
    with pytest.raises(NotAllowed):
        appeal_answer(appeal=appeal, accept=False, answer="Không", user=w1.staff_a.user)
    with pytest.raises(InvalidInput):
        appeal_answer(appeal=appeal, accept=False, answer=" ", user=w1.head_a.user)
    answered = appeal_answer(
        appeal=appeal, accept=False, answer="Đúng quy chế", user=w1.head_a.user
    )
    assert answered.status == AppealStatus.REJECTED
    assert answered.answered_by == w1.head_a.user
    with pytest.raises(InvalidInput):
        appeal_answer(appeal=appeal, accept=True, answer="Đổi ý", user=w1.head_a.user)
    assert refresh(published).phase == Phase.APPEALS


def test_an_accepted_appeal_opens_a_correction_and_deciding_again_revises_the_result(published, w1):
    """The period stays published; SA's supervisor card is corrected and the month decided
    again: SA's result rises, the correction closes with a revision (docs/RULES.md §2)."""
    appeal = appeal_file(period=published, cadre=w1.staff_a, text="Thiếu G4", user=w1.staff_a.user)
    with pytest.raises(InvalidInput):
        appeal_answer(appeal=appeal, accept=True, answer="Chấp nhận", user=w1.head_a.user)
    appeal_answer(
        appeal=appeal, accept=True, answer="Chấp nhận", confirmed=True, user=w1.head_a.user
    )
    period = refresh(published)
    assert period.phase == Phase.APPEALS
    correction = period.corrections.get()
    assert (correction.cadre, correction.is_open, correction.reason) == (
        w1.staff_a,
        True,
        "Chấp nhận",
    )
    assert AuditEntry.objects.get(action="correction.open").reason == "Chấp nhận"
    before = Result.objects.get(cadre=w1.staff_a).total
    correct_supervisor_g4(period, w1)
    assert Result.objects.get(cadre=w1.staff_a).total == before
    revision = correction_decide(correction=correction, user=w1.head_a.user)
    assert Result.objects.get(cadre=w1.staff_a).total > before
    assert refresh(published).phase == Phase.APPEALS
    correction.refresh_from_db()
    assert not correction.is_open and revision.correction == correction


def test_lock_waits_for_answers_and_for_the_window_on_the_web(published, w1):
    appeal = appeal_file(period=published, cadre=w1.staff_a, text="Xem lại", user=w1.staff_a.user)
    with pytest.raises(PhaseClosed):
        period_lock(period=published, user=None, enforce_phase=False)
    appeal_answer(appeal=appeal, accept=False, answer="Giữ nguyên", user=w1.head_a.user)
    with pytest.raises(PhaseClosed):
        period_lock(period=published, user=w1.head_w1.user)
    Period.objects.filter(pk=published.pk).update(appeals_until=TODAY - dt.timedelta(days=1))
    period = period_lock(period=published, user=w1.head_w1.user)
    assert period.phase == Phase.LOCKED and period.locked_at is not None


def test_lock_needs_publication(scored):
    with pytest.raises(PhaseClosed):
        period_lock(period=scored, user=None, enforce_phase=False)


# --- reopen --------------------------------------------------------------------------------


def test_reopen_needs_an_administrator_and_a_reason(published, w1):
    with pytest.raises(NotAllowed):
        period_reopen(period=published, reason="Sai sót", user=w1.head_w1.user)
    with pytest.raises(InvalidInput):
        period_reopen(period=published, reason="   ", user=w1.admin)
    assert refresh(published).phase == Phase.APPEALS
    period = period_reopen(period=published, reason="Sai sót nhập liệu", user=w1.admin)
    assert period.phase == Phase.REVIEW
    entry = AuditEntry.objects.get(action="period.reopen")
    assert entry.reason == "Sai sót nhập liệu"
    assert entry.user == w1.admin
    assert (entry.old["phase"], entry.new["phase"]) == ("appeals", "review")


def test_a_locked_period_reopens_and_decides_again(published):
    period_lock(period=published, user=None, enforce_phase=False)
    period = period_reopen(period=published, reason="Quyết định của Chủ tịch", user=None)
    assert period.locked_at is None
    assert period_decide(period=period, user=None).phase == Phase.DECIDED


def test_reopen_of_an_undecided_period_is_refused(scored):
    with pytest.raises(InvalidInput):
        period_reopen(period=scored, reason="?", user=None)


# --- a decided or locked period refuses every write ----------------------------------------


@pytest.fixture(params=["decided", "locked"])
def frozen(request, scored):
    period_decide(period=scored, user=None)
    if request.param == "locked":
        period_publish(period=scored, user=None)
        period_lock(period=scored, user=None, enforce_phase=False)
    return refresh(scored)


def refused(call):
    with pytest.raises(PeriodFrozen) as error:
        call()
    return error.value.message


def test_frozen_refuses_a_scorecard(frozen, w1):
    message = refused(lambda: submit(frozen, w1.staff_a, w1.head_a, "supervisor"))
    assert str(frozen) in message


def test_frozen_refuses_a_new_adjustment(frozen, w1):
    refused(
        lambda: adjustment_add(
            period=frozen, cadre=w1.staff_a, kind="penalty", points=1, reason="Muộn"
        )
    )
    assert not Adjustment.objects.exists()


def test_frozen_refuses_removing_an_adjustment(frozen, w1):
    Period.objects.filter(pk=frozen.pk).update(phase=Phase.REVIEW)
    penalty = adjustment_add(period=frozen, cadre=w1.staff_a, kind="penalty", points=1, reason="x")
    Period.objects.filter(pk=frozen.pk).update(phase=refresh(frozen).phase or frozen.phase)
    Period.objects.filter(pk=frozen.pk).update(phase=Phase.DECIDED)
    refused(lambda: adjustment_remove(adjustment=penalty, user=None))
    assert Adjustment.objects.filter(pk=penalty.pk).exists()


def test_frozen_refuses_a_pool(frozen, w1):
    refused(lambda: pool_set(period=frozen, unit=w1.a, amount=1))


def test_frozen_refuses_the_outstanding_flag(frozen, w1):
    refused(lambda: period_set_outstanding(period=frozen, unit=w1.a, outstanding=True))


def test_frozen_refuses_refreshing_members(frozen):
    refused(lambda: period_refresh_members(period=frozen))


def test_frozen_refuses_a_phase_change(frozen):
    refused(lambda: period_advance(period=frozen, phase=Phase.REVIEW, user=None))


def test_frozen_refuses_reopening_a_step(frozen):
    refused(lambda: period_reopen_step(period=frozen, kind="self", until=TODAY, reason="x"))


def test_frozen_refuses_deciding_again(frozen):
    refused(lambda: period_decide(period=frozen, user=None, enforce_phase=False))


def test_frozen_refuses_a_scores_import(frozen):
    data = "ratee_code,rater_code,kind,criterion_code,points\nSA,HA,supervisor,G1,1\n"
    with pytest.raises(Exception) as error:
        scores_import(data=data.encode(), month="2026-10")
    assert "2026-10 · W1" in str(error.value)


def test_frozen_refuses_an_adjustments_import(frozen):
    data = "cadre_code,kind,points,reason\nSA,penalty,1,Muộn\n"
    with pytest.raises(Exception) as error:
        adjustments_import(data=data.encode(), month="2026-10")
    assert "2026-10 · W1" in str(error.value)


def test_frozen_refuses_a_pools_import(frozen):
    with pytest.raises(Exception) as error:
        pools_import(data=b"unit_code,amount\nW1-A,1\n", month="2026-10")
    assert "2026-10 · W1" in str(error.value)


def test_locked_refuses_publication_appeals_and_locking_again(published, w1):
    appeal = appeal_file(period=published, cadre=w1.staff_a, text="Xem lại", user=w1.staff_a.user)
    Appeal.objects.filter(pk=appeal.pk).update(status=AppealStatus.REJECTED)
    period_lock(period=published, user=None, enforce_phase=False)
    Appeal.objects.filter(pk=appeal.pk).update(status=AppealStatus.OPEN)
    refused(lambda: appeal_file(period=published, cadre=w1.staff_b, text="?", user=None))
    refused(lambda: appeal_answer(appeal=appeal, accept=True, answer="?", user=None))
    refused(lambda: period_lock(period=published, user=None, enforce_phase=False))
    with pytest.raises(PhaseClosed):
        period_publish(period=published, user=None)


# --- audit ---------------------------------------------------------------------------------


def test_the_audit_log_is_append_only(published):
    entry = published.audit_entries.first()
    entry.reason = "sửa"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="sửa")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_the_audit_log_tells_the_story_of_the_month(published, w1):
    actions = list(published.audit_entries.order_by("pk").values_list("action", flat=True))
    assert actions[0] == "period.open"
    assert actions.count("scorecard.save") + actions.count("scorecard.submit") >= 13
    assert actions[-3:] == ["pool.set", "period.decide", "period.publish"]


# --- regulations ---------------------------------------------------------------------------


def test_a_regulation_of_a_decided_period_is_frozen(frozen):
    nd335 = Regulation.objects.get(code="ND335")
    nd335.save()  # unchanged: fine
    nd335.bonus_cap = Decimal("5")
    with pytest.raises(RegulationFrozen) as error:
        nd335.save()
    assert "ND335" in error.value.message
    g1 = Criterion.objects.get(regulation=nd335, code="G1")
    g1.max_points = Decimal("6")
    with pytest.raises(RegulationFrozen):
        g1.save()
    with pytest.raises(RegulationFrozen):
        Criterion.objects.create(
            regulation=nd335, code="G6", name_vi="Mới", name_en="New", group="general", max_points=1
        )
    assert Criterion.objects.get(pk=g1.pk).max_points == 5


def test_a_criterion_of_a_frozen_regulation_is_not_deleted(org):
    regulation = Regulation.objects.create(code="R2", name="Thử", valid_from=dt.date(2026, 1, 1))
    spare = Criterion.objects.create(
        regulation=regulation,
        code="B",
        name_vi="Thưởng",
        name_en="Bonus",
        group="bonus",
        max_points=5,
    )
    period = open_period(org.w2, regulation=regulation)
    period_decide(period=period, user=None, enforce_phase=False)
    with pytest.raises(RegulationFrozen) as error, transaction.atomic():
        spare.delete()
    assert "R2" in error.value.message
    assert Criterion.objects.filter(pk=spare.pk).exists()


def test_a_regulation_stays_editable_until_a_period_is_decided(scored):
    nd335 = Regulation.objects.get(code="ND335")
    nd335.name = "Nghị định 335 (sửa)"
    nd335.save()
    hn = Regulation.objects.get(code="HN3814")
    hn.bonus_cap = Decimal("8")
    hn.save()
    period_decide(period=scored, user=None)
    hn.bonus_cap = Decimal("9")
    hn.save()
    assert Regulation.objects.get(code="HN3814").bonus_cap == 9
