"""The cadre's month: self-assessment, peer evaluations with progress, late work refused."""

from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import PeerAssignment, Phase, Scorecard, ScorecardKind
from tests.month.conftest import open_month, open_task_of_sa, submit

pytestmark = pytest.mark.django_db

GOOD = {"G1": "5", "G2": "4,5", "G3": "5", "G4": "9", "G5": "5"}


def form_data(cells=GOOD, action="submit", version=0, **comments):
    data = {"action": action, "version": version}
    data |= {f"points_{code}": value for code, value in cells.items()}
    data |= {f"comment_{code}": text for code, text in comments.items()}
    return data


def own_card(period, cadre):
    return Scorecard.objects.filter(period=period, ratee=cadre, rater=cadre, kind="self")


class TestSelfAssessment:
    def url(self, period):
        return reverse("month:self", args=[period.pk])

    def test_the_form_shows_each_criterion_with_its_maximum_and_the_deadline(self, login, month):
        page = login(month.org.staff_a).get(self.url(month.period)).content.decode()
        for code, top in (("G1", "5"), ("G4", "10")):
            assert f'for="id_points_{code}"' in page
            assert f"tối đa {top}" in page
        assert month.period.self_until.strftime("%d/%m/%Y") in page
        assert "<fieldset disabled" not in page

    def test_a_cadre_submits_a_self_assessment(self, login, month):
        client = login(month.org.staff_a)
        response = client.post(self.url(month.period), form_data(G2="Nhiều việc"), follow=True)
        assert response.redirect_chain[-1][0] == reverse("month:mine")
        assert "Đã gửi phiếu" in response.content.decode()
        card = own_card(month.period, month.org.staff_a).get()
        assert card.status == "submitted"
        lines = {line.criterion.code: line for line in card.lines.all()}
        assert lines["G2"].points == Decimal("4.5") and lines["G2"].comment == "Nhiều việc"

    def test_a_draft_may_leave_cells_empty_but_a_submission_may_not(self, login, month):
        client = login(month.org.staff_a)
        client.post(self.url(month.period), form_data({"G1": "4"}, action="save"))
        card = own_card(month.period, month.org.staff_a).get()
        assert card.status == "draft" and card.lines.count() == 1
        response = client.post(self.url(month.period), form_data({"G1": "4"}, version=1))
        page = response.content.decode()
        # Each of the four empty cells says so beside itself and in the error summary.
        assert page.count("Nhập điểm.") == 8
        assert page.split("data-error-summary>")[1].split("</div>")[0].count("Nhập điểm.") == 4
        card.refresh_from_db()
        assert card.status == "draft"

    def test_points_above_the_maximum_are_refused_beside_the_cell(self, login, month):
        response = login(month.org.staff_a).post(
            self.url(month.period), form_data(GOOD | {"G4": "11"})
        )
        page = response.content.decode()
        assert 'aria-invalid="true"' in page and "Từ 0 đến 10." in page
        assert not own_card(month.period, month.org.staff_a).exists()

    def test_an_edit_over_a_newer_save_is_refused_with_who_saved(self, login, month):
        client = login(month.org.staff_a)
        client.post(self.url(month.period), form_data(action="save"))
        response = client.post(self.url(month.period), form_data(GOOD | {"G1": "1"}, version=0))
        assert "data-form-error" in response.content.decode()
        assert month.org.staff_a.full_name in response.content.decode()
        line = own_card(month.period, month.org.staff_a).get().lines.get(criterion__code="G1")
        assert line.points == Decimal("5")

    def test_late_self_assessment_is_refused_with_a_clear_message(self, login, org):
        period = open_month(org.a, phase=Phase.PEER, self_days=-1)
        client = login(org.staff_a)
        page = client.get(self.url(period)).content.decode()
        assert "data-step-closed" in page and "<fieldset disabled" in page
        response = client.post(self.url(period), form_data())
        assert "data-form-error" in response.content.decode()
        assert period.self_until.strftime("%d/%m/%Y") in response.content.decode()
        assert not own_card(period, org.staff_a).exists()

    def test_self_assessment_has_not_started_in_draft(self, login, org):
        period = open_month(org.a, phase=Phase.DRAFT)
        response = login(org.staff_a).post(self.url(period), form_data())
        assert "data-form-error" in response.content.decode()
        assert not own_card(period, org.staff_a).exists()


class TestPeers:
    def test_the_list_shows_progress_over_the_assigned_ratees_only(self, login, month):
        period = advance_to_peer(month)
        rater = month.org.staff_a
        ratees = list(
            PeerAssignment.objects.filter(period=period, rater=rater).select_related("ratee")
        )
        submit(period, ratees[0].ratee, rater, ScorecardKind.PEER)
        page = login(rater).get(reverse("month:peers", args=[period.pk])).content.decode()
        assert "1 / 4 đã hoàn thành" in page
        assigned = {a.ratee.full_name for a in ratees}
        for cadre in [month.head, *month.staff]:
            if cadre.pk != rater.pk:
                assert (cadre.full_name in page) == (cadre.full_name in assigned)

    def test_a_cadre_submits_every_assigned_peer_evaluation(self, login, month):
        period = advance_to_peer(month)
        rater = month.org.staff_a
        client = login(rater)
        codes = PeerAssignment.objects.filter(period=period, rater=rater).values_list(
            "ratee__code", flat=True
        )
        for code in codes:
            response = client.post(reverse("month:peer", args=[period.pk, code]), form_data())
            assert response.status_code == 302
        assert (
            Scorecard.objects.filter(
                period=period, rater=rater, kind="peer", status="submitted"
            ).count()
            == 4
        )
        page = client.get(reverse("month:peers", args=[period.pk])).content.decode()
        assert "4 / 4 đã hoàn thành" in page

    def test_a_peer_evaluation_in_the_self_phase_has_not_started(self, login, month):
        rater = month.org.staff_a
        code = PeerAssignment.objects.filter(period=month.period, rater=rater)[0].ratee.code
        url = reverse("month:peer", args=[month.period.pk, code])
        client = login(rater)
        assert "<fieldset disabled" in client.get(url).content.decode()
        assert "data-form-error" in client.post(url, form_data()).content.decode()
        assert not Scorecard.objects.filter(kind="peer").exists()


def advance_to_peer(month):
    from tests.month.conftest import advance

    month.period = advance(month.period, Phase.PEER)
    return month.period


class TestMyMonth:
    def test_the_month_page_shows_steps_deadlines_and_peer_progress(self, login, month):
        page = login(month.org.staff_a).get(reverse("month:mine")).content.decode()
        assert reverse("month:self", args=[month.period.pk]) in page
        assert "0 / 4 đã hoàn thành" in page
        assert month.period.self_until.strftime("%d/%m/%Y") in page

    def test_the_home_page_has_the_month_card(self, login, month):
        page = login(month.org.staff_a).get(reverse("home")).content.decode()
        assert 'id="month-card-title"' in page
        assert "0 / 4 đã hoàn thành" in page

    def test_the_tasks_page_lists_the_tasks_due_in_the_month(self, login, month):
        period = month.period
        open_task_of_sa(month, "T-IN", title="Báo cáo tháng")
        page = login(month.head).get(reverse("month:tasks", args=[period.pk, "SA"]))
        assert "Báo cáo tháng" in page.content.decode()
