"""Opening a month, phases, who may rate whom, points, optimistic concurrency, adjustments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial

import pytest
from django.utils import timezone, translation

from directives.models import Regulation
from scoring.errors import InvalidInput, NotAllowed, PeriodConflict, PhaseClosed, StaleScorecard
from scoring.models import Adjustment, AuditEntry, Period, Phase, Scorecard, ScorecardStatus
from scoring.month.services.adjustments import adjustment_add, adjustment_remove, pool_set
from scoring.month.services.opening import (
    default_dates,
    period_advance,
    period_open,
    period_refresh_members,
    period_reopen_step,
)
from scoring.month.services.scorecards import scorecard_save
from tests.conftest import on_the_day
from tests.factories import MembershipFactory, RoleFactory, UnitFactory, member
from tests.scoring.factories import make_task, open_dates, open_period, points, submit

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)
on_today = on_the_day(TODAY)


@pytest.fixture
def w1(org):
    """The org with a head of W1 and a deputy of W1-A."""
    org.head_w1 = member(org.w1, role="head", code="HW1", job_group="leader")
    org.deputy_a = member(org.a, role="deputy", code="DA", job_group="leader")
    return org


def save(period, ratee, rater, kind, given, **kw):
    kw.setdefault("user", rater.user)
    return scorecard_save(period=period, ratee=ratee, rater=rater, kind=kind, points=given, **kw)


# --- opening -------------------------------------------------------------------------------


def test_open_snapshots_members_with_their_unit_job_group_and_leadership(w1):
    period = open_period(w1.w1)
    members = {
        m.cadre.code: (m.unit.code, m.job_group, m.is_leader)
        for m in period.members.select_related("cadre", "unit")
    }
    assert members == {
        "HW1": ("W1", "leader", True),
        "LW1": ("W1", "leader", False),
        "HA": ("W1-A", "leader", True),
        "DA": ("W1-A", "leader", True),
        "SA": ("W1-A", "specialist", False),
        "SA2": ("W1-A", "specialist", False),
        "HB": ("W1-B", "leader", True),
        "SB": ("W1-B", "specialist", False),
    }
    assert set(period.units.values_list("unit__code", flat=True)) == {
        "W1",
        "W1-A",
        "W1-B",
    }
    assert period.regulation.code == "ND335"
    entry = period.audit_entries.get(action="period.open")
    assert entry.new["members"] == 8
    assert entry.actor == "manage.py"


def test_open_stores_the_peer_assignment_of_every_unit(w1):
    period = open_period(w1.w1)
    pairs = set(period.peer_assignments.values_list("rater__code", "ratee__code"))
    # Units of at most k + 1 = 5 people: everyone rates everyone else of the unit.
    unit_a = ["HA", "DA", "SA", "SA2"]
    expected = {(r, e) for r in unit_a for e in unit_a if r != e}
    expected |= {("HB", "SB"), ("SB", "HB"), ("HW1", "LW1"), ("LW1", "HW1")}
    assert pairs == expected


def test_open_gives_each_cadre_of_a_large_unit_four_peers(org):
    for i in range(7):
        member(org.b, code=f"B{i}")
    period = open_period(org.w1)
    in_b = period.peer_assignments.filter(rater__memberships__unit=org.b)
    per_rater = {}
    for rater, ratee in in_b.values_list("rater__code", "ratee__code"):
        per_rater.setdefault(rater, set()).add(ratee)
    assert len(per_rater) == 9
    assert all(len(ratees) == 4 for ratees in per_rater.values())
    assert all(rater not in ratees for rater, ratees in per_rater.items())


def test_open_uses_the_membership_valid_on_the_last_day_of_the_month(org):
    """Rotation: moved within the month -> new unit; moved out after it -> still counted here;
    joined after the month -> not in it."""
    moved = member(org.a, code="MOVED")
    moved.memberships.update(valid_to=dt.date(2026, 10, 14))
    MembershipFactory(cadre=moved, unit=org.b, valid_from=dt.date(2026, 10, 15))
    left = member(org.a, code="LEFT")
    left.memberships.update(valid_to=dt.date(2026, 10, 31))
    MembershipFactory(cadre=left, unit=org.w2, valid_from=dt.date(2026, 11, 1))
    joined = member(org.a, code="JOINED")
    joined.memberships.update(valid_from=dt.date(2026, 11, 1))

    period = open_period(org.w1)
    units = dict(period.members.values_list("cadre__code", "unit__code"))
    assert units["MOVED"] == "W1-B"
    assert units["LEFT"] == "W1-A"
    assert "JOINED" not in units
    november = open_period(org.w1, "2026-11")
    later = set(november.members.values_list("cadre__code", flat=True))
    assert "JOINED" in later
    assert "LEFT" not in later


def test_open_sets_the_dates_of_the_month(org):
    period = period_open(month="2026-12", scope=org.w1)
    assert (
        period.self_until,
        period.peer_until,
        period.review_until,
        period.publish_by,
        period.appeals_until,
        period.lock_on,
    ) == (
        dt.date(2026, 12, 25),
        dt.date(2026, 12, 27),
        dt.date(2026, 12, 31),
        dt.date(2027, 1, 3),
        dt.date(2027, 1, 8),
        dt.date(2027, 1, 10),
    )
    assert period.phase == Phase.DRAFT
    assert default_dates("2026-02")["review_until"] == dt.date(2026, 2, 28)


@pytest.mark.parametrize("other", ["w1", "city", "a"])
def test_open_refuses_a_month_already_open_for_the_scope_or_an_overlapping_one(org, other):
    open_period(getattr(org, other))
    with pytest.raises(PeriodConflict) as refused:
        period_open(month="2026-10", scope=org.w1)
    assert "2026-10" in refused.value.message
    assert Period.objects.count() == 1


def test_open_allows_a_disjoint_scope_and_another_month(org):
    open_period(org.w1)
    open_period(org.w2)
    open_period(org.w1, "2026-11")
    assert Period.objects.count() == 3


def test_open_refuses_bad_months_and_dates_out_of_order(org):
    with pytest.raises(InvalidInput):
        period_open(month="2026-13", scope=org.w1)
    with pytest.raises(InvalidInput):
        period_open(
            month="2026-10",
            scope=org.w1,
            dates={"self_until": dt.date(2026, 10, 28), "peer_until": dt.date(2026, 10, 27)},
        )
    assert not Period.objects.exists()


def test_a_head_of_the_scope_or_an_administrator_opens_a_period(org):
    for outsider in (org.staff_a, org.head_b, org.leader_w1):
        with pytest.raises(NotAllowed):
            period_open(month="2026-10", scope=org.a, user=outsider.user)
    with pytest.raises(NotAllowed):  # a head of a unit inside the ward, not of the ward
        period_open(month="2026-10", scope=org.w1, user=org.head_a.user)
    assert not Period.objects.exists()
    period = period_open(month="2026-10", scope=org.a, user=org.head_a.user)
    assert period.audit_entries.get().user == org.head_a.user
    period = period_open(month="2026-10", scope=org.w2, user=org.admin)
    assert period.audit_entries.get().user == org.admin


def test_the_regulations_days_prefill_the_dates_and_stay_in_the_month(org):
    regulation = Regulation.objects.get(code="HN3814")
    regulation.self_day, regulation.peer_day, regulation.publish_day = 20, 31, 5
    regulation.appeal_days, regulation.lock_day = 7, 6
    dates = default_dates("2027-02", regulation)
    assert dates == {
        "self_until": dt.date(2027, 2, 20),
        "peer_until": dt.date(2027, 2, 28),
        "review_until": dt.date(2027, 2, 28),
        "publish_by": dt.date(2027, 3, 5),
        "appeals_until": dt.date(2027, 3, 12),
        "lock_on": dt.date(2027, 3, 12),
    }


def test_open_pins_the_chosen_regulation(org):
    hn = Regulation.objects.get(code="HN3814")
    assert period_open(month="2026-10", scope=org.w1, regulation=hn).regulation == hn


def test_refresh_members_takes_joiners_and_leavers_and_their_peers(org):
    period = open_period(org.w1)
    newcomer = member(org.b, code="NEW")
    org.staff_a2.memberships.update(valid_to=dt.date(2026, 10, 1))
    summary = period_refresh_members(period=period)
    assert summary == {"added": ["NEW"], "removed": ["SA2"], "changed": []}
    codes = set(period.members.values_list("cadre__code", flat=True))
    assert "NEW" in codes and "SA2" not in codes
    assert period.peer_assignments.filter(rater=newcomer).count() == 2
    assert not period.peer_assignments.filter(ratee=org.staff_a2).exists()
    assert AuditEntry.objects.filter(action="period.refresh_members").count() == 1


# --- phases --------------------------------------------------------------------------------


def test_a_head_advances_one_step_forward_only(w1):
    period = open_period(w1.w1)
    period = period_advance(period=period, phase=Phase.SELF, user=w1.head_w1.user)
    assert period.phase == Phase.SELF
    with pytest.raises(NotAllowed):
        period_advance(period=period, phase=Phase.REVIEW, user=w1.head_w1.user)
    with pytest.raises(NotAllowed):
        period_advance(period=period, phase=Phase.DRAFT, user=w1.head_w1.user)
    with pytest.raises(NotAllowed):
        period_advance(period=period, phase=Phase.PEER, user=w1.head_a.user)
    entry = AuditEntry.objects.get(action="period.advance")
    assert (entry.old, entry.new) == ({"phase": "draft"}, {"phase": "self"})


def test_an_administrator_moves_to_any_phase_before_the_decision(w1):
    period = open_period(w1.w1)
    assert period_advance(period=period, phase=Phase.REVIEW, user=w1.admin).phase == Phase.REVIEW
    assert period_advance(period=period, phase=Phase.SELF, user=w1.admin).phase == Phase.SELF
    with pytest.raises(InvalidInput):
        period_advance(period=period, phase=Phase.DECIDED, user=w1.admin)


def test_no_scorecard_is_saved_in_draft(w1):
    period = open_period(w1.w1)
    with pytest.raises(PhaseClosed):
        save(period, w1.staff_a, w1.staff_a, "self", points())


def test_peer_and_supervisor_steps_wait_for_their_phase(w1):
    period = open_period(w1.w1, phase=Phase.SELF)
    save(period, w1.staff_a, w1.staff_a, "self", points())
    with pytest.raises(PhaseClosed) as refused:
        save(period, w1.staff_a, w1.staff_a2, "peer", points())
    assert "Cross-evaluation" in refused.value.message or "chéo" in refused.value.message
    with pytest.raises(PhaseClosed):
        save(period, w1.staff_a, w1.head_a, "supervisor", points())
    Period.objects.filter(pk=period.pk).update(phase=Phase.REVIEW)
    save(period, w1.staff_a, w1.staff_a2, "peer", points())
    save(period, w1.staff_a, w1.head_a, "supervisor", points())
    assert period.scorecards.count() == 3


def test_late_self_assessment_is_refused_until_a_head_reopens_the_step(w1):
    period = open_period(w1.w1, phase=Phase.SELF, self_until=YESTERDAY)
    with pytest.raises(PhaseClosed) as refused:
        save(period, w1.staff_a, w1.staff_a, "self", points())
    assert YESTERDAY.strftime("%d/%m/%Y") in refused.value.message
    with pytest.raises(InvalidInput):
        period_reopen_step(
            period=period, kind="self", until=TODAY, reason=" ", user=w1.head_w1.user
        )
    with pytest.raises(NotAllowed):
        period_reopen_step(
            period=period, kind="self", until=TODAY, reason="Ốm", user=w1.staff_a.user
        )
    period_reopen_step(
        period=period, kind="self", until=TODAY, reason="Mất điện ngày 25", user=w1.head_w1.user
    )
    card = save(period, w1.staff_a, w1.staff_a, "self", points())
    assert card.version == 1
    entry = AuditEntry.objects.get(action="period.reopen_step")
    assert entry.reason == "Mất điện ngày 25"
    assert entry.new == {"self_until": TODAY.isoformat()}


def test_the_command_line_saves_in_any_phase_before_the_decision(w1):
    period = open_period(w1.w1, self_until=YESTERDAY)
    submit(period, w1.staff_a, w1.staff_a, "self")
    submit(period, w1.staff_a, w1.head_a, "supervisor")
    assert period.scorecards.filter(status=ScorecardStatus.SUBMITTED).count() == 2


# --- who may rate whom ---------------------------------------------------------------------


def test_a_self_assessment_is_only_by_the_cadre(w1):
    period = open_period(w1.w1, phase=Phase.SELF)
    with pytest.raises(NotAllowed):
        save(period, w1.staff_a, w1.staff_a2, "self", points())


def test_a_user_saves_only_their_own_scorecards(w1):
    period = open_period(w1.w1, phase=Phase.SELF)
    with pytest.raises(NotAllowed):
        save(period, w1.staff_a, w1.staff_a, "self", points(), user=w1.head_a.user)


def test_peers_are_the_assigned_ones_on_the_web_and_any_unit_member_on_the_command_line(org):
    for i in range(6):
        member(org.b, code=f"B{i}")
    period = open_period(org.w1, phase=Phase.PEER)
    assigned = period.peer_assignments.filter(rater=org.staff_b).values_list("ratee_id", flat=True)
    in_b = period.members.filter(unit=org.b).exclude(cadre=org.staff_b)
    other = in_b.exclude(cadre_id__in=assigned).first().cadre
    with pytest.raises(NotAllowed) as refused:
        save(period, other, org.staff_b, "peer", points())
    assert "SB" in refused.value.message
    submit(period, other, org.staff_b, "peer")
    with pytest.raises(NotAllowed):
        submit(period, org.staff_a, org.staff_b, "peer")
    with pytest.raises(NotAllowed):
        submit(period, org.staff_b, org.staff_b, "peer")


@pytest.mark.parametrize(
    ("ratee", "rater", "allowed"),
    [
        ("staff_a", "head_a", True),
        ("staff_a", "deputy_a", True),
        ("staff_a", "head_w1", True),
        ("deputy_a", "head_a", True),
        ("head_a", "head_w1", True),
        ("head_a", "deputy_a", False),  # a head is supervised from above the unit
        ("head_a", "head_a", False),
        ("staff_a", "head_b", False),
        ("staff_a", "staff_a2", False),
        ("staff_a", "leader_w1", False),  # a leader reads, never scores
        ("head_w1", "head_w1", False),
    ],
)
def test_who_may_supervise_whom(w1, ratee, rater, allowed):
    period = open_period(w1.w1)
    ratee, rater = getattr(w1, ratee), getattr(w1, rater)
    if allowed:
        assert submit(period, ratee, rater, "supervisor").kind == "supervisor"
    else:
        with pytest.raises(NotAllowed):
            submit(period, ratee, rater, "supervisor")


def test_supervision_follows_roles_valid_on_the_last_day_of_the_month(w1):
    RoleFactory(cadre=w1.head_b, unit=w1.a, role="head", valid_from=dt.date(2026, 11, 1))
    period = open_period(w1.w1)
    with pytest.raises(NotAllowed):
        submit(period, w1.staff_a, w1.head_b, "supervisor")


def test_a_cadre_outside_the_period_is_not_rated(w1):
    period = open_period(w1.w1)
    with pytest.raises(NotAllowed):
        submit(period, w1.leader_w2, w1.head_w1, "supervisor")


# --- points --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "fragment"),
    [
        ({"G1": Decimal("5.5")}, "G1"),
        ({"G4": Decimal("-1")}, "G4"),
        ({"G4": Decimal("9.125")}, "G4"),
        ({"X9": Decimal("1")}, "X9"),
        ({"G2": "abc"}, "G2"),
    ],
)
def test_points_outside_the_criterion_are_refused(w1, given, fragment):
    period = open_period(w1.w1)
    with pytest.raises(InvalidInput) as refused:
        submit(period, w1.staff_a, w1.head_a, "supervisor", given)
    assert fragment in refused.value.message
    assert not Scorecard.objects.exists()


@pytest.mark.parametrize(
    ("language", "given", "message"),
    [
        ("vi", {"G4": Decimal("10.5")}, "G4: 10,5 nằm ngoài khoảng 0–10."),
        ("en", {"G4": Decimal("12")}, "G4: 12 is outside 0–10."),
        ("vi", {"G1": Decimal("5.25")}, "G1: 5,25 nằm ngoài khoảng 0–5."),
    ],
)
def test_a_refused_value_and_its_maximum_read_as_people_write_them(w1, language, given, message):
    """The maximum 10.00 reads "10", never "1E+1"; the decimal comma in Vietnamese."""
    period = open_period(w1.w1)
    with translation.override(language), pytest.raises(InvalidInput) as refused:
        submit(period, w1.staff_a, w1.head_a, "supervisor", given)
    assert refused.value.message == message


def test_t_is_entered_only_by_a_supervisor_for_a_cadre_without_tasks(w1):
    period = open_period(w1.w1)
    with pytest.raises(InvalidInput):
        submit(period, w1.staff_a, w1.staff_a, "self", points(T=60))
    card = submit(period, w1.staff_a, w1.head_a, "supervisor", points(T=60))
    assert card.lines.get(criterion__code="T").points == 60
    make_task(w1.staff_a2, unit=w1.a, deadline=dt.date(2026, 10, 20))
    with pytest.raises(InvalidInput) as refused:
        submit(period, w1.staff_a2, w1.head_a, "supervisor", points(T=60))
    assert "T" in refused.value.message
    with pytest.raises(InvalidInput):
        submit(period, w1.staff_a, w1.head_a, "supervisor", points(T=71))


def test_a_submitted_web_scorecard_has_every_general_criterion(w1):
    period = open_period(w1.w1, phase=Phase.SELF)
    draft = save(period, w1.staff_a, w1.staff_a, "self", {"G1": 5})
    assert draft.status == ScorecardStatus.DRAFT
    with pytest.raises(InvalidInput) as refused:
        save(period, w1.staff_a, w1.staff_a, "self", {"G2": 5}, submit=True)
    assert "G3" in refused.value.message
    card = save(period, w1.staff_a, w1.staff_a, "self", points(), submit=True, expected_version=1)
    assert card.status == ScorecardStatus.SUBMITTED
    assert card.lines.count() == 5


def test_saving_merges_lines_removes_with_none_and_keeps_comments(w1):
    period = open_period(w1.w1)
    submit(period, w1.staff_a, w1.head_a, "supervisor", points(), comments={"G1": "Tốt"})
    card = submit(period, w1.staff_a, w1.head_a, "supervisor", {"G1": 4, "G5": None})
    lines = {line.criterion.code: (line.points, line.comment) for line in card.lines.all()}
    assert lines["G1"] == (Decimal("4.00"), "Tốt")
    assert "G5" not in lines
    assert card.version == 2


# --- optimistic concurrency ----------------------------------------------------------------


def test_a_save_over_a_newer_save_is_refused_and_names_who_saved(w1):
    period = open_period(w1.w1, phase=Phase.REVIEW)
    first = save(period, w1.staff_a, w1.head_a, "supervisor", points(), expected_version=0)
    assert first.version == 1
    with pytest.raises(StaleScorecard) as refused:
        save(period, w1.staff_a, w1.head_a, "supervisor", points(G1=1), expected_version=0)
    assert w1.head_a.full_name in refused.value.message
    assert Scorecard.objects.get().lines.get(criterion__code="G1").points == 5
    second = save(period, w1.staff_a, w1.head_a, "supervisor", points(G1=1), expected_version=1)
    assert second.version == 2


def test_every_save_is_audited_with_old_and_new_points(w1):
    period = open_period(w1.w1, phase=Phase.REVIEW)
    save(period, w1.staff_a, w1.head_a, "supervisor", points(), expected_version=0)
    save(period, w1.staff_a, w1.head_a, "supervisor", {"G1": 3}, expected_version=1)
    first, second = AuditEntry.objects.filter(object_type="scorecard").order_by("pk")
    assert first.old is None
    assert first.new["points"]["G1"] == "5.00"
    assert second.old["points"]["G1"] == "5.00"
    assert second.new["points"]["G1"] == "3.00"
    assert second.user == w1.head_a.user
    assert w1.head_a.full_name in second.actor


# --- adjustments and pools -----------------------------------------------------------------


def test_a_bonus_is_refused_where_the_regulation_has_none(w1):
    period = open_period(w1.w1, phase=Phase.REVIEW)
    with pytest.raises(InvalidInput) as refused:
        adjustment_add(period=period, cadre=w1.staff_a, kind="bonus", points=2, reason="Giỏi")
    assert "ND335" in refused.value.message


def test_bonuses_under_hn3814_may_add_up_past_the_cap(w1):
    period = open_period(
        w1.w1, phase=Phase.REVIEW, regulation=Regulation.objects.get(code="HN3814")
    )
    for _ in range(2):
        adjustment_add(period=period, cadre=w1.staff_a, kind="bonus", points=6, reason="Sáng kiến")
    assert Adjustment.objects.filter(kind="bonus").count() == 2


def test_adjustments_need_a_reason_a_supervisor_and_sensible_points(w1):
    period = open_period(w1.w1, phase=Phase.REVIEW)
    add = partial(adjustment_add, period=period, cadre=w1.staff_a)
    with pytest.raises(InvalidInput):
        add(kind="penalty", points=2, reason="  ")
    with pytest.raises(InvalidInput):
        add(kind="penalty", points=0, reason="Muộn")
    with pytest.raises(InvalidInput):
        add(kind="award", points=1, reason="?")
    with pytest.raises(NotAllowed):
        add(kind="penalty", points=2, reason="Muộn", user=w1.staff_a2.user)
    leave = add(kind="leave", points=7, reason="Nghỉ ốm", user=w1.head_a.user)
    assert leave.points == 0
    assert leave.entered_by == w1.head_a.user


def test_removing_an_adjustment_is_audited(w1):
    period = open_period(w1.w1, phase=Phase.REVIEW)
    penalty = adjustment_add(
        period=period, cadre=w1.staff_a, kind="penalty", points=2, reason="Chậm báo cáo"
    )
    adjustment_remove(adjustment=penalty, reason="Nhập nhầm", user=w1.head_a.user)
    assert not Adjustment.objects.exists()
    entry = AuditEntry.objects.get(action="adjustment.remove")
    assert entry.old["points"] == "2.00"
    assert entry.reason == "Nhập nhầm"


def test_a_pool_is_set_by_a_head_over_the_unit(w1):
    period = open_period(w1.w1)
    with pytest.raises(NotAllowed):
        pool_set(period=period, unit=w1.a, amount=5_000_000, user=w1.head_b.user)
    with pytest.raises(InvalidInput):
        pool_set(period=period, unit=w1.a, amount=-1, user=w1.head_a.user)
    with pytest.raises(InvalidInput):
        pool_set(period=period, unit=w1.w2, amount=1, user=None)
    pool_set(period=period, unit=w1.a, amount=5_000_000, user=w1.head_a.user)
    assert period.units.get(unit=w1.a).pool == 5_000_000
    entry = AuditEntry.objects.get(action="pool.set")
    assert (entry.old["pool"], entry.new["pool"]) == (0, 5_000_000)


def test_a_unit_opened_later_in_the_tree_is_not_in_an_older_period(org):
    period = open_period(org.w1)
    late = UnitFactory(code="W1-C", parent=org.w1)
    with pytest.raises(InvalidInput):
        pool_set(period=period, unit=late, amount=1)


def test_open_dates_helper_keeps_every_step_open():
    assert all(d > TODAY for d in open_dates().values())
