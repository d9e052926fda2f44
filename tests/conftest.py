import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone

import tests.profiles  # noqa: F401  (loads the hypothesis profile)
from tests.factories import UnitFactory, UserFactory, ensure_regulations, member


def build_org() -> SimpleNamespace:
    """A small organisation: city HN > wards W1, W2; W1 > departments A, B.

    People: head and staff of A, head of B, a leader of W1, a leader of W2 and a superuser.
    """
    ensure_regulations()
    city = UnitFactory(code="HN", name="Thành phố", kind="city")
    w1 = UnitFactory(code="W1", name="Phường Một", kind="ward", parent=city)
    w2 = UnitFactory(code="W2", name="Phường Hai", kind="ward", parent=city)
    a = UnitFactory(code="W1-A", name="Phòng A", parent=w1)
    b = UnitFactory(code="W1-B", name="Phòng B", parent=w1)
    return SimpleNamespace(
        city=city,
        w1=w1,
        w2=w2,
        a=a,
        b=b,
        head_a=member(a, role="head", code="HA", job_group="leader"),
        staff_a=member(a, code="SA"),
        staff_a2=member(a, code="SA2"),
        head_b=member(b, role="head", code="HB", job_group="leader"),
        staff_b=member(b, code="SB"),
        leader_w1=member(w1, role="leader", code="LW1", job_group="leader"),
        leader_w2=member(w2, role="leader", code="LW2", job_group="leader"),
        admin=UserFactory(username="root", is_superuser=True, is_staff=True),
    )


@pytest.fixture
def org(db):
    """The small organisation of `build_org`."""
    return build_org()


@pytest.fixture
def login(client):
    """Log the client in as a cadre or a user; returns the client."""

    def _login(who):
        user = getattr(who, "user", who)
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Fixtures make many accounts; the production hasher would take seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Rendered dashboards are cached per process: no test sees another test's pages."""
    cache.clear()


def on_the_day(day: dt.date):
    """An autouse fixture for a module that reads today once, at import (`TODAY =
    timezone.localdate()`): its tests run with the clock at noon that day, so a run that crosses
    midnight in Hanoi (17:00 UTC) still agrees with it. `on_today = on_the_day(TODAY)`."""

    @pytest.fixture(autouse=True)
    def _on_the_day(time_machine):
        noon = dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_default_timezone())
        time_machine.move_to(noon, tick=True)

    return _on_the_day
