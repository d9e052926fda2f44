import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection


def run_check(**env):
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_without_debug_and_a_real_secret():
    result = run_check(DEBUG="False", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_starts_in_production_mode_with_a_real_secret():
    result = run_check(DEBUG="False", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def setting(expression, *, unset=(), **env):
    """`expression` over django.conf.settings, printed by a fresh process with `env` (and
    without the variables named in `unset`)."""
    environment = {key: value for key, value in os.environ.items() if key not in unset}
    result = subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings; print({expression})"],
        cwd=settings.BASE_DIR,
        env={**environment, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def site_url(**env):
    return setting("settings.SITE_URL", unset={"SITE_URL"}, **env)


def test_the_site_url_of_links_in_emails_comes_from_the_environment():
    assert site_url() == "http://127.0.0.1:8000"
    assert (
        site_url(SITE_URL="https://fiveclear.example.gov.vn") == "https://fiveclear.example.gov.vn"
    )


def database_options(**env):
    return setting(
        "settings.DATABASES['default'].get('OPTIONS')",
        unset={"POSTGRES_JIT"},
        DATABASE_URL="postgres://fiveclear@127.0.0.1:5432/fiveclear",
        **env,
    )


def test_postgresql_connections_turn_jit_off_unless_asked():
    assert "-c jit=off" in database_options()
    assert "jit" not in database_options(POSTGRES_JIT="True")


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite has no JIT")
def test_the_live_postgresql_connection_runs_without_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.parametrize(
    ("cache_url", "engine"),
    [
        (None, "django.contrib.sessions.backends.db"),
        ("locmemcache://x", "django.contrib.sessions.backends.db"),
        ("redis://127.0.0.1:6379/1", "django.contrib.sessions.backends.cached_db"),
        ("pymemcache://127.0.0.1:11211", "django.contrib.sessions.backends.cached_db"),
    ],
)
def test_sessions_are_read_through_the_cache_only_when_every_server_shares_it(cache_url, engine):
    """A logout deletes the session from the database and from the cache it can reach: a cache
    of each process's own would keep the session alive in the other workers."""
    env = {"CACHE_URL": cache_url} if cache_url else {}
    assert setting("settings.SESSION_ENGINE", unset={"CACHE_URL"}, **env) == engine
