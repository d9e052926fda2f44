"""Writes of one month at the same moment, each on its own database connection, and a decision
that crashes half-way.

Two writers at once need PostgreSQL's row locks (SELECT ... FOR UPDATE) across connections.
They are made to overlap for certain, not by sleeping: the writer that holds the period row
waits, inside its transaction, until PostgreSQL reports the other connection blocked behind it
(`pg_blocking_pids`), then goes on. A crash needs no second connection and runs on SQLite too.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from scoring.errors import PeriodFrozen, StaleScorecard
from scoring.models import AuditEntry, Period, PeriodUnitResult, Phase, Result, Scorecard
from scoring.month.services import adjustments as services_adjustments
from scoring.month.services import decide as services_decide
from scoring.month.services import grid as services_month
from scoring.month.services import scorecards as services_scorecards
from scoring.month.services.adjustments import pool_set
from scoring.month.services.decide import period_decide, period_reopen
from scoring.month.services.grid import latest_supervisor_cards, supervisor_row_save
from scoring.month.services.scorecards import scorecard_save
from tests.dbstate import month_rows
from tests.factories import member
from tests.scoring.factories import open_period, points, submit

POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
WAIT = 60  # seconds: generous, for a loaded two-core machine; a passing run waits far less

needs_postgresql = pytest.mark.skipif(
    not POSTGRESQL,
    reason="needs PostgreSQL row locks (SELECT ... FOR UPDATE) across two connections; "
    "SQLite serialises whole-database writes instead. Runs in CI's PostgreSQL pass.",
)

pytestmark = pytest.mark.django_db(transaction=True)


# --- two writers at once --------------------------------------------------------------------


def wait_until_another_connection_waits_for_this_one():
    """Poll PostgreSQL until some connection is blocked by a lock this one holds.

    pg_stat_activity is read once per transaction and kept: each poll clears that snapshot, or
    a connection the other thread opened after the first poll would never be seen.
    """
    deadline = time.monotonic() + WAIT
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))"
            )
            if cursor.fetchone()[0]:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"no other connection waited for this one in {WAIT} s")
            time.sleep(0.01)


def holding_the_lock(real, first=None, holding=None):
    """`real`, called with the period row locked; its first call (the writer that got the lock)
    sets `holding` and waits until the other writer is blocked behind that lock. Wrappers of
    two writers' calls share `first`, so only the first of either waits."""
    first = first or threading.Lock()

    def call(*args, **kwargs):
        if first.acquire(blocking=False):
            if holding is not None:
                holding.set()
            wait_until_another_connection_waits_for_this_one()
        return real(*args, **kwargs)

    return call


def hold_the_lock_in(monkeypatch, owner, name, first=None, holding=None):
    """`owner.name` (a service or what it calls) replaced by itself `holding_the_lock`."""
    monkeypatch.setattr(owner, name, holding_the_lock(getattr(owner, name), first, holding))


def run_together(*calls) -> list:
    """Each call in its own thread and database connection, released at the same moment;
    what each returned or raised."""
    start = threading.Barrier(len(calls), timeout=WAIT)
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            outcomes[index] = call()
        except Exception as error:  # reported by the caller's assertions
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * WAIT)
    assert not any(thread.is_alive() for thread in threads), "a writer never finished"
    return outcomes


@needs_postgresql
def test_two_decides_at_once_leave_one_consistent_result(org, monkeypatch):
    period = open_period(org.w1, phase=Phase.REVIEW)
    for cadre, supervisor in ((org.staff_a, org.head_a), (org.staff_a2, org.head_a)):
        submit(period, cadre, cadre, "self")
        submit(period, cadre, supervisor, "supervisor", points(T=60))
    # The decision holds the period row from the moment it starts reading the units.
    hold_the_lock_in(monkeypatch, services_decide, "unit_decisions")

    def decide():
        try:
            period_decide(period=Period.objects.get(pk=period.pk), user=None)
        except PeriodFrozen:
            return "refused"
        return "decided"

    assert sorted(run_together(decide, decide)) == ["decided", "refused"]
    period.refresh_from_db()
    assert period.phase == Phase.DECIDED
    members = period.members.count()
    assert Result.objects.filter(period=period).count() == members
    assert Result.objects.filter(period=period, cadre=org.staff_a).count() == 1
    assert AuditEntry.objects.filter(period=period, action="period.decide").count() == 1


@pytest.fixture
def row(org):
    """W1 in supervisor review; the head of W1-A has scored SA (version 1); W1-A has a deputy.
    Both grid tabs below were loaded showing that scorecard."""
    deputy = member(org.a, role="deputy", code="DA", job_group="leader")
    period = open_period(org.w1, phase=Phase.REVIEW)
    card = submit(period, org.staff_a, org.head_a, "supervisor", points(T=60))
    assert card.version == 1
    return period, card, deputy


def row_save(period, ratee, card, rater, g1):
    """`rater` saves the ratee's grid row from `card` as the tab loaded it: G1 `g1`, T 50."""
    return supervisor_row_save(
        period=period,
        ratee=ratee,
        rater=rater,
        points=points(G1=g1, T=50),
        seen_card_id=card.pk,
        seen_version=card.version,
        user=rater.user,
    )


def supervisor_cards(period, ratee):
    """{rater code: (version, G1)} of the ratee's supervisor scorecards."""
    cards = Scorecard.objects.filter(period=period, ratee=ratee, kind="supervisor")
    return {
        card.rater.code: (card.version, card.lines.get(criterion__code="G1").points)
        for card in cards.select_related("rater")
    }


def saves_since(entries_before):
    return list(
        AuditEntry.objects.filter(pk__gt=entries_before, action="scorecard.submit").values_list(
            "new__rater", "new__points__G1"
        )
    )


def last_entry() -> int:
    return AuditEntry.objects.order_by("pk").values_list("pk", flat=True).last()


def saved_or_refused(outcome):
    if isinstance(outcome, StaleScorecard):
        return "refused"
    return "saved" if isinstance(outcome, Scorecard) else repr(outcome)


@needs_postgresql
@pytest.mark.parametrize("second", ["deputy", "same head"])
def test_two_saves_of_one_grid_row_at_once_lose_no_update(org, row, monkeypatch, second):
    """The head and the deputy (or the head in two tabs) save the same row at the same moment,
    both from the version they loaded: one save wins, the other is refused as stale and writes
    nothing, so neither overwrites the other unseen."""
    period, card, deputy = row
    writers = {"head": org.head_a, "deputy": deputy if second == "deputy" else org.head_a}
    g1 = {"head": Decimal("1"), "deputy": Decimal("2")}
    hold_the_lock_in(monkeypatch, services_month, "scorecard_save")
    before = last_entry()

    def save(who):
        return lambda: row_save(period, org.staff_a, card, writers[who], g1[who])

    outcomes = dict(zip(writers, run_together(save("head"), save("deputy")), strict=True))
    shown = {who: saved_or_refused(outcome) for who, outcome in outcomes.items()}
    assert sorted(shown.values()) == ["refused", "saved"], outcomes
    (winner,) = [who for who, outcome in shown.items() if outcome == "saved"]
    rater = writers[winner].code
    assert saves_since(before) == [(rater, f"{g1[winner]:.2f}")]
    expected = {"HA": (1, Decimal("5"))} | {rater: (2 if rater == "HA" else 1, g1[winner])}
    assert supervisor_cards(period, org.staff_a) == expected


@needs_postgresql
def test_two_tabs_saving_one_self_assessment_at_once_lose_no_update(org, monkeypatch):
    """The optimistic version of `scorecard_save` itself (the self and peer forms)."""
    period = open_period(org.w1, phase=Phase.SELF)
    card = submit(period, org.staff_a, org.staff_a, "self")
    hold_the_lock_in(monkeypatch, services_scorecards, "rating_rules")
    before = last_entry()

    def save(value):
        return lambda: scorecard_save(
            period=period,
            ratee=org.staff_a,
            rater=org.staff_a,
            kind="self",
            points={"G1": Decimal(value)},
            expected_version=card.version,
            user=org.staff_a.user,
        )

    outcomes = [saved_or_refused(o) for o in run_together(save(1), save(2))]
    assert sorted(outcomes) == ["refused", "saved"], outcomes
    winner = Decimal(1 if outcomes[0] == "saved" else 2)
    card.refresh_from_db()
    assert card.version == 2
    assert card.lines.get(criterion__code="G1").points == winner
    saved = AuditEntry.objects.filter(pk__gt=before).values_list("action", "new__points__G1")
    assert list(saved) == [("scorecard.save", f"{winner:.2f}")]


def general_sum(card) -> Decimal:
    return sum(
        (line.points for line in card.lines.all() if line.criterion.code.startswith("G")),
        Decimal(0),
    )


@needs_postgresql
@pytest.mark.parametrize("first", ["decide", "save"])
def test_a_grid_save_during_the_decision_is_decided_or_refused_never_lost(
    org, row, monkeypatch, first
):
    """A deputy saves a row while the head decides the month. `first` takes the period row;
    the other starts once it is held and waits behind it. A save first is counted by the
    decision; a save second is refused as frozen. Either way the decided result shows the
    scores the database holds."""
    period, card, deputy = row
    taken, holding = threading.Lock(), threading.Event()
    for owner, name in ((services_decide, "unit_decisions"), (services_month, "scorecard_save")):
        hold_the_lock_in(monkeypatch, owner, name, taken, holding)

    def decide():
        period_decide(period=Period.objects.get(pk=period.pk), user=None)
        return "decided"

    def save():
        try:
            row_save(Period.objects.get(pk=period.pk), org.staff_a, card, deputy, 1)
        except PeriodFrozen:
            return "refused"
        return "saved"

    def once_held(call):
        def after():
            assert holding.wait(WAIT), "the first writer never took the period row"
            return call()

        return after

    calls = {"decide": decide, "save": save}
    calls = {name: call if name == first else once_held(call) for name, call in calls.items()}
    outcomes = run_together(calls["decide"], calls["save"])
    saved = first == "save"
    assert outcomes == ["decided", "saved" if saved else "refused"]
    counted = latest_supervisor_cards(period, [org.staff_a.pk])[org.staff_a.pk]
    assert counted.rater == (deputy if saved else org.head_a)
    result = Result.objects.get(period=period, cadre=org.staff_a)
    assert result.supervisor_score == general_sum(counted) == Decimal(26 if saved else 30)


ROW = {"G1": "5", "G2": "5", "G3": "5", "G4": "9", "G5": "5", "T": "55"}


@needs_postgresql
@pytest.mark.parametrize("second", ["deputy", "same head"])
def test_two_browsers_saving_one_grid_row_at_once_lose_no_update(org, row, monkeypatch, second):
    """The same race through the grid's row endpoint, from two logged-in browsers."""
    period, card, deputy = row
    people = {"head": org.head_a, "deputy": deputy if second == "deputy" else org.head_a}
    g1 = {"head": "1", "deputy": "2"}
    browsers = {}
    for who, person in people.items():
        browsers[who] = Client()
        browsers[who].force_login(person.user)
    hold_the_lock_in(monkeypatch, services_month, "scorecard_save")
    url = reverse("month:grid_row", args=[period.pk, "W1-A", "SA"])
    before = last_entry()

    def post(who):
        data = {"version": card.version, "seen_card": card.pk, "seen_version": card.version}
        data |= {f"points_{code}": value for code, value in (ROW | {"G1": g1[who]}).items()}
        return lambda: browsers[who].post(url, data, HTTP_HX_REQUEST="true")

    responses = dict(zip(people, run_together(post("head"), post("deputy")), strict=True))
    states = {}
    for who, response in responses.items():
        assert response.status_code == 200, response
        page = response.content.decode()
        states[who] = "saved" if 'data-state="saved"' in page else "refused"
        if states[who] == "refused":
            assert 'data-state="refused"' in page and "Chưa lưu" in page
    assert sorted(states.values()) == ["refused", "saved"]
    (winner,) = [who for who, state in states.items() if state == "saved"]
    rater = people[winner].code
    assert saves_since(before) == [(rater, f"{Decimal(g1[winner]):.2f}")]
    expected = {"HA": (1, Decimal("5"))} | {rater: (2 if rater == "HA" else 1, Decimal(g1[winner]))}
    assert supervisor_cards(period, org.staff_a) == expected


# --- a decision that crashes half-way (SQLite and PostgreSQL) -------------------------------


class Crash(Exception):
    pass


def after_writing(real):
    """`real`, which does its write, then the process dies."""

    def crash(*args, **kwargs):
        real(*args, **kwargs)
        raise Crash

    return crash


def after_inserting(model):
    """The decision's bulk insert (COPY on PostgreSQL), which writes every row of `model`
    and then dies."""

    def crash(mp):
        real = services_decide.insert_all

        def insert_all(into, objects):
            real(into, objects)
            if into is model:
                assert objects, "the crash comes after rows were written"
                raise Crash

        mp.setattr(services_decide, "insert_all", insert_all)

    return crash


CRASHES = {
    "results": after_inserting(Result),
    "unit_results": after_inserting(PeriodUnitResult),
    "phase": lambda mp: mp.setattr(Period, "save", after_writing(Period.save)),
    "audit": lambda mp: mp.setattr(AuditEntry, "save", after_writing(AuditEntry.save)),
}


@pytest.fixture
def scored(org):
    """W1 in supervisor review: SA and SA2 scored, a pool and a penalty."""
    period = open_period(org.w1, phase=Phase.REVIEW)
    for cadre in (org.staff_a, org.staff_a2):
        submit(period, cadre, cadre, "self")
        submit(period, cadre, org.head_a, "supervisor", points(T=60))
    pool_set(period=period, unit=org.a, amount=2_000_000)
    services_adjustments.adjustment_add(
        period=period, cadre=org.staff_a, kind="penalty", points=3, reason="x"
    )
    return period


@pytest.mark.parametrize("crash", sorted(CRASHES))
@pytest.mark.parametrize("decision", ["first", "again"])
def test_a_decision_that_crashes_half_way_leaves_the_period_as_it_was(
    org, scored, monkeypatch, crash, decision
):
    """Every write of the decision is undone: phase, results, unit results, audit entries and
    scorecards are row for row what they were. `again`: a reopened period keeps its previous
    results when the new decision crashes after deleting them."""
    if decision == "again":
        period_decide(period=scored, user=None)
        period_reopen(period=scored, reason="Sửa điểm", user=None)
        submit(scored, org.staff_a, org.head_a, "supervisor", points(T=40))
        assert Result.objects.filter(period=scored).count() == scored.members.count()
    before = month_rows()
    CRASHES[crash](monkeypatch)
    with pytest.raises(Crash):
        period_decide(period=Period.objects.get(pk=scored.pk), user=None)
    monkeypatch.undo()
    assert month_rows() == before
    assert Period.objects.get(pk=scored.pk).phase == Phase.REVIEW
