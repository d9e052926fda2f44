"""`manage.py run_schedule`: every phase change its dates make, and a second run does nothing."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command

from scoring.models import (
    Appeal,
    AuditEntry,
    Period,
    Phase,
    ReminderSent,
    ScorecardKind,
)
from scoring.month.services.appeals import appeal_answer, appeal_file
from scoring.month.services.decide import period_decide, period_publish
from scoring.months.history import SCHEDULE_ACTOR
from scoring.months.schedule import due_step, schedule_period
from tests.month.conftest import points, submit
from tests.scoring.months.conftest import state

pytestmark = pytest.mark.django_db


def run(day=None, *options):
    out = io.StringIO()
    args = [*options, *(["--date", day] if day else [])]
    call_command("run_schedule", *args, stdout=out)
    return out.getvalue()


def phase(period):
    period.refresh_from_db()
    return period.phase


def moves(period):
    return list(
        AuditEntry.objects.filter(period=period, actor=SCHEDULE_ACTOR)
        .order_by("pk")
        .values_list("action", "old__phase", "new__phase", "reason")
    )


def published(ward, clock):
    """The ward's November scored, decided on 30/11 and published on 02/12."""
    org, period = ward.org, ward.period
    clock("2026-11-30")
    run("2026-11-30", "--no-reminders")
    for cadre, head in ((org.staff_a, org.head_a), (org.staff_b, org.head_b)):
        submit(period, cadre, head, ScorecardKind.SUPERVISOR, points(T=60))
    period = period_decide(period=period, user=None, enforce_phase=False)
    clock("2026-12-02")
    return period_publish(period=period, user=None)


def test_a_month_opened_early_starts_on_its_first_day(ward, clock):
    assert "W1" not in run("2026-10-31", "--no-reminders").replace("2026-10-31", "")
    assert phase(ward.period) == Phase.DRAFT
    out = run("2026-11-01", "--no-reminders")
    assert "2026-11 · W1: draft → self" in out
    assert phase(ward.period) == Phase.SELF
    assert moves(ward.period) == [
        ("period.advance", "draft", "self", "Tháng bắt đầu từ ngày 01/11/2026.")
    ]


def moves_the_day_after(ward, start, deadline, *, until, then):
    """Runs on `start` and on `deadline` leave the period in `until`; a run the day after
    the deadline moves it to `then`."""
    run(start, "--no-reminders")
    run(deadline, "--no-reminders")
    assert phase(ward.period) == until
    day_after = dt.date.fromisoformat(deadline) + dt.timedelta(days=1)
    run(day_after.isoformat(), "--no-reminders")
    assert phase(ward.period) == then


def test_self_assessment_moves_to_cross_evaluation_the_day_after_its_deadline(ward):
    moves_the_day_after(ward, "2026-11-01", "2026-11-25", until=Phase.SELF, then=Phase.PEER)
    assert moves(ward.period)[-1] == (
        "period.advance",
        "self",
        "peer",
        "Hạn tự đánh giá 25/11/2026 đã qua.",
    )


def test_cross_evaluation_moves_to_supervisor_review_the_day_after_its_deadline(ward):
    moves_the_day_after(ward, "2026-11-26", "2026-11-27", until=Phase.PEER, then=Phase.REVIEW)
    assert moves(ward.period)[-1][1:3] == ("peer", "review")


def test_a_late_run_catches_up_one_audited_phase_at_a_time(ward):
    out = run("2026-11-29", "--no-reminders")
    assert phase(ward.period) == Phase.REVIEW
    assert [m[1:3] for m in moves(ward.period)] == [
        ("draft", "self"),
        ("self", "peer"),
        ("peer", "review"),
    ]
    assert out.count("2026-11 · W1:") == 3


def test_deciding_and_publishing_wait_for_the_head(ward, clock):
    out = run("2026-12-01", "--no-reminders")
    assert phase(ward.period) == Phase.REVIEW
    assert "waits to be decided" in out
    period = period_decide(period=ward.period, user=None, enforce_phase=False)
    out = run("2026-12-04", "--no-reminders")
    assert phase(period) == Phase.DECIDED
    assert "waits to be published" in out


def test_a_published_month_locks_on_its_lock_date_once_appeals_close(ward, clock):
    period = published(ward, clock)
    assert period.appeals_until == dt.date(2026, 12, 8)
    run("2026-12-09", "--no-reminders")
    assert phase(period) == Phase.APPEALS  # appeals closed, but the lock date is the 10th
    run("2026-12-10", "--no-reminders")
    assert phase(period) == Phase.LOCKED
    assert moves(period)[-1][:3] == ("period.lock", "appeals", "locked")
    assert period.locked_at is not None


def test_an_appeal_waiting_for_its_answer_keeps_the_month_open(ward, clock):
    period = published(ward, clock)
    appeal = appeal_file(period=period, cadre=ward.org.staff_a, text="Xin xem lại", user=None)
    out = run("2026-12-10", "--no-reminders")
    assert phase(period) == Phase.APPEALS
    assert "1 appeal(s) wait for an answer" in out
    appeal_answer(appeal=appeal, accept=False, answer="Điểm đúng", user=ward.org.head_a.user)
    run("2026-12-10", "--no-reminders")
    assert phase(period) == Phase.LOCKED
    assert Appeal.objects.get().status == "rejected"


def test_a_locked_month_is_left_alone(ward, clock):
    published(ward, clock)
    run("2026-12-10", "--no-reminders")
    before = state()
    assert "W1" not in run("2027-01-31", "--no-reminders").replace("schedule done", "")
    assert state() == before


def test_a_step_still_before_its_date_is_not_due(ward):
    period = ward.period
    assert due_step(period, dt.date(2026, 10, 31)) is None
    assert due_step(period, dt.date(2026, 11, 1))[0] == Phase.SELF


@pytest.mark.parametrize("day", ["2026-11-01", "2026-11-24", "2026-11-28", "2026-12-10"])
def test_a_second_run_the_same_day_is_a_no_op(ward, clock, day):
    if day == "2026-12-10":
        published(ward, clock)
    clock(day)
    run(day)
    before, outbox = state(), len(mail.outbox)
    out = run(day)
    assert state() == before
    assert len(mail.outbox) == outbox
    assert "→" not in out


class TestReminders:
    def test_the_reminders_due_go_out_once_a_day(self, ward):
        run("2026-11-23")  # self-assessment closes on the 25th: due within two days
        sent = sorted(address for m in mail.outbox for address in m.to)
        assert "sa@phuong.example.vn" in sent and "sb2@phuong.example.vn" in sent
        count = len(mail.outbox)
        assert "reminders: 0 sent" in run("2026-11-23")
        call_command("send_reminders", date="2026-11-23", stdout=io.StringIO())
        assert len(mail.outbox) == count
        assert ReminderSent.objects.filter(sent_on="2026-11-23").count() == len(sent)
        run("2026-11-24")
        assert len(mail.outbox) == 2 * count  # another day, reminded again

    def test_someone_who_has_done_their_part_is_not_reminded(self, ward):
        run("2026-11-01", "--no-reminders")
        org = ward.org
        submit(ward.period, org.staff_a, org.staff_a, ScorecardKind.SELF)
        run("2026-11-23")
        assert "sa@phuong.example.vn" not in [a for m in mail.outbox for a in m.to]

    def test_each_periods_reminders_are_in_its_history(self, ward):
        run("2026-11-23")
        entry = AuditEntry.objects.get(period=ward.period, action="reminder.due")
        assert entry.actor == SCHEDULE_ACTOR
        assert "SA" in entry.new["sent"]

    def test_without_a_date_reminders_wait_for_the_reminder_hour(self, ward, clock):
        clock("2026-11-23", hour=5)
        out = run()
        assert phase(ward.period) == Phase.SELF  # the phases move at any hour
        assert mail.outbox == [] and "reminders" not in out
        clock("2026-11-23", hour=7)
        run()
        assert mail.outbox

    def test_a_bad_date_is_refused(self):
        from django.core.management.base import CommandError

        with pytest.raises(CommandError):
            run("23/11/2026")


def test_a_period_is_never_moved_back_by_a_run_that_read_it_earlier(ward):
    """Two overlapping runs: the second decides on the locked row, not on what it read."""
    stale = Period.objects.get(pk=ward.period.pk)
    run("2026-11-29", "--no-reminders")
    assert schedule_period(stale, dt.date(2026, 11, 29)) == []
    assert phase(ward.period) == Phase.REVIEW
