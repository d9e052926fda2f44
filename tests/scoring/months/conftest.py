"""The month run by the head of its scope: November 2026 over ward W1 of the `org` fixture,
opened on 28 October with the regulation's dates, the clock frozen where each test says."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from scoring.models import AuditEntry, Period, Phase, ReminderSent
from scoring.month.services.opening import period_advance, period_open
from tests.factories import member

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MONTH = "2026-11"


def at(day: dt.date | str, hour=9) -> dt.datetime:
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return dt.datetime.combine(day, dt.time(hour), tzinfo=HANOI)


@pytest.fixture
def clock(time_machine):
    """Frozen at 09:00 in Hanoi on the day given: `clock("2026-11-26")`."""

    def _move(day, hour=9):
        time_machine.move_to(at(day, hour), tick=False)

    _move("2026-10-28")
    return _move


@pytest.fixture
def ward(org, clock):
    """W1's November, in draft: HW heads the ward and DW deputises (both its members, with the
    leader LW1); HA, SA, SA2 in W1-A; HB, SB, SB2 in W1-B; HW2 heads W2. The departments'
    people have email addresses. Dates: self until 25/11, peers 27/11, review 30/11, publish by
    03/12, appeals until 08/12, lock on 10/12."""
    extra = member(org.b, code="SB2", full_name="Phan Thị Hai")
    head = member(org.w1, role="head", code="HW", full_name="Chủ tịch Phường", job_group="leader")
    deputy = member(org.w1, role="deputy", code="DW", full_name="Phó Chủ tịch", job_group="leader")
    head_w2 = member(org.w2, role="head", code="HW2", full_name="Chủ tịch Phường Hai")
    for cadre in (org.head_a, org.staff_a, org.staff_a2, org.head_b, org.staff_b, extra):
        cadre.email = f"{cadre.code.lower()}@phuong.example.vn"
        cadre.save(update_fields=["email"])
    period = period_open(month=MONTH, scope=org.w1, user=None)
    return SimpleNamespace(
        org=org, period=period, staff_b2=extra, head=head, deputy=deputy, head_w2=head_w2
    )


def state():
    """Everything a run of the schedule may write: phases, audit, reminders sent."""
    return (
        list(Period.objects.order_by("pk").values_list("pk", "phase", "locked_at")),
        AuditEntry.objects.count(),
        ReminderSent.objects.count(),
    )


def reach(ward, phase):
    """The ward's month moved on from draft to `phase` (self, peer or review)."""
    period = ward.period
    for step in (Phase.SELF, Phase.PEER, Phase.REVIEW):
        if period.phase == phase:
            break
        period = period_advance(period=period, phase=step, user=None)
    return period
