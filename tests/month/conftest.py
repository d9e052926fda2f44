"""A month open over department W1-A of the `org` fixture, built through the services."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from scoring.models import PeerAssignment, Phase
from scoring.month.services.adjustments import pool_set
from scoring.month.services.opening import period_advance, period_open
from tests.factories import member
from tests.scoring.factories import points, submit


def dates_from(today, *, self_days=2, peer_days=4, review_days=6):
    """Period dates in order, each step ending the given number of days after `today`."""
    day = dt.timedelta(days=1)
    return {
        "self_until": today + self_days * day,
        "peer_until": today + peer_days * day,
        "review_until": today + review_days * day,
        "publish_by": today + (review_days + 2) * day,
        "appeals_until": today + (review_days + 6) * day,
        "lock_on": today + (review_days + 14) * day,
    }


def open_month(scope, *, phase=Phase.SELF, **days):
    today = timezone.localdate()
    period = period_open(
        month=today.strftime("%Y-%m"), scope=scope, dates=dates_from(today, **days), user=None
    )
    return advance(period, phase)


def advance(period, phase):
    """Move the period to `phase`. Reaching supervisor review closes the cross-evaluation as
    the schedule does (its deadline is then past), so review's pages show totals and tiers
    (docs/RULES.md §3); `period_reopen_step` opens it again."""
    if period.phase != phase:
        period = period_advance(period=period, phase=phase, user=None)
    if phase == Phase.REVIEW:
        close_cross_evaluation(period)
    return period


def close_cross_evaluation(period):
    """The self-assessment and cross-evaluation deadlines moved to the past: no peer
    scorecard can come any more on the web."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    period.self_until = min(period.self_until, yesterday)
    period.peer_until = min(period.peer_until, yesterday)
    period.save(update_fields=["self_until", "peer_until"])
    return period


def scored_month(org):
    """W1-A in supervisor review, everyone scored: self-assessments, every assigned peer, the
    head's points (SA with a hand-entered T of 60), a task of SA2 due in the month done on time
    and accepted (code T-SA2), a pool of 6,000,000."""
    from tests.scoring.factories import task_done_on_time

    period = open_month(org.a, phase=Phase.REVIEW)
    for cadre in (org.head_a, org.staff_a, org.staff_a2):
        submit(period, cadre, cadre, "self")
    submit(period, org.staff_a, org.head_a, "supervisor", points(T=60))
    submit(period, org.staff_a2, org.head_a, "supervisor", points())
    for assignment in PeerAssignment.objects.filter(period=period).select_related("rater", "ratee"):
        submit(period, assignment.ratee, assignment.rater, "peer")
    pool_set(period=period, unit=org.a, amount=6_000_000, user=None)
    task_done_on_time(
        org.staff_a2, period, accepted=True, unit=org.a, assigned_by=org.head_a, code="T-SA2"
    )
    return period


def open_task_of_sa(month, code, **fields):
    """A task of SA's in W1-A due the last day of `month` (a `month` or `review` fixture), not
    done yet, assigned by the head."""
    from tests.scoring.factories import make_task

    org = month.org
    fields = {"accepted": False, "code": code, "assigned_by": month.head} | fields
    return make_task(org.staff_a, unit=org.a, deadline=month.period.last_day, **fields)


@pytest.fixture
def month(org):
    """This month over W1-A: its head HA and six staff (SA, SA2, SA3..SA6), in self-assessment.

    With seven members each rates four of the six others, so some pairs are not assigned.
    """
    extra = [member(org.a, code=f"SA{i}", full_name=f"Trần Văn {i}") for i in range(3, 7)]
    period = open_month(org.a)
    return SimpleNamespace(
        period=period, org=org, staff=[org.staff_a, org.staff_a2, *extra], head=org.head_a
    )


# T entered by the head for each staff member (none has a task): with G = 30 everywhere,
# SA 95 and SA2 92 are A-candidates, the other four 80 (B). Quota 20% of the good: one A kept.
T_OF = {"SA": 65, "SA2": 62, "SA3": 50, "SA4": 50, "SA5": 50, "SA6": 50}


@pytest.fixture
def ready(month):
    """W1-A in supervisor review, every staff member fully scored, a pool of 10,000,000."""
    period = advance(advance(month.period, Phase.PEER), Phase.REVIEW)
    for cadre in month.staff:
        submit(period, cadre, cadre, "self")
        submit(period, cadre, month.head, "supervisor", points(T=T_OF[cadre.code]))
    assignments = PeerAssignment.objects.filter(period=period).select_related("rater", "ratee")
    sa3_raters = 0
    for assignment in assignments.order_by("pk"):
        if assignment.ratee.code == "SA3":
            sa3_raters += 1
            if sa3_raters > 2:
                continue  # SA3 gets two peer evaluations: too few to show a mean
        submit(period, assignment.ratee, assignment.rater, "peer")
    pool_set(period=period, unit=month.org.a, amount=10_000_000, user=None)
    month.period = period
    return month
