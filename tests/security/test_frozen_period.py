"""A decided, published or locked month changes no more (docs/RULES.md §2): every path that writes
a period's inputs or results refuses, with its message, and leaves every row as it was.

The frozen phases are DECIDED, APPEALS (published, appeals open) and LOCKED (`Period.is_frozen`).
Paths, by channel:
- services: scorecard_save (self, peer, supervisor; web and command-line rules),
  supervisor_row_save, supervisor_grid_import, adjustment_add, adjustment_remove, pool_set,
  period_set_outstanding, period_refresh_members, period_advance, period_reopen_step,
  period_decide; publish again, appeal, answer and lock again where the phase forbids them;
  period_open of the same month;
- web: self-assessment, peer form, grid row, grid adjustment add and remove, grid upload,
  decide, publish, appeal, appeal answer;
- command line: import scores, adjustments, pools; period advance, refresh, decide, publish, lock;
- admin: change, add, delete and the delete action of every scoring model;
- tasks: docs/RULES.md is silent on a task event after the decision; it changes the month's task
  inputs (RULES.md §1)
  (a new decision after a reopen would see it) but never the stored results.

The designed ways out of a frozen phase are not refusals and are tested elsewhere: publishing a
decided period, appealing and answering while appeals are open, the correction an accepted
appeal opens for the appellant alone (`test_appeal_corrections`), locking, reopening.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from directives.imports import TASK_COLUMNS
from directives.models import Criterion, Regulation, Task, TaskEvent, TaskEventKind
from directives.services import task_exempt, task_record_delay, task_record_error
from scoring.errors import PeriodConflict, PeriodFrozen, PhaseClosed
from scoring.io.imports import adjustments_import, pools_import, scores_import
from scoring.models import (
    Appeal,
    AppealStatus,
    PeerAssignment,
    PeriodUnitResult,
    Phase,
    Result,
    Scorecard,
    ScorecardKind,
)
from scoring.month.selectors.inputs import period_preview
from scoring.month.services.adjustments import (
    adjustment_add,
    adjustment_remove,
    period_set_outstanding,
    pool_set,
)
from scoring.month.services.appeals import appeal_answer, appeal_file
from scoring.month.services.decide import period_decide, period_lock, period_publish
from scoring.month.services.grid import supervisor_grid_import, supervisor_row_save
from scoring.month.services.opening import (
    period_advance,
    period_open,
    period_refresh_members,
    period_reopen_step,
)
from scoring.month.services.scorecards import scorecard_save
from tests.dbstate import nothing_changes
from tests.factories import member
from tests.month.conftest import points, scored_month
from tests.scoring.test_services_admin import MODELS
from units.tabular import ImportFailed

pytestmark = pytest.mark.django_db

FROZEN = [Phase.DECIDED, Phase.APPEALS, Phase.LOCKED]
PUBLISHED = [Phase.APPEALS, Phase.LOCKED]
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def vietnamese():
    """Refusals read as the user sees them: Vietnamese, the default language."""
    with translation.override("vi"):
        yield


def frozen_words(period) -> str:
    """What the refusal of a frozen period says in Vietnamese, for its phase."""
    if period.phase == Phase.LOCKED:
        return "đã khóa sổ: không thể thay đổi gì nữa"
    return "đã có quyết định xếp loại"


def assert_frozen(message, period):
    assert str(period) in message
    assert frozen_words(period) in message


def refused(period, call):
    """`call` raises PeriodFrozen naming the period, and nothing changes."""
    with nothing_changes(), pytest.raises(PeriodFrozen) as error:
        call()
    assert_frozen(error.value.message, period)


# --- the month ------------------------------------------------------------------------------


@pytest.fixture
def scored(org):
    """W1-A this month in supervisor review (`scored_month`) with a penalty besides."""
    period = scored_month(org)
    adjustment_add(period=period, cadre=org.staff_a, kind="penalty", points=2, reason="Đi muộn")
    return period


@pytest.fixture(params=FROZEN)
def frozen(request, org, scored):
    """The scored month decided by its head, then published and locked as the phase asks."""
    period = period_decide(period=scored, user=org.head_a.user)
    if request.param in PUBLISHED:
        period = period_publish(period=period, user=org.head_a.user)
    if request.param == Phase.LOCKED:
        period = period_lock(period=period, user=None, enforce_phase=False)
    period.refresh_from_db()
    assert period.phase == request.param
    return SimpleNamespace(period=period, org=org)


def test_the_month_is_decided_with_results(frozen):
    """The fixture's month has what the refusals protect."""
    period = frozen.period
    assert period.results.count() == 3
    assert period.results.filter(tier="").count() == 1  # HA has no supervisor
    assert period.unit_results.get().pool == 6_000_000
    assert period.adjustments.count() == 1


# --- services -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["self", "peer", "supervisor"])
@pytest.mark.parametrize("on_the_web", [True, False], ids=["web", "cli"])
def test_service_scorecard_save(frozen, kind, on_the_web):
    org = frozen.org
    rater = {"self": org.staff_a, "peer": None, "supervisor": org.head_a}[kind]
    if rater is None:
        rater = PeerAssignment.objects.filter(ratee=org.staff_a).first().rater
    card = Scorecard.objects.get(ratee=org.staff_a, rater=rater, kind=kind)
    refused(
        frozen.period,
        lambda: scorecard_save(
            period=frozen.period,
            ratee=org.staff_a,
            rater=rater,
            kind=kind,
            points={"G1": Decimal("1")},
            submit=True,
            expected_version=card.version if on_the_web else None,
            user=rater.user if on_the_web else None,
            enforce_phase=on_the_web,
        ),
    )


def test_service_supervisor_row_save(frozen):
    org = frozen.org
    card = Scorecard.objects.get(ratee=org.staff_a, kind="supervisor")
    refused(
        frozen.period,
        lambda: supervisor_row_save(
            period=frozen.period,
            ratee=org.staff_a,
            rater=org.head_a,
            points=points(G1=1, T=10),
            seen_card_id=card.pk,
            seen_version=card.version,
            user=org.head_a.user,
        ),
    )


GRID_FILE = b"cadre_code,g1,g2,g3,g4,g5\nSA,1,1,1,1,1\n"


def test_service_supervisor_grid_import(frozen):
    org = frozen.org
    refused(
        frozen.period,
        lambda: supervisor_grid_import(
            period=frozen.period, unit=org.a, rater=org.head_a, data=GRID_FILE, user=org.head_a.user
        ),
    )


def test_service_adjustment_add(frozen):
    org = frozen.org
    refused(
        frozen.period,
        lambda: adjustment_add(
            period=frozen.period,
            cadre=org.staff_a2,
            kind="discipline",
            reason="Vi phạm",
            user=org.head_a.user,
        ),
    )


def test_service_adjustment_remove(frozen):
    adjustment = frozen.period.adjustments.get()
    refused(
        frozen.period,
        lambda: adjustment_remove(
            adjustment=adjustment, reason="Nhầm", user=frozen.org.head_a.user
        ),
    )


def test_service_pool_set(frozen):
    refused(
        frozen.period,
        lambda: pool_set(
            period=frozen.period, unit=frozen.org.a, amount=1, user=frozen.org.head_a.user
        ),
    )


def test_service_period_set_outstanding(frozen):
    refused(
        frozen.period,
        lambda: period_set_outstanding(
            period=frozen.period, unit=frozen.org.a, outstanding=True, user=None
        ),
    )


def test_service_period_refresh_members(frozen):
    member(frozen.org.a, code="SA9")  # someone joined: a refresh would add them
    refused(frozen.period, lambda: period_refresh_members(period=frozen.period, user=None))


@pytest.mark.parametrize("phase", [Phase.SELF, Phase.REVIEW])
def test_service_period_advance(frozen, phase):
    refused(frozen.period, lambda: period_advance(period=frozen.period, phase=phase, user=None))


def test_service_period_reopen_step(frozen):
    until = frozen.period.review_until + dt.timedelta(days=3)
    refused(
        frozen.period,
        lambda: period_reopen_step(
            period=frozen.period, kind="supervisor", until=until, reason="Muộn", user=None
        ),
    )


@pytest.mark.parametrize("on_the_web", [True, False], ids=["web", "cli"])
def test_service_period_decide(frozen, on_the_web):
    user = frozen.org.head_a.user if on_the_web else None
    refused(
        frozen.period,
        lambda: period_decide(period=frozen.period, user=user, enforce_phase=on_the_web),
    )


@pytest.mark.parametrize("frozen", PUBLISHED, indirect=True)
def test_service_period_publish_again(frozen):
    with nothing_changes(), pytest.raises(PhaseClosed) as error:
        period_publish(period=frozen.period, user=frozen.org.head_a.user)
    assert str(frozen.period) in error.value.message


@pytest.mark.parametrize("frozen", [Phase.LOCKED], indirect=True)
def test_service_appeal_file_when_locked(frozen):
    org = frozen.org
    refused(
        frozen.period,
        lambda: appeal_file(period=frozen.period, cadre=org.staff_a, text="Xem lại", user=None),
    )


@pytest.mark.parametrize("frozen", [Phase.LOCKED], indirect=True)
def test_service_appeal_answer_when_locked(frozen):
    # An appeal left open by a lock from the database (the services never lock with one open).
    appeal = Appeal.objects.create(period=frozen.period, cadre=frozen.org.staff_a, text="Xem lại")
    refused(
        frozen.period,
        lambda: appeal_answer(appeal=appeal, accept=True, answer="Đồng ý", user=None),
    )
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.OPEN


@pytest.mark.parametrize("frozen", [Phase.LOCKED], indirect=True)
def test_service_period_lock_again(frozen):
    refused(
        frozen.period,
        lambda: period_lock(period=frozen.period, user=None, enforce_phase=False),
    )


def test_service_period_open_of_the_same_month(frozen):
    org = frozen.org
    for scope in (org.a, org.w1):  # the scope itself, and the ward above it
        with nothing_changes(), pytest.raises(PeriodConflict):
            period_open(month=frozen.period.month, scope=scope, user=None)


# --- web ------------------------------------------------------------------------------------


GOOD = {f"points_{code}": "1" for code in ("G1", "G2", "G3", "G4", "G5")}


def page_text(response) -> str:
    return response.content.decode()


def test_web_self_assessment(frozen, login):
    org = frozen.org
    card = Scorecard.objects.get(ratee=org.staff_a, rater=org.staff_a, kind="self")
    data = GOOD | {"action": "submit", "version": card.version}
    with nothing_changes():
        response = login(org.staff_a).post(reverse("month:self", args=[frozen.period.pk]), data)
    assert response.status_code == 200
    assert_frozen(page_text(response), frozen.period)


def test_web_peer_form(frozen, login):
    assignment = frozen.period.peer_assignments.first()
    card = Scorecard.objects.get(ratee=assignment.ratee, rater=assignment.rater, kind="peer")
    url = reverse("month:peer", args=[frozen.period.pk, assignment.ratee.code])
    data = GOOD | {"action": "submit", "version": card.version}
    with nothing_changes():
        response = login(assignment.rater).post(url, data)
    assert response.status_code == 200
    assert_frozen(page_text(response), frozen.period)


def grid_url(name, period, *args):
    return reverse(f"month:{name}", args=[period.pk, "W1-A", *args])


def test_web_grid_row(frozen, login):
    card = Scorecard.objects.get(ratee=frozen.org.staff_a, kind="supervisor")
    data = GOOD | {"points_T": "10", "seen_card": card.pk, "seen_version": card.version}
    with nothing_changes():
        response = login(frozen.org.head_a).post(
            grid_url("grid_row", frozen.period, "SA"), data | {"version": card.version}, **HTMX
        )
    page = page_text(response)
    assert 'data-state="refused"' in page
    assert_frozen(page, frozen.period)


def test_web_grid_adjustment_add(frozen, login):
    data = {"kind": "penalty", "points": "3", "reason": "Vắng họp"}
    with nothing_changes():
        response = login(frozen.org.head_a).post(
            grid_url("grid_adjust", frozen.period, "SA2"), data, **HTMX
        )
    page = page_text(response)
    assert 'data-state="refused"' in page
    assert_frozen(page, frozen.period)


def test_web_grid_adjustment_remove(frozen, login):
    adjustment = frozen.period.adjustments.get()
    url = grid_url("grid_adjust_remove", frozen.period, "SA", adjustment.pk)
    with nothing_changes():
        response = login(frozen.org.head_a).post(url, **HTMX)
    page = page_text(response)
    assert 'data-state="refused"' in page
    assert_frozen(page, frozen.period)


def test_web_grid_upload(frozen, login):
    upload = io.BytesIO(GRID_FILE)
    upload.name = "cham-diem.csv"
    with nothing_changes():
        response = login(frozen.org.head_a).post(
            grid_url("grid_upload", frozen.period), {"file": upload}, follow=True
        )
    assert response.status_code == 200
    assert_frozen(page_text(response), frozen.period)


def test_web_decide(frozen, login):
    url = reverse("month:decide", args=[frozen.period.pk])
    with nothing_changes():
        response = login(frozen.org.head_a).post(url, follow=True)
    assert response.status_code == 200
    assert_frozen(page_text(response), frozen.period)


@pytest.mark.parametrize("frozen", PUBLISHED, indirect=True)
def test_web_publish_again(frozen, login):
    url = reverse("month:publish", args=[frozen.period.pk])
    with nothing_changes():
        response = login(frozen.org.head_a).post(url, follow=True)
    assert response.status_code == 200
    assert f"Kết quả kỳ {frozen.period} đã được công bố" in page_text(response)


@pytest.mark.parametrize("frozen", [Phase.LOCKED], indirect=True)
def test_web_appeal_when_locked(frozen, login):
    url = reverse("month:appeal", args=[frozen.period.pk])
    with nothing_changes():
        response = login(frozen.org.staff_a).post(url, {"text": "Xem lại"}, follow=True)
    assert response.status_code == 200
    assert_frozen(page_text(response), frozen.period)


@pytest.mark.parametrize("frozen", [Phase.LOCKED], indirect=True)
def test_web_appeal_answer_when_locked(frozen, login):
    appeal = Appeal.objects.create(period=frozen.period, cadre=frozen.org.staff_a, text="Xem lại")
    url = reverse("month:appeal_reply", args=[frozen.period.pk, appeal.pk])
    with nothing_changes():
        response = login(frozen.org.head_a).post(
            url, {"answer": "Đồng ý", "decision": "accept"}, follow=True
        )
    assert response.status_code == 200
    assert_frozen(page_text(response), frozen.period)


FROZEN_STEP = "đã được quyết định xếp loại: điểm không còn thay đổi"


def test_web_pages_of_the_month_offer_no_input(frozen, login):
    """The forms a POST above was refused from are shown read-only: the grid has no cell to
    type in and no adjustment form, the self-assessment's fields are disabled; each says why."""
    org, period = frozen.org, frozen.period
    grid = page_text(login(org.head_a).get(grid_url("grid", period)))
    assert f"{period} {FROZEN_STEP}" in grid
    assert 'name="points_' not in grid
    assert grid_url("grid_adjust", period, "SA") not in grid
    own = page_text(login(org.staff_a).get(reverse("month:self", args=[period.pk])))
    assert f"{period} {FROZEN_STEP}" in own
    assert "<fieldset disabled>" in own


# --- command line ---------------------------------------------------------------------------


IMPORTS = {
    "scores": b"ratee_code,rater_code,kind,criterion_code,points\nSA,HA,supervisor,G1,1\n",
    "adjustments": b"cadre_code,kind,points,reason\nSA2,penalty,1,Muon\n",
    "pools": b"unit_code,amount\nW1-A,1\n",
}
IMPORTERS = {"scores": scores_import, "adjustments": adjustments_import, "pools": pools_import}


@pytest.mark.parametrize("kind", sorted(IMPORTS))
def test_service_import(frozen, kind):
    with nothing_changes(), pytest.raises(ImportFailed) as error:
        IMPORTERS[kind](data=IMPORTS[kind], month=frozen.period.month)
    (row,) = error.value.errors
    assert row.row == 2
    assert str(frozen.period) in row.message and "không thể nhập thêm dữ liệu" in row.message


@pytest.mark.parametrize("kind", sorted(IMPORTS))
def test_cli_import(frozen, kind, tmp_path):
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(IMPORTS[kind])
    stderr = io.StringIO()
    with nothing_changes(), pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", kind, frozen.period.month, str(path), stderr=stderr)
    assert f"{frozen.period} đã có quyết định xếp loại" in stderr.getvalue()


@pytest.mark.parametrize(
    "action", [["advance", "--to", "review"], ["refresh"], ["decide"]], ids=lambda a: a[0]
)
def test_cli_period(frozen, action):
    with nothing_changes(), pytest.raises(CommandError) as error:
        call_command("period", action[0], frozen.period.month, "--scope", "W1-A", *action[1:])
    assert_frozen(str(error.value), frozen.period)


@pytest.mark.parametrize("frozen", PUBLISHED, indirect=True)
def test_cli_period_publish_again(frozen):
    with nothing_changes(), pytest.raises(CommandError, match="đã được công bố"):
        call_command("period", "publish", frozen.period.month, "--scope", "W1-A")


@pytest.mark.parametrize("frozen", [Phase.LOCKED], indirect=True)
def test_cli_period_lock_again(frozen):
    with nothing_changes(), pytest.raises(CommandError) as error:
        call_command("period", "lock", frozen.period.month, "--scope", "W1-A")
    assert_frozen(str(error.value), frozen.period)


def test_cli_seed_demo_refuses_a_database_with_months(frozen):
    """The demo loader writes months of its own; over an existing database it writes nothing."""
    with nothing_changes(), pytest.raises(CommandError, match="needs an empty one"):
        call_command("seed_demo", "--force", stdout=io.StringIO())


# --- admin ----------------------------------------------------------------------------------


# The month's rows in the admin; the rater flags and the audit log are derived or append-only
# in every phase (tests/scoring/test_services_admin.py).
ADMIN_MODELS = [name for name in MODELS if name not in ("raterflag", "auditentry")]


@pytest.mark.parametrize("name", ADMIN_MODELS)
def test_admin_is_read_only(frozen, login, name):
    """A superuser reads every row of the month in the admin and changes none of them: the
    change form has no save button and refuses a POST; add, delete and the delete action too.
    (Score lines are an inline of the scorecard page, pools one of the period page.)"""
    client = login(frozen.org.admin)
    model = apps.get_model("scoring", name)
    if model is Appeal:
        Appeal.objects.create(period=frozen.period, cadre=frozen.org.staff_a, text="Xem lại")
    rows = model.objects.order_by("pk")
    if model is Scorecard:  # peer scorecards are not in the admin (docs/RULES.md §3)
        rows = rows.exclude(kind=ScorecardKind.PEER)
    row = rows.first()
    change = reverse(f"admin:scoring_{name}_change", args=[row.pk])
    changelist = reverse(f"admin:scoring_{name}_changelist")
    with nothing_changes():
        page = page_text(client.get(change))
        assert "_save" not in page and "_continue" not in page
        assert 'name="lines-0-points"' not in page and 'name="units-0-pool"' not in page
        assert (
            client.post(change, {"phase": Phase.REVIEW, "pool": "1", "total": "100"}).status_code
            == 403
        )
        assert client.post(reverse(f"admin:scoring_{name}_add"), {}).status_code == 403
        delete = reverse(f"admin:scoring_{name}_delete", args=[row.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert "delete_selected" not in page_text(client.get(changelist))
        action = {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
        client.post(changelist, action)
    assert model.objects.filter(pk=row.pk).exists()


def regulation_rows(regulation) -> tuple[dict, list[dict]]:
    criteria = Criterion.objects.filter(regulation=regulation).order_by("pk")
    return Regulation.objects.filter(pk=regulation.pk).values().get(), list(criteria.values())


def test_admin_regulation_of_the_month_changes_nothing(frozen, login):
    """The month's regulation (ND335) in the admin: a save, a delete and the delete action of a
    superuser leave it and its criteria as the decision used them."""
    client = login(frozen.org.admin)
    regulation = frozen.period.regulation
    before = regulation_rows(regulation)
    change = reverse("admin:directives_regulation_change", args=[regulation.pk])
    changelist = reverse("admin:directives_regulation_changelist")
    with nothing_changes():
        assert client.post(change, {"name": "Sửa", "bonus_cap": "5"}).status_code == 302
        delete = reverse("admin:directives_regulation_delete", args=[regulation.pk])
        client.post(delete, {"post": "yes"})
        client.post(
            changelist,
            {"action": "delete_selected", "_selected_action": [regulation.pk], "post": "yes"},
        )
    assert regulation_rows(regulation) == before


# --- tasks of the decided month -------------------------------------------------------------


def test_task_events_after_the_decision_leave_the_results_as_decided(frozen):
    """A major error and a delay recorded on a task of the month after its decision (then one
    exempted) change what a new decision would compute, never the stored results."""
    org = frozen.org
    task = Task.objects.get(code="T-SA2")
    decided = frozen.period.results.get(cadre=org.staff_a2)
    assert decided.task == Decimal("70.00")
    results = list(Result.objects.order_by("pk").values())
    units = list(PeriodUnitResult.objects.order_by("pk").values())
    task_record_error(task=task, by=org.head_a, reason="Sai số liệu")
    delay = task_record_delay(task=task, by=org.head_a, reason="Nộp muộn")
    task_exempt(event=delay, by=org.head_a, reason="Mất điện")
    assert TaskEvent.objects.filter(task=task, kind=TaskEventKind.MAJOR_ERROR).count() == 1
    assert period_preview(frozen.period).cadre("SA2").task.shown < decided.task
    assert list(Result.objects.order_by("pk").values()) == results
    assert list(PeriodUnitResult.objects.order_by("pk").values()) == units


def test_cli_task_import_after_the_decision_leaves_the_results_as_decided(frozen, tmp_path):
    """`import tasks` updates a task of the decided month (two major errors, not accepted):
    the task changes, the month's rows do not."""
    org = frozen.org
    task = Task.objects.get(code="T-SA2")
    day = task.effective_deadline.isoformat()
    path = tmp_path / "tasks.csv"
    row = f"T-SA2,Báo cáo,SA2,HA,{task.assigned_on},{day},Báo cáo,1,{day},false,2,1"
    path.write_text(",".join(TASK_COLUMNS) + "\n" + row + "\n", encoding="utf-8")
    with nothing_changes():
        call_command("import", "tasks", str(path), stdout=io.StringIO())
    task.refresh_from_db()
    assert (task.accepted, task.imported_errors, task.imported_delays) == (False, 2, 1)
    decided = frozen.period.results.get(cadre=org.staff_a2).task
    assert period_preview(frozen.period).cadre("SA2").task.shown < decided


class FormFields(HTMLParser):
    """The values a browser would submit from a page's forms (inputs, selects, textareas)."""

    def __init__(self):
        super().__init__()
        self.data = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            checkable = attrs.get("type") in ("checkbox", "radio")
            if not checkable or "checked" in attrs:
                default = "on" if checkable else ""
                self.data.setdefault(name, []).append(attrs.get("value", default))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data.setdefault(self._select, []).append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def test_admin_task_change_after_the_decision_leaves_the_results_as_decided(frozen, login):
    """A superuser edits a task of the decided month in the admin (not completed any more):
    the task changes, the month's rows do not."""
    client = login(frozen.org.admin)
    task = Task.objects.get(code="T-SA2")
    change = reverse("admin:directives_task_change", args=[task.pk])
    form = FormFields()
    form.feed(page_text(client.get(change)))
    data = {name: values for name, values in form.data.items() if name != "accepted"}
    data |= {"completed_on": [""], "_save": ["Lưu"]}
    with nothing_changes():
        response = client.post(change, data)
    assert response.status_code == 302, page_text(response)
    task.refresh_from_db()
    assert (task.completed_on, task.accepted) == (None, False)
    decided = frozen.period.results.get(cadre=frozen.org.staff_a2).task
    assert period_preview(frozen.period).cadre("SA2").task.shown < decided
