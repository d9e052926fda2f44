"""Wrong passwords (issue 12, item 6; docs/RULES.md §3): a lockout is per username and client
address; across addresses a username is slowed (a growing wait, with its seconds said), never
locked; every lockout is in the login log.

Every test freezes the clock and moves it by hand: waits are asserted in seconds of that clock,
never of the machine's.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.urls import reverse

from tests.factories import UserFactory
from units.logins import slowdown_delay
from units.models import AccountEvent, AccountEventKind

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 10, 12, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
RIGHT = "Dung-mat-khau-2026"
A, B = "203.0.113.7", "198.51.100.20"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def canbo(db):
    return UserFactory(username="canbo", password=RIGHT)


def attempt(client, password, address=A, username="canbo", url=None):
    data = {"username": username, "password": password}
    return client.post(url or reverse("login"), data, REMOTE_ADDR=address)


def wrong(client, times, address=A, username="canbo"):
    return [attempt(client, "sai", address, username).status_code for _ in range(times)]


def test_ten_wrong_passwords_from_one_address_lock_that_address_only(client, canbo, clock):
    limit = 10
    assert wrong(client, limit - 1) == [200] * (limit - 1)
    locked = attempt(client, "sai")
    assert locked.status_code == 429
    assert "Tài khoản tạm khóa" in locked.content.decode()
    # From B the account is only slowed: told how long to wait, then let in.
    slowed = attempt(client, RIGHT, B)
    assert slowed.status_code == 429
    assert slowed["Retry-After"] == "2"
    assert "hãy thử lại sau 2 giây" in slowed.content.decode()
    clock.shift(dt.timedelta(seconds=2))
    assert attempt(client, RIGHT, B).status_code == 302
    client.logout()
    # From A even the right password is refused while the pair is locked.
    refused = attempt(client, RIGHT)
    assert refused.status_code == 429
    assert "Tài khoản tạm khóa" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_anyone_cannot_lock_the_admin_out(client, db, clock):
    """The repro: ten wrong passwords for `admin` from one address used to lock the account
    for 30 minutes, wherever the administrator logged in from."""
    UserFactory(username="admin", password=RIGHT, is_superuser=True, is_staff=True)
    wrong(client, 10, username="admin")
    clock.shift(dt.timedelta(seconds=2))
    assert attempt(client, RIGHT, B, username="admin").status_code == 302


def test_the_slowdown_slows_a_username_across_addresses_without_locking_it(client, canbo, clock):
    addresses = [f"192.0.2.{n}" for n in range(1, 11)]
    for address in addresses:  # one failure from each of ten addresses: no pair is locked
        assert wrong(client, 1, address) == [200]
    assert AccessAttempt.objects.filter(failures_since_start__gte=2).count() == 0
    slowed = attempt(client, RIGHT, B)
    assert (slowed.status_code, slowed["Retry-After"]) == (429, "2")
    clock.shift(dt.timedelta(seconds=1))
    assert attempt(client, RIGHT, B)["Retry-After"] == "1"
    clock.shift(dt.timedelta(seconds=1))
    assert wrong(client, 1, B) == [200]  # let through, and wrong: the wait doubles
    assert attempt(client, RIGHT, B)["Retry-After"] == "4"
    clock.shift(dt.timedelta(seconds=4))
    assert attempt(client, RIGHT, B).status_code == 302


def test_a_slowed_attempt_is_no_failure(client, canbo, clock):
    """Refused before the password is checked: it neither counts towards a lockout nor makes
    the wait longer."""
    wrong(client, 10, address="192.0.2.1")
    failures = AccessFailureLog.objects.count()
    for _ in range(20):
        assert attempt(client, RIGHT, B).status_code == 429
    assert AccessFailureLog.objects.count() == failures
    assert not AccessAttempt.objects.filter(ip_address=B).exists()
    clock.shift(dt.timedelta(seconds=2))
    assert attempt(client, RIGHT, B).status_code == 302


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (9, 0), (10, 2), (11, 4), (12, 8), (14, 32), (15, 60), (40, 60), (10**6, 60)],
)
def test_the_wait_doubles_from_two_seconds_up_to_the_maximum(settings, failures, seconds):
    settings.LOGIN_SLOWDOWN_AFTER = 10
    settings.LOGIN_SLOWDOWN_MAX_SECONDS = 60
    assert slowdown_delay(failures) == seconds


def test_failures_older_than_the_window_no_longer_slow(client, canbo, clock, settings):
    wrong(client, 10, address="192.0.2.1")
    assert attempt(client, RIGHT, B).status_code == 429
    clock.shift(dt.timedelta(minutes=settings.LOGIN_SLOWDOWN_WINDOW_MINUTES, seconds=1))
    wrong(client, 9, address="192.0.2.2")
    assert attempt(client, RIGHT, B).status_code == 302


def test_a_successful_login_starts_the_count_again(client, canbo, clock):
    wrong(client, 9)
    assert attempt(client, RIGHT).status_code == 302
    client.logout()
    assert wrong(client, 9) == [200] * 9
    assert attempt(client, RIGHT, B).status_code == 302


def test_the_admin_login_page_is_slowed_too(client, db, clock):
    UserFactory(username="admin", password=RIGHT, is_superuser=True, is_staff=True)
    wrong(client, 10, address="192.0.2.1", username="admin")
    page = attempt(client, RIGHT, B, "admin", url=reverse("admin:login"))
    assert "hãy thử lại sau 2 giây" in page.content.decode()
    assert "_auth_user_id" not in client.session
    clock.shift(dt.timedelta(seconds=2))
    assert attempt(client, RIGHT, B, "admin", url=reverse("admin:login")).status_code == 302


def test_an_unknown_username_is_slowed_like_a_known_one(client, db, clock):
    """The answer never tells whether an account exists."""
    wrong(client, 10, address="192.0.2.1", username="khong-co")
    slowed = attempt(client, "sai", B, username="khong-co")
    assert (slowed.status_code, slowed["Retry-After"]) == (429, "2")


def test_every_lockout_is_in_the_login_log(client, canbo, clock):
    wrong(client, 10)
    for _ in range(3):  # refused while locked: logged as failures, still one lockout
        clock.shift(dt.timedelta(minutes=1))  # past the slowdown's wait
        assert "Tài khoản tạm khóa" in attempt(client, "sai").content.decode()
    failures = AccessFailureLog.objects.filter(username="canbo", ip_address=A)
    assert failures.count() == 13
    assert failures.filter(locked_out=True).count() == 4
    (event,) = AccountEvent.objects.filter(kind=AccountEventKind.LOCKOUT)
    assert (event.username, event.ip_address, event.account, event.at) == ("canbo", A, canbo, NOW)
    assert event.detail["failures"] == 10
    assert dt.datetime.fromisoformat(event.detail["until"]) == NOW + dt.timedelta(minutes=30)
    assert failures.filter(locked_out=True).earliest("pk").attempt_time == NOW


def test_nine_wrong_passwords_do_not_lock_and_success_resets_the_count(client, canbo, clock):
    assert wrong(client, 9) == [200] * 9
    assert attempt(client, RIGHT).status_code == 302
    client.logout()
    assert wrong(client, 9) == [200] * 9
    assert not AccountEvent.objects.filter(kind=AccountEventKind.LOCKOUT).exists()


def test_a_lock_ends_after_the_cool_off(client, canbo, clock, settings):
    wrong(client, 10)
    clock.shift(settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=1))
    assert attempt(client, RIGHT).status_code == 302


def test_another_account_from_the_locked_address_logs_in(client, canbo, clock):
    UserFactory(username="other", password="Khac-mat-khau-2026")
    wrong(client, 10)
    assert attempt(client, "Khac-mat-khau-2026", A, "other").status_code == 302
