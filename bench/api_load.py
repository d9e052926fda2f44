"""Load tasks through the integration API and check every row (issue 17's target: 10,000 tasks
in batches of 1,000 in under 30 s on SQLite).

    .venv/bin/python bench/api_load.py                    # 10,000 tasks, batches of 1,000
    .venv/bin/python bench/api_load.py --tasks 2000 --batch 500

Runs in-process on a fresh SQLite file: an organisation of `--units` departments under a ward
(a head and their staff in each), one read-write client at the ward, then POSTs the batches to
/api/v1/tasks/ through the whole stack (middleware, token, throttle, the task import's checks,
the log) with the Django test client. Prints the load's seconds, the repeat's (every task
unchanged) and the check of every row against what was sent; exits 1 when a row differs or the
load misses the target (`--target`, 30 s). tests/api/test_load.py runs it small, timing printed.
"""

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(database: Path):
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("API_THROTTLE_WRITE", "1000/min")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_org(units: int, staff: int):
    """A ward W with `units` departments D1..Dn, each with a head H<i> and `staff` cadres."""
    from units.models import Cadre, Membership, Role, Unit

    ward = Unit.objects.create(code="W", name="Phường", kind="ward")
    people = {}
    for i in range(1, units + 1):
        unit = Unit.objects.create(code=f"D{i}", name=f"Phòng {i}", kind="department", parent=ward)
        cadres = [Cadre(code=f"H{i}", full_name=f"Trưởng phòng {i}", job_group="leader")]
        cadres += [
            Cadre(code=f"C{i}-{j}", full_name=f"Cán bộ {i}.{j}", job_group="specialist")
            for j in range(staff)
        ]
        Cadre.objects.bulk_create(cadres)
        saved = list(Cadre.objects.filter(code__in=[c.code for c in cadres]))
        Membership.objects.bulk_create([Membership(cadre=c, unit=unit) for c in saved])
        head = next(c for c in saved if c.code == f"H{i}")
        Role.objects.create(cadre=head, unit=unit, role="head")
        people[unit.code] = (head.code, [c.code for c in saved if c.code != head.code])
    return ward, people


def tasks(count: int, people: dict) -> list[dict]:
    units = sorted(people)
    start = dt.date(2026, 10, 1)
    made = []
    for n in range(count):
        head, staff = people[units[n % len(units)]]
        done = n % 3 == 0
        completed = start + dt.timedelta(days=5 + n % 20)
        delays = [{"on": "2026-10-25", "reason": "Chờ bổ sung hồ sơ"}] if n % 7 == 0 else 0
        made.append(
            {
                "code": f"EO-{n:05d}",
                "title": f"Hồ sơ một cửa số {n}",
                "assignee_code": staff[n // len(units) % len(staff)],
                "assigned_by_code": head,
                "assigned_on": start.isoformat(),
                "deadline": (start + dt.timedelta(days=10 + n % 20)).isoformat(),
                "expected_result": "Trả kết quả cho công dân",
                "weight": "0.5" if n % 4 == 0 else 1,
                "completed_on": completed.isoformat() if done else None,
                "accepted": done and n % 2 == 0,
                "major_errors": 1 if n % 5 == 0 else 0,
                "delays": delays,
            }
        )
    return made


def post_batches(http, token, rows, batch):
    counts = []
    for first in range(0, len(rows), batch):
        response = http.post(
            "/api/v1/tasks/",
            json.dumps({"tasks": rows[first : first + batch]}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        if response.status_code != 200:
            raise SystemExit(f"batch at {first}: {response.status_code} {response.content[:500]!r}")
        counts.append(response.json())
    return counts


def check_rows(rows) -> list[str]:
    """Every task as sent: assignee, assigner, unit, dates, weight, status, counts."""
    from directives.models import Task

    stored = {
        t.code: t for t in Task.objects.select_related("assignee", "assigned_by", "unit").all()
    }
    wrong = []
    if len(stored) != len(rows):
        wrong.append(f"{len(stored)} tasks stored, {len(rows)} sent")
    for row in rows:
        task = stored.get(row["code"])
        delays = len(row["delays"]) if isinstance(row["delays"], list) else row["delays"]
        expected = (
            row["title"],
            row["assignee_code"],
            row["assigned_by_code"],
            row["assignee_code"].split("-")[0].replace("C", "D"),
            row["assigned_on"],
            row["deadline"],
            Decimal(str(row["weight"])),
            row["completed_on"],
            row["accepted"],
            row["major_errors"],
            delays,
        )
        got = task and (
            task.title,
            task.assignee.code,
            task.assigned_by.code,
            task.unit.code,
            task.assigned_on.isoformat(),
            task.deadline.isoformat(),
            task.weight,
            task.completed_on and task.completed_on.isoformat(),
            task.accepted,
            task.imported_errors,
            task.imported_delays,
        )
        if got != expected:
            wrong.append(f"{row['code']}: sent {expected}, stored {got}")
    return wrong


def run(*, count=10_000, batch=1_000, units=10, staff=99, out=print) -> dict:
    """The load, the repeat and the check, on the database Django is set up with."""
    from django.test import Client

    from scoring.api.models import ApiClient

    ward, people = build_org(units, staff)
    client = ApiClient(name="bench", unit=ward, access="read_write")
    token = client.set_token()
    client.save()
    rows = tasks(count, people)
    http = Client()
    started, cpu = time.perf_counter(), time.process_time()
    first = post_batches(http, token, rows, batch)
    load, cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    again = post_batches(http, token, rows, batch)
    repeat = time.perf_counter() - started
    wrong = check_rows(rows)
    created = sum(c["created"] for c in first)
    unchanged = sum(c["unchanged"] for c in again)
    out(
        f"api load: {count} tasks in batches of {batch}: {load:.2f} s "
        f"({count / load:.0f} tasks/s; {cpu:.2f} s of CPU, os.getloadavg {os.getloadavg()[0]:.1f})"
    )
    out(f"api load, the same batches again (all unchanged): {repeat:.2f} s")
    out(f"api load: {created} created, {unchanged} unchanged on repeat, {len(wrong)} rows wrong")
    for line in wrong[:10]:
        out(f"  {line}")
    return {
        "load": load,
        "cpu": cpu,
        "repeat": repeat,
        "created": created,
        "unchanged": unchanged,
        "wrong": wrong,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--target", type=float, default=30.0, help="seconds the load may take")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        result = run(count=args.tasks, batch=args.batch)
    ok = (
        not result["wrong"]
        and result["created"] == result["unchanged"] == args.tasks
        and result["load"] < args.target
    )
    print(f"api load: target {args.target:.0f} s: {'met' if ok else 'MISSED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
