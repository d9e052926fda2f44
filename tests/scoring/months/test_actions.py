"""Each action of the month page through the browser's POST: it does what it says for the head
(and deputy) of the period's scope and the administrator, and nothing for anyone else —
anonymous, a cadre, the head of another scope, the head of a unit inside the scope, a leader."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from scoring.models import Appeal, AuditEntry, Period, PeriodMember, PeriodUnit, Phase
from scoring.month.services.appeals import appeal_answer, appeal_file
from scoring.month.services.decide import period_decide, period_publish
from tests.factories import member
from tests.month.conftest import points, submit
from tests.scoring.months.conftest import reach, state

pytestmark = pytest.mark.django_db


def scored(ward):
    period = reach(ward, Phase.REVIEW)
    org = ward.org
    for cadre, head in (
        (org.staff_a, org.head_a),
        (org.staff_a2, org.head_a),
        (org.staff_b, org.head_b),
        (ward.staff_b2, org.head_b),
    ):
        submit(period, cadre, cadre, "self")
        submit(period, cadre, head, "supervisor", points(T=60))
    return period


def decided(ward, clock):
    clock("2026-11-30")
    return period_decide(period=scored(ward), user=None)


def published(ward, clock):
    period = decided(ward, clock)
    clock("2026-12-02")
    return period_publish(period=period, user=None)


# (action, the period to act on, POST data, what an allowed POST changed)
def advance_case(ward, clock):
    clock("2026-11-20")
    return reach(ward, Phase.SELF), {}


def back_case(ward, clock):
    clock("2026-11-20")
    return reach(ward, Phase.PEER), {"reason": "Còn thiếu phiếu tự đánh giá"}


def reopen_case(ward, clock):
    clock("2026-11-20")
    period = reach(ward, Phase.PEER)
    clock("2026-11-26")
    return period, {
        "kind": "self",
        "units": ["W1-A"],
        "until": "28/11/2026",
        "reason": "Mất điện ngày 25",
    }


def whole_month_case(ward, clock):
    period, data = reopen_case(ward, clock)
    return period, {**data, "units": [], "whole": "on"}


def whole_month_reopened(ward, period):
    """The month's deadline moved; no unit was given a date of its own."""
    return Period.objects.get(pk=period.pk).self_until == dt.date(2026, 11, 28) and not (
        PeriodUnit.objects.filter(period=period, self_until__isnull=False).exists()
    )


def refresh_case(ward, clock):
    clock("2026-11-20")
    period = reach(ward, Phase.SELF)
    member(ward.org.a, code="NEW", full_name="Người Mới")
    return period, {}


def pools_case(ward, clock):
    return ward.period, {"pool_W1-A": "17 000 000", "pool_W1-B": "8.500.000", "pool_W1": ""}


def remind_case(ward, clock):
    clock("2026-11-20")
    return reach(ward, Phase.SELF), {"unit": "W1-B"}


def decide_case(ward, clock):
    clock("2026-11-30")
    return scored(ward), {}


def publish_case(ward, clock):
    return decided(ward, clock), {}


def lock_case(ward, clock):
    period = published(ward, clock)
    clock("2026-12-09")
    return period, {}


def phase_is(phase):
    return lambda ward, period: Period.objects.get(pk=period.pk).phase == phase


CASES = {
    "months:advance": (advance_case, phase_is(Phase.PEER)),
    "months:back": (back_case, phase_is(Phase.SELF)),
    "months:reopen": (
        reopen_case,
        lambda w, p: (
            PeriodUnit.objects.get(period=p, unit=w.org.a).self_until == dt.date(2026, 11, 28)
        ),
    ),
    "months:reopen whole month": (whole_month_case, whole_month_reopened),
    "months:refresh": (
        refresh_case,
        lambda w, p: PeriodMember.objects.filter(period=p, cadre__code="NEW").exists(),
    ),
    "months:pools": (
        pools_case,
        lambda w, p: PeriodUnit.objects.get(period=p, unit=w.org.a).pool == 17_000_000,
    ),
    "months:remind": (remind_case, lambda w, p: len(mail.outbox) == 3),
    "months:decide": (decide_case, phase_is(Phase.DECIDED)),
    "months:publish": (publish_case, phase_is(Phase.APPEALS)),
    "months:lock": (lock_case, phase_is(Phase.LOCKED)),
}

REFUSED = {"staff_a": 404, "head_w2": 404, "head_a": 404, "leader_w1": 403}


def url(case, period):
    """A case is named by its URL, then what it posts there when one URL has two cases."""
    return reverse(case.split()[0], args=[period.pk])


def actor(ward, who):
    return getattr(ward, who, None) or getattr(ward.org, who)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("who", ["head", "deputy", "admin"])
def test_the_head_deputy_and_administrator_act(ward, clock, login, name, who):
    build, done = CASES[name]
    period, data = build(ward, clock)
    response = login(actor(ward, who)).post(url(name, period), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("months:month", args=[period.pk])
    assert done(ward, period)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize(("who", "status"), REFUSED.items())
def test_nobody_else_acts(ward, clock, login, name, who, status):
    build, done = CASES[name]
    period, data = build(ward, clock)
    before = state()
    response = login(actor(ward, who)).post(url(name, period), data)
    assert response.status_code == status
    assert state() == before and mail.outbox == []
    assert not done(ward, period)


@pytest.mark.parametrize("name", CASES)
def test_anonymous_is_sent_to_log_in(ward, clock, client, name):
    build, _done = CASES[name]
    period, data = build(ward, clock)
    response = client.post(url(name, period), data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- reopening a step: for the whole month or for units, never neither ---------------------


def test_a_reopening_for_nobody_is_refused_on_the_units_field(ward, clock, login):
    period, data = reopen_case(ward, clock)
    before = state()
    page = login(ward.head).post(url("months:reopen", period), {**data, "units": []})
    assert page.status_code == 200
    assert page.context["form"].errors["units"] == ["Chọn ít nhất một đơn vị, hoặc cả tháng."]
    assert state() == before and Period.objects.get(pk=period.pk).self_until == period.self_until


def test_the_whole_month_is_reopened_only_to_a_day_not_past(ward, clock, login):
    period, data = whole_month_case(ward, clock)
    before = state()
    page = login(ward.head).post(url("months:reopen", period), {**data, "until": "25/11/2026"})
    assert "Hạn mới không được ở trong quá khứ." in page.content.decode()
    assert state() == before and Period.objects.get(pk=period.pk).self_until == period.self_until


def test_the_whole_month_is_never_closed_early_by_a_reopening(ward, clock, login):
    """Before its deadline a step is open for everyone: a 'reopening' to an earlier day would
    close it early, so it is refused and the deadline stays."""
    clock("2026-11-20")
    period = reach(ward, Phase.SELF)
    assert period.self_until == dt.date(2026, 11, 25)
    before = state()
    page = login(ward.head).post(
        url("months:reopen", period),
        {"kind": "self", "whole": "on", "until": "23/11/2026", "reason": "Nhầm"},
    )
    assert (
        "Bước “Tự đánh giá” đang mở cho mọi người đến ngày 25/11/2026: hãy chọn ngày muộn hơn."
        in page.content.decode()
    )
    assert state() == before and Period.objects.get(pk=period.pk).self_until == period.self_until


def test_the_whole_month_reopened_says_until_when_and_audits_the_reason(ward, clock, login):
    period, data = whole_month_case(ward, clock)
    client = login(ward.head)
    response = client.post(url("months:reopen", period), data)
    assert "Bước đã được mở lại cho cả tháng đến ngày 28/11/2026." in message_after(
        client, response
    )
    entry = AuditEntry.objects.get(action="period.reopen_step")
    assert entry.reason == "Mất điện ngày 25"


# --- out of phase: refused with a clear message, nothing written ----------------------------


def message_after(client, response):
    return client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("name", "phase", "message"),
    [
        ("months:decide", Phase.SELF, "được quyết định xếp loại ở bước thủ trưởng đánh giá"),
        ("months:publish", Phase.REVIEW, "Hãy quyết định xếp loại kỳ"),
        ("months:lock", Phase.REVIEW, "trước khi khóa sổ"),
        ("months:advance", Phase.REVIEW, "tháng đi tiếp bằng việc quyết định xếp loại"),
        ("months:back", Phase.DRAFT, "không lùi lại được"),
    ],
)
def test_a_step_out_of_phase_is_refused_with_a_message(ward, clock, login, name, phase, message):
    clock("2026-11-20")
    period = reach(ward, phase)
    client = login(ward.head)
    before = state()
    response = client.post(reverse(name, args=[period.pk]), {"reason": "x"})
    assert response.status_code == 302
    assert message in message_after(client, response)
    assert state() == before


def test_a_lock_during_the_appeals_window_is_refused(ward, clock, login):
    period = published(ward, clock)
    client = login(ward.head)
    page = client.get(reverse("months:lock", args=[period.pk])).content.decode()
    assert "Đang nhận kiến nghị đến ngày 08/12/2026" in page
    assert "Xác nhận: khóa sổ tháng" not in page
    response = client.post(reverse("months:lock", args=[period.pk]))
    assert "08/12/2026" in message_after(client, response)
    assert Period.objects.get(pk=period.pk).phase == Phase.APPEALS


def test_an_appeal_waiting_keeps_the_lock_refused(ward, clock, login):
    period = published(ward, clock)
    appeal = appeal_file(period=period, cadre=ward.org.staff_a, text="Xin xem lại", user=None)
    clock("2026-12-09")
    client = login(ward.head)
    page = client.get(reverse("months:lock", args=[period.pk])).content.decode()
    assert "Còn 1 kiến nghị chưa được trả lời." in page
    client.post(reverse("months:lock", args=[period.pk]))
    assert Period.objects.get(pk=period.pk).phase == Phase.APPEALS
    appeal_answer(appeal=appeal, accept=False, answer="Giữ nguyên", user=ward.org.head_a.user)
    client.post(reverse("months:lock", args=[period.pk]))
    assert Period.objects.get(pk=period.pk).phase == Phase.LOCKED
    assert Appeal.objects.get().status == "rejected"


# --- pools typed as people write money -------------------------------------------------------


@pytest.mark.parametrize("typed", ["17,000,000", "17.000,00", "mười bảy triệu", "-5.000"])
def test_an_amount_not_written_as_vnd_is_refused_with_an_example(ward, login, typed):
    client = login(ward.head)
    url = reverse("months:pools", args=[ward.period.pk])
    page = client.post(url, {"pool_W1-A": "5.000.000", "pool_W1-B": typed}).content.decode()
    assert f"“{typed}” không phải là số tiền (đồng): hãy viết như 17.000.000" in page
    assert "Quỹ thu nhập tăng thêm của Phòng B (đồng)" in page  # the row is named
    assert not AuditEntry.objects.filter(action="pool.set").exists()


def test_the_outstanding_flag_shows_its_rate_only_where_the_regulation_has_one(org, login, clock):
    from directives.models import Regulation
    from scoring.month.services.opening import period_open

    hn = period_open(
        month="2026-11", scope=org.w1, regulation=Regulation.objects.get(code="HN3814"), user=None
    )
    nd = period_open(month="2026-11", scope=org.w2, user=None)
    client = login(org.admin)
    page = client.get(reverse("months:pools", args=[hn.pk])).content.decode()
    assert "Đơn vị tiêu biểu (tỷ lệ 40%)" in page
    assert "tối đa 30% số người được xếp loại giữ loại A; ở đơn vị tiêu biểu tối đa 40%" in page
    client.post(
        reverse("months:pools", args=[hn.pk]),
        {"pool_W1-A": "1.000.000", "outstanding_W1-A": "on"},
    )
    assert PeriodUnit.objects.get(period=hn, unit=org.a).outstanding
    page = client.get(reverse("months:pools", args=[nd.pk])).content.decode()
    assert "outstanding_" not in page
    assert "ND335 không có tỷ lệ riêng cho đơn vị tiêu biểu" in page


PAGES = [
    "months:month",
    "months:advance",
    "months:back",
    "months:reopen",
    "months:refresh",
    "months:pools",
    "months:decide",
    "months:publish",
    "months:lock",
]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff_a", 404),
        ("head_w2", 404),
        ("head_a", 404),
        ("leader_w1", 200),
        ("head", 200),
        ("deputy", 200),
        ("admin", 200),
    ],
)
def test_who_reads_each_page(ward, clock, login, name, who, status):
    """A leader over the scope reads every page (and confirms nothing); a head of a unit inside
    the scope reads their part on the grid and progress pages, not here."""
    clock("2026-11-20")
    period = reach(ward, Phase.SELF)
    page = login(actor(ward, who)).get(reverse(name, args=[period.pk]))
    assert page.status_code == status
    if who == "leader_w1":
        assert "Xác nhận" not in page.content.decode()


def test_a_cadre_of_the_scope_unit_itself_is_refused(ward, login):
    """A member of the ward's own office sees their unit, not the month's running (403)."""
    clerk = member(ward.org.w1, code="VT", full_name="Văn thư")
    response = login(clerk).get(reverse("months:month", args=[ward.period.pk]))
    assert response.status_code == 403
