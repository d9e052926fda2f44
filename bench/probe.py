"""Small measurements that bench/run.py makes in their own process, against DATABASE_URL.

python bench/probe.py floor MONTH     seconds to SELECT every input row of the decision
python bench/probe.py session         a logged-in session key for the bench city's leader
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402

from scoring.models import Period  # noqa: E402
from units.models import Cadre, Role, Unit  # noqa: E402


def floor(month):
    """The SQL floor of a decision: a plain SELECT of all its input rows, best of three."""
    period = Period.objects.get(month=month, scope__code="BC")
    queries = [
        ("SELECT * FROM scoring_periodmember WHERE period_id = %s", [period.pk]),
        (
            "SELECT s.*, l.* FROM scoring_scorecard s "
            "JOIN scoring_scoreline l ON l.scorecard_id = s.id WHERE s.period_id = %s",
            [period.pk],
        ),
        ("SELECT * FROM scoring_adjustment WHERE period_id = %s", [period.pk]),
        ("SELECT * FROM scoring_periodunit WHERE period_id = %s", [period.pk]),
        (
            "SELECT * FROM directives_task WHERE effective_deadline BETWEEN %s AND %s",
            [period.first_day, period.last_day],
        ),
    ]
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql, params in queries:
                cursor.execute(sql, params)
                cursor.fetchall()
        best = min(best, time.perf_counter() - started)
    print(best)


def session():
    """Log the city's leader in without the login form (the throttling would count it)."""
    user, _ = get_user_model().objects.get_or_create(username="benchleader")
    cadre = Cadre.objects.get(code="BC000001")
    if cadre.user_id != user.pk:
        cadre.user = user
        cadre.save(update_fields=["user"])
    Role.objects.get_or_create(cadre=cadre, unit=Unit.objects.get(code="BC"), role="leader")
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    print(store.session_key)


if __name__ == "__main__":
    if sys.argv[1] == "floor":
        floor(sys.argv[2])
    else:
        session()
