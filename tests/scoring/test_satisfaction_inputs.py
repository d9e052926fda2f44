"""The satisfaction points read from the stored dossiers (docs/RULES.md §1 and §7): the period's
engine inputs carry them only under a regulation that turns them on, in one more query, and a
decided result explains them."""

import datetime as dt

import pytest

from directives.dossiers.models import DossierRating, Rating
from directives.models import Regulation
from scoring import engine
from scoring.models import Result
from scoring.month.selectors.inputs import period_inputs
from scoring.month.services.decide import period_decide
from scoring.reasons import reason_text
from tests.scoring.factories import build_scope
from units.models import Cadre

pytestmark = pytest.mark.django_db


def rate(cadre, unit, count, *, rating=Rating.VERY_SATISFIED, verified=False, prefix="HS"):
    DossierRating.objects.bulk_create(
        DossierRating(
            code=f"{prefix}-{cadre.code}-{n}",
            unit=unit,
            cadre=cadre,
            handled_on=dt.date(2026, 10, 1 + n % 28),
            on_time=True,
            rating=rating,
            verified=verified,
        )
        for n in range(count)
    )


@pytest.fixture
def period():
    period = build_scope(40, code="S")
    served, complained = Cadre.objects.get(code="S00010"), Cadre.objects.get(code="S00011")
    unit_of = {m.cadre_id: m.unit for m in period.members.select_related("unit")}
    rate(served, unit_of[served.pk], 12)
    rate(complained, unit_of[complained.pk], 3, rating=Rating.UNSATISFIED, verified=True)
    # Another month's dossiers count nowhere in October.
    DossierRating.objects.create(
        code="HS-SEPT",
        unit=unit_of[served.pk],
        cadre=served,
        handled_on=dt.date(2026, 9, 30),
        on_time=True,
        rating=Rating.UNSATISFIED,
        verified=True,
    )
    return period


def turn_on(period):
    """The period's regulation with the points on (this test's transaction only: nothing is
    decided yet, and the scorecards keep their criteria)."""
    Regulation.objects.filter(pk=period.regulation_id).update(satisfaction_points=True)
    period.refresh_from_db()
    return period


def test_off_by_default_the_inputs_read_no_dossier(period, django_assert_num_queries):
    period.refresh_from_db()  # its regulation is read with the inputs, as in the "on" case
    with django_assert_num_queries(8):
        inputs = period_inputs(period)
    assert all(c.service is None for c in inputs.cadres)


def test_on_the_inputs_carry_each_cadres_month_in_one_more_query(period, django_assert_num_queries):
    turn_on(period)
    with django_assert_num_queries(9):
        inputs = period_inputs(period)
    by_code = {c.code: c for c in inputs.cadres}
    assert by_code["S00010"].service == engine.ServiceInput(rated=12, satisfied=12)
    assert by_code["S00011"].service == engine.ServiceInput(rated=3, verified_complaints=3)
    assert by_code["S00012"].service is None
    assert inputs.regulation.satisfaction_points is True


def test_a_decided_result_counts_and_explains_them(period):
    before = {
        r.code: r for r in period_inputs(period).decide().cadres if r.code in {"S00010", "S00011"}
    }
    period_decide(period=turn_on(period), user=None, enforce_phase=False)
    served = Result.objects.get(period=period, cadre__code="S00010")
    complained = Result.objects.get(period=period, cadre__code="S00011")
    assert served.bonus == before["S00010"].bonus.shown + 2
    assert complained.penalty == before["S00011"].penalty.shown + 3
    assert [r["code"] for r in served.reasons if r["code"].startswith("satisfaction")] == [
        "satisfaction_bonus"
    ]
    texts = [reason_text(r) for r in complained.reasons]
    assert any("3" in t and "phản ánh" in t for t in texts)
