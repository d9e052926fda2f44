import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from directives.models import TaskStatus
from scoring.models import Phase
from tests.dashboard.factories import (
    AdjustmentFactory,
    PeriodFactory,
    PeriodUnitResultFactory,
    ResultFactory,
    TaskFactory,
    summarized,
)
from tests.factories import member


@pytest.fixture
def months(org):
    """Decided months over ward W1 of the `org` fixture, by hand.

    March 2026 (W1 scope, published): W1-A head 92 A, staff 81.5 B, staff 64 C, a cadre on
    leave (70, not rated); W1-B head 75 B, staff 45 D; the W1 leader 85 B (the ward's own
    member). February 2026 (locked): W1-A staff 70 B, W1-B staff 55 C. April 2026 is still
    open and W2 has its own March: neither shows on W1's dashboard.
    Tasks due in March: W1-A 3 (1 on time, 1 late, 1 not done; a cancelled one and an April
    one aside), W1-B 1 on time (done on the deadline day). Undistributed: A 4,000, B 2,000.
    """
    march = PeriodFactory(month="2026-03", scope=org.w1, phase=Phase.APPEALS)
    february = PeriodFactory(month="2026-02", scope=org.w1, phase=Phase.LOCKED)
    PeriodFactory(month="2026-04", scope=org.w1, phase=Phase.REVIEW)
    w2_march = PeriodFactory(month="2026-03", scope=org.w2, phase=Phase.DECIDED)
    on_leave = member(org.a, code="NL", full_name="Lê Thị Nghỉ")

    def result(period, cadre, unit, total, tier, **extra):
        return ResultFactory(
            period=period, cadre=cadre, unit=unit, total=Decimal(total), tier=tier, **extra
        )

    r = SimpleNamespace(
        head_a=result(march, org.head_a, org.a, "92", "A", rank_in_unit=1, rank_in_scope=1),
        staff_a=result(march, org.staff_a, org.a, "81.5", "B", rank_in_unit=2, rank_in_scope=3),
        staff_a2=result(march, org.staff_a2, org.a, "64", "C", rank_in_unit=3, rank_in_scope=5),
        on_leave=result(march, on_leave, org.a, "70", "", rated=False),
        head_b=result(march, org.head_b, org.b, "75", "B", rank_in_unit=1, rank_in_scope=4),
        staff_b=result(march, org.staff_b, org.b, "45", "D", rank_in_unit=2, rank_in_scope=6),
        leader=result(march, org.leader_w1, org.w1, "85", "B", rank_in_unit=1, rank_in_scope=2),
        feb_a=result(february, org.staff_a, org.a, "70", "B"),
        feb_b=result(february, org.staff_b, org.b, "55", "C"),
        w2=result(w2_march, org.leader_w2, org.w2, "99", "A"),
    )
    PeriodUnitResultFactory(period=march, unit=org.a, pool=6_000_000, undistributed=4_000)
    PeriodUnitResultFactory(period=march, unit=org.b, pool=3_000_000, undistributed=2_000)
    PeriodUnitResultFactory(period=w2_march, unit=org.w2, pool=1_000_000, undistributed=999_000)

    def task(assignee, unit, due, done, **extra):
        extra.setdefault("status", TaskStatus.ACCEPTED if done else TaskStatus.IN_PROGRESS)
        return TaskFactory(assignee=assignee, unit=unit, deadline=due, completed_on=done, **extra)

    d = dt.date
    tasks = SimpleNamespace(
        on_time=task(org.staff_a, org.a, d(2026, 3, 10), d(2026, 3, 9), title="Báo cáo quý I"),
        late=task(org.staff_a, org.a, d(2026, 3, 20), d(2026, 3, 22), title="Kế hoạch thu"),
        undone=task(org.staff_a2, org.a, d(2026, 3, 25), None),
        cancelled=task(
            org.staff_a, org.a, d(2026, 3, 12), None, status=TaskStatus.CANCELLED, title="Hủy"
        ),
        april=task(org.staff_a, org.a, d(2026, 4, 2), d(2026, 4, 1), title="Tháng tư"),
        on_the_day=task(org.staff_b, org.b, d(2026, 3, 15), d(2026, 3, 15)),
        february=task(org.staff_b, org.b, d(2026, 2, 10), d(2026, 2, 11)),
    )
    AdjustmentFactory(period=march, cadre=org.staff_a, points=Decimal("2"), reason="Đi họp muộn")
    summarized()
    return SimpleNamespace(march=march, february=february, results=r, tasks=tasks)
