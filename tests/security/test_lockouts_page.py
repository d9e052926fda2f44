"""The lockouts page (issue 12, item 6; docs/RULES.md §3): an administrator lists the username
and address pairs locked now and lifts one, which the account log records; nobody else opens
the page or lifts anything."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from units.models import AccountEvent, AccountEventKind

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 10, 12, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
A, B = "203.0.113.7", "198.51.100.20"
PAGE = reverse("units:lockouts")
UNLOCK = reverse("units:lockout_unlock")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def lock(username, address=A, times=10):
    client, data = Client(), {"username": username, "password": "sai"}
    for _ in range(times):
        client.post(reverse("login"), data, REMOTE_ADDR=address)


@pytest.fixture
def locked(org, clock):
    """SA locked from A; SA2 has two wrong passwords from B (not locked)."""
    lock("SA")
    lock("SA2", B, times=2)
    return org


def as_user(who):
    client = Client()
    client.force_login(getattr(who, "user", who))
    return client


def pair_locked(username, address):
    return AccessAttempt.objects.filter(username=username, ip_address=address).exists()


def test_anonymous_users_are_sent_to_log_in(locked):
    unlock = Client().post(UNLOCK, {"username": "SA", "ip_address": A})
    for response in (Client().get(PAGE), unlock):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert pair_locked("SA", A)


@pytest.mark.parametrize("who", ["staff_a", "head_a", "leader_w1"])
def test_cadres_heads_and_leaders_are_refused(locked, who):
    client = as_user(getattr(locked, who))
    page = client.get(PAGE)
    assert page.status_code == 403
    assert "Chỉ quản trị viên mới được mở trang khóa đăng nhập" in page.content.decode()
    assert client.post(UNLOCK, {"username": "SA", "ip_address": A}).status_code == 403
    assert pair_locked("SA", A)
    assert not AccountEvent.objects.filter(kind=AccountEventKind.UNLOCK).exists()


def test_the_admin_sees_who_is_locked_from_where_and_the_lockout_itself(locked):
    page = as_user(locked.admin).get(PAGE)
    assert page.status_code == 200
    (lockout,) = page.context["lockouts"]
    assert (lockout["username"], lockout["ip_address"], lockout["failures"]) == ("SA", A, 10)
    assert lockout["until"] == NOW + dt.timedelta(minutes=30)
    html = page.content.decode()
    assert "12/10/2026 10:00:00" in html  # locked until, local time
    assert [(e.kind, e.username) for e in page.context["log"]] == [(AccountEventKind.LOCKOUT, "SA")]
    assert "Bị khóa đăng nhập" in html


def test_the_admin_unlocks_a_pair_and_it_is_audited(locked, clock):
    clock.shift(dt.timedelta(minutes=5))
    response = as_user(locked.admin).post(UNLOCK, {"username": "SA", "ip_address": A}, follow=True)
    assert response.status_code == 200
    assert "Đã mở khóa đăng nhập của SA từ 203.0.113.7" in response.content.decode()
    assert not pair_locked("SA", A)
    assert pair_locked("SA2", B)  # another pair keeps its count
    event = AccountEvent.objects.get(kind=AccountEventKind.UNLOCK)
    assert (event.actor, event.username, event.ip_address, event.account) == (
        locked.admin,
        "SA",
        A,
        locked.staff_a.user,
    )
    assert event.at == NOW + dt.timedelta(minutes=5)
    assert response.context["lockouts"] == []
    assert [e.kind for e in response.context["log"]] == ["unlock", "lockout"]
    # Unlocked, SA logs in from A at once: the unlock also ends the username's slowdown.
    login = Client().post(
        reverse("login"), {"username": "SA", "password": "pw-fiveclear-1"}, REMOTE_ADDR=A
    )
    assert login.status_code == 302


def test_unlocking_a_pair_that_is_not_locked_changes_nothing(locked):
    response = as_user(locked.admin).post(UNLOCK, {"username": "SA", "ip_address": B}, follow=True)
    assert "SA không bị khóa đăng nhập từ 198.51.100.20" in response.content.decode()
    assert pair_locked("SA", A)
    assert not AccountEvent.objects.filter(kind=AccountEventKind.UNLOCK).exists()


def test_an_unlock_without_a_username_is_refused(locked):
    response = as_user(locked.admin).post(UNLOCK, {"ip_address": A}, follow=True)
    assert "Chưa chọn khóa đăng nhập cần mở" in response.content.decode()
    assert pair_locked("SA", A)
    response = as_user(locked.admin).post(UNLOCK, {"username": "SA", "ip_address": "x.y"})
    assert response.status_code == 302
    assert pair_locked("SA", A)
    assert not AccountEvent.objects.filter(kind=AccountEventKind.UNLOCK).exists()


def test_the_unlock_is_post_only(locked):
    assert as_user(locked.admin).get(UNLOCK).status_code == 405


def test_the_lockouts_page_reads_a_fixed_number_of_queries(org, clock, django_assert_num_queries):
    for n in range(6):
        lock(f"user{n}", f"192.0.2.{n + 1}")
    client = as_user(org.admin)
    # session, user, scope (cadre), locked pairs, lockout log
    with django_assert_num_queries(5):
        response = client.get(PAGE)
    html = response.content.decode()
    assert len(response.context["lockouts"]) == 6
    assert html.count(">Mở khóa</button>") == 6
    assert all(f"192.0.2.{n + 1}" in html for n in range(6))
