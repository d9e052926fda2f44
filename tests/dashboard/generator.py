"""`decided_months`: a bulk generator that scores every member of a scope for some months
through the pure engine (`scoring.engine.decide_period`) and writes what the decide service
would write (results, pools, scorecards, tasks, adjustments), with optional patterns that make
each dashboard flag fire; `organisation`, the demo's city to run it over.
"""

from __future__ import annotations

import datetime as dt
import inspect
import random
from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.utils import timezone

from directives.models import Criterion, Task, TaskStatus
from scoring import engine
from scoring.dashboards.summaries import summarize
from scoring.demo.ward import build_demo
from scoring.models import (
    Adjustment,
    AdjustmentKind,
    Period,
    PeriodMember,
    PeriodUnit,
    PeriodUnitResult,
    Phase,
    Result,
    ScorecardKind,
    month_bounds,
)
from scoring.month.services.decide import _result_row, rater_flags_store
from tests.dashboard.factories import TWO, nd335, period_dates
from tests.scoring.factories import submitted_in_bulk
from units.models import Membership, Role, RoleKind, Unit


def organisation(cadres: int):
    """`build_demo`'s city without its scored months, which take minutes at 5,000 cadres."""
    if "history" in inspect.signature(build_demo).parameters:
        return build_demo(cadres=cadres, history=False)
    return build_demo(cadres=cadres)  # a demo that builds the organisation only


@dataclass
class Patterns:
    """What makes each flag fire in generated data (unit and cadre codes)."""

    equalized: set[str] = field(default_factory=set)  # same points for all, every one B
    self_inflating: set[str] = field(default_factory=set)  # self at the top, supervisor at 60%
    lenient: set[str] = field(default_factory=set)  # raters giving peers full marks
    reciprocal: list[tuple[str, str]] = field(default_factory=list)  # full marks to each other


def _half(value: float, maximum: Decimal) -> Decimal:
    """Points on a half-point grid within 0..maximum."""
    points = Decimal(round(value * 2) / 2).quantize(TWO, rounding=ROUND_HALF_UP)
    return min(max(points, Decimal(0)), maximum)


def _members(scope: Unit, on: dt.date):
    memberships = list(
        Membership.objects.valid_on(on)
        .filter(unit__path__startswith=scope.path)
        .select_related("cadre", "unit")
        .order_by("unit__path", "cadre__code")
    )
    leaders = set(
        Role.objects.valid_on(on)
        .filter(unit__path__startswith=scope.path, role__in=(RoleKind.HEAD, RoleKind.DEPUTY))
        .values_list("cadre_id", "unit_id")
    )
    heads = {}
    for cadre_id, unit_id in (
        Role.objects.valid_on(on)
        .filter(unit__path__startswith=scope.path, role=RoleKind.HEAD)
        .values_list("cadre_id", "unit_id")
    ):
        heads.setdefault(unit_id, cadre_id)
    return memberships, leaders, heads


def decided_months(
    scope: Unit,
    months: list[str],
    *,
    seed: int = 6,
    patterns: Patterns | None = None,
    scorecard_units: set[str] | None = None,
    pool_each: int = 1_500_000,
) -> list[Period]:
    """Decide `months` for every member of `scope` through the engine and write the outcome.

    A month that already has a period over `scope` is left as it is. Scorecards (self, peer,
    supervisor with general lines) are written for the units in `scorecard_units` only (all
    when None), to keep large scopes fast; the engine sees every point either way.
    """
    patterns = patterns or Patterns()
    rng = random.Random(seed)
    regulation = nd335()
    criteria = list(Criterion.objects.filter(regulation=regulation))
    general = [c for c in criteria if c.group == "general"]
    engine_criteria = [engine.Criterion(c.code, c.group, c.max_points) for c in criteria]
    by_code = {c.code: c for c in criteria}
    existing = set(Period.objects.filter(scope=scope).values_list("month", flat=True))
    periods = []
    ability: dict[int, float] = {}
    for index, month in enumerate(sorted(months)):
        if month in existing:
            continue
        first, last = month_bounds(month)
        memberships, leaders, heads = _members(scope, last)
        newest = index == len(months) - 1
        period = Period.objects.create(
            month=month,
            scope=scope,
            regulation=regulation,
            phase=Phase.APPEALS if newest else Phase.LOCKED,
            decided_at=timezone.now(),
            published_at=timezone.now(),
            locked_at=None if newest else timezone.now(),
            **period_dates(month),
        )
        periods.append(period)
        by_unit = defaultdict(list)
        for m in memberships:
            by_unit[m.unit].append(m.cadre)
        scope_head = heads.get(scope.pk)

        tasks, adjustments, inputs, cards = [], [], [], []
        supervisor, self_points, peer_given = {}, {}, defaultdict(dict)
        for unit, cadres in by_unit.items():
            flat = unit.code in patterns.equalized
            inflating = unit.code in patterns.self_inflating
            for cadre in cadres:
                a = ability.setdefault(cadre.pk, rng.uniform(0.5, 0.93))
                level = 0.85 if flat else min(0.99, max(0.3, a + rng.gauss(0, 0.04)))
                sup = {
                    c.code: c.max_points * Decimal("0.6")
                    if inflating
                    else _half(float(c.max_points) * level, c.max_points)
                    for c in general
                }
                own = {
                    c.code: c.max_points
                    if inflating
                    else min(c.max_points, sup[c.code] + (0 if flat else rng.choice((0, 0, 1))))
                    for c in general
                }
                supervisor[cadre.pk], self_points[cadre.pk] = sup, own
            # Peers: each member rates the next k members of the unit (k = 4 or everyone).
            k = min(4, len(cadres) - 1)
            for i, rater in enumerate(cadres):
                for step in range(1, k + 1):
                    ratee = cadres[(i + step) % len(cadres)]
                    if rater.code in patterns.lenient or (rater.code, ratee.code) in {
                        *patterns.reciprocal,
                        *((b, a) for a, b in patterns.reciprocal),
                    }:
                        points = {c.code: c.max_points for c in general}
                    else:
                        points = {
                            c.code: min(
                                c.max_points,
                                max(
                                    Decimal(0),
                                    supervisor[ratee.pk][c.code]
                                    + (0 if flat else rng.choice((-1, 0, 0, 1)) * Decimal("0.5")),
                                ),
                            )
                            for c in general
                        }
                    peer_given[ratee.pk][rater.pk] = points
            # Reciprocal raters must also rate each other when the rotation did not pair them.
            codes = {c.code: c for c in cadres}
            for a, b in patterns.reciprocal:
                if a in codes and b in codes:
                    full = {c.code: c.max_points for c in general}
                    peer_given[codes[b].pk][codes[a].pk] = full
                    peer_given[codes[a].pk][codes[b].pk] = full

            for cadre in cadres:
                a = ability[cadre.pk]
                cadre_tasks = []
                for n in range(2 if flat else rng.randint(1, 3)):
                    deadline = first + dt.timedelta(days=rng.randint(4, last.day - 4))
                    completed = flat or rng.random() < 0.6 + 0.4 * a
                    late = not flat and completed and rng.random() > a
                    accepted = (n == 0) if flat else completed and rng.random() < 0.9
                    done = deadline + dt.timedelta(days=3 if late else -1) if completed else None
                    tasks.append(
                        Task(
                            code=f"{month}-{cadre.code}-{n}",
                            title=f"Nhiệm vụ {n + 1} tháng {month} của {cadre.code}",
                            assignee=cadre,
                            assigned_by_id=heads.get(unit.pk, cadre.pk),
                            unit=unit,
                            assigned_on=first,
                            deadline=deadline,
                            effective_deadline=deadline,
                            expected_result="Báo cáo kết quả",
                            status=TaskStatus.ACCEPTED if completed else TaskStatus.IN_PROGRESS,
                            completed_on=done,
                            accepted=accepted,
                            imported_delays=1 if late else 0,
                        )
                    )
                    in_month = done is not None and done <= last
                    cadre_tasks.append(
                        engine.TaskInput(
                            completed=in_month,
                            accepted=accepted,
                            delays=1 if late else 0,
                            code=f"{cadre.code}-{n}",
                        )
                    )
                penalty = ()
                leave = not flat and rng.random() < 0.02
                if leave:
                    adjustments.append(
                        Adjustment(
                            period=period,
                            cadre=cadre,
                            kind=AdjustmentKind.LEAVE,
                            reason="Nghỉ ốm dài ngày",
                        )
                    )
                elif not flat and rng.random() < 0.06:
                    penalty = (Decimal(2),)
                    adjustments.append(
                        Adjustment(
                            period=period,
                            cadre=cadre,
                            kind=AdjustmentKind.PENALTY,
                            points=Decimal(2),
                            reason="Chậm nộp báo cáo tuần",
                        )
                    )
                peers = peer_given[cadre.pk]
                inputs.append(
                    engine.CadreInput(
                        code=cadre.code,
                        unit_code=unit.code,
                        job_group=cadre.job_group,
                        is_leader=(cadre.pk, unit.pk) in leaders,
                        tasks=tuple(cadre_tasks),
                        self_points=self_points[cadre.pk],
                        peer_points={c.code: [p[c.code] for p in peers.values()] for c in general},
                        supervisor_points=supervisor[cadre.pk],
                        penalty_points=penalty,
                        leave=leave,
                    )
                )
                if scorecard_units is None or unit.code in scorecard_units:
                    boss = heads.get(unit.pk)
                    if boss in (None, cadre.pk):
                        boss = scope_head or cadre.pk
                    cards.append((cadre.pk, cadre.pk, ScorecardKind.SELF, self_points[cadre.pk]))
                    cards.append((cadre.pk, boss, ScorecardKind.SUPERVISOR, supervisor[cadre.pk]))
                    cards += [
                        (cadre.pk, rater, ScorecardKind.PEER, points)
                        for rater, points in peers.items()
                    ]

        units = [engine.UnitInput(u.code, pool=pool_each * len(c)) for u, c in by_unit.items()]
        outcome = engine.decide_period(engine.Regulation.nd335(), engine_criteria, inputs, units)
        peer_counts = {c.code: len(peer_given[c.pk]) for cs in by_unit.values() for c in cs}
        _write(period, outcome, by_unit, tasks, adjustments, cards, by_code, pool_each, peer_counts)
    return periods


def _write(period, outcome, by_unit, tasks, adjustments, cards, by_code, pool_each, peer_counts):
    cadre_of = {c.code: c for cadres in by_unit.values() for c in cadres}
    unit_of = {u.code: u for u in by_unit}
    PeriodUnit.objects.bulk_create(
        PeriodUnit(period=period, unit=u, pool=pool_each * len(c)) for u, c in by_unit.items()
    )
    PeriodMember.objects.bulk_create(
        (
            PeriodMember(
                period=period,
                cadre=cadre_of[r.code],
                unit=unit_of[r.unit_code],
                job_group=r.job_group,
                is_leader=r.is_leader,
            )
            for r in outcome.cadres
        ),
        batch_size=2000,
    )
    Task.objects.bulk_create(tasks, batch_size=2000)
    Adjustment.objects.bulk_create(adjustments, batch_size=2000)
    submitted_in_bulk(
        period,
        [
            (ratee, rater, kind, {by_code[code]: points for code, points in lines.items()})
            for ratee, rater, kind, lines in cards
        ],
    )

    # The rows the decision writes, built as the service builds them (`_result_row`).
    inputs = SimpleNamespace(
        members={
            r.code: SimpleNamespace(cadre_id=cadre_of[r.code].pk, unit_id=unit_of[r.unit_code].pk)
            for r in outcome.cadres
        },
        peer_counts=peer_counts,
    )
    Result.objects.bulk_create(
        (_result_row(period, inputs, r) for r in outcome.cadres), batch_size=2000
    )
    PeriodUnitResult.objects.bulk_create(
        PeriodUnitResult(period=period, unit=unit_of[u.code], **_figures(u)) for u in outcome.units
    )
    rater_flags_store(period)  # what `period_decide` does after writing the results
    summarize(period)


def _figures(unit: engine.UnitOutcome) -> dict:
    """A unit's outcome as its PeriodUnitResult row holds it: every field but the code."""
    return {f.name: getattr(unit, f.name) for f in fields(unit) if f.name != "code"}
