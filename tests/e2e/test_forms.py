"""Issue 15 item 9 in real Chromium: the phone's peer form shows its errors at the top (a
focused summary whose links focus the fields); "Save draft" on a submitted card says it stays
submitted and asks; an appeal refused because one is already waiting keeps its text."""

import re

import pytest
from playwright.sync_api import expect

from scoring.models import Appeal, Phase, Scorecard, ScorecardKind
from scoring.month.services.appeals import appeal_file
from scoring.month.services.decide import period_decide, period_publish
from tests.e2e.test_month import (
    FULL,
    cadre,
    later_month_of_the_department,
    reach,
    this_month,
)

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}


def open_first_peer_card(page, live_server, period):
    page.goto(f"{live_server.url}/month/{period.pk}/peers/")
    page.locator("a.list-group-item").first.click()
    expect(page).to_have_url(re.compile(rf"/month/{period.pk}/peers/\w+/$"))


def test_the_phone_peer_form_shows_its_errors_at_the_top_and_links_to_the_fields(
    demo, log_in, page, live_server, console_errors
):
    period = reach(this_month(), Phase.PEER, self=1, peer=2)
    page.set_viewport_size(PHONE)
    log_in("canbo")
    open_first_peer_card(page, live_server, period)
    page.get_by_label(re.compile(r"G1 ·")).fill("9")  # above its maximum of 5
    for code in ("G2", "G3", "G4"):
        page.get_by_label(re.compile(rf"{code} ·")).fill(str(FULL[code]))
    # G5, the last field, far below on a phone, is left empty.
    page.get_by_role("button", name="Gửi phiếu").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    links = summary.locator("a[data-error-link]")
    expect(links).to_have_count(2)
    expect(links.first).to_contain_text("G1")
    expect(links.nth(1)).to_contain_text("G5")
    links.nth(1).click()
    g5 = page.get_by_label(re.compile(r"G5 ·"))
    expect(g5).to_be_focused()
    expect(g5).to_be_in_viewport()
    expect(g5).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not Scorecard.objects.filter(period=period, kind=ScorecardKind.PEER).exists()
    assert console_errors == []


def test_save_draft_on_a_submitted_peer_card_says_it_stays_submitted_and_asks(
    demo, log_in, page, live_server, console_errors
):
    """A submitted card stays submitted (scorecard_save): "Save draft" on it would change the
    submitted scores while saying "Draft saved". Nothing is saved; the page says so and asks."""
    period = reach(this_month(), Phase.PEER, self=1, peer=2)
    me = cadre("canbo")
    page.set_viewport_size(PHONE)
    log_in("canbo")
    open_first_peer_card(page, live_server, period)
    for code, top in FULL.items():
        page.get_by_label(re.compile(rf"{code} ·")).fill(str(top))
    page.get_by_role("button", name="Gửi phiếu").click()
    expect(page.locator("[data-peer-progress]")).to_contain_text("1 /")
    card = Scorecard.objects.get(period=period, rater=me, kind=ScorecardKind.PEER)
    assert card.status == "submitted"

    page.locator("a.list-group-item").first.click()
    page.get_by_label(re.compile(r"G1 ·")).fill("4")
    page.get_by_role("button", name="Lưu nháp").click()
    question = page.locator("[data-confirm-submitted]")
    expect(question).to_be_focused()
    expect(question).to_be_in_viewport()
    expect(question).to_contain_text("Chưa lưu: phiếu này đã được gửi.")
    expect(question).to_contain_text("không trở lại thành bản nháp")
    card.refresh_from_db()
    assert card.version == 1  # nothing saved
    assert card.lines.get(criterion__code="G1").points == 5
    expect(page.get_by_label(re.compile(r"G1 ·"))).to_have_value("4")  # still as typed

    # Leaving it keeps the submitted card as it was.
    question.get_by_role("link", name="Giữ nguyên phiếu đã gửi").click()
    expect(page.get_by_label(re.compile(r"G1 ·"))).to_have_value("5")

    # Asked again, the person submits the change.
    page.get_by_label(re.compile(r"G1 ·")).fill("4")
    page.get_by_role("button", name="Lưu nháp").click()
    page.locator("[data-confirm-submitted]").get_by_role(
        "button", name="Gửi phiếu với các thay đổi"
    ).click()
    expect(page.locator("[data-peer-progress]")).to_contain_text("1 /")
    card.refresh_from_db()
    assert card.status == "submitted" and card.version == 2
    assert card.lines.get(criterion__code="G1").points == 4
    assert console_errors == []


def test_an_appeal_sent_while_one_is_waiting_keeps_its_text(
    demo, log_in, page, live_server, console_errors
):
    period = later_month_of_the_department()
    period = period_publish(period=period_decide(period=period, user=None), user=None)
    me = cadre("canbo")
    page.set_viewport_size(PHONE)
    log_in("canbo")
    page.goto(f"{live_server.url}/month/{period.pk}/result/")
    text = "Đề nghị xem lại điểm G4: tôi đã hoàn thành hai việc trước hạn."
    page.get_by_label("Nội dung kiến nghị về kết quả và lý do").fill(text)
    # Meanwhile the same cadre's first appeal went in from another tab.
    appeal_file(period=period, cadre=me, text="Điểm T chưa đúng.", user=me.user)
    page.get_by_role("button", name="Gửi kiến nghị").click()

    expect(page.get_by_text("đang chờ trả lời").first).to_be_visible()
    kept = page.locator("[data-appeal-kept]")
    expect(kept).to_have_value(text)
    expect(page.locator("[data-appeal-waiting]")).to_be_visible()
    assert Appeal.objects.filter(period=period).count() == 1
    # Shown once: a reload no longer holds it, and no second form invites a refused send.
    page.reload()
    expect(page.locator("[data-appeal-kept]")).to_have_count(0)
    expect(page.get_by_role("button", name="Gửi kiến nghị")).to_have_count(0)
    assert console_errors == []
