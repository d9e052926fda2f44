"""A task from assignment to the month's figures, in real Chromium.

Time is frozen (`timezone.localdate`) on a day of a month the demo has no task in, so the
assignee's month holds exactly this task: submitted late (one delay recorded by FiveClear),
one more delay recorded by the head, accepted without errors.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from units.models import Cadre

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def frozen_day(monkeypatch):
    """The 20th of a month about a year and a half ahead: no demo task falls in it."""
    ahead = timezone.localdate() + dt.timedelta(days=540)
    day = ahead.replace(day=20)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    return day


def switch_to(page, log_in, username):
    page.context.clear_cookies()
    return log_in(username)


def test_head_assigns_cadre_submits_late_head_records_delay_and_accepts(
    demo, frozen_day, page, log_in, live_server, console_errors
):
    canbo = Cadre.objects.get(user__username="canbo")
    assigned_on = frozen_day.replace(day=5)
    deadline = frozen_day.replace(day=15)
    month = f"{frozen_day:%Y-%m}"

    # The head of the department assigns the task with the five clear fields.
    log_in("truongphong")
    page.get_by_role("link", name="Bảng nhiệm vụ").first.click()
    expect(
        page.get_by_role("heading", name="Bảng nhiệm vụ · Phòng Kinh tế, Hạ tầng và Đô thị")
    ).to_be_visible()
    page.get_by_role("link", name="Giao việc").click()
    page.get_by_label("Người chủ trì (rõ người)").select_option(str(canbo.pk))
    page.get_by_label("Nhiệm vụ (rõ việc)").fill("Báo cáo tình hình kinh tế - xã hội tháng 3")
    page.get_by_label("Ngày giao").fill(assigned_on.strftime("%d/%m/%Y"))
    page.get_by_label("Hạn hoàn thành (rõ thời gian)").fill(deadline.strftime("%d/%m/%Y"))
    page.get_by_label("Kết quả, sản phẩm cần đạt (rõ sản phẩm)").fill(
        "Báo cáo trình Chủ tịch UBND phường"
    )
    page.get_by_role("button", name="Giao việc").click()
    expect(page.get_by_text("Đã giao nhiệm vụ")).to_be_visible()
    row = page.locator("tbody", has_text="Báo cáo tình hình kinh tế - xã hội tháng 3")
    expect(row.get_by_text("quá hạn")).to_be_visible()

    # The cadre submits the result five days late, on a phone-sized screen.
    switch_to(page, log_in, "canbo")
    page.set_viewport_size({"width": 360, "height": 760})
    page.locator(".navbar-toggler").click()
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Nhiệm vụ của tôi"
    ).click()
    expect(page.get_by_role("heading", name="Quá hạn")).to_be_visible()
    card = page.locator("article", has_text="Báo cáo tình hình kinh tế - xã hội tháng 3")
    assert "border-danger" in (card.get_attribute("class") or "")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    card.get_by_role("button", name="Nộp kết quả / đề nghị gia hạn").click()
    card.locator("summary", has_text="Nộp kết quả").click()
    card.get_by_label("Đường dẫn tới sản phẩm").fill("https://vanban.hongha.example.vn/bc-ktxh")
    card.locator("details[open]").get_by_role("button", name="Nộp kết quả").click()
    expect(card.get_by_text("Đã nộp kết quả.")).to_be_visible()
    expect(card.get_by_text("Đã nộp", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 900})

    # The head records a delay, then accepts the result, through htmx.
    switch_to(page, log_in, "truongphong")
    page.goto(f"{live_server.url}/tasks/board/")
    row = page.locator("tbody", has_text="Báo cáo tình hình kinh tế - xã hội tháng 3")
    row.get_by_role("button", name="Xử lý").click()
    row.locator("summary", has_text="Ghi nhận chậm tiến độ").click()
    row.locator("details[open]").get_by_label("Lý do").fill("Không báo cáo tiến độ giữa kỳ")
    row.locator("details[open]").get_by_role("button", name="Ghi nhận chậm tiến độ").click()
    expect(row.get_by_text("Đã ghi nhận chậm tiến độ.")).to_be_visible()
    expect(row.locator("td").nth(7)).to_have_text("2")  # late submission + recorded delay
    row.get_by_role("button", name="Xử lý").click()
    row.locator("summary", has_text="Nghiệm thu").click()
    row.locator("details[open]").get_by_role("button", name="Nghiệm thu").click()
    expect(row.get_by_text("Đã nghiệm thu nhiệm vụ.")).to_be_visible()
    expect(row.get_by_text("Đã nghiệm thu", exact=True)).to_be_visible()

    # The cadre's month: completed and accepted without errors, two delays.
    switch_to(page, log_in, "canbo")
    page.goto(f"{live_server.url}/tasks/?month={month}")
    page.get_by_role("link", name="Kết quả thực hiện nhiệm vụ tháng").click()
    expect(page.locator('[data-figure="qn"]')).to_have_text("1,00")
    expect(page.locator('[data-figure="ql"]')).to_have_text("1,00")
    expect(page.locator('[data-figure="pg"]')).to_have_text("0,50")
    expect(page.locator('[data-figure="t"]')).to_have_text("58,33")
    assert console_errors == []
