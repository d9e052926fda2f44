"""Decide the bench month once in a fresh process; prints seconds, peak memory and queries.

Run by bench/run.py so that the peak memory is the decide's own (ru_maxrss of this process).
"""

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import django_setup

django_setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from scoring.models import (  # noqa: E402
    AuditEntry,
    Period,
    PeriodUnitResult,
    Phase,
    RaterFlag,
    Result,
    SubtreeMonthSummary,
    UnitMonthSummary,
)
from scoring.month.services.decide import period_decide  # noqa: E402

# What a decision deletes and writes again. Vacuumed before each run: a production server's
# autovacuum clears a month's dead rows within a minute (a month is decided once), but this
# machine's PostgreSQL runs with autovacuum off, where each run of the bench would find every
# earlier run's dead rows in its way (490,000 dead results after a day of runs made the deletes
# and the writes of a decision at 2,000 cadres 10% slower).
REWRITTEN = [
    Result,
    PeriodUnitResult,
    RaterFlag,
    UnitMonthSummary,
    SubtreeMonthSummary,
    AuditEntry,
    Period,
]


def main(month):
    period = Period.objects.get(month=month, scope__code="BC")
    Period.objects.filter(pk=period.pk).update(phase=Phase.REVIEW)
    period.refresh_from_db()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            tables = ", ".join(model._meta.db_table for model in REWRITTEN)
            cursor.execute(f"VACUUM (ANALYZE) {tables}")
    reset_queries()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        period_decide(period=period, user=None)
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {"seconds": seconds, "peak_kb": peak, "start_kb": before, "queries": len(queries)}
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
