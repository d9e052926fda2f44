"""Set-password links (issue 12, item 1; docs/RULES.md §3): an administrator issues them, a head
only for a cadre strictly below them who has never set a password; never for an equal or
higher role, never for an administrator account; the lifetime is PASSWORD_LINK_HOURS; every
link is in the account log and the person is emailed when an address is known.

The people are the demo ward's (`make run`), built small: the ward HH with its head CB000002,
deputy CB000003 and leader CB000005, the department HH-KT with its head CB000030, deputy
CB000031 and a staff member, and the sibling department HH-VP with its head. As in the demo,
nobody has set a password.
"""

import datetime as dt
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import (
    CadreFactory,
    MembershipFactory,
    RoleFactory,
    UnitFactory,
    UserFactory,
    member,
)
from tests.test_settings import setting
from units.models import AccountEvent, AccountEventKind

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 10, 12, 9, 30, tzinfo=HANOI)
NEW_PASSWORD = "Mat-khau-moi-2026"


def person(unit, code, role=None, *, email=True):
    """A cadre of `unit` (holding `role` over it) whose account has no password yet."""
    address = f"{code.lower()}@hongha.example.vn" if email else ""
    cadre = member(unit, role=role, code=code, full_name=f"Cán bộ {code}", email=address)
    cadre.user.set_unusable_password()
    cadre.user.save()
    return cadre


@pytest.fixture
def ward(db):
    city = UnitFactory(code="HN", name="Thành phố Hà Nội", kind="city")
    hh = UnitFactory(code="HH", name="Phường Hồng Hà", kind="ward", parent=city)
    kt, vp = (
        UnitFactory(code=code, name=name, parent=hh)
        for code, name in (("HH-KT", "Phòng Kinh tế"), ("HH-VP", "Văn phòng"))
    )
    return SimpleNamespace(
        hh=hh,
        kt=kt,
        ward_head=person(hh, "CB000002", "head"),
        ward_deputy=person(hh, "CB000003", "deputy"),
        ward_leader=person(hh, "CB000005", "leader"),
        dept_head=person(kt, "CB000030", "head"),
        dept_deputy=person(kt, "CB000031", "deputy"),
        staff=person(kt, "CB000040"),
        other_head=person(vp, "CB000050", "head"),
        admin=UserFactory(username="admin", is_superuser=True, is_staff=True),
    )


def as_user(who) -> Client:
    client = Client()
    client.force_login(getattr(who, "user", who))
    return client


def url(cadre):
    return reverse("units:password_link", args=[cadre.code])


def state(cadre):
    """What a refused request must leave as it was."""
    cadre.user.refresh_from_db()
    return (cadre.user.password, AccountEvent.objects.count(), len(mail.outbox))


def assert_refused(client, cadre, reason):
    """GET and POST answer 403 with `reason` (Vietnamese) and change nothing; the cadre's page
    offers no button."""
    before = state(cadre)
    for method in ("get", "post"):
        response = getattr(client, method)(url(cadre), {"replace": "on"})
        assert response.status_code == 403, method
        assert reason in response.content.decode(), method
    assert state(cadre) == before
    assert url(cadre) not in client.get(cadre.get_absolute_url()).content.decode()


NOT_A_HEAD_ABOVE = "Chỉ quản trị viên, hoặc trưởng đơn vị cấp trên của người này"
ALREADY_SET = "Người này đã tự đặt mật khẩu"


def link_in(message) -> str:
    return re.search(r"https?://\S+/password/set/\S+/", message).group(0)


def set_password(link, password=NEW_PASSWORD):
    """Follow a set-password link as its recipient; True when the password was set."""
    client = Client()
    form = client.get(link, follow=True)
    if not form.context["validlink"]:
        return False
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    return response.status_code == 302


# --- the repros -----------------------------------------------------------------------------


def test_a_deputy_cannot_issue_a_password_link_for_his_head(ward):
    assert_refused(as_user(ward.ward_deputy), ward.ward_head, NOT_A_HEAD_ABOVE)


def test_the_ward_leader_cannot_issue_a_password_link_for_the_ward_head(ward):
    assert_refused(as_user(ward.ward_leader), ward.ward_head, NOT_A_HEAD_ABOVE)


def test_a_department_deputy_cannot_issue_a_password_link_for_his_head(ward):
    assert_refused(as_user(ward.dept_deputy), ward.dept_head, NOT_A_HEAD_ABOVE)


def test_a_deputy_cannot_issue_a_password_link_even_for_staff_below_him(ward):
    """Issuing links is a head's, not a deputy's (docs/RULES.md §3)."""
    assert_refused(as_user(ward.dept_deputy), ward.staff, NOT_A_HEAD_ABOVE)


def test_a_head_cannot_issue_a_password_link_for_himself(ward):
    assert_refused(as_user(ward.dept_head), ward.dept_head, "Không ai tự cấp")


def test_a_head_cannot_issue_a_password_link_for_a_peer_head(ward):
    co_head = person(ward.kt, "CB000032", "head")
    assert_refused(as_user(ward.dept_head), co_head, NOT_A_HEAD_ABOVE)
    # The head of a sibling department is not even visible to him.
    assert as_user(ward.dept_head).post(url(ward.other_head)).status_code == 404


def test_a_head_cannot_issue_a_password_link_for_someone_above_him(ward):
    """The ward's leaders are outside his unit: not even visible to him."""
    head = as_user(ward.dept_head)
    before = state(ward.ward_head)
    for above in (ward.ward_head, ward.ward_deputy, ward.ward_leader):
        assert head.get(url(above)).status_code == 404
        assert head.post(url(above), {"replace": "on"}).status_code == 404
    assert state(ward.ward_head) == before


def test_a_head_cannot_issue_a_password_link_for_a_leader_of_his_own_unit(ward):
    leader = person(ward.hh, "CB000006", "leader")
    assert_refused(as_user(ward.ward_head), leader, NOT_A_HEAD_ABOVE)


def test_an_outsider_cannot_issue_a_password_link(ward):
    other_ward = UnitFactory(code="P001", kind="ward", parent=ward.hh.parent)
    outsider = person(other_ward, "CB000200", "head")
    before = state(ward.staff)
    assert as_user(outsider).post(url(ward.staff), {"replace": "on"}).status_code == 404
    colleague = person(ward.kt, "CB000041")
    assert as_user(colleague).post(url(ward.staff), {"replace": "on"}).status_code == 404
    anonymous = Client().post(url(ward.staff))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert state(ward.staff) == before


# --- a head, downward -----------------------------------------------------------------------


def test_a_head_issues_a_link_for_staff_below_only_until_the_staff_sets_a_password(ward):
    head = as_user(ward.dept_head)
    assert url(ward.staff) in head.get(ward.staff.get_absolute_url()).content.decode()
    assert head.get(url(ward.staff)).status_code == 200
    response = head.post(url(ward.staff))
    assert response.status_code == 302
    assert set_password(link_in(mail.outbox[0].body))
    ward.staff.user.refresh_from_db()
    assert ward.staff.user.check_password(NEW_PASSWORD)
    assert AccountEvent.objects.filter(
        kind=AccountEventKind.PASSWORD_SET, account=ward.staff.user
    ).exists()
    assert_refused(head, ward.staff, ALREADY_SET)


def test_a_head_stays_refused_once_a_password_was_set_even_if_it_is_disabled_later(ward):
    """The account log remembers the set: disabling the password does not hand the account
    back to the head."""
    ward.staff.user.set_password("Mat-khau-cu-2026")
    ward.staff.user.save()
    ward.staff.user.set_unusable_password()
    ward.staff.user.save()
    assert not ward.staff.user.has_usable_password()
    assert_refused(as_user(ward.dept_head), ward.staff, ALREADY_SET)


def test_the_ward_head_issues_links_down_the_tree_but_not_to_his_deputies_peers(ward):
    """Strictly below: a department head under the ward and a deputy of his own unit are
    below the ward head; his co-leader is not."""
    head = as_user(ward.ward_head)
    for cadre in (ward.dept_head, ward.ward_deputy, ward.staff):
        assert head.post(url(cadre)).status_code == 302, cadre.code
    assert AccountEvent.objects.filter(kind=AccountEventKind.PASSWORD_LINK).count() == 3


def test_a_head_cannot_issue_for_a_cadre_who_is_also_head_above_him_elsewhere(ward):
    """A staff member of the department who is also the ward's head counts as above."""
    RoleFactory(cadre=ward.staff, unit=ward.hh, role="head")
    assert_refused(as_user(ward.dept_head), ward.staff, NOT_A_HEAD_ABOVE)


# --- the administrator ----------------------------------------------------------------------


def test_an_admin_cannot_issue_a_password_link_for_a_superuser(ward):
    root = UserFactory(username="CB000001", is_superuser=True, is_staff=True)
    cadre = CadreFactory(code="CB000001", user=root)
    MembershipFactory(cadre=cadre, unit=ward.hh)
    assert_refused(as_user(ward.admin), cadre, "không bao giờ được cấp cho tài khoản quản trị")


def test_an_admin_cannot_issue_a_password_link_for_a_staff_account(ward):
    ward.dept_deputy.user.is_staff = True
    ward.dept_deputy.user.save()
    assert_refused(
        as_user(ward.admin), ward.dept_deputy, "không bao giờ được cấp cho tài khoản quản trị"
    )


def test_an_admin_issues_a_link_for_an_account_without_a_password_at_once(ward):
    admin = as_user(ward.admin)
    assert url(ward.ward_head) in admin.get(ward.ward_head.get_absolute_url()).content.decode()
    assert 'name="replace"' not in admin.get(url(ward.ward_head)).content.decode()
    response = admin.post(url(ward.ward_head))
    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_an_admin_must_confirm_that_a_link_replaces_an_existing_password(ward):
    ward.ward_head.user.set_password("Mat-khau-cu-2026")
    ward.ward_head.user.save()
    admin = as_user(ward.admin)
    page = admin.get(url(ward.ward_head)).content.decode()
    assert 'name="replace"' in page
    before = state(ward.ward_head)
    refused = admin.post(url(ward.ward_head))
    assert refused.status_code == 200
    assert "Đánh dấu ô xác nhận" in refused.content.decode()
    assert state(ward.ward_head) == before
    confirmed = admin.post(url(ward.ward_head), {"replace": "on"})
    assert confirmed.status_code == 302
    event = AccountEvent.objects.get(kind=AccountEventKind.PASSWORD_LINK)
    assert event.detail["replaces_password"] is True
    # The old password works until the link is used; then only the new one.
    assert ward.ward_head.user.check_password("Mat-khau-cu-2026")
    assert set_password(link_in(mail.outbox[0].body))
    ward.ward_head.user.refresh_from_db()
    assert ward.ward_head.user.check_password(NEW_PASSWORD)


# --- the record, the notice and the lifetime ------------------------------------------------


def test_every_link_issued_is_an_account_log_entry(ward):
    with time_machine.travel(NOW, tick=False):
        as_user(ward.dept_head).post(url(ward.staff))
    event = AccountEvent.objects.get(kind=AccountEventKind.PASSWORD_LINK)
    assert (event.actor, event.account, event.at) == (ward.dept_head.user, ward.staff.user, NOW)
    assert event.actor_name == "Cán bộ CB000030 (CB000030)"
    expires = dt.datetime.fromisoformat(event.detail.pop("expires"))
    assert expires == NOW + dt.timedelta(hours=24)
    assert event.detail == {
        "cadre": "CB000040",
        "replaces_password": False,
        "sent_to": "cb000040@hongha.example.vn",
    }


def test_the_person_is_emailed_the_link_and_who_issued_it_and_the_issuer_never_sees_it(ward):
    with time_machine.travel(NOW, tick=False):
        response = as_user(ward.dept_head).post(url(ward.staff), follow=True)
        (notice,) = mail.outbox
        assert notice.to == ["cb000040@hongha.example.vn"]
        assert notice.subject == "FiveClear: liên kết đặt mật khẩu của bạn"
        assert "Cán bộ CB000030 (CB000030) đã cấp cho bạn liên kết" in notice.body
        assert "đến 09:30 ngày 13/10/2026 (24 giờ)" in notice.body
        link = link_in(notice.body)
        page = response.content.decode()
        assert "cb000040@hongha.example.vn" in page
        assert link.rsplit("/", 2)[-2] not in page  # the token
        assert set_password(link)


def test_without_an_address_the_issuer_is_shown_the_link_and_no_mail_is_sent(ward):
    silent = person(ward.kt, "CB000042", email=False)
    response = as_user(ward.dept_head).post(url(silent), follow=True)
    message = str(next(iter(response.context["messages"])))
    assert mail.outbox == []
    assert set_password(link_in(message))
    assert AccountEvent.objects.get(kind=AccountEventKind.PASSWORD_LINK).detail["sent_to"] == ""


def test_a_notice_that_cannot_be_sent_issues_nothing(ward, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("units.services.send_mail", refuse)
    before = state(ward.staff)
    response = as_user(ward.dept_head).post(url(ward.staff), follow=True)
    assert "không gửi được" in response.content.decode()
    assert state(ward.staff) == before


def test_a_cadre_without_an_account_gets_one_with_the_link(ward):
    cadre = CadreFactory(code="CB000043", user=None, email="cb000043@hongha.example.vn")
    MembershipFactory(cadre=cadre, unit=ward.kt)
    assert as_user(ward.dept_head).post(url(cadre)).status_code == 302
    cadre.refresh_from_db()
    assert cadre.user.username == "CB000043"
    assert not cadre.user.has_usable_password()
    assert set_password(link_in(mail.outbox[0].body))


def test_a_cadre_whose_code_is_another_accounts_name_is_refused(ward):
    get_user_model().objects.create_user(username="CB000044")
    cadre = CadreFactory(code="CB000044", user=None, email="cb000044@hongha.example.vn")
    MembershipFactory(cadre=cadre, unit=ward.kt)
    for issuer in (ward.admin, ward.dept_head):
        response = as_user(issuer).post(url(cadre))
        assert response.status_code == 403
        assert "thuộc về một tài khoản khác" in response.content.decode()
    cadre.refresh_from_db()
    assert cadre.user is None
    assert (AccountEvent.objects.count(), mail.outbox) == (0, [])


@pytest.mark.parametrize("hours", [2, 24])
def test_a_link_expires_after_the_settings_hours(ward, settings, hours):
    settings.PASSWORD_LINK_HOURS = hours
    with time_machine.travel(NOW, tick=False):
        as_user(ward.admin).post(url(ward.staff))
    link = link_in(mail.outbox[0].body)
    assert f"({hours} giờ)" in mail.outbox[0].body
    with time_machine.travel(NOW + dt.timedelta(hours=hours, minutes=1), tick=False):
        assert not set_password(link)
    with time_machine.travel(NOW + dt.timedelta(hours=hours, minutes=-1), tick=False):
        assert set_password(link)
    ward.staff.user.refresh_from_db()
    assert ward.staff.user.check_password(NEW_PASSWORD)


def test_a_link_works_once(ward):
    as_user(ward.admin).post(url(ward.staff))
    link = link_in(mail.outbox[0].body)
    assert set_password(link)
    assert not set_password(link, "Mat-khau-khac-2026")


def test_the_lifetime_defaults_to_24_hours():
    assert setting("settings.PASSWORD_LINK_HOURS", unset={"PASSWORD_LINK_HOURS"}) == "24"
    assert setting("settings.PASSWORD_LINK_HOURS", PASSWORD_LINK_HOURS="6") == "6"
