"""Load test: the month's busiest day through one or two app servers on PostgreSQL, and every
acknowledged write checked in the database afterwards.

    .venv/bin/python bench/load.py                    # 2,000 cadres, 50 users, 60 s, one server
    .venv/bin/python bench/load.py --servers 2        # two servers, sessions crossing between them
    .venv/bin/python bench/load.py --reuse            # keep the generated city of an earlier run

The city is bench/generate.py's with its open month the month after today, in supervisor review,
so the self, peer and supervisor steps all take scores
(scoring.month.selectors.rating.step_refusal).
Each server is `gunicorn -w 2` on 127.0.0.1 with persistent database connections; locust
(bench/locustfile.py) runs headless against them: heads save grid rows, cadres submit peer and
self scorecards, leaders read the dashboard and the ranking, each user with its own account
logged in through the login form; one more user times /healthz all along, the floor (the wait
in the servers' queues that every request shares). Then the database is compared with what
locust was told: scorecard versions bumped and audit entries per kind must equal the
acknowledged writes, and every scorecard must hold the points of its last acknowledged save.

Prints a summary and exits non-zero on any failed request, stale refusal or mismatch.
Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/). Not part of
`make test`.
"""

import argparse
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import PY, ROOT, django_env, free_port, run

KINDS = [("supervisor", "grid row (supervisor)"), ("peer", "peer scorecard"), ("self", "self")]
BIN = Path(PY).parent


def next_month(today=None) -> str:
    today = today or dt.date.today()
    first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return f"{first:%Y-%m}"


def prepare(size, month, reuse, base_url):
    """A database with the bench city whose open month is `month` (made unless reused)."""
    name = f"fc_load_{size}_{month.replace('-', '')}"
    admin = f"{base_url.rstrip('/')}/postgres"
    env = django_env(f"{base_url.rstrip('/')}/{name}?conn_max_age=60")
    exists = subprocess.run(
        ["psql", admin, "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists and reuse:
        print(f"reusing database {name}", flush=True)
        run([PY, "manage.py", "migrate", "-v0"], env)
        return env, name
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
    run([PY, "manage.py", "migrate", "-v0"], env)
    run([PY, "bench/generate.py", "--size", str(size), "--month", month], env)
    return env, name


def db_json(env, *args):
    out = run([PY, "bench/load_db.py", *args], env, capture_output=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def start_servers(env, count, logs):
    servers = []
    for index in range(count):
        port = free_port()
        log = open(logs / f"gunicorn-{index + 1}.log", "w")  # noqa: SIM115 (closed in stop)
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        servers.append((process, f"http://127.0.0.1:{port}", log))
    for _process, url, _log in servers:
        wait_healthy(url)
    return servers


def wait_healthy(url):
    for _ in range(150):
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer /healthz")


def stop_servers(servers):
    for process, _url, log in servers:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def server_errors(logs) -> list[str]:
    """Lines of the servers' logs that tell of an error (tracebacks, killed workers)."""
    found = []
    for path in sorted(logs.glob("gunicorn-*.log")):
        for line in path.read_text(errors="replace").splitlines():
            if any(word in line for word in ("Traceback", "[ERROR]", "[CRITICAL]", "TIMEOUT")):
                found.append(f"{path.name}: {line}")
    return found


def run_locust(env, hosts, users, seconds, work):
    args = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(users + 1),  # and the floor user (locustfile.FloorUser)
        "--spawn-rate",
        str(max(1, users // 5)),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "60",
        "--host",
        hosts[0],
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    locust_env = {
        **env,
        "LOAD_PLAN": str(work / "plan.json"),
        "LOAD_HOSTS": ",".join(hosts),
        "LOAD_ACKS": str(work / "acks.json"),
    }
    with open(work / "locust.log", "w") as log:
        code = subprocess.run(
            args, env=locust_env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        ).returncode
    return code


def summary(args, name, hosts, code, acks, check, errors, machine) -> bool:
    """Print the summary; True when everything holds."""
    stats = acks["stats"]
    print(
        f"load test: {args.size} cadres ({name}), {args.users} users and a floor user "
        f"(/healthz) for {args.seconds} s, "
        f"{len(hosts)} server(s) × gunicorn -w 2: {', '.join(hosts)}, PostgreSQL, "
        f"{os.cpu_count()} cores shared with the load generator"
    )
    print(
        f"machine load average before {machine['before']:.1f}, after {machine['after']:.1f}"
        + ("; locust warned that its own CPU was above 90%" if machine["locust_cpu"] else "")
    )
    requests, failed = stats["requests"], stats["failures"]
    print(f"requests: {requests} ({stats['rps']:.1f}/s), failures: {failed}")
    print(f"{'endpoint':<22}{'requests':>9}{'failures':>9}{'p50 ms':>8}{'p95 ms':>8}")
    for e in stats["endpoints"]:
        print(
            f"{e['name']:<22}{e['requests']:>9}{e['failures']:>9}{e['p50']:>8.0f}{e['p95']:>8.0f}"
        )
    for e in stats["errors"]:
        print(f"failure: {e['method']} {e['name']}: {e['error']} × {e['n']}")
    print(f"{'write':<24}{'acknowledged':>13}{'versions bumped':>16}{'audit entries':>14}")
    equal = True
    for kind, label in KINDS:
        acked = acks["counts"].get(kind, 0)
        bumped = check["versions_bumped"][kind]
        audits = check["audit_entries"][kind]
        equal &= acked == bumped == audits
        print(f"{label:<24}{acked:>13}{bumped:>16}{audits:>14}")
    refused = sum(acks["refused"].values())
    mismatched = check["cards_mismatched_count"]
    print(f"refused as stale (designed refusal, expected 0): {refused}")
    print(
        "scorecards holding the points of their last acknowledged save: "
        f"{check['cards_checked'] - mismatched}/{check['cards_checked']}"
    )
    for card in check["cards_mismatched"]:
        print(f"  mismatch: {card}")
    for line in errors[:10]:
        print(f"server log: {line}")
    equal &= mismatched == 0
    print(f"rows written = rows acknowledged: {'yes' if equal else 'no'}")
    ok = equal and failed == 0 and refused == 0 and code == 0 and not errors and requests > 0
    print("load test passed" if ok else "load test FAILED")
    return ok


def main():
    parser = argparse.ArgumentParser(description="FiveClear load test (locust, PostgreSQL)")
    parser.add_argument("--size", type=int, default=2000, help="cadres in the bench city")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--servers", type=int, default=1, choices=[1, 2])
    parser.add_argument("--reuse", action="store_true", help="keep an existing load database")
    args = parser.parse_args()
    base_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
    month = next_month()
    env, name = prepare(args.size, month, args.reuse, base_url)
    run([PY, "manage.py", "collectstatic", "--no-input", "-v0"], env)
    with tempfile.TemporaryDirectory(prefix="fc-load-") as tmp:
        work = Path(tmp)
        plan = db_json(env, "setup", month, str(args.users))
        (work / "plan.json").write_text(json.dumps(plan))
        (work / "before.json").write_text(json.dumps(db_json(env, "snapshot", month)))
        load_before = os.getloadavg()[0]
        servers = start_servers(env, args.servers, work)
        try:
            hosts = [url for _p, url, _l in servers]
            code = run_locust(env, hosts, args.users, args.seconds, work)
        finally:
            stop_servers(servers)
        if not (work / "acks.json").exists():
            print((work / "locust.log").read_text()[-3000:])
            sys.exit("locust wrote no acknowledged writes")
        check = db_json(env, "check", month, str(work / "before.json"), str(work / "acks.json"))
        acks = json.loads((work / "acks.json").read_text())
        machine = {
            "before": load_before,
            "after": os.getloadavg()[0],
            "locust_cpu": "CPU usage" in (work / "locust.log").read_text(),
        }
        ok = summary(args, name, hosts, code, acks, check, server_errors(work), machine)
        if not ok:
            print((work / "locust.log").read_text()[-3000:])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
