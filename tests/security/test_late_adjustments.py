"""Issue 12, item 5: penalties and discipline were accepted after the review deadline. Bonus,
penalty, discipline and leave belong to the supervisor step and obey it exactly as its scores
do (docs/RULES.md §2): on the web they are refused before supervisor review and after
its deadline, unless a head reopens the step with a reason (or a correction is open for the
cadre after an accepted appeal). The command line acts as an administrator and imports them in
any phase before the decision.

The month: W1-A in supervisor review (`scored_month`), the step open until 6 days from today,
SA with a penalty already recorded; the clock is then moved past that deadline.
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from functools import partial

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from scoring.errors import PhaseClosed
from scoring.models import Adjustment, AuditEntry, Period, Phase
from scoring.month.services.adjustments import adjustment_add, adjustment_remove
from scoring.month.services.decide import period_decide
from scoring.month.services.opening import period_reopen_step
from tests.dbstate import nothing_changes
from tests.month.conftest import open_month, scored_month
from tests.security.test_frozen_period import page_text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def by_the_head(org, period):
    """`adjustment_add` as the head of W1-A records it in `period`."""
    return partial(adjustment_add, period=period, user=org.head_a.user)


@pytest.fixture
def month(org):
    period = scored_month(org)
    penalty = by_the_head(org, period)(
        cadre=org.staff_a, kind="penalty", points=2, reason="Đi muộn"
    )
    return period, penalty


def on(day: dt.date):
    """The clock at noon, Hanoi time, on `day`."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 12, tzinfo=HANOI))


def after_deadline(period):
    return on(period.review_until + dt.timedelta(days=1))


def closed_words(period) -> str:
    return f"đã kết thúc ngày {period.review_until.strftime('%d/%m/%Y')}"


def test_a_penalty_after_the_review_deadline_is_refused(org, month):
    period, _penalty = month
    add = by_the_head(org, period)
    with after_deadline(period), nothing_changes(), pytest.raises(PhaseClosed) as refused:
        add(cadre=org.staff_a2, kind="penalty", points=3, reason="Vắng họp")
    assert "thuộc bước thủ trưởng đánh giá" in refused.value.message
    assert closed_words(period) in refused.value.message


@pytest.mark.parametrize("kind", ["bonus", "penalty", "discipline", "leave"])
def test_every_adjustment_kind_after_the_review_deadline_is_refused(org, month, kind):
    period, _penalty = month
    with after_deadline(period), nothing_changes(), pytest.raises(PhaseClosed) as refused:
        adjustment_add(
            period=period, cadre=org.staff_a2, kind=kind, points=1, reason="Muộn", user=None
        )
    assert closed_words(period) in refused.value.message


def test_removing_a_penalty_after_the_review_deadline_is_refused(org, month):
    period, penalty = month
    with after_deadline(period), nothing_changes(), pytest.raises(PhaseClosed):
        adjustment_remove(adjustment=penalty, reason="Nhầm", user=org.head_a.user)


def test_a_penalty_before_supervisor_review_is_refused(org):
    period = open_month(org.a, phase=Phase.SELF)
    with nothing_changes(), pytest.raises(PhaseClosed) as refused:
        by_the_head(org, period)(cadre=org.staff_a, kind="discipline", reason="Vi phạm")
    assert "chưa bắt đầu" in refused.value.message


def test_the_grid_refuses_a_penalty_after_the_review_deadline(org, month, login):
    """The grid offers no adjustment form once the step has closed, and a POST made anyway is
    refused on the row with the reason; removing is refused the same way."""
    period, penalty = month
    grid = reverse("month:grid", args=[period.pk, "W1-A"])
    add = reverse("month:grid_adjust", args=[period.pk, "W1-A", "SA2"])
    remove = reverse("month:grid_adjust_remove", args=[period.pk, "W1-A", "SA", penalty.pk])
    with after_deadline(period):
        client = login(org.head_a)
        page = page_text(client.get(grid))
        assert add not in page and remove not in page
        with nothing_changes():
            added = page_text(
                client.post(add, {"kind": "penalty", "points": "3", "reason": "Vắng"}, **HTMX)
            )
            removed = page_text(client.post(remove, **HTMX))
            plain = client.post(add, {"kind": "discipline", "points": "", "reason": "Vi phạm"})
    for row in (added, removed):
        assert 'data-state="refused"' in row and closed_words(period) in row
    assert plain.status_code == 302  # without htmx: back to the grid with the message


def test_a_reopened_review_step_accepts_a_penalty_again(org, month, login):
    """A head reopens the supervisor step with a reason: adjustments are accepted again on the
    web until the new deadline, and the reopening is audited."""
    period, _penalty = month
    late = period.review_until + dt.timedelta(days=1)
    with on(late):
        period_reopen_step(
            period=period,
            kind="supervisor",
            until=late + dt.timedelta(days=2),
            reason="Bổ sung kỷ luật",
            user=org.head_a.user,
        )
        response = login(org.head_a).post(
            reverse("month:grid_adjust", args=[period.pk, "W1-A", "SA2"]),
            {"kind": "discipline", "points": "", "reason": "Vi phạm kỷ luật"},
            **HTMX,
        )
    assert 'data-state="saved"' in page_text(response)
    assert Adjustment.objects.filter(cadre=org.staff_a2, kind="discipline").count() == 1
    assert AuditEntry.objects.get(action="period.reopen_step").reason == "Bổ sung kỷ luật"


def test_the_command_line_imports_adjustments_after_the_deadline_until_the_decision(
    org, month, tmp_path
):
    """The command line is the administrator's tool (docs/RULES.md §2): after the review deadline it
    still imports into a period before its decision, never after."""
    period, _penalty = month
    path = tmp_path / "adjustments.csv"
    path.write_text("cadre_code,kind,points,reason\nSA2,penalty,1,Muộn\n", encoding="utf-8")
    with after_deadline(period):
        call_command("import", "adjustments", period.month, str(path), stdout=io.StringIO())
        assert Adjustment.objects.filter(cadre=org.staff_a2, kind="penalty").count() == 1
        period_decide(period=period, user=None, enforce_phase=False)
        path.write_text("cadre_code,kind,points,reason\nSA2,leave,0,Nghỉ\n", encoding="utf-8")
        with nothing_changes(), pytest.raises(CommandError):
            call_command("import", "adjustments", period.month, str(path), stderr=io.StringIO())
    assert Period.objects.get(pk=period.pk).phase == Phase.DECIDED


def test_a_penalty_within_the_review_step_is_still_accepted(org, month):
    """The honest case is unchanged: in supervisor review before the deadline, on its last
    day included, the supervisor records adjustments."""
    period, _penalty = month
    with on(period.review_until):
        by_the_head(org, period)(
            cadre=org.staff_a2, kind="penalty", points=1, reason="Chậm báo cáo"
        )
    assert Adjustment.objects.filter(cadre=org.staff_a2).count() == 1
