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
