"""Small measurements that bench/run.py makes in their own process, against DATABASE_URL.

python bench/probe.py floor MONTH     seconds to SELECT every input row of the decision
python bench/probe.py session         a logged-in session key for the bench city's leader
python bench/probe.py heads MONTH N   N department heads signed in to save their grid rows (JSON)
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
    print(_session_key(user))


def _session_key(user):
    """A new session of `user`, as the login would open it."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def heads(month, count):
    """Make the month take supervisor scores today, its totals shown (in supervisor review,
    the self-assessment and the cross-evaluation closed, the supervisor step open), and sign in
    `count` heads of departments. Prints JSON: the general criteria (code, maximum) and for each
    head a session key, the unit and its rows as the grid shows them (cadre code, the row's
    save URL, the supervisor scorecard shown: id and version), each head their own unit's."""
    import datetime as dt
    import json

    from django.urls import reverse
    from django.utils import timezone

    from directives.models import Criterion, CriterionGroup
    from scoring.models import PeriodMember, Phase, Scorecard, ScorecardKind

    period = Period.objects.get(month=month, scope__code="BC")
    today = timezone.localdate()
    day = dt.timedelta(days=1)
    closed = min(period.peer_until, today - day)
    Period.objects.filter(pk=period.pk).update(
        phase=Phase.REVIEW,
        self_until=min(period.self_until, closed),
        peer_until=closed,
        review_until=max(period.review_until, today + 7 * day),
        publish_by=max(period.publish_by, today + 9 * day),
        appeals_until=max(period.appeals_until, today + 14 * day),
        lock_on=max(period.lock_on, today + 21 * day),
    )
    criteria = Criterion.objects.filter(
        regulation_id=period.regulation_id, group=CriterionGroup.GENERAL
    ).order_by("order", "code")
    roles = list(
        Role.objects.filter(role="head", unit__depth=2)
        .select_related("cadre__user", "unit")
        .order_by("unit__path")[:count]
    )
    shown = {}  # the supervisor scorecard that counts: submitted, saved last
    for ratee_id, card_id, version in (
        Scorecard.objects.filter(
            period=period,
            kind=ScorecardKind.SUPERVISOR,
            status="submitted",
            ratee__period_memberships__period=period,
            ratee__period_memberships__unit__in=[r.unit for r in roles],
        )
        .order_by("updated_at", "pk")
        .values_list("ratee_id", "pk", "version")
    ):
        shown[ratee_id] = (card_id, version)
    plan = []
    for role in roles:
        if role.cadre.user is None:  # the generator makes cadres without accounts
            role.cadre.user = get_user_model().objects.create(username=f"bench{role.cadre.code}")
            role.cadre.save(update_fields=["user"])
        rows = []
        for cadre_id, code in (
            PeriodMember.objects.filter(period=period, unit=role.unit)
            .exclude(cadre=role.cadre)
            .order_by("cadre__code")
            .values_list("cadre_id", "cadre__code")
        ):
            card, version = shown.get(cadre_id, ("", ""))
            url = reverse("month:grid_row", args=[period.pk, role.unit.code, code])
            rows.append({"code": code, "url": url, "card": card, "version": version})
        session = _session_key(role.cadre.user)
        plan.append({"session": session, "unit": role.unit.code, "rows": rows})
    print(json.dumps({"criteria": [[c.code, str(c.max_points)] for c in criteria], "heads": plan}))


if __name__ == "__main__":
    if sys.argv[1] == "floor":
        floor(sys.argv[2])
    elif sys.argv[1] == "heads":
        heads(sys.argv[2], int(sys.argv[3]))
    else:
        session()
