"""The head's grid of a decided, published or locked month (docs/RULES.md §2: a decided month never
changes): it shows the stored results, not the engine's preview, whatever happens to the month's
tasks afterwards; its query count does not grow with the unit; no upload form is offered.

Before the decision the grid keeps the live preview (tests/month/test_grid.py)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from directives.models import Task
from directives.services import task_record_delay, task_record_error
from scoring import engine
from scoring.models import Adjustment, Phase, Result, ScorecardKind
from scoring.month.selectors.inputs import period_preview
from scoring.month.services.decide import period_decide, period_lock, period_publish
from tests.factories import UnitFactory, member
from tests.month.conftest import open_month, points, scored_month, submit
from tests.scoring.factories import make_task

pytestmark = pytest.mark.django_db

FROZEN = [Phase.DECIDED, Phase.APPEALS, Phase.LOCKED]
HTMX = {"HTTP_HX_REQUEST": "true"}


def grid_url(name, period, *args, unit="W1-A"):
    return reverse(f"month:{name}", args=[period.pk, unit, *args])


def shown(value) -> str:
    """A score as the grid writes it in Vietnamese: 88.33 → "88,33"."""
    return f"{value:.2f}".replace(".", ",")


def total_cell(page, code) -> str:
    row = page.split(f'<tr id="row-{code}"')[1].split("</tr>")[0]
    return row.split("data-total>")[1].split("<")[0]


def tier_cell(page, code) -> str:
    row = page.split(f'<tr id="row-{code}"')[1].split("</tr>")[0]
    return row.split("data-tier>")[1].split("</td>")[0]


def freeze(period, phase, user):
    """Decide the period, then publish and lock it as far as `phase`."""
    period = period_decide(period=period, user=user)
    if phase in (Phase.APPEALS, Phase.LOCKED):
        period = period_publish(period=period, user=user)
    if phase == Phase.LOCKED:
        period = period_lock(period=period, user=None, enforce_phase=False)
    assert period.phase == phase
    return period


@pytest.fixture
def scored(org):
    return scored_month(org)


def spoil_the_task(org):
    """A major error and a delay on SA2's task: a new decision would give SA2 a lower total."""
    task = Task.objects.get(code="T-SA2")
    task_record_error(task=task, by=org.head_a, reason="Sai số liệu")
    task_record_delay(task=task, by=org.head_a, reason="Nộp muộn")


def stop_the_engine(monkeypatch):
    """From now on the engine refuses to run: a frozen grid reads the stored results only."""

    def refuse(*args, **kwargs):
        raise AssertionError("the engine ran on a frozen month")

    monkeypatch.setattr(engine, "decide_period", refuse)


class TestStoredResults:
    @pytest.mark.parametrize("phase", FROZEN)
    def test_the_grid_shows_the_stored_total_after_a_task_event(self, login, org, scored, phase):
        period = freeze(scored, phase, org.head_a.user)
        spoil_the_task(org)
        stored = Result.objects.get(period=period, cadre=org.staff_a2)
        preview = period_preview(period).cadre("SA2")
        assert preview.total.shown < stored.total  # what the grid would show from the engine
        page = login(org.head_a).get(grid_url("grid", period)).content.decode()
        assert total_cell(page, "SA2") == shown(stored.total)
        assert f">{stored.tier}</span>" in tier_cell(page, "SA2")
        assert "Xếp loại tạm tính" not in page  # the tier is decided, not provisional

    def test_the_row_of_a_refused_save_shows_the_stored_total(self, login, org, scored):
        period = freeze(scored, Phase.DECIDED, org.head_a.user)
        spoil_the_task(org)
        stored = Result.objects.get(period=period, cadre=org.staff_a2)
        data = {"version": 0, "seen_card": "", "seen_version": ""}
        data |= {f"points_{code}": "1" for code in ("G1", "G2", "G3", "G4", "G5")}
        response = login(org.head_a).post(grid_url("grid_row", period, "SA2"), data, **HTMX)
        page = response.content.decode()
        assert 'data-state="refused"' in page
        assert total_cell(page, "SA2") == shown(stored.total)

    def test_neither_the_page_the_row_nor_the_excel_template_runs_the_engine(
        self, login, org, scored, monkeypatch
    ):
        period = freeze(scored, Phase.APPEALS, org.head_a.user)
        stop_the_engine(monkeypatch)
        client = login(org.head_a)
        assert client.get(grid_url("grid", period)).status_code == 200
        row = client.post(grid_url("grid_adjust", period, "SA"), {"kind": "bonus"}, **HTMX)
        assert 'data-state="refused"' in row.content.decode()
        assert client.get(grid_url("grid_excel", period)).status_code == 200

    def test_the_excel_template_follows_the_stored_task_source(self, login, org, scored):
        """SA's T was entered by hand at the decision; a task of the month given to SA after
        it would make the preview grey out SA's T, the decided month keeps it."""
        period = freeze(scored, Phase.DECIDED, org.head_a.user)
        deadline = period.first_day + dt.timedelta(days=6)
        make_task(org.staff_a, unit=org.a, deadline=deadline, assigned_by=org.head_a)
        assert period_preview(period).cadre("SA").task_source == engine.TaskSource.TASKS
        assert Result.objects.get(period=period, cadre=org.staff_a).task_source == "manual"
        response = login(org.head_a).get(grid_url("grid_excel", period))
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
        assert rows["SA"][7].value == 60
        assert rows["SA"][7].fill.fgColor.rgb != "00DDDDDD"
        assert rows["SA2"][7].value is None
        assert rows["SA2"][7].fill.fgColor.rgb == "00DDDDDD"

    def test_before_the_decision_the_grid_follows_the_preview(self, login, org, scored):
        client = login(org.head_a)
        before = total_cell(client.get(grid_url("grid", scored)).content.decode(), "SA2")
        spoil_the_task(org)
        after = total_cell(client.get(grid_url("grid", scored)).content.decode(), "SA2")
        assert after == shown(period_preview(scored).cadre("SA2").total.shown)
        assert after != before


class TestUploadForm:
    def upload_form(self, page):
        return 'id="grid-file"' in page

    def test_in_review_the_head_has_the_upload_form(self, login, org, scored):
        page = login(org.head_a).get(grid_url("grid", scored)).content.decode()
        assert self.upload_form(page)
        assert "data-upload-closed" not in page

    @pytest.mark.parametrize("phase", FROZEN)
    def test_a_frozen_month_has_no_upload_form_but_says_why(self, login, org, scored, phase):
        period = freeze(scored, phase, org.head_a.user)
        page = login(org.head_a).get(grid_url("grid", period)).content.decode()
        assert not self.upload_form(page)
        closed = page.split("data-upload-closed>")[1].split("</p>")[0]
        assert str(period) in closed and "điểm không còn thay đổi" in closed
        assert 'name="points_' not in page and 'name="reason"' not in page
        assert "Tải lên" not in page.split('id="excel-title"')[1]

    def test_before_the_step_opens_there_is_no_upload_form(self, login, org):
        period = open_month(org.a, phase=Phase.SELF)
        page = login(org.head_a).get(grid_url("grid", period)).content.decode()
        assert not self.upload_form(page)
        assert "chưa bắt đầu" in page.split("data-upload-closed>")[1].split("</p>")[0]


class TestQueries:
    def test_the_frozen_grid_query_count_does_not_grow_with_the_unit(
        self, login, org, django_assert_num_queries, monkeypatch
    ):
        grids = []
        for size, code in ((5, "P"), (30, "Q")):
            unit = UnitFactory(code=f"W1-{code}", name=f"Phòng {code}", parent=org.w1)
            head = member(unit, role="head", code=f"{code}H", job_group="leader")
            staff = [member(unit, code=f"{code}{i:02d}") for i in range(size - 1)]
            period = open_month(unit, phase=Phase.REVIEW)
            for cadre in staff:
                submit(period, cadre, head, ScorecardKind.SUPERVISOR, points(T=50))
            Adjustment.objects.create(
                period=period, cadre=staff[0], kind="penalty", points=Decimal(1), reason="x"
            )
            grids.append((size, unit, head, freeze(period, Phase.DECIDED, head.user)))
        stop_the_engine(monkeypatch)
        counts = {}
        for size, unit, head, period in grids:
            client = login(head)
            client.get(grid_url("grid", period, unit=unit.code))  # warm the session
            # session, user, scope (1); period, unit; members; results; criteria; latest
            # supervisor cards and their lines; adjustments; subunits. No engine inputs (8) and
            # no rating rules (3), as the review grid of tests/month/test_grid.py has; beside the
            # cells, the self-assessments and the peer means; the members' rated dossiers.
            with django_assert_num_queries(15) as captured:
                response = client.get(grid_url("grid", period, unit=unit.code))
            assert response.content.decode().count('<tr id="row-') == size
            counts[size] = len(captured.captured_queries)
        assert counts[5] == counts[30]
