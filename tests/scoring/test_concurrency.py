"""Two decisions of one period at the same moment, each on its own database connection."""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.db import connections

from scoring.errors import PeriodFrozen
from scoring.models import AuditEntry, Period, PeriodMember, Phase, Result
from scoring.selectors import PeriodInputs
from scoring.services import period_decide
from tests.scoring.factories import open_period, points, submit

POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not POSTGRESQL,
        reason="needs PostgreSQL row locks (SELECT ... FOR UPDATE) across two connections; "
        "SQLite serialises whole-database writes instead. Runs in CI's PostgreSQL pass.",
    ),
]


def test_two_decides_at_once_leave_one_consistent_result(org, monkeypatch):
    period = open_period(org.w1, phase=Phase.REVIEW)
    for cadre, supervisor in ((org.staff_a, org.head_a), (org.staff_a2, org.head_a)):
        submit(period, cadre, cadre, "self")
        submit(period, cadre, supervisor, "supervisor", points(T=60))
    real_decide = PeriodInputs.decide

    def slow_decide(self):
        outcome = real_decide(self)
        time.sleep(0.5)  # hold the period row locked while the other decision waits
        return outcome

    monkeypatch.setattr(PeriodInputs, "decide", slow_decide)
    start = threading.Barrier(2)
    outcomes = []

    def decide():
        try:
            start.wait()
            period_decide(period=Period.objects.get(pk=period.pk), user=None)
            outcomes.append("decided")
        except PeriodFrozen:
            outcomes.append("refused")
        except Exception as error:  # reported by the assertion below
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["decided", "refused"]
    period.refresh_from_db()
    assert period.phase == Phase.DECIDED
    members = PeriodMember.objects.filter(period=period).count()
    assert Result.objects.filter(period=period).count() == members
    assert Result.objects.filter(period=period, cadre=org.staff_a).count() == 1
    assert AuditEntry.objects.filter(period=period, action="period.decide").count() == 1
