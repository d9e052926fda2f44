"""Issue 12, item 4: accepting one appeal reopened the whole ward. Now (docs/RULES.md
§2 and §3) accepting asks for confirmation and opens a correction for the appellant alone: only
their supervisor scorecard and adjustments become writable, by their own supervisor; everyone
else's inputs stay frozen and the rest of the results stay published. Deciding again writes a
revision listing every result that changed, before and after, audited and notified; people who
did not appeal move only through the quota, the ranks and the pool split.

The month: ward W1 in this month, everyone scored G = 30 (self and supervisor, full marks).
  W1-A specialists: SA 85 (T 55, the appellant), SA2 92 (A, the one A the quota keeps),
                    SA3–SA6 80;
  W1-A leaders:     HA 90 (head, demoted to B by the quota), DA 85 (deputy);
  W1-B:             HB 80 (head), SB 88;
  W1:               HW1 (head, no supervisor), LW1 76.67 (a task done, not accepted).
SA's T corrected to 65 gives 95: SA takes the A, SA2 moves to B through the quota, the ranks
of SA2, HA, DA in W1-A and of SB in the ward move down by one; nobody else changes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from directives.services import task_record_delay
from scoring.errors import InvalidInput, NotAllowed, PeriodFrozen, PhaseClosed
from scoring.models import (
    Adjustment,
    Appeal,
    AppealStatus,
    AuditEntry,
    Correction,
    Period,
    PeriodUnitResult,
    Phase,
    Result,
    Revision,
    RevisionChange,
    ScoreLine,
)
from scoring.month.corrections import appeal_supervisors
from scoring.month.selectors.inputs import period_preview
from scoring.month.selectors.periods import month_results
from scoring.month.services.adjustments import adjustment_add, pool_set
from scoring.month.services.appeals import appeal_answer, appeal_file, correction_decide
from scoring.month.services.decide import period_decide, period_lock, period_publish, period_reopen
from scoring.month.services.opening import period_advance, period_open
from scoring.month.services.scorecards import scorecard_save
from tests.dbstate import nothing_changes
from tests.factories import member
from tests.scoring.factories import points, submit, task_done_on_time
from tests.security.test_frozen_period import page_text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
RESULT_FIELDS = ("total", "tier", "rank_in_unit", "rank_in_scope", "reward")


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def dates(today):
    day = dt.timedelta(days=1)
    return {
        "self_until": today + 2 * day,
        "peer_until": today + 4 * day,
        "review_until": today + 6 * day,
        "publish_by": today + 8 * day,
        "appeals_until": today + 12 * day,
        "lock_on": today + 20 * day,
    }


@pytest.fixture
def ward(org):
    """The published month of the module docstring, with SA's appeal waiting."""
    org.head_w1 = member(org.w1, role="head", code="HW1", job_group="leader")
    org.deputy_a = member(org.a, role="deputy", code="DA", job_group="leader", email="da@x.vn")
    staff = [member(org.a, code=f"SA{i}", full_name=f"Trần Văn {i}") for i in range(3, 7)]
    for cadre, address in ((org.staff_a, "sa@x.vn"), (org.staff_a2, "sa2@x.vn")):
        cadre.email = address
        cadre.save(update_fields=["email"])
    org.staff_a.full_name = "Phạm Thị Kháng"
    org.staff_a.save(update_fields=["full_name"])
    org.staff_b.email = "sb@x.vn"
    org.staff_b.save(update_fields=["email"])
    today = timezone.localdate()
    period = period_open(month=today.strftime("%Y-%m"), scope=org.w1, dates=dates(today))
    period = period_advance(period=period, phase=Phase.REVIEW, user=None)
    supervised = {
        org.head_a: (org.head_w1, 60),
        org.deputy_a: (org.head_a, 55),
        org.staff_a: (org.head_a, 55),
        org.staff_a2: (org.head_a, 62),
        org.head_b: (org.head_w1, 50),
        org.staff_b: (org.head_b, 58),
        **dict.fromkeys(staff, (org.head_a, 50)),
    }
    for cadre in (*supervised, org.leader_w1, org.head_w1):
        submit(period, cadre, cadre, "self")
    for cadre, (head, task_points) in supervised.items():
        submit(period, cadre, head, "supervisor", points(T=task_points))
    # LW1 has a task of the month, done on time but not accepted: T = 70 × 2/3.
    task = task_done_on_time(
        org.leader_w1, period, accepted=False, unit=org.w1, assigned_by=org.head_w1, code="T-LW1"
    )
    submit(period, org.leader_w1, org.head_w1, "supervisor", points())
    pool_set(period=period, unit=org.a, amount=10_000_000, user=None)
    pool_set(period=period, unit=org.b, amount=3_000_000, user=None)
    period = period_publish(period=period_decide(period=period, user=None), user=None)
    appeal = appeal_file(
        period=period, cadre=org.staff_a, text="Điểm T chưa đúng", user=org.staff_a.user
    )
    return SimpleNamespace(org=org, period=period, appeal=appeal, staff=staff, task=task)


def shown(period) -> dict[str, tuple]:
    """Every result's shown parts, by cadre code."""
    return {
        r.cadre.code: tuple(getattr(r, name) for name in RESULT_FIELDS)
        for r in period.results.select_related("cadre")
    }


def accept(ward, who=None):
    who = who or ward.org.head_a
    appeal_answer(
        appeal=ward.appeal, accept=True, answer="Chấm lại T", confirmed=True, user=who.user
    )
    return Correction.objects.get(appeal=ward.appeal)


def correct_t(ward, task_points=65):
    """HA raises SA's T on the supervisor card, as the grid saves it."""
    card = ward.period.scorecards.get(ratee=ward.org.staff_a, kind="supervisor")
    return scorecard_save(
        period=ward.period,
        ratee=ward.org.staff_a,
        rater=ward.org.head_a,
        kind="supervisor",
        points={"T": task_points},
        submit=True,
        expected_version=card.version,
        user=ward.org.head_a.user,
    )


def grid_url(name, ward, *args, unit="W1-A"):
    return reverse(f"month:{name}", args=[ward.period.pk, unit, *args])


def test_the_month_is_as_the_docstring_says(ward):
    assert shown(ward.period) == {
        "HW1": (None, "", None, None, 0),
        "LW1": (Decimal("76.67"), "B", 1, 11, 0),
        "HA": (Decimal("90.00"), "B", 2, 2, 1_180_000),
        "DA": (Decimal("85.00"), "B", 3, 4, 1_180_000),
        "SA": (Decimal("85.00"), "B", 3, 4, 1_180_000),
        "SA2": (Decimal("92.00"), "A", 1, 1, 1_736_000),
        "SA3": (Decimal("80.00"), "B", 5, 6, 1_180_000),
        "SA4": (Decimal("80.00"), "B", 5, 6, 1_180_000),
        "SA5": (Decimal("80.00"), "B", 5, 6, 1_180_000),
        "SA6": (Decimal("80.00"), "B", 5, 6, 1_180_000),
        "HB": (Decimal("80.00"), "B", 2, 6, 1_500_000),
        "SB": (Decimal("88.00"), "B", 1, 3, 1_500_000),
    }


# --- accepting asks first -------------------------------------------------------------------


def test_accepting_an_appeal_needs_confirmation(ward, login):
    """One click no longer accepts: the button shows what accepting opens and writes nothing;
    the service refuses an unconfirmed acceptance too."""
    url = reverse("month:appeal_reply", args=[ward.period.pk, ward.appeal.pk])
    client = login(ward.org.head_a)
    with nothing_changes():
        asked = client.post(url, {"answer": "Chấm lại T", "decision": "accept"})
        with pytest.raises(InvalidInput) as refused:
            appeal_answer(
                appeal=ward.appeal, accept=True, answer="Chấm lại", user=ward.org.head_a.user
            )
    assert "cần xác nhận trước" in refused.value.message
    page = page_text(asked)
    assert asked.status_code == 200
    assert "data-accept-warning" in page and 'name="confirm"' in page
    assert "mở điều chỉnh riêng cho" in page
    response = client.post(
        url, {"answer": "Chấm lại T", "decision": "accept", "confirm": "on"}, follow=True
    )
    correction = Correction.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "month:correction", args=[ward.period.pk, correction.pk]
    )
    assert (correction.cadre, correction.unit, correction.reason) == (
        ward.org.staff_a,
        ward.org.a,
        "Chấm lại T",
    )
    assert correction.opened_by == ward.org.head_a.user and correction.is_open
    ward.appeal.refresh_from_db()
    assert ward.appeal.status == AppealStatus.ACCEPTED
    opened = AuditEntry.objects.get(action="correction.open")
    assert opened.new == {"cadre": "SA", "appeal": ward.appeal.pk}
    assert opened.reason == "Chấm lại T"


# --- the correction is the appellant's alone ------------------------------------------------


def test_accepting_opens_a_correction_for_the_appellant_only(ward, login):
    """The head corrects SA's supervisor card and adjustments in the grid; on SA2, who did not
    appeal, the same writes are refused with a clear message and nothing changes."""
    accept(ward)
    period = Period.objects.get(pk=ward.period.pk)
    assert period.phase == Phase.APPEALS
    client = login(ward.org.head_a)
    grid = page_text(client.get(grid_url("grid", ward)))
    assert grid.count('name="points_G1"') == 1  # SA's row alone has cells
    assert 'form="f-SA"' in grid and 'form="f-SA2"' not in grid
    assert "data-correction-notice" in grid and "data-under-correction" in grid

    card = period.scorecards.get(ratee=ward.org.staff_a, kind="supervisor")
    data = {f"points_{code}": str(value) for code, value in points(T=65).items()}
    data |= {"seen_card": card.pk, "seen_version": card.version, "version": card.version}
    saved = page_text(client.post(grid_url("grid_row", ward, "SA"), data, **HTMX))
    assert 'data-state="saved"' in saved
    card.refresh_from_db()
    assert card.lines.get(criterion__code="T").points == 65
    added = client.post(
        grid_url("grid_adjust", ward, "SA"),
        {"kind": "penalty", "points": "1", "reason": "Đi muộn"},
        **HTMX,
    )
    assert 'data-state="saved"' in page_text(added)
    penalty = period.adjustments.get(cadre=ward.org.staff_a)
    removed = client.post(grid_url("grid_adjust_remove", ward, "SA", penalty.pk), **HTMX)
    assert 'data-state="saved"' in page_text(removed)
    assert not Adjustment.objects.filter(pk=penalty.pk).exists()

    colleague = period.scorecards.get(ratee=ward.org.staff_a2, kind="supervisor")
    row = data | {"seen_card": colleague.pk, "seen_version": colleague.version}
    row["version"] = colleague.version
    with nothing_changes():
        refused_row = page_text(client.post(grid_url("grid_row", ward, "SA2"), row, **HTMX))
        refused_adjustment = page_text(
            client.post(
                grid_url("grid_adjust", ward, "SA2"),
                {"kind": "discipline", "points": "", "reason": "Vi phạm"},
                **HTMX,
            )
        )
        with pytest.raises(PeriodFrozen) as service:
            adjustment_add(
                period=period,
                cadre=ward.org.staff_a2,
                kind="penalty",
                points=2,
                reason="x",
                user=ward.org.head_a.user,
            )
        # SA's own self-assessment and the pools stay frozen too.
        with pytest.raises(PeriodFrozen):
            submit(period, ward.org.staff_a, ward.org.staff_a, "self")
        with pytest.raises(PeriodFrozen):
            pool_set(period=period, unit=ward.org.a, amount=1, user=None)
    words = "SA2 không kiến nghị: điểm và điểm cộng/trừ giữ nguyên như đã quyết định"
    for page in (refused_row, refused_adjustment):
        assert 'data-state="refused"' in page and words in page
    assert words in service.value.message


def test_the_rest_of_the_results_stay_published_during_the_correction(ward, login):
    """While SA's card is corrected, every result stays as published and visible: SA2 reads
    theirs, the head reads the month's, the dashboards' reads include them."""
    before = shown(ward.period)
    accept(ward)
    correct_t(ward)
    assert shown(ward.period) == before
    period = Period.objects.get(pk=ward.period.pk)
    assert period.phase == Phase.APPEALS
    own = page_text(login(ward.org.staff_a2).get(reverse("month:result", args=[period.pk])))
    assert "data-reward" in own and "1.736.000" in own and "data-revised" not in own
    appellant = page_text(login(ward.org.staff_a).get(reverse("month:result", args=[period.pk])))
    assert "data-correcting" in appellant and "85,00" in appellant
    month = page_text(login(ward.org.head_a).get(reverse("month:decide", args=[period.pk])))
    assert "data-open-corrections" in month
    assert month.count(f"month/{period.pk}/result/") == 8  # W1-A's members
    assert month_results(month=period.month, unit=ward.org.w1).count() == 12


# --- deciding again -------------------------------------------------------------------------


def test_deciding_again_writes_a_revision_of_every_changed_result(
    ward, login, django_capture_on_commit_callbacks
):
    """SA's corrected T decides SA's result again; SA2 moves to B through the quota and the
    ranks of SA2, HA, DA and SB move down: each is listed before and after, audited, and
    notified; every other result, and everyone else's total, stays as it was."""
    before = shown(ward.period)
    correction = accept(ward)
    correct_t(ward)
    client = login(ward.org.head_a)
    url = reverse("month:correction", args=[ward.period.pk, correction.pk])
    # SB of W1-B is changed too, but HA reads W1-A only; the ward head reads all five.
    assert page_text(client.get(url)).count("data-change=") == 4
    assert page_text(login(ward.org.head_w1).get(url)).count("data-change=") == 5
    client = login(ward.org.head_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "Đã quyết định xếp loại lại: 5 kết quả thay đổi" in page_text(response)

    after = shown(ward.period)
    assert after["SA"] == (Decimal("95.00"), "A", 1, 1, 1_736_000)
    assert after["SA2"] == (Decimal("92.00"), "B", 2, 2, 1_180_000)
    assert after["HA"] == (Decimal("90.00"), "B", 3, 3, 1_180_000)
    assert after["DA"] == (Decimal("85.00"), "B", 4, 5, 1_180_000)
    assert after["SB"] == (Decimal("88.00"), "B", 1, 4, 1_500_000)
    changed = {code for code in before if before[code] != after[code]}
    assert changed == {"SA", "SA2", "HA", "DA", "SB"}
    assert {code: row[0] for code, row in after.items() if code != "SA"} == {
        code: row[0] for code, row in before.items() if code != "SA"
    }
    sa2 = ward.period.results.get(cadre=ward.org.staff_a2)
    assert (sa2.tier_before_quota, sa2.tier) == ("A", "B")
    assert [r["code"] for r in sa2.reasons] == ["quota_demoted"]
    sa = ward.period.results.get(cadre=ward.org.staff_a)
    assert (sa.task, sa.task_source, sa.reasons) == (Decimal("65.00"), "manual", [])
    a_pool = ward.period.unit_results.get(unit=ward.org.a)
    a_rewards = ward.period.results.filter(unit=ward.org.a)
    assert sum(r.reward for r in a_rewards) == a_pool.distributed

    revision = Revision.objects.get()
    correction.refresh_from_db()
    assert revision.correction == correction and not correction.is_open
    assert revision.decided_by == ward.org.head_a.user
    listed = {c.cadre.code: c for c in RevisionChange.objects.select_related("cadre")}
    assert set(listed) == changed
    assert listed["SA2"].before == {
        "total": "92.00",
        "tier": "A",
        "rank_in_unit": 1,
        "rank_in_scope": 1,
        "reward": 1_736_000,
    }
    assert listed["SA2"].after["tier"] == "B" and listed["SA2"].after["reward"] == 1_180_000
    assert (listed["SB"].before["rank_in_scope"], listed["SB"].after["rank_in_scope"]) == (3, 4)

    revised = AuditEntry.objects.get(action="period.revise")
    assert revised.new == {"cadre": "SA", "correction": correction.pk, "changed": 5}
    assert revised.reason == "Chấm lại T" and revised.user == ward.org.head_a.user
    entries = {e.new["cadre"]: e for e in AuditEntry.objects.filter(action="result.revise")}
    assert set(entries) == changed
    assert entries["SA"].old["total"] == "85.00" and entries["SA"].new["total"] == "95.00"

    # SA, SA2, DA and SB have an address (HA has none): each is told what changed.
    notices = {message.to[0]: message for message in mail.outbox}
    assert set(notices) == {"sa@x.vn", "sa2@x.vn", "da@x.vn", "sb@x.vn"}
    assert "Loại: A → B" in notices["sa2@x.vn"].body
    assert "1.736.000 → 1.180.000" in notices["sa2@x.vn"].body
    assert "Tổng điểm: 85,00 → 95,00" in notices["sa@x.vn"].body
    assert "Kháng" not in notices["sb@x.vn"].body  # nobody else's appeal is named

    month = page_text(client.get(reverse("month:decide", args=[ward.period.pk])))
    assert 'id="revisions"' in month and month.count("data-change=") == 4
    ward_month = reverse("month:decide", args=[ward.period.pk])
    assert page_text(login(ward.org.head_w1).get(ward_month)).count("data-change=") == 5
    month = page_text(login(ward.org.head_a).get(ward_month))
    assert "92,00" in month and "1.736.000 → <strong>1.180.000</strong>" in month
    own = page_text(login(ward.org.staff_a2).get(reverse("month:result", args=[ward.period.pk])))
    assert "data-revised" in own and "1.736.000 → 1.180.000" in own


def test_a_correction_changes_nobody_elses_scores_even_when_their_inputs_moved(ward):
    """A delay recorded on LW1's task after the decision would lower LW1's T in a new decision:
    deciding again after SA's correction keeps LW1's total as decided (never new scores)."""
    task_record_delay(task=ward.task, by=ward.org.head_w1, reason="Nộp muộn")
    assert period_preview(ward.period).cadre("LW1").total.shown < Decimal("76.67")
    before = shown(ward.period)
    correction = accept(ward)
    correct_t(ward)
    correction_decide(correction=correction, user=ward.org.head_a.user)
    assert shown(ward.period)["LW1"] == before["LW1"]
    assert not RevisionChange.objects.filter(cadre__code="LW1").exists()


def test_deciding_again_with_nothing_corrected_changes_no_result(ward):
    """Honest input gives the same results: a correction closed without a change lists none."""
    results = list(Result.objects.order_by("pk").values())
    units = list(PeriodUnitResult.objects.order_by("pk").values())
    correction = accept(ward)
    revision = correction_decide(correction=correction, user=ward.org.head_a.user)
    assert not revision.changes.exists()
    strip = [{k: v for k, v in row.items() if k != "computed_at"} for row in results]
    after = list(Result.objects.order_by("pk").values())
    assert [{k: v for k, v in row.items() if k != "computed_at"} for row in after] == strip
    assert list(PeriodUnitResult.objects.order_by("pk").values()) == units


def test_a_closed_correction_writes_nothing_more(ward):
    correction = accept(ward)
    correction_decide(correction=correction, user=ward.org.head_a.user)
    with nothing_changes():
        with pytest.raises(InvalidInput) as closed:
            correction_decide(correction=correction, user=ward.org.head_a.user)
        with pytest.raises(PeriodFrozen):
            correct_t(ward, 70)
    assert "đã đóng" in closed.value.message


# --- who answers ----------------------------------------------------------------------------


def test_only_the_appellants_own_supervisor_answers(ward, login):
    """The head above SA's supervisor (HW1), SA himself, a peer (SA2) and an outsider (HB) are
    refused, in the service and on the web, and nothing changes; SA's deputy head may."""
    org = ward.org
    url = reverse("month:appeal_reply", args=[ward.period.pk, ward.appeal.pk])
    for who in (org.head_w1, org.staff_a, org.staff_a2, org.head_b):
        with nothing_changes():
            with pytest.raises(NotAllowed) as refused:
                appeal_answer(
                    appeal=ward.appeal,
                    accept=False,
                    answer="Không",
                    confirmed=True,
                    user=who.user,
                )
            client = login(who)
            for data in (
                {"answer": "Không", "decision": "reject"},
                {"answer": "Có", "decision": "accept"},
                {"answer": "Có", "decision": "accept", "confirm": "on"},
            ):
                response = client.post(url, data)
                assert response.status_code in (302, 403, 404), who.code
        if who == org.staff_a:
            assert "Không ai tự trả lời" in refused.value.message
        else:
            assert "Chỉ cấp trên trực tiếp của SA" in refused.value.message
    # The ward head reads the inbox but is offered no answer form.
    inbox = page_text(login(org.head_w1).get(reverse("month:appeals", args=[ward.period.pk])))
    assert "Điểm T chưa đúng" in inbox and 'name="answer"' not in inbox
    head_inbox = page_text(login(org.head_a).get(reverse("month:appeals", args=[ward.period.pk])))
    assert 'name="answer"' in head_inbox
    accept(ward, who=org.deputy_a)
    assert Correction.objects.get().opened_by == org.deputy_a.user


def test_a_deputy_is_answered_by_the_head_and_a_head_by_the_unit_above(ward):
    org = ward.org
    period = ward.period
    assert appeal_supervisors(period, org.staff_a.pk) == {org.head_a.pk, org.deputy_a.pk}
    assert appeal_supervisors(period, org.deputy_a.pk) == {org.head_a.pk}
    assert appeal_supervisors(period, org.head_a.pk) == {org.head_w1.pk}
    assert appeal_supervisors(period, org.staff_b.pk) == {org.head_b.pk}
    # Nobody above the ward's head within the period's roles: nobody answers them.
    assert appeal_supervisors(period, org.head_w1.pk) == set()


def test_in_a_correction_only_the_appellants_supervisor_writes_their_card(ward):
    """In a correction the card is written by the appellant's own supervisor only: the ward
    head (above), the appellant and a colleague are refused, and nothing changes."""
    accept(ward)
    org = ward.org
    for rater in (org.head_w1, org.staff_a2):
        with nothing_changes(), pytest.raises(NotAllowed):
            scorecard_save(
                period=ward.period,
                ratee=org.staff_a,
                rater=rater,
                kind="supervisor",
                points={"T": 70},
                submit=True,
                user=rater.user,
            )
    for who in (org.head_w1, org.staff_a, org.head_b):
        with nothing_changes(), pytest.raises(NotAllowed):
            adjustment_add(
                period=ward.period,
                cadre=org.staff_a,
                kind="bonus" if who == org.staff_a else "penalty",
                points=1,
                reason="x",
                user=who.user,
            )


def test_deciding_again_is_for_the_supervisor_or_a_head_of_the_scope(ward, login):
    correction = accept(ward)
    url = reverse("month:correction", args=[ward.period.pk, correction.pk])
    org = ward.org
    with nothing_changes():
        assert login(org.staff_a).post(url).status_code == 404
        assert login(org.staff_a2).post(url).status_code == 404
        assert login(org.head_b).post(url).status_code == 404
        assert login(org.leader_w1).post(url).status_code == 403
        assert login(org.admin).post(url).status_code == 403
        with pytest.raises(NotAllowed):
            correction_decide(correction=correction, user=org.head_b.user)
    correction_decide(correction=correction, user=org.head_w1.user)
    assert Revision.objects.get().decided_by == org.head_w1.user


# --- locked -----------------------------------------------------------------------------------


def test_a_locked_month_never_changes(ward):
    """Locking waits for open corrections; once locked, no correction, card or answer writes."""
    correction = accept(ward)
    Period.objects.filter(pk=ward.period.pk).update(
        appeals_until=timezone.localdate() - dt.timedelta(days=1)
    )
    with nothing_changes(), pytest.raises(PhaseClosed) as waiting:
        period_lock(period=ward.period, user=ward.org.head_w1.user)
    assert "còn 1 việc điều chỉnh chưa đóng" in waiting.value.message
    correction_decide(correction=correction, user=ward.org.head_a.user)
    period = period_lock(period=ward.period, user=ward.org.head_w1.user)
    # An appeal and a correction left open in the locked month (as a broken import could).
    other = Appeal.objects.create(period=period, cadre=ward.org.staff_b, text="?")
    stale = Correction.objects.create(
        period=period, cadre=ward.org.staff_b, unit=ward.org.b, appeal=other, reason="?"
    )
    with nothing_changes():
        for call in (
            lambda: correction_decide(correction=stale, user=None),
            lambda: appeal_answer(appeal=other, accept=True, answer="?", confirmed=True),
            lambda: correct_t(ward, 70),
            lambda: adjustment_add(
                period=period, cadre=ward.org.staff_b, kind="penalty", points=1, reason="x"
            ),
        ):
            with pytest.raises(PeriodFrozen) as refused:
                call()
            assert "đã khóa sổ" in refused.value.message


def test_an_administrator_reopening_the_month_closes_its_corrections(ward):
    correction = accept(ward)
    period_reopen(period=ward.period, reason="Sai sót nhập liệu", user=ward.org.admin)
    correction.refresh_from_db()
    assert not correction.is_open and not Revision.objects.exists()
    assert AuditEntry.objects.get(action="correction.close").reason == "Sai sót nhập liệu"


# --- queries ----------------------------------------------------------------------------------


def test_the_correction_and_month_pages_read_in_fixed_queries(
    ward, login, django_assert_num_queries
):
    """An open correction's page with its changes listed, and the month's page with one, then
    two revisions (SA's, then SA2's, whose T is raised to 70)."""
    correction = accept(ward)
    correct_t(ward)
    correction_decide(correction=correction, user=ward.org.head_a.user)
    second = appeal_file(period=ward.period, cadre=ward.org.staff_a2, text="?", user=None)
    appeal_answer(
        appeal=second, accept=True, answer="Xem lại", confirmed=True, user=ward.org.head_a.user
    )
    ScoreLine.objects.filter(scorecard__ratee=ward.org.staff_a2, criterion__code="T").update(
        points=70
    )
    client = login(ward.org.head_a)
    url = reverse(
        "month:correction", args=[ward.period.pk, Correction.objects.get(appeal=second).pk]
    )
    client.get(url)
    # session, user, scope (1); period (with its regulation), correction; the appellant's
    # supervisors (2); the revision plan: the appellant's member, period_inputs of the unit
    # (6: criteria, members, lines with their scorecard's time, adjustments, tasks, units),
    # results, units, unit results; the listed members with cadre and unit
    with django_assert_num_queries(18):
        page = page_text(client.get(url))
    assert page.count("data-change=") == 2
    month = reverse("month:decide", args=[ward.period.pk])
    client.get(month)
    # session, user, scope (1); period, results, revisions, their changes with cadre and
    # unit, open corrections
    with django_assert_num_queries(8):
        page = page_text(client.get(month))
    assert page.count("data-revision=") == 1 and page.count("data-change=") == 4
    correction_decide(correction=Correction.objects.get(appeal=second), user=ward.org.head_a.user)
    with django_assert_num_queries(8):
        page = page_text(client.get(month))
    assert page.count("data-revision=") == 2 and page.count("data-change=") == 6


def test_the_admin_reads_corrections_and_revisions_and_changes_none(ward, login):
    correction = accept(ward)
    correct_t(ward)
    revision = correction_decide(correction=correction, user=ward.org.head_a.user)
    client = login(ward.org.admin)
    for model, row in ((Correction, correction), (Revision, revision)):
        name = model._meta.model_name
        change = reverse(f"admin:scoring_{name}_change", args=[row.pk])
        with nothing_changes():
            assert client.get(reverse(f"admin:scoring_{name}_changelist")).status_code == 200
            page = page_text(client.get(change))
            assert "_save" not in page
            assert client.post(change, {"reason": "Sửa"}).status_code == 403
            delete = reverse(f"admin:scoring_{name}_delete", args=[row.pk])
            assert client.post(delete, {"post": "yes"}).status_code == 403
    assert "95.00" in page_text(
        client.get(reverse("admin:scoring_revision_change", args=[revision.pk]))
    )
