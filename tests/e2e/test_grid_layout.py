"""Issue 15 item 10 in real Chromium: the grid keeps its header row and its name column in
view while it scrolls, shows the cadre's self-assessment (and the peer mean once the
cross-evaluation has closed) under each cell; the result page lists the head's score per
criterion with its weight."""

import re

import pytest
from playwright.sync_api import expect

from scoring.models import Phase
from scoring.month.services.decide import period_decide, period_publish
from tests.e2e.test_month import cadre, cli_submit, grid_url, reach, this_month

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_grid_keeps_its_header_and_names_in_view_and_shows_the_self_assessment(
    demo, log_in, page, live_server, console_errors
):
    period = reach(this_month(), Phase.REVIEW, supervisor=3)
    me = cadre("canbo")
    cli_submit(period, me, me, "self", G1=4, G4=7)
    page.set_viewport_size({"width": 1000, "height": 600})
    log_in("truongphong")
    page.goto(grid_url(live_server, period))

    row = page.locator(f"#row-{me.code}")
    expect(row.locator("[data-self]").first).to_have_text("tự 4,00")
    g4 = row.locator(f"#b-{me.code}-G4")
    expect(g4.locator("[data-self]")).to_have_text("tự 7,00")
    expect(row.locator(f"#s-{me.code}-G4")).to_have_accessible_description(re.compile("tự 7,00"))

    box = page.locator(".grid-scroll")
    header = page.locator("table[data-score-grid] thead th").first
    top = header.bounding_box()["y"]
    box.evaluate("e => { e.scrollTop = 400; e.scrollLeft = 400; }")
    assert box.evaluate("e => e.scrollTop") > 0, "the grid does not scroll in its box"
    assert box.evaluate("e => e.scrollLeft") > 0, "the grid is not wider than its box"
    assert abs(header.bounding_box()["y"] - top) < 2  # the header row stayed
    name = page.locator("tbody tr[data-row] th[scope=row]").nth(8)
    left = box.bounding_box()["x"]
    assert abs(name.bounding_box()["x"] - left) < 2  # the name column stayed
    assert console_errors == []


def test_the_result_page_shows_the_heads_score_per_criterion_with_its_weight(
    demo, log_in, page, live_server, console_errors
):
    from tests.e2e.test_month import later_month_of_the_department

    period = later_month_of_the_department()
    period = period_publish(period=period_decide(period=period, user=None), user=None)
    log_in("canbo")
    page.goto(f"{live_server.url}/month/{period.pk}/result/")
    table = page.locator("table[data-criteria]")
    expect(
        table.get_by_role("columnheader", name=re.compile(r"Điểm của thủ trưởng × 0,\d"))
    ).to_be_visible()
    expect(
        table.get_by_role("columnheader", name=re.compile(r"Tự đánh giá × 0,\d"))
    ).to_be_visible()
    g1 = table.locator("tr[data-criterion=G1]")
    expect(g1.locator("[data-head]")).to_have_text("5,00")
    expect(g1.locator("[data-self]")).to_have_text("5,00")
    expect(table.locator("tbody tr")).to_have_count(5)
    assert console_errors == []
