"""Decided months for the dashboard tests, written directly (no service needed): factories for
hand-made rows (Period, Result, Scorecard with general lines, Task, Adjustment,
PeriodUnitResult) and the months each rater flag fires on. The bulk generator of whole decided
months is `tests/dashboard/generator.py`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from directives.models import Regulation, Task, TaskStatus
from scoring.dashboards.scope import FROZEN
from scoring.dashboards.summaries import summarize
from scoring.models import (
    Adjustment,
    AdjustmentKind,
    Period,
    PeriodUnitResult,
    Phase,
    Result,
    Scorecard,
    ScorecardKind,
    ScorecardStatus,
    ScoreLine,
    month_bounds,
)
from scoring.month.services.decide import rater_flags_store
from tests.factories import CadreFactory, UnitFactory, ensure_regulations, member

TWO = Decimal("0.01")


def period_dates(month: str) -> dict[str, dt.date]:
    first, last = month_bounds(month)
    after = last + dt.timedelta(days=1)
    return {
        "self_until": first.replace(day=25),
        "peer_until": first.replace(day=27),
        "review_until": last,
        "publish_by": after.replace(day=3),
        "appeals_until": after.replace(day=8),
        "lock_on": after.replace(day=10),
    }


def nd335():
    """Regulation ND335; browser tests (transactional) flush the rows the data migration
    wrote, so it is written again the migration's own way when missing."""
    ensure_regulations()
    return Regulation.objects.get(code="ND335")


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period

    month = "2026-03"
    scope = factory.SubFactory(UnitFactory)
    regulation = factory.LazyFunction(nd335)
    phase = Phase.DECIDED
    self_until = factory.LazyAttribute(lambda o: period_dates(o.month)["self_until"])
    peer_until = factory.LazyAttribute(lambda o: period_dates(o.month)["peer_until"])
    review_until = factory.LazyAttribute(lambda o: period_dates(o.month)["review_until"])
    publish_by = factory.LazyAttribute(lambda o: period_dates(o.month)["publish_by"])
    appeals_until = factory.LazyAttribute(lambda o: period_dates(o.month)["appeals_until"])
    lock_on = factory.LazyAttribute(lambda o: period_dates(o.month)["lock_on"])


class ResultFactory(factory.django.DjangoModelFactory):
    """A rated result; give `total` and `tier` (the tier is not derived here)."""

    class Meta:
        model = Result

    period = factory.SubFactory(PeriodFactory)
    cadre = factory.SubFactory(CadreFactory)
    unit = factory.SelfAttribute("period.scope")
    job_group = factory.SelfAttribute("cadre.job_group")
    total = Decimal("80.00")
    tier = "B"
    tier_before_quota = factory.SelfAttribute("tier")
    general = Decimal("24.00")
    task = factory.LazyAttribute(lambda o: o.total - o.general if o.total is not None else None)


class PeriodUnitResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeriodUnitResult

    period = factory.SubFactory(PeriodFactory)
    unit = factory.SelfAttribute("period.scope")


class ScorecardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scorecard

    period = factory.SubFactory(PeriodFactory)
    ratee = factory.SubFactory(CadreFactory)
    rater = factory.SubFactory(CadreFactory)
    kind = ScorecardKind.PEER
    status = ScorecardStatus.SUBMITTED


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    code = factory.Sequence(lambda n: f"NV{n:05d}")
    title = factory.Sequence(lambda n: f"Nhiệm vụ số {n}")
    assignee = factory.SubFactory(CadreFactory)
    assigned_by = factory.SelfAttribute("assignee")
    unit = factory.SubFactory(UnitFactory)
    deadline = dt.date(2026, 3, 20)
    effective_deadline = factory.SelfAttribute("deadline")
    assigned_on = factory.LazyAttribute(lambda o: o.deadline - dt.timedelta(days=14))
    expected_result = "Báo cáo"
    status = TaskStatus.ACCEPTED


class AdjustmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adjustment

    period = factory.SubFactory(PeriodFactory)
    cadre = factory.SubFactory(CadreFactory)
    kind = AdjustmentKind.PENALTY
    points = Decimal("2")
    reason = "Đi muộn"


def split_general(total: Decimal, criteria) -> dict:
    """`total` general points spread over the criteria in proportion to their maxima."""
    general = [c for c in criteria if c.group == "general"]
    maximum = sum(c.max_points for c in general)
    points = {c: (total * c.max_points / maximum).quantize(TWO) for c in general}
    largest = max(general, key=lambda c: c.max_points)
    points[largest] += total - sum(points.values())
    return points


def scorecard(period, rater, ratee, total, *, kind=ScorecardKind.PEER, status=None):
    """A scorecard whose general lines add up to `total`."""
    card = ScorecardFactory(
        period=period,
        rater=rater,
        ratee=ratee,
        kind=kind,
        status=status or ScorecardStatus.SUBMITTED,
    )
    criteria = list(period.regulation.criteria.all())
    ScoreLine.objects.bulk_create(
        ScoreLine(scorecard=card, criterion=c, points=p)
        for c, p in split_general(Decimal(total), criteria).items()
    )
    return card


def summarized() -> None:
    """The summary rows deciding writes, for every decided period made by hand (what
    `manage.py summarize_months` does): after the hand-made rows, before a dashboard."""
    for period in Period.objects.filter(phase__in=FROZEN):
        summarize(period)


# --- the months the flags fire on -----------------------------------------------------------


def self_inflating(period, unit, count):
    """`count` members of `unit` (E0, E1…) rated B (80) who give themselves 29 general points
    when their head gives them 20."""
    for i in range(count):
        ResultFactory(
            period=period,
            unit=unit,
            self_score=Decimal("29"),
            supervisor_score=Decimal("20"),
            cadre=member(unit, code=f"E{i}"),
        )


def lenient_rater(period, unit, ratees):
    """Four more members of `unit`, each rated: L gives every one of `ratees` 29 general
    points, O1, O2 and O3 give them 20, 21 and 19; the month's flags are then stored."""
    for code, points in (("L", "29"), ("O1", "20"), ("O2", "21"), ("O3", "19")):
        rater = member(unit, code=code, full_name=f"Người chấm {code}")
        ResultFactory(period=period, cadre=rater, unit=unit)
        for ratee in ratees:
            scorecard(period, rater, ratee, points)
    rater_flags_store(period)  # what deciding the month does
    summarize(period)


def reciprocal_pair(period, one, other, third):
    """`one` and `other` give each other near full marks (29, 29.5) and `third` far less (22,
    21); the month's flags are then stored."""
    for rater, ratee, points in ((one, other, "29"), (other, one, "29.5")):
        scorecard(period, rater, ratee, points)
    for rater, points in ((one, "22"), (other, "21")):
        scorecard(period, rater, third, points)
    rater_flags_store(period)
    summarize(period)
