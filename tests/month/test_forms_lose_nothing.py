"""Issue 15 item 9 on the server: the scorecard form's error summary with a link per field;
"Save draft" on a submitted card saves nothing and asks; an appeal refused because one is
already waiting keeps its text for the result page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import Appeal, Scorecard
from scoring.month.services.appeals import appeal_file
from scoring.month.services.decide import period_decide, period_publish
from tests.month.test_cadre import GOOD, form_data

pytestmark = pytest.mark.django_db


def self_url(period):
    return reverse("month:self", args=[period.pk])


def test_the_errors_are_summarised_first_with_a_link_to_each_field(login, month):
    response = login(month.org.staff_a).post(
        self_url(month.period), form_data({"G1": "4", "G4": "11"})
    )
    page = response.content.decode()
    summary = page.split("data-error-summary>")[1].split("</div>")[0]
    assert page.index("data-error-summary") < page.index('id="id_points_G1"')
    assert 'tabindex="-1"' in page.split("data-error-summary")[0].rsplit("<div", 1)[1]
    for code in ("G2", "G3", "G5"):
        assert f'href="#id_points_{code}"' in summary
    assert 'href="#id_points_G4"' in summary and "Từ 0 đến 10." in summary
    assert 'href="#id_points_G1"' not in summary  # G1 was fine
    assert page.count('class="invalid-feedback"') == 4  # and each field says it too


def test_save_draft_on_a_submitted_card_saves_nothing_and_asks(login, month):
    client = login(month.org.staff_a)
    client.post(self_url(month.period), form_data())
    card = Scorecard.objects.get(period=month.period, rater=month.org.staff_a, kind="self")
    assert card.status == "submitted" and card.version == 1

    response = client.post(self_url(month.period), form_data(GOOD | {"G1": "1"}, "save", 1))
    page = response.content.decode()
    assert response.status_code == 200 and "data-confirm-submitted" in page
    assert "Chưa lưu: phiếu này đã được gửi." in page
    assert 'name="action" value="submit"' in page.split("data-confirm-submitted")[1]
    card.refresh_from_db()
    assert card.version == 1 and card.lines.get(criterion__code="G1").points == Decimal(5)

    client.post(self_url(month.period), form_data(GOOD | {"G1": "1"}, "submit", 1))
    card.refresh_from_db()
    assert card.status == "submitted" and card.version == 2
    assert card.lines.get(criterion__code="G1").points == Decimal(1)


def test_a_draft_is_saved_without_being_asked(login, month):
    client = login(month.org.staff_a)
    page = client.post(self_url(month.period), form_data({"G1": "4"}, "save"), follow=True)
    assert "data-confirm-submitted" not in page.content.decode()
    card = Scorecard.objects.get(period=month.period, rater=month.org.staff_a, kind="self")
    assert card.status == "draft"


def test_an_appeal_refused_while_one_is_waiting_keeps_its_text_once(login, ready):
    period_decide(period=ready.period, user=None)
    period_publish(period=ready.period, user=None)
    staff = ready.org.staff_a2
    appeal_file(period=ready.period, cadre=staff, text="Lần một", user=staff.user)
    client = login(staff)
    response = client.post(
        reverse("month:appeal", args=[ready.period.pk]),
        {"text": "Lần hai: xem lại G4"},
        follow=True,
    )
    page = response.content.decode()
    assert "đang chờ trả lời" in page
    assert "data-appeal-waiting" in page
    kept = page.split("data-appeal-kept>")[1].split("</textarea>")[0]
    assert kept == "Lần hai: xem lại G4"
    assert 'name="text"' not in page  # no form inviting another refused send
    assert Appeal.objects.filter(period=ready.period).count() == 1
    again = client.get(reverse("month:result", args=[ready.period.pk])).content.decode()
    assert "data-appeal-kept" not in again and "data-appeal-waiting" in again
