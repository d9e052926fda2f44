"""The demo seeded on the days of the calendar that move its months: the first and the last day
of a month, a 15th, New Year's Day and the last day of a leap February. Whatever the day, it
has six decided months before the current one, the newest still open for appeals and the
current month open for self-assessment."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from scoring.demo.ward import build_demo
from scoring.models import Period, Phase, Result

pytestmark = pytest.mark.django_db

HANOI = dt.timezone(dt.timedelta(hours=7))
DAYS = [
    dt.datetime(2027, 1, 1, 0, 10, tzinfo=HANOI),
    dt.datetime(2026, 12, 31, 23, 50, tzinfo=HANOI),
    dt.datetime(2028, 2, 29, 12, 0, tzinfo=HANOI),
    dt.datetime(2027, 3, 15, 9, 0, tzinfo=HANOI),
    dt.datetime(2027, 4, 1, 8, 0, tzinfo=HANOI),
]


@pytest.mark.parametrize("moment", DAYS, ids=[f"{d:%Y-%m-%d}" for d in DAYS])
def test_the_demo_has_six_decided_months_and_the_current_one_open(moment):
    with time_machine.travel(moment, tick=True):
        build_demo(cadres=40)
        today = timezone.localdate()
        periods = list(Period.objects.filter(scope__code="HH").order_by("month"))
        assert [p.month for p in periods][-1] == f"{today:%Y-%m}"
        assert len({p.month for p in periods}) == 7
        assert [p.phase for p in periods] == [Phase.LOCKED] * 5 + [Phase.APPEALS, Phase.SELF]
        newest, current = periods[-2], periods[-1]
        assert newest.appeals_until >= today
        assert current.self_until >= today
        for period in periods[:-1]:
            members = period.members.count()
            assert Result.objects.filter(period=period).count() == members > 0
            assert period.decided_at.date() == period.review_until
