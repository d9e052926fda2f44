import os
import subprocess
import sys

from django.conf import settings


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


def site_url(**env):
    environment = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=settings.BASE_DIR,
        env={**environment, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_site_url_of_links_in_emails_comes_from_the_environment():
    assert site_url() == "http://127.0.0.1:8000"
    assert (
        site_url(SITE_URL="https://fiveclear.example.gov.vn") == "https://fiveclear.example.gov.vn"
    )
