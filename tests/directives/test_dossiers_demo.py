"""The demo's rated dossiers (issue 16): a few months of them in the ward's centres, so that the
grid, the result page and the dashboard show them after `make run`; the same on any day."""

import datetime as dt

import pytest
import time_machine

from directives.dossiers.demo import build_demo_dossiers
from directives.dossiers.models import DossierRating, Rating
from scoring.dashboards.on_time import on_time_figure
from scoring.demo.ward import build_demo
from scoring.models import Phase
from units.models import Unit

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 10, 15)


@pytest.fixture
def demo(db):
    with time_machine.travel(dt.datetime(2026, 10, 15, 9, 0, tzinfo=dt.UTC), tick=False):
        yield build_demo(cadres=60, today=TODAY)


def test_the_centres_have_rated_dossiers_every_month_up_to_today(demo):
    dossiers = list(DossierRating.objects.select_related("unit"))
    assert dossiers
    assert {d.unit.code.rsplit("-", 1)[1] for d in dossiers} == {"HCC", "DV"}
    assert {f"{d.handled_on:%Y-%m}" for d in dossiers} == {f"2026-{m:02d}" for m in range(4, 11)}
    assert max(d.handled_on for d in dossiers) <= TODAY
    assert any(d.comment and d.rating == Rating.UNSATISFIED for d in dossiers)
    assert any(d.verified for d in dossiers)
    assert all(d.rating == Rating.UNSATISFIED for d in dossiers if d.verified)
    assert 0.8 < sum(d.on_time for d in dossiers) / len(dossiers) < 1


def test_the_dashboard_shows_them_against_the_target(demo):
    ward = Unit.objects.get(code="HH")
    month = "2026-09"
    assert ward.periods.filter(month=month, phase__in=[Phase.APPEALS, Phase.LOCKED]).exists()
    figure = on_time_figure(ward, month)
    centre = next(r for r in figure["rows"] if r.unit.code == "HH-HCC")
    assert centre.dossiers.done > 0 and centre.dossiers_year.done > centre.dossiers.done


def test_the_same_seed_gives_the_same_dossiers(demo):
    def shown():
        return list(
            DossierRating.objects.order_by("code").values_list(
                "code", "cadre_id", "handled_on", "on_time", "rating", "comment", "verified"
            )
        )

    before = shown()
    DossierRating.objects.all().delete()
    months = [f"2026-{m:02d}" for m in range(4, 11)]
    assert build_demo_dossiers(months=months, today=TODAY, seed=2026) == len(before)
    assert shown() == before
