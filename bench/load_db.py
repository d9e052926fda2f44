"""The database side of the load test (bench/load.py runs it in its own process):

python bench/load_db.py setup MONTH USERS   accounts for the load users; prints the plan (JSON)
python bench/load_db.py snapshot MONTH      what the writes of a run will change (JSON)
python bench/load_db.py check MONTH BEFORE ACKS   rows written against writes acknowledged

The load users are real accounts that log in through the login form: heads of departments (one
account per department, so no two users save the same grid row), plain cadres (each saves only
their own self and peer scorecards) and ward leaders or deputies (dashboards only). They all
get PASSWORD; the login throttling's records of them are cleared before a run.
"""

import json
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import django_setup

django_setup()

from axes.models import AccessAttempt  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count, Max, Sum  # noqa: E402
from django.utils import timezone  # noqa: E402

from scoring.models import (  # noqa: E402
    AuditEntry,
    PeerAssignment,
    Period,
    Scorecard,
    ScorecardKind,
)
from scoring.month.selectors.rating import step_refusal  # noqa: E402
from units.models import Cadre, Role  # noqa: E402

CITY = "BC"
PASSWORD = "fiveclear-load-7Qk"
KINDS = [ScorecardKind.SUPERVISOR, ScorecardKind.PEER, ScorecardKind.SELF]
WRITE_ACTIONS = ("scorecard.submit", "scorecard.save")


def _period(month) -> Period:
    return Period.objects.select_related("scope").get(month=month, scope__code=CITY)


def _spread(items, n):
    """n items taken evenly across the list (so the users work in many units)."""
    if len(items) <= n:
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def _accounts(cadres, password_hash):
    """A login for each cadre (username = code in lower case), all with the same password."""
    users = get_user_model()
    for cadre in cadres:
        user = cadre.user or users.objects.filter(username=cadre.code.lower()).first()
        if user is None:
            user = users(username=cadre.code.lower())
        user.password = password_hash
        user.is_active = True
        user.save()
        if cadre.user_id != user.pk:
            cadre.user = user
            cadre.save(update_fields=["user"])
    AccessAttempt.objects.filter(username__in=[c.code.lower() for c in cadres]).delete()


@transaction.atomic
def setup(month, users):
    period = _period(month)
    today = timezone.localdate()
    closed = [k for k in KINDS if step_refusal(period, k, today)]
    if period.is_frozen or closed:
        raise SystemExit(f"{period} does not take scores today ({today}): {closed or 'frozen'}")
    heads = list(
        Cadre.objects.filter(roles__role="head", roles__unit__kind="department")
        .filter(period_memberships__period=period)
        .select_related("user")
        .order_by("code")
        .distinct()
    )
    raters = PeerAssignment.objects.filter(period=period).values("rater_id")
    cadres = list(
        Cadre.objects.filter(roles__isnull=True, pk__in=raters)
        .select_related("user")
        .order_by("code")
    )
    leaders = list(
        Cadre.objects.filter(roles__role__in=["leader", "deputy"], roles__unit__kind="ward")
        .select_related("user")
        .order_by("code")
        .distinct()
    )
    heads, cadres, leaders = (_spread(x, users) for x in (heads, cadres, leaders))
    _accounts([*heads, *cadres, *leaders], make_password(PASSWORD))
    units = dict(
        Role.objects.filter(cadre__in=[*heads, *leaders]).values_list("cadre__code", "unit__code")
    )
    plan = {
        "period": period.pk,
        "month": month,
        "password": PASSWORD,
        "heads": [
            {"username": c.code.lower(), "code": c.code, "unit": units[c.code]} for c in heads
        ],
        "cadres": [{"username": c.code.lower(), "code": c.code} for c in cadres],
        "leaders": [
            {"username": c.code.lower(), "code": c.code, "unit": units[c.code]} for c in leaders
        ],
    }
    print(json.dumps(plan))


def _versions(period) -> dict:
    """The sum of the scorecard versions of each kind: every save adds one."""
    sums = dict(
        Scorecard.objects.filter(period=period).values_list("kind").annotate(Sum("version"))
    )
    return {k: sums.get(k, 0) for k in KINDS}


def snapshot(month):
    period = _period(month)
    audit_max_id = AuditEntry.objects.aggregate(m=Max("id"))["m"] or 0
    print(json.dumps({"audit_max_id": audit_max_id, "versions": _versions(period)}))


def _last_acknowledged(writes):
    """The points of the last acknowledged save of each scorecard (kind, rater, ratee)."""
    last = {}
    for write in sorted(writes, key=lambda w: w["seq"]):
        last[(write["kind"], write["rater"], write["ratee"])] = write["points"]
    return last


def check(month, before_path, acks_path):
    """Compare what the database holds now with what the load users were told was saved."""
    period = _period(month)
    before = json.loads(Path(before_path).read_text())
    acks = json.loads(Path(acks_path).read_text())
    cards = Scorecard.objects.filter(period=period)
    versions = _versions(period)
    audits = Counter()
    for kind, n in (
        AuditEntry.objects.filter(
            id__gt=before["audit_max_id"], period=period, action__in=WRITE_ACTIONS
        )
        .values_list("new__kind")
        .annotate(n=Count("id"))
    ):
        audits[kind] += n
    last = _last_acknowledged(acks["writes"])
    codes = {(w["rater"], w["ratee"]) for w in acks["writes"]}
    code_ids = dict(
        Cadre.objects.filter(code__in={c for pair in codes for c in pair}).values_list("code", "pk")
    )
    mismatched = []
    for (kind, rater, ratee), points in last.items():
        card = (
            cards.filter(kind=kind, rater_id=code_ids[rater], ratee_id=code_ids[ratee])
            .prefetch_related("lines__criterion")
            .first()
        )
        held = {line.criterion.code: line.points for line in card.lines.all()} if card else {}
        wanted = {code: Decimal(value) for code, value in points.items()}
        if any(held.get(code) != value for code, value in wanted.items()):
            mismatched.append({"card": [kind, rater, ratee], "held": str(held), "acked": points})
    print(
        json.dumps(
            {
                "versions_bumped": {k: versions[k] - before["versions"][k] for k in KINDS},
                "audit_entries": {k: audits.get(k, 0) for k in KINDS},
                "cards_checked": len(last),
                "cards_mismatched": mismatched[:20],
                "cards_mismatched_count": len(mismatched),
            }
        )
    )


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "setup":
        setup(args[0], int(args[1]))
    elif command == "snapshot":
        snapshot(args[0])
    elif command == "check":
        check(*args)
    else:
        raise SystemExit(__doc__)
