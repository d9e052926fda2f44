"""Leader dashboards in real Chromium (issue 6, acceptance 3 and 4)."""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.dashboard.generator import Patterns, decided_months
from units.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)

MONTH = "2026-03"  # the newest month of the fixture's own: data the tests control
CHARTS = ("chart-average", "chart-on-time", "chart-tiers")
DRAWN = """(id) => {
  const canvas = document.getElementById(id);
  if (!canvas || !window.Chart || !Chart.getChart(canvas)) return false;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  return pixels.some((value) => value !== 0);
}"""


@pytest.fixture
def decided(demo):
    """The demo ward with three decided months (until seed_demo writes its own)."""
    decided_months(
        Unit.objects.get(code="HH"),
        ["2026-01", "2026-02", MONTH],
        patterns=Patterns(equalized={"HH-DV"}, self_inflating={"HH-VHXH"}),
    )
    return demo


def open_dashboard(page, heading):
    """Follow the menu's link to the dashboard, whose heading matches `heading`."""
    page.get_by_role("link", name="Bảng điều hành", exact=True).first.click()
    expect(page.get_by_role("heading", name=re.compile(heading))).to_be_visible()
    return page


def ranking_rows(page):
    return page.locator("#ranking tbody tr")


def cadres(page):
    """The number of cadres the ranking says it found ("57 cán bộ")."""
    return int(page.locator("#ranking-count").inner_text().split()[0])


def test_leader_opens_the_dashboard_and_the_charts_draw(decided, log_in, console_errors):
    page = open_dashboard(log_in("lanhdao"), "Bảng điều hành · Phường Hồng Hà")
    expect(page.get_by_role("heading", name="So sánh các đơn vị")).to_be_visible()
    for chart in CHARTS:
        page.wait_for_function(DRAWN, arg=chart)
    # The tier chart follows the series picked; its data stays readable as a table.
    page.get_by_label("Của", exact=True).select_option(index=1)
    assert page.evaluate(DRAWN, "chart-tiers")
    page.get_by_text("Bảng số liệu tỷ lệ xếp loại").click()
    expect(page.locator("details[open] table")).to_be_visible()
    expect(page.locator('[data-flag="equalization"]').first).to_be_visible()
    assert console_errors == []


def test_sorting_the_league_table_by_a_column(decided, log_in, live_server):
    page = log_in("lanhdao")
    page.goto(f"{live_server.url}/dashboard/?month={MONTH}")
    page.get_by_role("link", name="Điểm tổng bình quân").click()
    expect(page.locator('th[aria-sort="descending"]')).to_have_count(1)
    averages = [
        float(text.replace(",", "."))
        for text in page.locator(".league tbody tr td:nth-child(3)").all_inner_texts()
        if text != "—"
    ]
    assert averages == sorted(averages, reverse=True) and len(averages) > 3


def test_filters_and_search_narrow_the_ranking(decided, log_in, live_server, console_errors):
    page = log_in("lanhdao")
    page.goto(f"{live_server.url}/dashboard/ranking/?month={MONTH}")
    total = cadres(page)
    everyone = ranking_rows(page).count()
    assert everyone == 50  # the first page of the ward's cadres

    # The rarest tier on the first page: filtering by it leaves fewer cadres.
    shown = page.locator("#ranking tbody tr td:nth-child(6) .tier").all_inner_texts()
    tier = min((t for t in set(shown) if t in "ABCD"), key=shown.count)
    page.get_by_label("Loại", exact=True).select_option(tier)
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url(re.compile(rf"[?&]tier={tier}(&|$)"))
    tiers = page.locator("#ranking tbody tr td:nth-child(6) .tier").all_inner_texts()
    assert tiers and set(tiers) == {tier}
    assert cadres(page) < total

    page.get_by_label("Loại", exact=True).select_option("")
    page.get_by_label("Họ tên hoặc mã").fill("nguyen")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url(re.compile(r"[?&]q=nguyen(&|$)"))
    names = page.locator("#ranking tbody tr td:nth-child(2)").all_inner_texts()
    assert 0 < len(names) < everyone
    assert all("Nguyễn" in name for name in names)

    first_code = page.locator("#ranking tbody tr td:nth-child(1)").first.inner_text()
    page.get_by_label("Họ tên hoặc mã").fill(first_code)
    page.get_by_role("button", name="Lọc").click()
    expect(ranking_rows(page)).to_have_count(1)
    expect(page.locator("#ranking-count")).to_have_text("1 cán bộ")
    assert console_errors == []


def test_the_ranking_downloads_as_excel(decided, log_in, live_server, tmp_path):
    page = log_in("lanhdao")
    page.goto(f"{live_server.url}/dashboard/ranking/?month={MONTH}&tier=B")
    first = page.locator("#ranking tbody tr").first.locator("td").all_inner_texts()
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    name = download.value.suggested_filename
    assert name.startswith("xep-hang-can-bo-HH-") and name.endswith(".xlsx")
    download.value.save_as(tmp_path / name)
    sheet = load_workbook(tmp_path / name).active
    header = [cell.value for cell in sheet[1]]
    assert header[:5] == ["Mã cán bộ", "Họ và tên", "Mã đơn vị", "Đơn vị", "Nhóm vị trí việc làm"]
    assert "Tổng điểm" in header and "Loại" in header
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert row["Mã cán bộ"] == first[0]
    assert row["Họ và tên"] == first[1]
    assert row["Loại"] == "B"
    assert f"{row['Tổng điểm']:.2f}".replace(".", ",") == first[4]
    assert sheet.freeze_panes == "A2"


def test_the_head_sees_only_their_subtree(decided, log_in, live_server):
    page = open_dashboard(log_in("truongphong"), "^Bảng điều hành · Phòng Kinh tế")
    units = set(
        page.locator(".league tbody tr").evaluate_all("rows => rows.map(r => r.dataset.unit)")
    )
    assert units and units <= {"HH-KT", "HH-DCXD"}
    options = page.locator("#pick-unit option").evaluate_all("os => os.map(o => o.value)")
    assert sorted(options) == ["HH-DCXD", "HH-KT"]
    assert page.goto(f"{live_server.url}/dashboard/?unit=HH").status == 404
    assert page.goto(f"{live_server.url}/dashboard/ranking/?unit=HH-VP").status == 404


def test_a_cadre_gets_403(decided, log_in, live_server):
    page = log_in("canbo")
    expect(page.get_by_role("link", name="Bảng điều hành")).to_have_count(0)
    for path in ("/dashboard/", "/dashboard/ranking/", "/dashboard/export/league.xlsx"):
        assert page.goto(f"{live_server.url}{path}").status == 403, path
