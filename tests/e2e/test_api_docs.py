"""The API's Swagger page renders from our own static files, under the CSP, no console error."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_swagger_page_lists_the_endpoints(demo, log_in, live_server, console_errors):
    page = log_in("admin")
    outside = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.get_by_role("heading", name="FiveClear API")).to_be_visible()
    expect(page.get_by_text("/api/v1/tasks/", exact=True).first).to_be_visible()
    expect(page.get_by_role("button", name="Authorize")).to_be_visible()
    assert outside == [] and console_errors == []


def test_the_clients_page_registers_a_client_and_shows_its_token_once(demo, log_in, live_server):
    page = log_in("admin")
    page.goto(f"{live_server.url}/integrations/")
    page.locator("#id_name").fill("eOffice")
    page.locator("#id_unit").select_option(index=1)
    page.locator("#id_access").select_option("read_write")
    page.locator("form button[type=submit]").last.click()
    token = page.locator("[data-token]")
    expect(token).to_have_value(re.compile(r"^fc_"))
