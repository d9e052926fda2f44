"""Deciding a month unit by unit (scoring/month/services/by_unit.py) gives the results of one engine
call over
the whole period, row for row: every field of every result, the ranks in the scope across units,
every unit's pool split, a unit of the period without members.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directives.models import Criterion, CriterionGroup
from scoring.models import (
    Adjustment,
    AdjustmentKind,
    PeriodMember,
    PeriodUnit,
    PeriodUnitResult,
    RaterFlag,
    Result,
    Scorecard,
    ScorecardKind,
    ScoreLine,
)
from scoring.month.selectors.inputs import period_inputs
from scoring.month.services import decide as services_decide
from scoring.month.services.decide import (
    _result_row,
    period_decide,
    period_reopen,
    rater_flags_store,
)
from tests.factories import UnitFactory
from tests.scoring.factories import build_scope, submitted_in_bulk

pytestmark = pytest.mark.django_db

SKIP = {"id", "period", "computed_at"}


def fields(row):
    return {
        f.attname: getattr(row, f.attname)
        for f in Result._meta.concrete_fields
        if f.name not in SKIP and f.attname not in ("period_id",)
    }


def expected_results(period):
    """What one engine call over the whole period gives, as the rows `_decide` writes."""
    inputs = period_inputs(period)
    outcome = inputs.decide()
    rows = {}
    for r in outcome.cadres:
        row = _result_row(period, inputs, r)
        rows[row.cadre_id] = fields(row)
    units = [
        (inputs.unit_ids[u.code], u.pool, u.rated, u.distributed, u.undistributed, u.equal_split)
        for u in outcome.units
    ]
    return rows, units


@pytest.fixture
def month():
    period = build_scope(90, units=5, code="D")
    # Pools, an outstanding unit, a unit of the period without members and adjustments of
    # every kind, so that quota, pools and ranks all have something to decide.
    PeriodUnit.objects.filter(period=period).update(pool=17_000_000)
    first = PeriodUnit.objects.filter(period=period).order_by("unit__code").first()
    PeriodUnit.objects.filter(pk=first.pk).update(outstanding=True)
    empty = UnitFactory(code="D-EMPTY", name="Phòng trống", parent=period.scope)
    PeriodUnit.objects.create(period=period, unit=empty, pool=3_000_000)
    cadres = list(PeriodMember.objects.filter(period=period).order_by("cadre__code"))
    for n, (kind, points) in enumerate(
        [
            (AdjustmentKind.BONUS, Decimal("2.50")),
            (AdjustmentKind.BONUS, Decimal("1.00")),
            (AdjustmentKind.PENALTY, Decimal("3.00")),
            (AdjustmentKind.DISCIPLINE, Decimal("0")),
            (AdjustmentKind.LEAVE, Decimal("0")),
        ]
    ):
        Adjustment.objects.create(
            period=period,
            cadre_id=cadres[7 * n + 3].cadre_id,
            kind=kind,
            points=points,
            reason="Kiểm thử",
        )
    # A later supervisor scorecard of the same ratee: the one saved last counts.
    card = Scorecard.objects.filter(period=period, kind=ScorecardKind.SUPERVISOR).first()
    Scorecard.objects.filter(pk=card.pk).update(updated_at=card.updated_at - dt.timedelta(days=1))
    return period


@pytest.mark.parametrize("batch", [None, 7], ids=["one write", "written in batches of 7"])
def test_deciding_unit_by_unit_gives_the_results_of_the_whole_period_at_once(
    month, batch, monkeypatch
):
    if batch is not None:  # the rows written before the last batch get their ranks updated
        monkeypatch.setattr(services_decide, "WRITE_BATCH", batch)
    rows, units = expected_results(month)
    assert len({r["unit_id"] for r in rows.values()}) >= 5
    assert any(r["rank_in_scope"] and r["rank_in_scope"] > 30 for r in rows.values())
    assert any(r["tier"] != r["tier_before_quota"] for r in rows.values())  # the quota bites
    assert sum(r["reward"] for r in rows.values()) > 0

    period_decide(period=month, user=None, enforce_phase=False)

    stored = {row.cadre_id: fields(row) for row in Result.objects.filter(period=month)}
    assert stored.keys() == rows.keys()
    for cadre_id, row in rows.items():
        assert {k: v for k, v in stored[cadre_id].items() if v != row[k]} == {}, row
    assert stored == rows
    assert (
        list(
            PeriodUnitResult.objects.filter(period=month)
            .order_by("pk")
            .values_list("unit_id", "pool", "rated", "distributed", "undistributed", "equal_split")
        )
        == units
    )


def test_a_redecision_gives_the_same_results(month):
    period_decide(period=month, user=None, enforce_phase=False)
    first = {row.cadre_id: fields(row) for row in Result.objects.filter(period=month)}
    period = period_reopen(period=month, reason="Chấm lại", user=None)
    period_decide(period=period, user=None, enforce_phase=False)
    assert {row.cadre_id: fields(row) for row in Result.objects.filter(period=month)} == first


def rank_updates(month):
    """The statements of a decision that update the results' ranks in the scope."""
    with CaptureQueriesContext(connection) as queries:
        period_decide(period=month, user=None, enforce_phase=False)
    return [
        q
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith("UPDATE")
        and "rank_in_scope" in q["sql"].split("SET")[-1]
    ]


def test_the_ranks_in_the_scope_are_written_with_the_results_when_they_fit_one_batch(month):
    assert rank_updates(month) == []
    assert Result.objects.filter(period=month, rank_in_scope__gt=30).exists()


def test_the_ranks_of_results_written_in_earlier_batches_are_set_in_one_statement(
    month, monkeypatch
):
    monkeypatch.setattr(services_decide, "WRITE_BATCH", 7)
    assert len(rank_updates(month)) == 1


def stored_flags(period):
    return sorted(
        RaterFlag.objects.filter(period=period).values_list(
            "unit_id", "kind", "reason", "rater_id", "partner_id", "values"
        ),
        key=str,
    )


def test_deciding_stores_the_rater_flags_the_period_s_scorecards_give(month):
    """Deciding adds the peer cards' points up from the score lines it streams; the flags
    are those worked out from the cards read anew from the database (`period_peer_cards`)."""
    general = dict(
        Criterion.objects.filter(
            regulation_id=month.regulation_id, group=CriterionGroup.GENERAL
        ).values_list("pk", "max_points")
    )
    peer = ScoreLine.objects.filter(
        scorecard__period=month, scorecard__kind=ScorecardKind.PEER, criterion_id__in=general
    )
    a_unit = (
        PeriodMember.objects.filter(period=month)
        .exclude(unit_id=month.scope_id)
        .values_list("unit_id", flat=True)[0]
    )
    pair = PeriodMember.objects.filter(period=month, unit_id=a_unit).order_by("cadre_id")
    a, b, lenient = (m.cadre_id for m in pair[:3])
    lines = list(peer.select_related("scorecard"))
    for line in lines:  # everyone a little under full marks, the lenient rater full marks
        lenient_card = line.scorecard.rater_id == lenient
        line.points = general[line.criterion_id] - (0 if lenient_card else 3)
    ScoreLine.objects.bulk_update(lines, ["points"])
    # Two others of the same unit give each other full marks, both ways.
    Scorecard.objects.filter(
        period=month, kind=ScorecardKind.PEER, rater_id__in=(a, b), ratee_id__in=(a, b)
    ).delete()
    submitted_in_bulk(
        month,
        [(b, a, ScorecardKind.PEER, _full(general)), (a, b, ScorecardKind.PEER, _full(general))],
    )

    period_decide(period=month, user=None, enforce_phase=False)

    decided = stored_flags(month)
    assert {kind for _unit, kind, *_rest in decided} == {"leniency", "reciprocal"}
    pairs = {(rater, partner) for _u, kind, _r, rater, partner, _v in decided if partner}
    assert pairs in ({(a, b)}, {(b, a)})
    assert lenient in {rater for _u, kind, _r, rater, _p, _v in decided if kind == "leniency"}
    RaterFlag.objects.filter(period=month).delete()
    rater_flags_store(month)
    assert stored_flags(month) == decided


def _full(general):
    return {Criterion.objects.get(pk=pk): points for pk, points in general.items()}
