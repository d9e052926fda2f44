"""Small measurements that bench/run.py makes in their own process, against DATABASE_URL.

python bench/probe.py floor MONTH     seconds to SELECT every input row of the decision
python bench/probe.py session         a logged-in session key for the bench city's leader
python bench/probe.py grid MONTH N    p95 of N grid-row saves by heads, and of the signed-in floor
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import django_setup

django_setup("bench.settings")

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


def _p95(samples):
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def grid(month, saves):
    """Heads save supervisor rows of their own department's grid, one after another, through
    the whole Django stack (test client, no network); the floor is the empty signed-in page
    (bench/urls.py) through the same stack. Prints JSON: p95 of each in milliseconds, and the
    saves refused."""
    import json
    import random

    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from directives.models import Criterion
    from scoring.models import Period, PeriodMember, Phase, Scorecard, ScorecardKind

    settings.ALLOWED_HOSTS = ["*"]
    period = Period.objects.get(month=month, scope__code="BC")
    Period.objects.filter(pk=period.pk).update(phase=Phase.REVIEW)
    criteria = list(Criterion.objects.filter(regulation_id=period.regulation_id))
    rng = random.Random(7)
    heads = list(
        Role.objects.filter(role="head", unit__depth=2)
        .select_related("cadre__user", "unit")
        .order_by("unit__path")[:20]
    )
    for role in heads:  # the generator makes cadres without accounts
        if role.cadre.user is None:
            role.cadre.user = get_user_model().objects.create(username=f"bench{role.cadre.code}")
            role.cadre.save(update_fields=["user"])
    # One client per head, signed in once: a new client would load every middleware on its
    # first request (WhiteNoise scans the static files), which a server does once at start.
    clients = {}
    for role in heads:
        clients[role.pk] = Client()
        clients[role.pk].force_login(role.cadre.user)
        clients[role.pk].get("/bench/floor/")
    save_times, floor_times, refused = [], [], 0
    for i in range(saves):
        role = heads[i % len(heads)]
        client = clients[role.pk]
        staff = (
            PeriodMember.objects.filter(period=period, unit=role.unit)
            .exclude(cadre=role.cadre)
            .select_related("cadre")
        )
        member = rng.choice(list(staff))
        card = Scorecard.objects.filter(
            period=period, ratee=member.cadre, kind=ScorecardKind.SUPERVISOR
        ).first()
        version = card.version if card else 0
        data = {"version": version, "seen_card": card.pk if card else "", "seen_version": version}
        for c in criteria:
            top = float(c.max_points)
            data[f"points_{c.code}"] = f"{rng.uniform(0.6 * top, top):.2f}"
        url = reverse("month:grid_row", args=[period.pk, role.unit.code, member.cadre.code])
        started = time.perf_counter()
        response = client.post(url, data, HTTP_HX_REQUEST="true")
        save_times.append(time.perf_counter() - started)
        refused += response.status_code != 200 or b"is-invalid" in response.content
        started = time.perf_counter()
        client.get("/bench/floor/")
        floor_times.append(time.perf_counter() - started)
    print(
        json.dumps(
            {
                "p95_ms": 1000 * _p95(save_times),
                "floor_p95_ms": 1000 * _p95(floor_times),
                "refused": refused,
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1] == "floor":
        floor(sys.argv[2])
    elif sys.argv[1] == "grid":
        grid(sys.argv[2], int(sys.argv[3]))
    else:
        session()
