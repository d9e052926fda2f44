"""Browser tests in the machine's own Chromium (no download); skipped where it is missing."""

import os
import shutil

import pytest

from tests.e2e.helpers import DEMO_PASSWORD, collect_errors, sign_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop vs Django's checks

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HAVE_CHROMIUM = os.path.exists(CHROMIUM)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
            if not HAVE_CHROMIUM:
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"Chromium not found at {CHROMIUM}: browser tests skipped"
                    )
                )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


@pytest.fixture
def console_errors(page):
    """Collects console errors and page errors; tests assert it stays empty."""
    return collect_errors(page, [])


# The demo ward as the first browser test of this process built it, per day (the demo is dated
# from Hanoi's today): a copy of the whole SQLite database, written back in milliseconds instead of
# building the ward again for each test (about two seconds each).
_DEMO_COPIES: dict = {}


@pytest.fixture
def demo(transactional_db):
    """The demo ward of `seed_demo`, for browser tests that log in as the demo accounts."""
    import sqlite3

    from django.db import connection
    from django.utils import timezone

    from scoring.demo.ward import build_demo

    if connection.vendor != "sqlite":
        return build_demo(cadres=60)
    connection.ensure_connection()
    key = timezone.localdate()  # the demo's own today (Hanoi)
    if key in _DEMO_COPIES:
        copy, summary = _DEMO_COPIES[key]
        copy.backup(connection.connection)
        return summary
    summary = build_demo(cadres=60)
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    connection.connection.backup(copy)
    _DEMO_COPIES[key] = (copy, summary)
    return summary


@pytest.fixture
def log_in(page, live_server):
    def _log_in(username, password=DEMO_PASSWORD):
        return sign_in(page, live_server.url, username, password)

    return _log_in
