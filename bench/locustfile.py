"""A busy day of the month under load: heads save grid rows, cadres submit their peer and self
scorecards on the phone form, leaders read the dashboard and the ranking.

bench/load.py drives it (it builds the city, the accounts and the servers, then checks every
acknowledged write against the database). By hand, after `bench/load_db.py setup`:

    LOAD_PLAN=plan.json LOAD_ACKS=acks.json locust -f bench/locustfile.py --headless \
        -u 50 -r 10 -t 60s --stop-timeout 60 -H http://127.0.0.1:8101

LOAD_PLAN   the plan written by `load_db.py setup`: period, password and the accounts
LOAD_HOSTS  comma-separated servers; each user logs in through one and works through the next,
            so with two servers every session crosses from one to the other (default: -H)
LOAD_ACKS   where the acknowledged writes and the request statistics go when locust quits

Every user logs in through the real login form with its own account, so no two users ever save
the same scorecard: a head saves the rows of their own department with the versions the grid
last showed them (a refusal as stale is counted apart and should never happen), a cadre only
their own scorecards. A write counts as acknowledged only with the app's success marker: the
row re-rendered as saved for a grid row, the redirect to the list and its success message for
a phone form.
"""

import itertools
import json
import os
import random
import re
from collections import Counter
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, constant, events, task
from locust.exception import StopUser

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
PERIOD = PLAN["period"]
HTMX = {"HX-Request": "true"}
SUCCESS_ALERT = 'class="alert alert-success'


class Ledger:
    """The writes the app acknowledged, in order, and its designed refusals."""

    def __init__(self):
        self.writes = []
        self.refused = Counter()
        self._seq = itertools.count()

    def ack(self, kind, rater, ratee, points):
        self.writes.append(
            {"seq": next(self._seq), "kind": kind, "rater": rater, "ratee": ratee, "points": points}
        )

    def counts(self):
        return dict(Counter(w["kind"] for w in self.writes))


LEDGER = Ledger()
ACCOUNTS = {kind: iter(PLAN[kind]) for kind in ("heads", "cadres", "leaders")}
USER_NUMBER = itertools.count()


def _stats(stats):
    """Requests, failures and percentiles per endpoint, read after every user has stopped."""
    return {
        "requests": stats.total.num_requests,
        "failures": stats.total.num_failures,
        "rps": stats.total.total_rps,
        "endpoints": [
            {
                "name": e.name,
                "method": e.method,
                "requests": e.num_requests,
                "failures": e.num_failures,
                "p50": e.get_response_time_percentile(0.5),
                "p95": e.get_response_time_percentile(0.95),
            }
            for e in sorted(stats.entries.values(), key=lambda e: e.name)
        ],
        "errors": [
            {"method": e.method, "name": e.name, "error": str(e.error), "n": e.occurrences}
            for e in stats.errors.values()
        ],
    }


@events.quitting.add_listener
def _save_ledger(environment, **_kwargs):
    path = os.environ.get("LOAD_ACKS")
    if path:
        Path(path).write_text(
            json.dumps(
                {
                    "counts": LEDGER.counts(),
                    "refused": LEDGER.refused,
                    "writes": LEDGER.writes,
                    "stats": _stats(environment.stats),
                }
            )
        )


class Forms(HTMLParser):
    """The forms of a page: action, the values they would submit, the maximum of each cell.

    A field belongs to the form it sits in, or to the one its `form` attribute names (the
    grid's cells sit in table cells outside their row's form)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.forms = {}
        self._current = None
        self._textarea = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._current = a.get("id") or f"form{len(self.forms)}"
            self._form(self._current)["action"] = a.get("action", "")
            return
        owner_id = a.get("form") or self._current
        if owner_id is None or not a.get("name"):
            return
        owner = self._form(owner_id)
        if tag == "input" and a.get("type") not in ("submit", "button", "checkbox", "file"):
            owner["fields"][a["name"]] = a.get("value") or ""
            if "data-max" in a:
                owner["max"][a["name"]] = Decimal(a["data-max"])
        elif tag == "textarea":
            owner["fields"][a["name"]] = ""
            self._textarea = (owner, a["name"])

    def _form(self, form_id):
        return self.forms.setdefault(form_id, {"action": "", "fields": {}, "max": {}})

    def handle_data(self, data):
        if self._textarea:
            owner, name = self._textarea
            owner["fields"][name] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "textarea":
            self._textarea = None


def score_form(html):
    """The scorecard form of a page (the one with a version), or None."""
    return next((f for f in Forms(html).forms.values() if "version" in f["fields"]), None)


def random_points(form, low=0.6):
    """Plausible points for every cell: quarters between `low` × maximum and the maximum."""
    points = {}
    for name, most in form["max"].items():
        quarters = int(most * 4)
        value = Decimal(random.randint(int(quarters * low), quarters)) / 4
        points[name.removeprefix("points_")] = format(value.normalize(), "f")
    return points


def with_points(form, points):
    return form["fields"] | {f"points_{code}": value for code, value in points.items()}


class FiveClearUser(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.5)
    account_kind = ""

    def on_start(self):
        self.account = next(ACCOUNTS[self.account_kind], None)
        if self.account is None:
            raise RuntimeError(f"no {self.account_kind} account left: give each user its own")
        hosts = [h for h in os.environ.get("LOAD_HOSTS", "").split(",") if h] or [self.host]
        number = next(USER_NUMBER)
        self.login(hosts[number % len(hosts)])
        self.client.base_url = hosts[(number + 1) % len(hosts)]
        self.page("/", "home")

    def login(self, host):
        form = Forms(self.page(f"{host}/login/", "login form").text).forms
        token = next(iter(form.values()))["fields"]["csrfmiddlewaretoken"]
        data = {
            "csrfmiddlewaretoken": token,
            "username": self.account["username"],
            "password": PLAN["password"],
            "next": "",
        }
        with self.client.post(
            f"{host}/login/", data=data, name="login", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {self.account['username']}: {response.status_code}")
                raise StopUser()

    def page(self, path, name, marker=None):
        """GET a page that must answer 200 itself (a redirect to the login is a failure) and,
        with `marker`, show it."""
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{path}: {response.status_code}")
            elif marker and marker not in response.text:
                response.failure(f"{path}: {marker!r} not shown")
            return response


class HeadUser(FiveClearUser):
    """A head of a department scoring their unit's grid, row after row."""

    weight = 2
    account_kind = "heads"

    def on_start(self):
        super().on_start()
        self.rows = {}
        self.open_grid()

    @task(1)
    def open_grid(self):
        url = f"/month/{PERIOD}/grid/{self.account['unit']}/"
        forms = Forms(self.page(url, "grid").text).forms
        self.rows = {key[2:]: f for key, f in forms.items() if key.startswith("f-")}

    @task(8)
    def save_row(self):
        if not self.rows:
            return
        code = random.choice(list(self.rows))
        form = self.rows[code]
        points = random_points(form)
        with self.client.post(
            form["action"],
            data=with_points(form, points),
            headers=HTMX,
            name="grid row save",
            catch_response=True,
        ) as response:
            state = re.search(
                r'<tr id="row-[^"]+" data-row="[^"]+" data-state="(\w*)"', response.text
            )
            state = state.group(1) if state else None
            if response.status_code == 200 and state == "saved":
                LEDGER.ack("supervisor", self.account["code"], code, points)
                self.rows[code] = Forms(response.text).forms[f"f-{code}"]
            elif response.status_code == 200 and state == "refused":
                LEDGER.refused["supervisor"] += 1
                self.rows[code] = Forms(response.text).forms.get(f"f-{code}", form)
            else:
                why = re.findall(r"data-row-message>([^<]+)<", response.text)
                response.failure(f"grid row {code}: {response.status_code} {state} {why}")

    @task(1)
    def manage(self):
        self.page("/month/manage/", "manage")


class CadreUser(FiveClearUser):
    """A cadre on the phone: their peers' scorecards, their self-assessment, their month."""

    weight = 6
    account_kind = "cadres"

    def submit(self, url, done_url, kind, ratee, name):
        """Open a scorecard form, submit it with fresh points; ack on the designed success."""
        form = score_form(self.page(url, f"{name} form").text)
        if form is None:
            return
        points = random_points(form, low=0.5)
        data = with_points(form, points) | {"action": "submit"}
        with self.client.post(
            url, data=data, name=f"{name} submit", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302 and response.headers.get("Location") == done_url:
                LEDGER.ack(kind, self.account["code"], ratee, points)
            else:
                response.failure(f"{url}: {response.status_code}, not saved")
                return
        self.page(done_url, f"{name} done", marker=SUCCESS_ALERT)

    @task(4)
    def peer(self):
        listing = f"/month/{PERIOD}/peers/"
        codes = re.findall(rf'href="{listing}([^/"]+)/"', self.page(listing, "peer list").text)
        if codes:
            ratee = random.choice(codes)
            self.submit(f"{listing}{ratee}/", listing, "peer", ratee, "peer")

    @task(1)
    def self_assessment(self):
        own = self.account["code"]
        self.submit(f"/month/{PERIOD}/self/", "/month/", "self", own, "self")

    @task(2)
    def my_month(self):
        self.page("/month/", "my month")
        self.page("/month/due/", "due banner")


class LeaderUser(FiveClearUser):
    """A ward leader reading the decided months: the dashboard and the ranking."""

    weight = 2
    account_kind = "leaders"

    @task(2)
    def dashboard(self):
        self.page(f"/dashboard/?unit={self.account['unit']}", "dashboard")

    @task(3)
    def ranking(self):
        page = random.randint(1, 3)
        self.page(f"/dashboard/ranking/?unit={self.account['unit']}&page={page}", "ranking")


class FloorUser(HttpUser):
    """The run's floor: a trivial view (/healthz: one query, no login) once a second, on each
    server in turn. Its latency is the wait in the servers' queues that every request of the
    run shares; the rest of an endpoint's latency is its own work."""

    fixed_count = 1
    wait_time = constant(1)

    def on_start(self):
        hosts = [h for h in os.environ.get("LOAD_HOSTS", "").split(",") if h] or [self.host]
        self.hosts = itertools.cycle(hosts)

    @task
    def healthz(self):
        self.client.get(f"{next(self.hosts)}/healthz", name="healthz (floor)")
