"""One whole month of the demo ward run in real Chromium by its head, `chutich`: open →
self-assessment → cross-evaluation → supervisor review → decide → publish → an appeal filed
and answered → lock. The people's own scorecards are saved through the services (the grid and
the phone forms have their own browser tests); everything the head does is clicked.

The clock is frozen at 20 November 2026, 09:00 in Hanoi, and moves on (ticking) from there; the
cookies live as long as the browser, so the browser's own date never matters."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from playwright.sync_api import expect

from scoring.demo.ward import build_demo
from scoring.models import AppealStatus, Period, PeriodMember, ScorecardKind
from scoring.month.selectors.rating import rating_rules
from scoring.month.services.scorecards import scorecard_save
from tests.e2e.helpers import sign_in
from tests.e2e.test_month import assert_every_field_is_labelled
from units.models import Cadre

pytestmark = pytest.mark.django_db(transaction=True)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
START = dt.datetime(2026, 11, 20, 9, tzinfo=HANOI)
FULL = {"G1": 5, "G2": 5, "G3": 5, "G4": 10, "G5": 5}


@pytest.fixture
def ward(transactional_db, time_machine, settings):
    """The demo ward as `make run` loads it on 20 November 2026 (November open for
    self-assessment); sessions and cookies outlive the clock's moves."""
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.SESSION_COOKIE_AGE = 365 * 24 * 3600
    settings.CSRF_COOKIE_AGE = None
    time_machine.move_to(START, tick=True)
    build_demo(cadres=60, today=START.date())
    return time_machine


def log_in(page, live_server, username):
    page.context.clear_cookies()
    return sign_in(page, live_server.url, username)


def phase_shown(page, phase):
    expect(page.locator("[data-phase]")).to_have_attribute("data-phase", phase)


def confirm(page, link, button):
    """Open an action's confirmation page from the month's page and confirm it there."""
    page.get_by_role("link", name=link, exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def cards(period, kind):
    """Everyone's `kind` scorecards of the month, saved as the people would (full marks but
    G4 9 for the department of `canbo`, T 60 for whoever has no task)."""
    if kind == ScorecardKind.SELF:
        pairs = [(m.cadre, m.cadre) for m in period.members.select_related("cadre")]
    elif kind == ScorecardKind.PEER:
        pairs = [
            (a.ratee, a.rater) for a in period.peer_assignments.select_related("rater", "ratee")
        ]
    else:
        rules = rating_rules(period)
        members = list(period.members.select_related("cadre", "unit"))
        acting = sorted(rules.acting.items(), key=lambda item: -max(len(p) for p in item[1]))
        by_id = {m.cadre_id: m.cadre for m in members}
        outsiders = Cadre.objects.in_bulk([cid for cid, _paths in acting if cid not in by_id])
        pairs = []
        for member in members:
            rater_id = next(
                cid
                for cid, _paths in acting
                if rules.refusal(ScorecardKind.SUPERVISOR, cid, member.cadre_id) is None
            )
            pairs.append((member.cadre, by_id.get(rater_id) or outsiders[rater_id]))
    for ratee, rater in pairs:
        points = dict(FULL)
        if kind == ScorecardKind.SUPERVISOR:
            points["T"] = 60
        scorecard_save(
            period=period,
            ratee=ratee,
            rater=rater,
            kind=kind,
            points=points,
            submit=True,
            user=None,
            enforce_phase=False,
        )


def test_the_wards_head_runs_a_whole_month_in_the_browser(ward, page, live_server, console_errors):
    log_in(page, live_server, "chutich")

    # --- open: December, the dates prefilled dd/mm/yyyy, a preview before confirming
    page.get_by_role("link", name="Các tháng", exact=True).first.click()
    page.get_by_role("link", name="Mở tháng tiếp theo cho Phường Hồng Hà").click()
    expect(page.get_by_role("heading", name="Mở tháng", exact=True)).to_be_visible()
    members = PeriodMember.objects.filter(period__scope__code="HH", period__month="2026-11")
    expect(page.locator("[data-preview]")).to_contain_text(f"{members.count()} người")
    self_until = page.get_by_label("Tự đánh giá đến ngày")
    expect(self_until).to_have_value("25/12/2026")
    expect(page.get_by_label("Khóa sổ ngày")).to_have_value("10/01/2027")
    assert_every_field_is_labelled(page)
    self_until.fill("24/12/2026")
    page.get_by_role("button", name="Xác nhận: mở tháng 12/2026").click()
    expect(page.get_by_role("heading", name="Tháng 12/2026 · Phường Hồng Hà")).to_be_visible()
    phase_shown(page, "draft")
    period = Period.objects.get(scope__code="HH", month="2026-12")
    assert period.self_until == dt.date(2026, 12, 24)
    expect(page.locator("[data-today]")).to_contain_text("20/11/2026")

    # --- self-assessment: started by the head; a department reminded
    confirm(page, "Chuyển sang “Tự đánh giá”", "Xác nhận: chuyển sang “Tự đánh giá”")
    phase_shown(page, "self")
    kt = page.locator('tr[data-unit="HH-KT"]')
    expect(kt).to_be_visible()
    kt.get_by_role("button", name=re.compile("Gửi lời nhắc")).click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert").first).to_contain_text("Đã gửi lời nhắc cho")
    assert mail.outbox and all("@hongha.example.vn" in m.to[0] for m in mail.outbox)
    cards(period, ScorecardKind.SELF)

    # --- cross-evaluation
    confirm(page, "Chuyển sang “Đánh giá chéo”", "Xác nhận: chuyển sang “Đánh giá chéo”")
    phase_shown(page, "peer")
    cards(period, ScorecardKind.PEER)

    # --- supervisor review; a pool typed as people write money
    confirm(
        page, "Chuyển sang “Thủ trưởng đánh giá”", "Xác nhận: chuyển sang “Thủ trưởng đánh giá”"
    )
    phase_shown(page, "review")
    cards(period, ScorecardKind.SUPERVISOR)
    page.get_by_role("link", name="Quỹ và đơn vị tiêu biểu").click()
    pool = page.get_by_label("Quỹ thu nhập tăng thêm của Phòng Kinh tế, Hạ tầng và Đô thị (đồng)")
    pool.fill("17,000,000")
    page.get_by_role("button", name="Lưu quỹ").click()
    expect(page.get_by_role("alert").first).to_contain_text("hãy viết như 17.000.000")
    page.get_by_label("Quỹ thu nhập tăng thêm của Phòng Kinh tế, Hạ tầng và Đô thị (đồng)").fill(
        "17 000 000"
    )
    page.get_by_role("button", name="Lưu quỹ").click()
    page.wait_for_load_state()
    expect(page.locator("[data-history]")).to_contain_text("Quỹ của HH-KT: 0 → 17.000.000 đồng.")
    assert period.units.get(unit__code="HH-KT").pool == 17_000_000

    # --- decide: the preview first (cross-evaluation still open on paper: counts, no names)
    page.get_by_role("link", name="Quyết định xếp loại", exact=True).click()
    expect(page.locator('[data-unit="HH-KT"]')).to_contain_text("17.000.000")
    expect(page.locator("[data-tiers]")).to_be_visible()
    page.get_by_role("button", name="Xác nhận: quyết định xếp loại tháng").click()
    page.wait_for_load_state()
    phase_shown(page, "decided")
    assert period.results.count() == period.members.count()

    # --- publish
    page.get_by_role("link", name="Công khai", exact=True).click()
    expect(page.locator('[data-unit="HH-KT"]')).to_contain_text("17.000.000")
    page.get_by_role("button", name="Xác nhận: công khai kết quả").click()
    page.wait_for_load_state()
    phase_shown(page, "appeals")
    period.refresh_from_db()
    assert period.appeals_until == dt.date(2027, 1, 8)

    # --- an appeal: the cadre files it, their department's head answers it
    log_in(page, live_server, "canbo")
    page.goto(f"{live_server.url}/month/{period.pk}/result/")
    page.get_by_label(re.compile("Nội dung kiến nghị")).fill("Đề nghị xem xét lại điểm G4.")
    page.get_by_role("button", name=re.compile("Gửi kiến nghị")).click()
    page.wait_for_load_state()
    appeal = period.appeals.get()
    log_in(page, live_server, "truongphong")
    page.goto(f"{live_server.url}/month/{period.pk}/appeals/")
    page.get_by_label("Trả lời").fill("Điểm G4 đúng với quy chế.")
    page.get_by_role("button", name="Trả lời, không chấp nhận").click()
    page.wait_for_load_state()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REJECTED

    # --- lock: refused while appeals are open, done once they have closed
    log_in(page, live_server, "chutich")
    page.goto(f"{live_server.url}/months/{period.pk}/")
    page.get_by_role("link", name="Khóa sổ", exact=True).click()
    expect(page.locator("[data-refusal]")).to_contain_text("08/01/2027")
    ward.move_to(dt.datetime(2027, 1, 9, 8, tzinfo=HANOI), tick=True)
    page.reload()
    page.get_by_role("button", name="Xác nhận: khóa sổ tháng").click()
    page.wait_for_load_state()
    phase_shown(page, "locked")

    history = page.locator("[data-history]")
    for action in ("period.open", "period.advance", "pool.set", "period.decide", "period.publish"):
        expect(history.locator(f'tr[data-action="{action}"]').first).to_be_visible()
    expect(history.locator('tr[data-action="period.lock"]')).to_contain_text("(chutich)")
    heads = period.audit_entries.filter(action__startswith="period.").exclude(action="period.open")
    assert {e.user.username for e in heads if e.user} == {"chutich"}
    assert console_errors == []
