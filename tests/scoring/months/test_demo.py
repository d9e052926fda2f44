"""The demo after `make run`: its current month is live on the day it is loaded (a newcomer
scores at once, the schedule leaves it where it is) and `chutich`, the ward's head, runs it."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from scoring.demo.ward import build_demo
from scoring.models import Period, Phase, ScorecardKind
from scoring.month.selectors.rating import step_refusal
from tests.scoring.months.conftest import at
from units.models import Cadre
from units.scope import scope_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day", ["2026-11-03", "2026-11-25", "2026-11-28", "2026-11-30"])
def test_the_current_month_is_live_whatever_the_day_the_demo_is_loaded(time_machine, day):
    today = dt.date.fromisoformat(day)
    time_machine.move_to(at(today), tick=False)
    build_demo(cadres=40, today=today)
    current = Period.objects.get(scope__code="HH", month="2026-11")
    assert current.phase == Phase.SELF
    assert step_refusal(current, ScorecardKind.SELF, today) is None  # canbo can start now
    call_command("run_schedule", "--date", day, stdout=io.StringIO())
    current.refresh_from_db()
    assert current.phase == Phase.SELF


def test_the_wards_head_has_a_demo_login_that_runs_the_wards_month(time_machine):
    time_machine.move_to(at("2026-11-10"), tick=False)
    build_demo(cadres=40, today=dt.date(2026, 11, 10))
    user = get_user_model().objects.get(username="chutich")
    assert user.check_password("fiveclear-demo")
    ward = Cadre.objects.get(user=user)
    scope = scope_for(user)
    current = Period.objects.get(scope__code="HH", month="2026-11")
    assert scope.can_act(current.scope) and not scope.is_admin
    assert ward.code == "CB000002"  # the ward's chairman, the first person of the ward
