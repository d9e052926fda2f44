"""The demo's oversight: after `seed_demo` the radar shows a cadre, and the ward has a surprise
inspection whose finding the supervisor confirmed into a decided month (docs/RULES.md §8)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model

from scoring.demo.ward import build_demo
from scoring.oversight.models import Finding, Inspection
from scoring.oversight.selectors import radar
from units.models import Unit
from units.scope import scope_for

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2027, 3, 15, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def test_the_demo_radar_shows_someone_and_the_inspection_is_there():
    with time_machine.travel(MOMENT, tick=True):
        build_demo(cadres=40)
        inspection = Inspection.objects.get()
        assert inspection.surprise and inspection.unit.code.startswith("HH")
        confirmed = Finding.objects.get(adjustment__isnull=False)
        assert confirmed.adjustment.cadre == confirmed.cadre
        assert str(confirmed.pk) in confirmed.adjustment.reason
        leader = get_user_model().objects.get(username="lanhdao")
        data = radar(scope_for(leader), Unit.objects.get(code="HH"))
        rows = {r.code: r.low_months for r in data.cadres}
        assert rows[confirmed.cadre.code] == ("2026-12", "2027-01", "2027-02")
