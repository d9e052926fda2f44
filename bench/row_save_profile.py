"""Grid-row saves one after another in one process, through Django's test client: the CPU time
(`time.process_time`) and wall time of each, and its queries, beside the empty signed-in page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fc_bench_2000 \
        .venv/bin/python bench/row_save_profile.py [--saves 150] [--heads 16]

Against a database `bench/run.py` generated (`--reuse` keeps it). The heads and their rows are
`bench/probe.py heads`'s, the saves made as `bench/run.py`'s clients make them (each row's points
drawn at random, the scorecard shown sent back); a warm-up of each is not counted.
"""

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.run import MONTH, django_env  # noqa: E402


def _percentile(samples, share):
    ordered = sorted(samples)
    return ordered[max(0, round(share * len(ordered)) - 1)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=150)
    parser.add_argument("--heads", type=int, default=16)
    parser.add_argument("--warm", type=int, default=20)
    args = parser.parse_args()
    env = django_env(os.environ["DATABASE_URL"])
    out = subprocess.run(
        [sys.executable, "bench/probe.py", "heads", MONTH, str(args.heads)],
        env=env,
        cwd=ROOT,
        check=True,
        text=True,
        capture_output=True,
    )
    plan = json.loads(out.stdout.strip().splitlines()[-1])
    os.environ.update(env)
    os.environ["ALLOWED_HOSTS"] = "testserver"

    from bench import django_setup

    django_setup("bench.settings")
    from django.db import connection
    from django.test import Client

    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    rng = random.Random(18)
    clients = []
    for head in plan["heads"]:
        client = Client(HTTP_HX_REQUEST="true")
        client.cookies["sessionid"] = head["session"]
        clients.append((client, {row["code"]: row for row in head["rows"]}))

    def floor_page():
        client, _rows = rng.choice(clients)
        return client.get("/bench/floor/"), None

    def row_save():
        client, rows = rng.choice(clients)
        row = rows[rng.choice(sorted(rows))]
        fields = {"version": row["version"] or 0, "seen_card": row["card"]}
        fields["seen_version"] = row["version"]
        for code, top in plan["criteria"]:
            fields[f"points_{code}"] = f"{rng.uniform(0.6, 1) * float(top):.2f}"
        response = client.post(row["url"], fields)
        text = response.content.decode()
        state = re.search(r'data-state="(\w*)"', text)
        for field, key in (("seen_card", "card"), ("seen_version", "version")):
            value = re.search(rf'name="{field}" value="(\d*)"', text)
            if value:
                row[key] = value.group(1)
        return response, state.group(1) if state else "no row"

    for name, request in (("empty page", floor_page), ("row save", row_save)):
        for _ in range(args.warm):
            request()
        cpu, wall, counts, states = [], [], [], {}
        with connection.execute_wrapper(count):
            for _ in range(args.saves):
                queries[0] = 0
                started_cpu, started = time.process_time(), time.perf_counter()
                response, state = request()
                wall.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
                assert response.status_code == 200, response.status_code
                counts.append(queries[0])
                states[state] = states.get(state, 0) + 1
        print(
            f"{name}: {len(cpu)} requests | CPU p50 {1000 * statistics.median(cpu):.1f} ms"
            f" | wall p50 {1000 * statistics.median(wall):.1f} ms"
            f" p95 {1000 * _percentile(wall, 0.95):.1f} ms"
            f" | queries {min(counts)}-{max(counts)} (median {statistics.median(counts):g})"
            + ("" if states == {None: len(cpu)} else f" | answers {states}"),
            flush=True,
        )


if __name__ == "__main__":
    main()
