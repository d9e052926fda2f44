"""Regulations and tasks in the Django admin: searchable, events read-only, new versions."""

import pytest
from django.urls import reverse

from directives.models import Regulation
from tests.directives.helpers import DELAY, event, make_task

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
