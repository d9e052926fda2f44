"""Printed pages and publicity in real Chromium (issue 15, items 1 and 2): with print media
emulated, the ranking's print view shows every row with the unit heading and the signature
block, and the navigation and buttons are gone; a cadre opens the unit's published results."""

import re

import pytest
from playwright.sync_api import expect

from directives.models import Regulation
from scoring.models import Result
from tests.dashboard.generator import decided_months
from tests.e2e.helpers import sign_in
from tests.factories import member
from tests.scoring.office.conftest import NAMES, decide_month
from units.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)

MONTH = "2026-03"
PASSWORD = "pw-fiveclear-1"


def printed(page):
    page.emulate_media(media="print")
    return page


def assert_printed_layout(page):
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("[data-print-heading]")).to_be_visible()
    expect(page.locator("[data-print-heading]")).to_contain_text(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    )
    expect(page.locator("[data-print-signature]")).to_be_visible()
    for button in page.locator("[data-print]").all():
        expect(button).to_be_hidden()


def test_the_ranking_prints_every_row(demo, log_in, live_server, console_errors):
    decided_months(Unit.objects.get(code="HH"), ["2026-01", "2026-02", MONTH])
    page = log_in("lanhdao")
    page.goto(f"{live_server.url}/dashboard/ranking/?month={MONTH}")
    everyone = int(page.locator("#ranking-count").inner_text().split()[0])
    assert everyone > 50
    expect(page.locator("#ranking tbody tr")).to_have_count(50)  # the screen pages by 50
    expect(page.locator("[data-print-signature]")).to_be_hidden()
    page.locator("[data-print-view]").click()
    page.wait_for_url(re.compile(r"all=1"))
    printed(page)
    rows = page.locator("#ranking tbody tr")
    expect(rows).to_have_count(everyone)
    expect(rows.last).to_be_visible()
    expect(rows.nth(50)).to_be_visible()
    assert_printed_layout(page)
    expect(page.locator(".pagination")).to_have_count(0)
    expect(page.locator("#ranking-filters")).to_be_hidden()
    assert console_errors == []


@pytest.fixture
def published(org):
    """November 2026 over W1-A, published under a regulation that makes results public."""
    extra = [member(org.a, code=code, full_name=name) for code, name in NAMES.items()]
    period = decide_month(org, [org.staff_a, org.staff_a2, *extra], "2026-11")
    Regulation.objects.filter(pk=period.regulation_id).update(results_public=True)
    return period


def test_a_cadre_prints_the_result_and_sees_the_units_results(
    org, published, page, live_server, console_errors
):
    sign_in(page, live_server.url, "SA2", PASSWORD)
    page.goto(f"{live_server.url}/month/{published.pk}/result/")
    expect(page.locator("[data-print-signature]")).to_be_hidden()  # on screen: not there
    printed(page)
    assert_printed_layout(page)
    expect(page.locator("[data-print-signature]")).to_contain_text("TRƯỞNG PHÒNG")
    page.emulate_media(media="screen")
    page.locator("[data-public-link]").click()
    expect(page.get_by_role("heading", name=re.compile("Kết quả của đơn vị"))).to_be_visible()
    table = page.locator("#public-results")
    expect(table.locator("tbody tr")).to_have_count(Result.objects.filter(period=published).count())
    for name in [org.staff_a.full_name, *NAMES.values()]:
        expect(table).to_contain_text(name)
    expect(table).to_contain_text("A · Hoàn thành xuất sắc nhiệm vụ")
    top = Result.objects.get(period=published, cadre=org.staff_a)
    expect(table).to_contain_text(f"{top.reward:,}".replace(",", "."))
    expect(table).not_to_contain_text("95,00")  # no score behind a result
    expect(table.locator('tr[aria-current="true"]')).to_contain_text(org.staff_a2.full_name)
    assert console_errors == []


def test_a_private_regulation_shows_no_units_results(org, published, page, live_server):
    Regulation.objects.filter(pk=published.regulation_id).update(results_public=False)
    sign_in(page, live_server.url, "SA", PASSWORD)
    page.goto(f"{live_server.url}/month/{published.pk}/result/")
    expect(page.locator("[data-notice-pdf]")).to_be_visible()
    expect(page.locator("[data-public-link]")).to_have_count(0)
    response = page.goto(f"{live_server.url}/month/{published.pk}/public/")
    assert response.status == 403
