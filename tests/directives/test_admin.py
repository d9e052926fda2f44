"""Regulations and tasks in the Django admin: searchable, events read-only, new versions."""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from directives.models import Regulation
from scoring.month.services.decide import period_decide
from tests.directives.helpers import DELAY, event, make_task
from tests.scoring.factories import open_period

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_searches_regulations_tasks_and_events(login, org):
    task = make_task(org.staff_a, org.head_a, code="NV-ADMIN")
    event(task, DELAY, author=org.head_a)
    client = login(org.admin)
    for name in ("regulation", "task", "taskevent"):
        response = client.get(reverse(f"admin:directives_{name}_changelist"), {"q": "ND335"})
        assert response.status_code == 200, name
    page = client.get(reverse("admin:directives_task_changelist"), {"q": "NV-ADMIN"})
    assert "NV-ADMIN" in page.content.decode()


def test_the_task_page_shows_its_events_read_only(login, org):
    task = make_task(org.staff_a, org.head_a)
    event(task, DELAY, author=org.head_a)
    page = login(org.admin).get(reverse("admin:directives_task_change", args=[task.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "lý do" in html
    assert 'name="events-0-reason"' not in html


def test_events_cannot_be_added_or_deleted_in_the_admin(login, org):
    task = make_task(org.staff_a, org.head_a)
    delay = event(task, DELAY, author=org.head_a)
    client = login(org.admin)
    assert client.get(reverse("admin:directives_taskevent_add")).status_code == 403
    assert (
        client.get(reverse("admin:directives_taskevent_delete", args=[delay.pk])).status_code == 403
    )


def test_the_regulation_page_edits_criteria_inline(login, org):
    nd335 = Regulation.objects.get(code="ND335")
    page = login(org.admin).get(reverse("admin:directives_regulation_change", args=[nd335.pk]))
    assert 'name="criteria-0-code"' in page.content.decode()


def test_the_new_version_action_copies_the_regulation(login, org):
    hn3814 = Regulation.objects.get(code="HN3814")
    response = login(org.admin).post(
        reverse("admin:directives_regulation_changelist"),
        {"action": "make_new_version", "_selected_action": [hn3814.pk]},
        follow=True,
    )
    assert response.status_code == 200
    copy = Regulation.objects.get(code="HN3814-v2")
    assert copy.supersedes == hn3814
    assert copy.bonus_cap == hn3814.bonus_cap
    assert copy.criteria.count() == hn3814.criteria.count() == 6
    assert "HN3814-v2" in response.content.decode()


def test_staff_without_admin_rights_cannot_open_it(login, org):
    response = login(org.head_a).get(reverse("admin:directives_regulation_changelist"))
    assert response.status_code == 302


@pytest.fixture
def frozen_hn3814(org):
    """HN3814 pinned by a decided month of W2."""
    hn3814 = Regulation.objects.get(code="HN3814")
    period_decide(period=open_period(org.w2, regulation=hn3814), user=None, enforce_phase=False)
    return hn3814


def change_url(regulation):
    return reverse("admin:directives_regulation_change", args=[regulation.pk])


def test_a_frozen_regulation_opens_read_only_and_says_to_make_a_new_version(
    login, org, frozen_hn3814
):
    response = login(org.admin).get(change_url(frozen_hn3814))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="code"' not in page and 'name="bonus_cap"' not in page
    assert 'name="criteria-0-code"' not in page and 'name="_save"' not in page
    assert "HN3814" in page and "2026-10 · W2" in page
    assert "Tạo phiên bản mới của các quy chế đã chọn" in page.split('class="messagelist"')[1]


def change_data(regulation, **over):
    """The change form as the browser posts it, every field and criterion as stored."""
    data = {
        key: "" if value is None else value
        for key, value in model_to_dict(regulation).items()
        if key != "id"
    }
    criteria = list(regulation.criteria.order_by("order"))
    data |= {
        "criteria-TOTAL_FORMS": len(criteria),
        "criteria-INITIAL_FORMS": len(criteria),
        "criteria-MIN_NUM_FORMS": 0,
        "criteria-MAX_NUM_FORMS": 1000,
    }
    for index, criterion in enumerate(criteria):
        fields = model_to_dict(criterion, fields=["order", "code", "name_vi", "name_en", "group"])
        fields |= {"max_points": criterion.max_points, "id": criterion.pk}
        fields["regulation"] = regulation.pk
        data |= {f"criteria-{index}-{key}": value for key, value in fields.items()}
    return data | over


def test_saving_a_frozen_regulation_changes_nothing_and_explains_why(login, org, frozen_hn3814):
    client = login(org.admin)
    response = client.post(change_url(frozen_hn3814), change_data(frozen_hn3814, bonus_cap="5"))
    assert response.status_code == 302 and response.url == change_url(frozen_hn3814)
    assert Regulation.objects.get(pk=frozen_hn3814.pk).bonus_cap == frozen_hn3814.bonus_cap
    page = client.get(response.url).content.decode()
    assert "Tạo phiên bản mới của các quy chế đã chọn" in page.split('class="messagelist"')[1]


def test_the_change_form_data_saves_a_regulation_of_no_decided_month(login, org, frozen_hn3814):
    """The posted data above is a valid form: the same post saves an unfrozen regulation."""
    nd335 = Regulation.objects.get(code="ND335")
    response = login(org.admin).post(change_url(nd335), change_data(nd335, name="Sửa đổi"))
    assert response.status_code == 302
    assert Regulation.objects.get(pk=nd335.pk).name == "Sửa đổi"


def test_a_regulation_of_no_decided_month_stays_editable(login, org, frozen_hn3814):
    nd335 = Regulation.objects.get(code="ND335")
    page = login(org.admin).get(change_url(nd335)).content.decode()
    assert 'name="code"' in page and 'name="criteria-0-code"' in page
    assert 'class="messagelist"' not in page
