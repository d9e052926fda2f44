"""A saved grid row values its own member only (`member_preview`: the member's inputs, and its
quota group's or its unit's only when its result reads them), and shows what valuing the whole
unit shows: row by row, edit after edit, the row a save answers is the row the grid page draws
from the whole unit's preview, and every member's preview is the unit's result."""

import datetime as dt
import json
import random
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from scoring import engine
from scoring.models import Adjustment, PeerAssignment, Period, PeriodMember, Phase, Scorecard
from scoring.month.selectors.inputs import member_preview, period_inputs
from scoring.month.services.adjustments import pool_set
from tests.factories import UnitFactory, member
from tests.month.conftest import open_month, points, submit
from tests.scoring.factories import make_task

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
GENERAL = {"G1": 5, "G2": 5, "G3": 5, "G4": 10, "G5": 5}


@pytest.fixture
def unit(org):
    """Department W1-R in supervisor review, scored the way a month goes: a head (supervised
    from above, so not decided here), a deputy, nine specialists, a clerk alone in their job
    group, every self-assessment and peer scorecard but those of R11 (no peer rated them),
    the head's scores of everyone below them, tasks for some (one late, one with an error,
    one not done), a hand-entered T for the others, a discipline, a leave, a penalty and a
    pool."""
    r = UnitFactory(code="W1-R", name="Phòng R", parent=org.w1)
    head = member(r, role="head", code="RH", job_group="leader")
    deputy = member(r, role="deputy", code="RD", job_group="leader")
    staff = [member(r, code=f"R{i:02d}", job_group="specialist") for i in range(1, 10)]
    clerk = member(r, code="R10", job_group="clerk")
    unrated = member(r, code="R11", job_group="specialist")
    period = open_month(r, phase=Phase.REVIEW)
    everyone = [deputy, *staff, clerk, unrated]
    first = period.first_day
    tasks = {
        "RD": {"completed_on": first + dt.timedelta(days=3)},
        "R01": {"completed_on": first + dt.timedelta(days=9), "imported_delays": 1},
        "R02": {"completed_on": first + dt.timedelta(days=2), "imported_errors": 1},
        "R03": {"completed_on": None},
        "R05": {"completed_on": first + dt.timedelta(days=4), "accepted": False},
    }
    for cadre in everyone:
        if cadre.code in tasks:
            make_task(cadre, unit=r, deadline=first + dt.timedelta(days=5), **tasks[cadre.code])
    for n, cadre in enumerate(everyone):
        submit(period, cadre, cadre, "self", points(G1=4 + n % 2, G4=8 + n % 3))
        manual = {} if cadre.code in tasks else {"T": 50 + n}
        submit(period, cadre, head, "supervisor", points(G2=3 + n % 3, **manual))
    for assignment in PeerAssignment.objects.filter(period=period).select_related("ratee", "rater"):
        if assignment.ratee.code != "R11":
            submit(period, assignment.ratee, assignment.rater, "peer", points(G3=4))
    for code, kind, given in (
        ("R04", "discipline", 0),
        ("R06", "leave", 0),
        ("R07", "penalty", 2),
    ):
        Adjustment.objects.create(
            period=period,
            cadre=next(c for c in everyone if c.code == code),
            kind=kind,
            points=Decimal(given),
            reason="Theo biên bản",
        )
    pool_set(period=period, unit=r, amount=20_000_000, user=None)
    return r, head, period


def row_of(page, code):
    """The row of `code` as drawn, without what differs between a saved row and the page: the
    row's state and message, and the CSRF tokens."""
    start = page.index(f'<tr id="row-{code}"')
    row = page[start : page.index("</tr>", start)]
    row = re.sub(r' data-state="\w*"( class="[^"]*")?', "", row)
    row = re.sub(r"<div [^>]*data-row-message>.*?</div>", "", row, flags=re.S)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", row)


def posted(period, unit, cadre_code, given):
    """The URL and form of a row save over the scorecard the grid shows for `cadre_code`."""
    card = (
        Scorecard.objects.filter(
            period=period, ratee__code=cadre_code, kind="supervisor", status="submitted"
        )
        .order_by("-updated_at", "-pk")
        .first()
    )
    version = card.version if card else ""
    data = {"version": version or 0, "seen_card": card.pk if card else "", "seen_version": version}
    data |= {f"points_{code}": str(value) for code, value in given.items()}
    return reverse("month:grid_row", args=[period.pk, unit.code, cadre_code]), data


def save(client, period, unit, cadre_code, given):
    url, data = posted(period, unit, cadre_code, given)
    return client.post(url, data, **HTMX)


def every_preview_is_the_units(period, unit):
    period = Period.objects.select_related("scope", "regulation").get(pk=period.pk)
    whole = period_inputs(period, unit).decide()
    members = PeriodMember.objects.filter(period=period, unit=unit).select_related("cadre", "unit")
    for m in members:
        preview = member_preview(period, m)
        expected = engine.without_shared_figures(whole.cadre(m.cadre.code))
        assert preview.result == expected, m.cadre.code
        assert preview.unit_size == len(whole.cadres)


def test_a_saved_row_shows_what_valuing_the_whole_unit_shows_edit_after_edit(login, unit):
    r, head, period = unit
    client = login(head)
    rng = random.Random(18)
    edits = [
        ("R01", dict(GENERAL)),  # from B to a candidate for A: the quota keeps one A of many
        ("R02", dict(GENERAL)),  # a second candidate: one of the two is lowered to B
        ("R04", dict(GENERAL)),  # discipline: D whatever the points
        ("R10", dict(GENERAL)),  # alone in their job group: a candidate lowered to B
        ("R11", dict(GENERAL)),  # rated by no peer
        ("R08", {"G1": 1, "G2": 1, "G3": 1, "G4": 2, "G5": 1, "T": 10}),  # a D: halves RD's T
        ("RD", dict(GENERAL)),  # the deputy's T reads the whole unit
        ("R08", {**GENERAL, "T": 70}),  # no D any more
        ("R01", {"G1": 2, "G2": 2, "G3": 2, "G4": 4, "G5": 2}),  # out of A: R02 keeps it
    ]
    codes = ["RD", *[f"R{i:02d}" for i in range(1, 12)]]
    for _ in range(12):
        code = rng.choice(codes)
        given = {c: Decimal(rng.randint(2 * top, 4 * top)) / 4 for c, top in GENERAL.items()}
        edits.append((code, given))
    with_tasks = {"RD", "R01", "R02", "R03", "R05"}
    tiers = unit_tiers(period, r)
    others_moved = saved_demoted = 0
    for code, given in edits:
        if code in with_tasks:
            given = {c: v for c, v in given.items() if c != "T"}
        elif "T" not in given:
            given = {**given, "T": 60}
        response = save(client, period, r, code, given)
        saved = response.content.decode()
        assert 'data-state="saved"' in saved, code
        page = client.get(reverse("month:grid", args=[period.pk, r.code])).content.decode()
        assert row_of(saved, code) == row_of(page, code)
        progress = json.loads(response["HX-Trigger"])["gridProgress"]
        scored = re.search(r"data-grid-scored>(\d+)<", page).group(1)
        total = re.search(r"data-grid-total>(\d+)<", page).group(1)
        assert progress == {"scored": int(scored), "total": int(total)}
        every_preview_is_the_units(period, r)
        before, tiers = tiers, unit_tiers(period, r)
        others_moved += any(tiers[c] != before[c] for c in tiers if c != code)
        saved_demoted += tiers[code][0] != tiers[code][1] and tiers[code][1] is not None
    # The edits moved another row's tier (the quota, a leader's T) and lowered a saved row.
    assert others_moved and saved_demoted


def unit_tiers(period, unit):
    """Each member's (tier before the quota, tier) as valuing the whole unit gives them."""
    outcome = period_inputs(Period.objects.get(pk=period.pk), unit).decide()
    return {c.code: (c.tier_before_quota, c.tier) for c in outcome.cadres}


def test_a_row_that_moves_the_quota_is_answered_with_the_units_tier(login, unit):
    """R01 and R02 both reach A: the quota keeps one, and each row answers as the unit does."""
    r, head, period = unit
    client = login(head)
    for code in ("R01", "R02"):
        save(client, period, r, code, dict(GENERAL))
    whole = period_inputs(Period.objects.get(pk=period.pk), r).decide()
    candidates = {c.code: c.tier for c in whole.cadres if c.tier_before_quota == "A"}
    assert {"R01", "R02"} <= set(candidates) and "B" in candidates.values()
    for code in ("R01", "R02"):
        response = save(client, period, r, code, dict(GENERAL))
        row = response.content.decode()
        assert f">{whole.cadre(code).tier}</span>" in row


# A row save, query by query. The request: session, user, scope; period (with its regulation),
# unit, the member, the criteria (once for the request). The write, in a transaction (the test's
# savepoints are counted): the period locked, the ratee's supervisor scorecards (the latest one,
# the rater's own); in scorecard_save's own savepoint, the rating rules (members, roles), the
# ratee's tasks (a T is entered), the rater's scorecard locked and its lines, the scorecard and
# its changed lines updated, the audit entry (the criteria are the request's, the actor is the
# rater). The answer: the member's preview (the unit's members, each with whether a supervisor
# scorecard of them is submitted, which gives the unit's progress; its pool; then the member's
# adjustments, which the row lists, its score lines, which give the self-assessment and the
# supervisor scorecard's points the row shows, and its tasks), the supervisor scorecard shown,
# beside the cells the rated dossiers and peer means. The rating rules are not read again: the
# save found the rater the member's supervisor.
ROW_SAVE = 29
# A candidate for A reads its quota group too: the others' score lines, adjustments and tasks.
GROUP = 3


@pytest.mark.parametrize("size", [5, 40])
def test_a_row_save_reads_as_much_in_a_unit_of_5_as_of_40(
    login, org, size, django_assert_num_queries
):
    unit = UnitFactory(code="W1-Q", name="Phòng Q", parent=org.w1)
    head = member(unit, role="head", code="QH", job_group="leader")
    staff = [member(unit, code=f"Q{i:02d}") for i in range(size - 1)]
    period = open_month(unit, phase=Phase.REVIEW)
    for cadre in staff:
        submit(period, cadre, cadre, "self")
        submit(period, cadre, head, "supervisor", points(T=50))
    client = login(head)
    client.get(reverse("month:grid", args=[period.pk, unit.code]))  # warm the session
    url, data = posted(period, unit, "Q00", {**GENERAL, "T": 55})  # 85, B: its own inputs tell
    with django_assert_num_queries(ROW_SAVE):
        response = client.post(url, data, **HTMX)
    assert 'data-state="saved"' in response.content.decode()
    url, data = posted(period, unit, "Q01", {**GENERAL, "T": 70})  # 100: a candidate for A
    with django_assert_num_queries(ROW_SAVE + GROUP):
        response = client.post(url, data, **HTMX)
    assert 'data-state="saved"' in response.content.decode()
