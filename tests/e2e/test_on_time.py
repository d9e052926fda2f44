"""Work on time and people's satisfaction in real Chromium (issue 16): the ward leader opens the
dashboard of the demo ward, sees the units against the 100% target, opens a unit's late items,
then the comments of the one-stop centre."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_leader_goes_from_the_target_to_the_late_items_and_the_comments(
    demo, log_in, live_server, console_errors
):
    page = log_in("lanhdao")
    page.goto(f"{live_server.url}/dashboard/?unit=HH")
    section = page.locator("#on-time")
    expect(
        section.get_by_role("heading", name="Công việc đúng hạn so với chỉ tiêu")
    ).to_be_visible()
    expect(section).to_contain_text("Chỉ tiêu: 100%")
    first_below = section.locator("tr[data-below-target]").first
    expect(first_below).to_be_visible()
    first_below.get_by_role("link", name=re.compile("việc chậm hạn")).click()
    expect(page.get_by_role("heading", name=re.compile("^Việc chậm hạn"))).to_be_visible()
    expect(page.get_by_role("heading", name="Nhiệm vụ không hoàn thành đúng hạn")).to_be_visible()
    page.get_by_role("link", name="Quay lại bảng điều hành").click()
    centre = page.locator('#on-time tr[data-on-time-unit="HH-HCC"]')
    centre.get_by_role("link", name=re.compile("%")).first.click()
    expect(
        page.get_by_role("heading", name=re.compile("Ý kiến của người dân · Trung tâm Phục vụ"))
    ).to_be_visible()
    expect(page.locator("[data-comments] tbody tr").first).to_be_visible()
    assert console_errors == []


def test_no_serious_violation_on_the_new_pages(demo, log_in, page, live_server):
    from tests.e2e.test_accessibility import check_pages, decided_period

    month = decided_period().month
    paths = [
        f"/dashboard/late/HH-HCC/{month}/",
        f"/dossiers/HH-HCC/{month}/comments/",
        "/dossiers/import/",
    ]
    log_in("chutich")  # the ward's head: each page opens (check_pages also lets 403 and 404 by)
    for path in paths:
        assert page.goto(f"{live_server.url}{path}").status == 200, path
    found = check_pages(page, live_server, paths)
    assert found == [], "\n".join(found)
