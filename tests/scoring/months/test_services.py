"""The month's writes that `scoring.months.services` adds: stepping back, reopening a step for
named units, the pools of every unit at once, reminders to people."""

import datetime as dt

import pytest
from django.core import mail

from directives.models import Regulation
from scoring.errors import InvalidInput, NotAllowed, PeriodFrozen, PhaseClosed
from scoring.models import AuditEntry, Phase, ScorecardKind
from scoring.month.services.decide import period_decide
from scoring.month.services.opening import period_open
from scoring.month.services.scorecards import scorecard_save
from scoring.months.services import (
    period_pools_set,
    period_reopen_units,
    period_step_back,
    reminder_send,
)
from tests.month.conftest import points
from tests.scoring.months.conftest import reach

pytestmark = pytest.mark.django_db


def at(ward, phase):
    ward.period = reach(ward, phase)
    return ward.period


def self_card(period, cadre, user):
    return scorecard_save(
        period=period,
        ratee=cadre,
        rater=cadre,
        kind=ScorecardKind.SELF,
        points=points(),
        submit=True,
        user=user,
    )


class TestStepBack:
    def test_a_head_steps_back_from_review_to_peers_with_a_reason(self, ward, clock):
        clock("2026-11-20")
        period = at(ward, Phase.REVIEW)
        period = period_step_back(period=period, reason="Còn thiếu phiếu", user=ward.head.user)
        assert period.phase == Phase.PEER
        entry = AuditEntry.objects.get(action="period.step_back")
        assert (entry.old, entry.new, entry.reason) == (
            {"phase": "review"},
            {"phase": "peer"},
            "Còn thiếu phiếu",
        )

    def test_a_passed_deadline_needs_a_new_one_and_later_dates_follow(self, ward, clock):
        clock("2026-11-29")
        period = at(ward, Phase.REVIEW)
        with pytest.raises(InvalidInput, match="đã đóng ngày 27/11/2026"):
            period_step_back(period=period, reason="Thiếu", user=ward.head.user)
        period = period_step_back(
            period=period, reason="Thiếu", until=dt.date(2026, 12, 2), user=ward.head.user
        )
        assert (period.phase, period.peer_until) == (Phase.PEER, dt.date(2026, 12, 2))
        assert period.review_until == dt.date(2026, 12, 2)  # pushed: it came before
        assert period.publish_by == dt.date(2026, 12, 3)  # untouched

    def test_back_to_draft_only_before_the_month_begins(self, ward, clock):
        period = at(ward, Phase.SELF)
        clock("2026-11-02")
        with pytest.raises(PhaseClosed):
            period_step_back(period=period, reason="Sớm quá", user=ward.head.user)
        clock("2026-10-30")
        assert period_step_back(period=period, reason="Sớm quá", user=ward.head.user).phase == (
            Phase.DRAFT
        )

    def test_it_needs_a_reason_a_phase_before_and_an_undecided_month(self, ward, clock):
        with pytest.raises(PhaseClosed):
            period_step_back(period=ward.period, reason="x", user=ward.head.user)  # draft
        period = at(ward, Phase.PEER)
        with pytest.raises(InvalidInput):
            period_step_back(period=period, reason="  ", user=ward.head.user)
        frozen = period_decide(period=period, user=None, enforce_phase=False)
        with pytest.raises(PeriodFrozen):
            period_step_back(period=frozen, reason="x", user=ward.head.user)

    @pytest.mark.parametrize("who", ["head_a", "leader_w1", "staff_a"])
    def test_nobody_but_a_head_of_the_scope_steps_back(self, ward, who):
        period = at(ward, Phase.PEER)
        with pytest.raises(NotAllowed):
            period_step_back(period=period, reason="x", user=getattr(ward.org, who).user)
        period.refresh_from_db()
        assert period.phase == Phase.PEER


class TestReopenUnits:
    def test_only_the_named_units_take_late_work(self, ward, clock):
        clock("2026-11-20")
        period = at(ward, Phase.PEER)
        clock("2026-11-26")  # self-assessment closed on the 25th
        period_reopen_units(
            period=period,
            kind=ScorecardKind.SELF,
            units=[ward.org.a],
            until=dt.date(2026, 11, 28),
            reason="Mất điện ngày 25",
            user=ward.head.user,
        )
        self_card(period, ward.org.staff_a, ward.org.staff_a.user)  # W1-A: taken
        with pytest.raises(PhaseClosed):
            self_card(period, ward.org.staff_b, ward.org.staff_b.user)  # W1-B: still closed
        clock("2026-11-29")
        with pytest.raises(PhaseClosed):
            self_card(period, ward.org.staff_a2, ward.org.staff_a2.user)  # W1-A past its date
        entry = AuditEntry.objects.get(action="period.reopen_units")
        assert entry.new == {"kind": "self", "until": "2026-11-28", "units": ["W1-A"]}
        assert entry.reason == "Mất điện ngày 25"

    def test_it_refuses_what_would_change_nothing_or_is_not_in_the_month(self, ward, clock):
        clock("2026-11-20")
        period = at(ward, Phase.SELF)
        args = {"period": period, "reason": "x", "user": ward.head.user}
        with pytest.raises(PhaseClosed):  # the peer step has not started
            period_reopen_units(
                kind="peer", units=[ward.org.a], until=dt.date(2026, 11, 30), **args
            )
        with pytest.raises(InvalidInput):  # before the month's own deadline
            period_reopen_units(
                kind="self", units=[ward.org.a], until=dt.date(2026, 11, 24), **args
            )
        with pytest.raises(InvalidInput):
            period_reopen_units(kind="self", units=[], until=dt.date(2026, 11, 28), **args)
        with pytest.raises(InvalidInput):
            period_reopen_units(
                kind="self", units=[ward.org.w2], until=dt.date(2026, 11, 28), **args
            )
        with pytest.raises(InvalidInput):
            period_reopen_units(
                kind="self", units=[ward.org.a], until=dt.date(2026, 11, 19), **args
            )
        assert not AuditEntry.objects.filter(action="period.reopen_units").exists()

    def test_a_head_of_a_department_cannot_reopen_the_wards_step(self, ward, clock):
        period = at(ward, Phase.SELF)
        with pytest.raises(NotAllowed):
            period_reopen_units(
                period=period,
                kind="self",
                units=[ward.org.a],
                until=dt.date(2026, 11, 28),
                reason="x",
                user=ward.org.head_a.user,
            )


class TestPools:
    def test_pools_and_flags_are_saved_together_each_audited(self, org, clock):
        head = org.head_a
        hn = Regulation.objects.get(code="HN3814")
        period = period_open(month="2026-11", scope=org.w1, regulation=hn, user=None)
        admin = org.admin
        changed = period_pools_set(
            period=period,
            pools={org.a: 17_000_000, org.b: 0},
            outstanding={org.a: True, org.b: False},
            user=admin,
        )
        assert changed == 2
        row = period.units.get(unit=org.a)
        assert (row.pool, row.outstanding) == (17_000_000, True)
        assert [e.action for e in AuditEntry.objects.filter(user=admin).order_by("pk")] == [
            "pool.set",
            "unit.outstanding",
        ]
        with pytest.raises(NotAllowed):
            period_pools_set(period=period, pools={org.a: 1}, user=head.user)

    def test_a_flag_is_refused_where_the_regulation_has_no_outstanding_rate(self, ward):
        with pytest.raises(InvalidInput, match="ND335"):
            period_pools_set(
                period=ward.period,
                pools={ward.org.a: 5_000_000},
                outstanding={ward.org.a: True},
                user=ward.head.user,
            )
        assert ward.period.units.get(unit=ward.org.a).pool == 0  # all or nothing

    def test_a_bad_amount_writes_nothing(self, ward):
        with pytest.raises(InvalidInput):
            period_pools_set(
                period=ward.period,
                pools={ward.org.a: 5_000_000, ward.org.b: -1},
                user=ward.head.user,
            )
        assert ward.period.units.get(unit=ward.org.a).pool == 0


class TestReminders:
    def test_a_person_is_reminded_of_their_open_work_once_a_day(self, ward, clock):
        clock("2026-11-20")
        period = at(ward, Phase.SELF)
        org = ward.org
        report = reminder_send(period=period, cadres=[org.staff_a, org.leader_w1], user=None)
        assert report.sent == ["SA"] and report.no_address == ["LW1"]
        again = reminder_send(period=period, cadres=[org.staff_a], user=None)
        assert again.already == ["SA"] and len(mail.outbox) == 1
        clock("2026-11-21")
        assert reminder_send(period=period, cadres=[org.staff_a], user=None).sent == ["SA"]

    def test_a_closed_step_is_not_reminded(self, ward, clock):
        clock("2026-11-26")  # self-assessment closed on the 25th, the month still in it
        period = at(ward, Phase.SELF)
        report = reminder_send(period=period, cadres=[ward.org.staff_a], user=ward.head.user)
        assert report.nothing_owed == ["SA"] and mail.outbox == []

    def test_a_leader_cannot_send_reminders(self, ward, clock):
        clock("2026-11-20")
        period = at(ward, Phase.SELF)
        with pytest.raises(NotAllowed):
            reminder_send(period=period, cadres=[ward.org.staff_a], user=ward.org.leader_w1.user)
        assert mail.outbox == []
