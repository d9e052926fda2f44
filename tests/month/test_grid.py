"""The head's score grid: row saves through htmx, inline validation, optimistic concurrency,
adjustments, the Excel round trip and a query count that does not grow with the unit."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from scoring.models import (
    Adjustment,
    AuditEntry,
    Period,
    Phase,
    Scorecard,
    ScorecardKind,
    ScoreLine,
)
from scoring.month.selectors.inputs import period_preview
from tests.factories import RoleFactory, UnitFactory, member
from tests.month.conftest import advance, open_month, open_task_of_sa, points, submit

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def review(month):
    """The month of W1-A in supervisor review."""
    month.period = advance(advance(month.period, Phase.PEER), Phase.REVIEW)
    return month


def row_url(period, code, unit="W1-A"):
    return reverse("month:grid_row", args=[period.pk, unit, code])


def grid_url(period, unit="W1-A"):
    return reverse("month:grid", args=[period.pk, unit])


def row_data(version="", card="", **cells):
    data = {"version": version or 0, "seen_card": card, "seen_version": version}
    data |= {f"points_{code}": value for code, value in cells.items()}
    return data


FULL_ROW = {"G1": "5", "G2": "4,5", "G3": "5", "G4": "9", "G5": "5", "T": "60"}


def supervisor_card(period, ratee):
    return Scorecard.objects.filter(period=period, ratee=ratee, kind=ScorecardKind.SUPERVISOR)


class TestRowSave:
    def test_a_row_is_saved_submitted_and_shows_the_engines_total_and_tier(self, login, review):
        client = login(review.head)
        response = client.post(row_url(review.period, "SA"), row_data(**FULL_ROW), **HTMX)
        assert response.status_code == 200
        card = supervisor_card(review.period, review.org.staff_a).get()
        assert card.status == "submitted" and card.version == 1
        assert {line.criterion.code: line.points for line in card.lines.all()} == {
            "G1": Decimal("5"),
            "G2": Decimal("4.5"),
            "G3": Decimal("5"),
            "G4": Decimal("9"),
            "G5": Decimal("5"),
            "T": Decimal("60"),
        }
        outcome = period_preview(review.period).cadre("SA")
        page = response.content.decode()
        assert page.lstrip().startswith('<tr id="row-SA"')
        assert 'data-state="saved"' in page
        shown = f"{outcome.total.shown:.2f}".replace(".", ",")
        assert f"data-total>{shown}<" in page  # 88,50: always two decimals
        assert f">{outcome.tier.value}</span>" in page
        assert "Đã lưu" in page
        progress = json.loads(response["HX-Trigger"])["gridProgress"]
        assert progress == {"scored": 1, "total": 7}

    def test_a_value_above_the_maximum_is_refused_on_its_cell_and_nothing_is_saved(
        self, login, review
    ):
        client = login(review.head)
        cells = FULL_ROW | {"G4": "12"}
        response = client.post(row_url(review.period, "SA"), row_data(**cells), **HTMX)
        page = response.content.decode()
        assert 'data-state="invalid"' in page
        g4 = page.split('id="s-SA-G4"')[1].split(">")[0]
        assert "is-invalid" in g4 and 'value="12"' in g4 and 'aria-invalid="true"' in g4
        assert "Từ 0 đến 10." in page.split('id="e-SA-G4"')[1].split("</div>")[0]
        g1 = page.split('id="s-SA-G1"')[1].split(">")[0]
        assert "is-invalid" not in g1 and 'value="5"' in g1
        assert not supervisor_card(review.period, review.org.staff_a).exists()
        assert not AuditEntry.objects.filter(action__startswith="scorecard").exists()

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("abc", "“abc” không phải là số: hãy viết như 0,5."),
            ("", "Nhập điểm"),
            ("-1", "Từ 0 đến 5."),
        ],
    )
    def test_a_bad_or_missing_cell_is_refused_inline(self, login, review, value, message):
        cells = FULL_ROW | {"G1": value}
        response = login(review.head).post(row_url(review.period, "SA"), row_data(**cells), **HTMX)
        feedback = response.content.decode().split('id="e-SA-G1"')[1].split("</div>")[0]
        assert message in feedback
        assert not supervisor_card(review.period, review.org.staff_a).exists()

    def test_a_second_save_over_a_newer_one_is_refused_and_shows_the_newer_values(
        self, login, review
    ):
        client = login(review.head)
        url = row_url(review.period, "SA")
        client.post(url, row_data(**FULL_ROW), **HTMX)
        card = supervisor_card(review.period, review.org.staff_a).get()
        # Two tabs opened the row at version 1; the first saves G1 = 3.
        first = client.post(url, row_data(card.version, card.pk, **FULL_ROW | {"G1": "3"}), **HTMX)
        assert 'data-state="saved"' in first.content.decode()
        # The second tab still has version 1: refused, with who saved and when.
        second = client.post(url, row_data(card.version, card.pk, **FULL_ROW | {"G1": "1"}), **HTMX)
        page = second.content.decode()
        assert 'data-state="refused"' in page
        assert review.head.full_name in page and "Chưa lưu" in page
        assert "G1 1" in page  # what the refused tab typed is still shown, nothing lost
        assert 'value="3"' in page.split('id="s-SA-G1"')[1].split(">")[0]
        card.refresh_from_db()
        assert card.version == 2
        assert card.lines.get(criterion__code="G1").points == Decimal("3")

    def test_a_deputys_newer_save_is_not_overwritten_by_the_head(self, login, review):
        deputy = member(review.org.a, code="DA", full_name="Phó Phòng A")
        RoleFactory(cadre=deputy, unit=review.org.a, role="deputy")
        head = login(review.head)
        page = head.get(grid_url(review.period)).content.decode()
        assert 'name="seen_card" value=""' in page
        # Meanwhile the deputy scores SA2 from their own grid.
        submit(review.period, review.org.staff_a2, deputy, ScorecardKind.SUPERVISOR)
        response = head.post(row_url(review.period, "SA2"), row_data(**FULL_ROW), **HTMX)
        page = response.content.decode()
        assert 'data-state="refused"' in page and "Phó Phòng A" in page
        assert not Scorecard.objects.filter(
            period=review.period, ratee=review.org.staff_a2, rater=review.head
        ).exists()

    def test_the_task_score_is_refused_for_a_cadre_with_tasks(self, login, review):
        period = review.period
        open_task_of_sa(review, "T1")
        client = login(review.head)
        page = client.get(grid_url(period)).content.decode()
        assert 'id="s-SA-T"' not in page and 'id="s-SA2-T"' in page
        response = client.post(row_url(period, "SA"), row_data(**FULL_ROW), **HTMX)
        assert 'data-state="refused"' in response.content.decode()
        assert not supervisor_card(period, review.org.staff_a).exists()

    def test_a_row_outside_the_supervisor_step_is_refused_with_the_phase_rule(self, login, month):
        client = login(month.head)
        page = client.get(grid_url(month.period)).content.decode()
        assert "data-cell" not in page
        assert 'class="alert alert-warning"' in page and "Thủ trưởng đánh giá" in page
        response = client.post(row_url(month.period, "SA"), row_data(**FULL_ROW), **HTMX)
        assert 'data-state="refused"' in response.content.decode()
        assert not supervisor_card(month.period, month.org.staff_a).exists()

    def test_the_head_of_the_unit_cannot_score_themself(self, login, review):
        client = login(review.head)
        page = client.get(grid_url(review.period)).content.decode()
        assert 'id="s-HA-G1"' not in page
        assert client.post(row_url(review.period, "HA"), row_data(**FULL_ROW), **HTMX).status_code
        assert not supervisor_card(review.period, review.head).exists()

    def test_without_htmx_a_row_save_redirects_to_the_grid_with_a_message(self, login, review):
        client = login(review.head)
        response = client.post(row_url(review.period, "SA"), row_data(**FULL_ROW), follow=True)
        assert response.redirect_chain[-1][0] == grid_url(review.period)
        assert "Đã lưu" in response.content.decode()
        assert supervisor_card(review.period, review.org.staff_a).exists()

    def test_a_member_of_another_unit_is_404(self, login, review):
        url = row_url(review.period, "SB")
        assert login(review.head).post(url, row_data(**FULL_ROW), **HTMX).status_code == 404


class TestAdjustments:
    def url(self, period, code="SA"):
        return reverse("month:grid_adjust", args=[period.pk, "W1-A", code])

    def test_a_penalty_with_its_reason_lowers_the_rows_total(self, login, review):
        client = login(review.head)
        client.post(row_url(review.period, "SA"), row_data(**FULL_ROW), **HTMX)
        before = period_preview(review.period).cadre("SA").total.shown
        response = client.post(
            self.url(review.period),
            {"kind": "penalty", "points": "2", "reason": "Đi muộn 3 buổi"},
            **HTMX,
        )
        page = response.content.decode()
        assert "Đi muộn 3 buổi" in page
        after = period_preview(review.period).cadre("SA").total.shown
        assert after == before - 2
        assert f"data-total>{after:.2f}<".replace(".", ",") in page
        assert "data-penalty>2,00<" in page

    def test_a_bonus_is_refused_under_nd335(self, login, review):
        response = login(review.head).post(
            self.url(review.period), {"kind": "bonus", "points": "2", "reason": "Sáng kiến"}, **HTMX
        )
        assert 'data-state="refused"' in response.content.decode()
        assert "ND335" in response.content.decode()
        assert not Adjustment.objects.exists()

    def test_an_adjustment_without_a_reason_is_refused(self, login, review):
        response = login(review.head).post(
            self.url(review.period), {"kind": "penalty", "points": "1", "reason": ""}, **HTMX
        )
        assert 'data-state="refused"' in response.content.decode()
        assert not Adjustment.objects.exists()

    def test_an_adjustment_is_removed(self, login, review):
        client = login(review.head)
        client.post(self.url(review.period), {"kind": "penalty", "points": "1", "reason": "x"})
        adjustment = Adjustment.objects.get()
        url = reverse(
            "month:grid_adjust_remove", args=[review.period.pk, "W1-A", "SA", adjustment.pk]
        )
        response = client.post(url, **HTMX)
        assert 'data-state="saved"' in response.content.decode()
        assert not Adjustment.objects.exists()
        assert AuditEntry.objects.filter(action="adjustment.remove").count() == 1


def errors_above_the_grid(response) -> list[tuple[str, str]]:
    """The (row, column) of each upload error, which the page lists before the grid."""
    page = response.content.decode()
    assert page.index("data-import-errors") < page.index("data-score-grid")
    listing = page.split("data-import-errors")[1].split("</table>")[0]
    return re.findall(r'data-error-row="(\d+)" data-error-column="([^"]*)"', listing)


class TestExcel:
    def download(self, client, period):
        response = client.get(reverse("month:grid_excel", args=[period.pk, "W1-A"]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        return load_workbook(io.BytesIO(response.content))

    def upload(self, client, period, book):
        data = io.BytesIO()
        book.save(data)
        data.seek(0)
        data.name = "grid.xlsx"
        return client.post(
            reverse("month:grid_upload", args=[period.pk, "W1-A"]), {"file": data}, follow=True
        )

    def test_the_template_lists_every_cadre_but_the_viewer_with_a_column_per_criterion(
        self, login, review
    ):
        sheet = self.download(login(review.head), review.period).worksheets[0]
        header = [cell.value for cell in sheet[1]]
        assert header == ["cadre_code", "full_name", "G1", "G2", "G3", "G4", "G5", "T"]
        codes = [row[0].value for row in sheet.iter_rows(min_row=2)]
        assert sorted(codes) == sorted(["SA", "SA2", "SA3", "SA4", "SA5", "SA6"])
        leaders = self.download(login(review.org.leader_w1), review.period).worksheets[0]
        codes = [row[0].value for row in leaders.iter_rows(min_row=2)]
        assert sorted(codes) == sorted(["HA", "SA", "SA2", "SA3", "SA4", "SA5", "SA6"])

    def test_a_filled_template_round_trips_into_the_grid(self, login, review):
        client = login(review.head)
        book = self.download(client, review.period)
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(min_row=2):
            if row[0].value in ("SA", "SA2"):
                for cell, value in zip(row[2:], [5, 4.5, 5, 9, 5, 60], strict=True):
                    cell.value = value
        response = self.upload(client, review.period, book)
        assert "2 dòng đã lưu" in response.content.decode()
        for cadre in (review.org.staff_a, review.org.staff_a2):
            card = supervisor_card(review.period, cadre).get()
            assert card.status == "submitted"
            assert card.lines.get(criterion__code="G2").points == Decimal("4.5")
        again = self.download(client, review.period).worksheets[0]
        values = {row[0].value: [c.value for c in row[2:]] for row in again.iter_rows(min_row=2)}
        assert values["SA"] == [5, 4.5, 5, 9, 5, 60]
        assert values["SA3"] == [None] * 6

    def test_a_bad_file_saves_nothing_and_names_every_bad_row_and_column(self, login, review):
        client = login(review.head)
        book = Workbook()
        sheet = book.active
        sheet.append(["cadre_code", "full_name", "G1", "G2", "G3", "G4", "G5", "T"])
        sheet.append(["SA", "", 5, 5, 5, 10, 5, 60])
        sheet.append(["SA2", "", 5, 5, 5, 12, 5, 60])
        sheet.append(["ZZ", "", 5, 5, 5, 10, 5, 60])
        sheet.append(["SA3", "", 5, "abc", 5, 10, None, 60])
        response = self.upload(client, review.period, book)
        assert response.status_code == 400
        assert errors_above_the_grid(response) == [
            ("3", "G4"),
            ("4", "cadre_code"),
            ("5", "G2"),
            ("5", "G5"),
        ]
        assert not Scorecard.objects.filter(kind=ScorecardKind.SUPERVISOR).exists()

    def scores_state(self):
        """Every scorecard with its version and lines, and the audit trail's length."""
        cards = list(Scorecard.objects.order_by("pk").values_list("pk", "version", "updated_at"))
        lines = list(ScoreLine.objects.order_by("pk").values_list("pk", "points"))
        return cards, lines, AuditEntry.objects.count()

    def test_the_downloaded_template_uploads_back_unchanged(self, login, review):
        """The repro of issue 14.8: the head's own row (scored by the ward's chairman, shown to
        him since three peers scored him) made the unchanged template refused; a row as the
        grid shows it was saved again under the uploader's name."""
        org, period = review.org, review.period
        chairman = member(org.w1, role="head", code="HW1", job_group="leader")
        submit(period, review.head, chairman, ScorecardKind.SUPERVISOR, points(T=60))
        for rater in review.staff[:3]:
            submit(period, review.head, rater, ScorecardKind.PEER)
        submit(period, org.staff_a, review.head, ScorecardKind.SUPERVISOR, points(T=60))
        submit(period, org.staff_a2, review.head, ScorecardKind.SUPERVISOR, points(G2="4.5"))
        client = login(review.head)
        book = self.download(client, review.period)
        before = self.scores_state()
        response = self.upload(client, review.period, book)
        assert response.status_code == 200
        assert "0 dòng đã lưu, 2 dòng không đổi, 4 dòng trống" in response.content.decode()
        assert self.scores_state() == before

    def test_one_bad_cell_is_named_above_the_grid_and_nothing_is_written(self, login, review):
        org = review.org
        submit(review.period, org.staff_a, review.head, ScorecardKind.SUPERVISOR, points(T=60))
        client = login(review.head)
        book = self.download(client, review.period)
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(min_row=2):
            if row[0].value == "SA2":
                for cell, value in zip(row[2:], [5, 5, 5, 10, 5, 60], strict=True):
                    cell.value = value
            if row[0].value == "SA":
                row[5].value = 11  # G4, at most 10
                bad_row = row[0].row
        before = self.scores_state()
        response = self.upload(client, review.period, book)
        assert response.status_code == 400
        assert errors_above_the_grid(response) == [(str(bad_row), "G4")]
        assert "Tệp đã chọn: grid.xlsx" in response.content.decode()
        assert self.scores_state() == before

    def test_the_uploaders_own_row_is_refused_even_with_the_points_hidden_from_them(
        self, login, review
    ):
        org, period = review.org, review.period
        chairman = member(org.w1, role="head", code="HW1", job_group="leader")
        submit(period, review.head, chairman, ScorecardKind.SUPERVISOR, points(T=60))
        book = Workbook()
        book.active.append(["cadre_code", "G1", "G2", "G3", "G4", "G5", "T"])
        book.active.append(["HA", 5, 5, 5, 10, 5, 60])  # the chairman's points, guessed right
        before = self.scores_state()
        response = self.upload(login(review.head), period, book)
        assert errors_above_the_grid(response) == [("2", "cadre_code")]
        assert self.scores_state() == before

    def test_an_upload_outside_the_supervisor_step_is_refused_unread(self, login, month):
        client = login(month.head)
        book = Workbook()
        book.active.append(["not", "a", "template"])
        response = self.upload(client, month.period, book)
        assert "data-import-errors" not in response.content.decode()
        assert "chưa bắt đầu" in response.content.decode()

    def test_the_leader_downloads_but_cannot_upload(self, login, review):
        client = login(review.org.leader_w1)
        book = self.download(client, review.period)
        data = io.BytesIO()
        book.save(data)
        data.seek(0)
        data.name = "grid.xlsx"
        url = reverse("month:grid_upload", args=[review.period.pk, "W1-A"])
        assert client.post(url, {"file": data}).status_code == 403


class TestQueries:
    def test_the_grid_query_count_does_not_grow_with_the_unit(
        self, login, org, django_assert_num_queries
    ):
        counts = {}
        for size, code in ((5, "P"), (30, "Q")):
            unit = UnitFactory(code=f"W1-{code}", name=f"Phòng {code}", parent=org.w1)
            head = member(unit, role="head", code=f"{code}H", job_group="leader")
            staff = [member(unit, code=f"{code}{i:02d}") for i in range(size - 1)]
            period = open_month(unit, phase=Phase.REVIEW)
            for cadre in staff[::2]:
                submit(period, cadre, head, ScorecardKind.SUPERVISOR, points(T=50))
            Adjustment.objects.create(
                period=period, cadre=staff[0], kind="penalty", points=1, reason="x"
            )
            client = login(head)
            client.get(grid_url(period, unit.code))  # warm the session
            # session, user, scope (1); period (with its regulation), unit; the criteria, once
            # for the request; period_inputs (5: members, score lines with their scorecard's
            # time, adjustments, tasks, the unit's pool); latest supervisor cards and their
            # lines; adjustments; rating rules (members, roles: no peer assignment is asked);
            # subunits; beside the cells, the self-assessments and the peer means; beside the
            # names, the members' rated dossiers of the month.
            with django_assert_num_queries(20) as captured:
                response = client.get(grid_url(period, unit.code))
            assert response.content.decode().count('<tr id="row-') == size
            counts[size] = len(captured.captured_queries)
        assert counts[5] == counts[30]


class TestBeside:
    """The cadre's self-assessment beside the head's inputs, and the peer mean once the
    cross-evaluation has closed (Period.cross_evaluation_closed, docs/RULES.md §3)."""

    def build(self, org, phase):
        unit = UnitFactory(code="W1-S", name="Phòng S", parent=org.w1)
        head = member(unit, role="head", code="SH", job_group="leader")
        staff = [member(unit, code=f"S{i:02d}") for i in range(4)]
        period = open_month(unit, phase=phase)
        submit(period, staff[0], staff[0], ScorecardKind.SELF, points(G1=4, G4=7))
        for rater in staff[1:]:
            submit(period, staff[0], rater, ScorecardKind.PEER, points(G1=3, G4=8))
        return unit, head, staff, period

    def cell(self, page, cadre, code):
        start = page.index(f'id="s-{cadre.code}-{code}"')
        return page[start : page.index("</td>", start)]

    def test_the_self_assessment_and_the_peer_mean_are_beside_the_cells(self, login, org):
        unit, head, staff, period = self.build(org, Phase.REVIEW)
        page = login(head).get(grid_url(period, unit.code)).content.decode()
        g1 = self.cell(page, staff[0], "G1")
        assert "data-self>tự 4,00<" in g1 and "data-peer-mean>chéo 3,00<" in g1
        assert f'aria-describedby="e-{staff[0].code}-G1 b-{staff[0].code}-G1"' in page
        assert "data-self>tự 7,00<" in self.cell(page, staff[0], "G4")
        assert "data-self" not in self.cell(page, staff[1], "G1")  # no self-assessment

    def test_the_peer_mean_waits_for_the_cross_evaluation_to_close(self, login, org):
        unit, head, _staff, period = self.build(org, Phase.PEER)
        Period.objects.filter(pk=period.pk).update(phase=Phase.REVIEW)  # deadline not passed
        period.refresh_from_db()
        assert not period.cross_evaluation_closed(timezone.localdate())
        page = login(head).get(grid_url(period, unit.code)).content.decode()
        assert "data-self>tự 4,00<" in page
        assert "data-peer-mean" not in page
