"""The radar in real Chromium: the demo ward's leader (`lanhdao`) goes from the home page to the
radar, finds the cadre the demo's inspection started on it, opens a rotation case and records
its decision, which moves the cadre to another unit on its date (docs/RULES.md §8)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from scoring.oversight.models import Finding, OversightEntry, ReviewCase
from tests.e2e.test_accessibility import check_pages
from units.scope import unit_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_leader_opens_the_radar_and_a_case(demo, log_in, live_server, console_errors):
    cadre = Finding.objects.get(adjustment__isnull=False).cadre
    page = log_in("lanhdao")
    page.locator("[data-oversight=radar]").click()  # the home page's oversight card
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cảnh báo sớm")
    row = page.locator(f"[data-radar=cadres] tr[data-cadre='{cadre.code}']")
    expect(row).to_contain_text(cadre.full_name)
    row.get_by_role("link", name="Mở hồ sơ").click()

    page.get_by_label("Loại hồ sơ").select_option("rotation")
    page.get_by_label("Căn cứ").fill("Xếp loại D ba tháng liên tiếp sau kiểm tra đột xuất")
    page.get_by_role("button", name="Mở hồ sơ").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã mở hồ sơ")
    case = ReviewCase.objects.get()
    assert (case.cadre, case.kind) == (cadre, "rotation")

    effective = timezone.localdate() + dt.timedelta(days=7)
    page.get_by_label("Số quyết định").fill("15/QĐ-UBND")
    page.get_by_label("Ngày quyết định").fill(f"{timezone.localdate():%d/%m/%Y}")
    page.get_by_label("Ngày có hiệu lực").fill(f"{effective:%d/%m/%Y}")
    page.get_by_label("Đơn vị mới").select_option("HH-VP")
    page.get_by_role("button", name="Ghi nhận quyết định").click()
    expect(page.locator("[data-decision]")).to_contain_text("15/QĐ-UBND")
    assert unit_of(cadre, effective).code == "HH-VP"
    assert unit_of(cadre, effective - dt.timedelta(days=1)).code != "HH-VP"
    assert list(
        OversightEntry.objects.filter(object_type="reviewcase").values_list("action", flat=True)
    ) == ["case.decide", "case.open"]

    page.goto(f"{live_server.url}{reverse('oversight:cases')}")
    expect(page.locator("[data-cases]")).to_contain_text(cadre.full_name)
    assert console_errors == []


def test_no_serious_violation_on_the_oversight_pages(demo, log_in, page, live_server):
    finding = Finding.objects.get(adjustment__isnull=False)
    inspection = finding.inspection
    log_in("chutich")
    found = check_pages(
        page,
        live_server,
        [
            "/radar/",
            f"/inspections/HH/{inspection.on.year}/",
            f"/inspection/{inspection.pk}/",
            "/inspections/HH/new/",
            f"/cases/new/?cadre={finding.cadre.code}",
            "/cases/",
        ],
    )
    assert found == [], "\n".join(found)
