"""Months of W1-A (the `org` fixture) decided and published on fixed days, with Vietnamese
names that carry every kind of diacritic the documents must print."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from scoring.models import PeerAssignment, Phase
from scoring.month.services.adjustments import pool_set
from scoring.month.services.decide import period_decide, period_publish
from tests.factories import member
from tests.scoring.factories import open_period, points, submit

TODAY = dt.datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
NAMES = {
    "SA3": "Nguyễn Thị Hương",
    "SA4": "Trần Đức Việt",
    "SA5": "Phạm Ngọc Ánh",
    "SA6": "Lê Hoàng Yến",
}
# T entered by the head: different totals, so the ranks are fixed.
T_OF = {"SA": 65, "SA2": 62, "SA3": 58, "SA4": 55, "SA5": 50, "SA6": 45}


@pytest.fixture(autouse=True)
def clock():
    """Today is 03/12/2026 in Hanoi for every test here (the documents' dates)."""
    with time_machine.travel(TODAY, tick=False):
        yield


def decide_month(org, staff, month, *, pool=17_000_000, publish=True, regulation=None, shift=0):
    """`month` over W1-A scored for every staff member (T of T_OF plus `shift`), with a pool,
    decided (and published)."""
    period = open_period(org.a, month, phase=Phase.REVIEW, regulation=regulation)
    for cadre in staff:
        submit(period, cadre, cadre, "self")
        submit(period, cadre, org.head_a, "supervisor", points(T=T_OF[cadre.code] + shift))
    for assignment in PeerAssignment.objects.filter(period=period).select_related("rater", "ratee"):
        submit(period, assignment.ratee, assignment.rater, "peer")
    pool_set(period=period, unit=org.a, amount=pool, user=None)
    period = period_decide(period=period, user=None)
    if publish:
        period = period_publish(period=period, user=None)
    return period


@pytest.fixture
def office(org):
    """November 2026 over W1-A published on 03/12/2026 (six staff, a pool of 17.000.000)."""
    extra = [member(org.a, code=code, full_name=name) for code, name in NAMES.items()]
    staff = [org.staff_a, org.staff_a2, *extra]
    period = decide_month(org, staff, "2026-11")
    return SimpleNamespace(org=org, staff=staff, period=period, head=org.head_a)
