"""Issue 15 item 8: a session that ends on the grid loses nothing. The row's save answers 401
(not the login page swapped into the row), what was typed stays in the page and in
localStorage, the page says the session ended, the head signs in again in a new tab and saves."""

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from scoring.models import Phase, Scorecard
from tests.e2e.helpers import fill_login
from tests.e2e.test_month import cadre, grid_url, reach, this_month

pytestmark = pytest.mark.django_db(transaction=True)

VALUES = {"G1": 4, "G2": 5, "G3": 3, "G4": 7, "G5": 5, "T": 50}


def type_cells(page, row, values, last_key="Enter"):
    cells = row.locator("input[data-cell]")
    cells.first.focus()
    for index in range(cells.count()):
        code = cells.nth(index).get_attribute("data-col")
        page.keyboard.type(str(values[code]))
        if index < cells.count() - 1:
            page.keyboard.press("Tab")
    if last_key:
        page.keyboard.press(last_key)


def kept(page, period):
    return page.evaluate(
        "path => JSON.parse(localStorage.getItem('fiveclear:grid:' + path) || '{}')",
        f"/month/{period.pk}/grid/HH-KT/",
    )


def head_on_the_grid(log_in, live_server):
    """The month in supervisor review (three cadres scored) and the head of HH-KT on its grid:
    (the period, the page, canbo's code)."""
    period = reach(this_month(), Phase.REVIEW, supervisor=3)
    page = log_in("truongphong")
    page.goto(grid_url(live_server, period))
    return period, page, cadre("canbo").code


def test_a_session_that_ends_on_the_grid_keeps_the_typed_scores_until_saved(
    demo, log_in, live_server, console_errors
):
    period, page, code = head_on_the_grid(log_in, live_server)
    row = page.locator(f"#row-{code}")

    Session.objects.all().delete()  # the session ends while the grid is open
    type_cells(page, row, VALUES)

    alert = page.locator("[data-session-ended]")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Phiên làm việc đã kết thúc")
    # Nothing was swapped into the row: no login form, the typed values are there, unsaved.
    expect(page.locator("tbody input[name=password]")).to_have_count(0)
    cells = row.locator("input[data-cell]")
    assert cells.count() >= 5
    for index in range(cells.count()):
        column = cells.nth(index).get_attribute("data-col")
        expect(cells.nth(index)).to_have_value(str(VALUES[column]))
    expect(row.locator("[data-unsaved]")).to_be_visible()
    assert kept(page, period)[code]["points_G4"] == "7"
    assert not Scorecard.objects.filter(period=period, kind="supervisor").exists()

    # Sign in again in a new tab (the login token rotates the CSRF token there).
    with page.context.expect_page() as opened:
        alert.get_by_role("link", name=re.compile("Đăng nhập lại")).click()
    tab = opened.value
    fill_login(tab, "truongphong")
    tab.wait_for_url(f"{live_server.url}/")
    tab.close()

    # Back on the grid, the same row is saved as typed.
    row.locator("input[data-col=G1]").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#row-{code}")).to_have_attribute("data-state", "saved")
    expect(alert).to_be_hidden()
    card = Scorecard.objects.get(period=period, ratee__code=code, kind="supervisor")
    assert {line.criterion.code: line.points for line in card.lines.all()}["G4"] == 7
    assert code not in kept(page, period)
    # The only console errors are the refused request's own (401).
    assert all("401" in error or "Unauthorized" in error for error in console_errors), (
        console_errors
    )


def test_scores_typed_and_not_saved_come_back_after_a_reload_until_saved(
    demo, log_in, live_server, console_errors
):
    period, page, code = head_on_the_grid(log_in, live_server)
    type_cells(page, page.locator(f"#row-{code}"), VALUES, last_key=None)

    page.reload()
    notice = page.locator("[data-grid-restored]")
    expect(notice).to_be_visible()
    expect(notice.locator("[data-grid-restored-count]")).to_have_text("1")
    row = page.locator(f"#row-{code}")
    expect(row.locator("input[data-col=G3]")).to_have_value("3")
    expect(row.locator("[data-unsaved]")).to_be_visible()

    row.locator("input[data-col=G1]").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#row-{code}")).to_have_attribute("data-state", "saved")
    assert kept(page, period) == {}
    page.reload()
    expect(page.locator("[data-grid-restored]")).to_be_hidden()
    assert console_errors == []


def test_discarding_the_kept_scores_shows_the_saved_ones(demo, log_in, live_server, console_errors):
    period, page, code = head_on_the_grid(log_in, live_server)
    type_cells(page, page.locator(f"#row-{code}"), VALUES, last_key=None)
    page.reload()
    page.get_by_role("button", name="Bỏ các điểm này").click()
    page.wait_for_load_state()
    expect(page.locator("[data-grid-restored]")).to_be_hidden()
    expect(page.locator(f"#s-{code}-G3")).to_have_value("")
    assert kept(page, period) == {}
    assert console_errors == []
