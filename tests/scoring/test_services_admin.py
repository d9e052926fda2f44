"""The month's data in the admin: readable by administrators, never changed there."""

import pytest
from django.urls import reverse

from scoring.models import AuditEntry
from scoring.month.services.decide import period_decide
from tests.scoring.factories import open_period, submit

pytestmark = pytest.mark.django_db

MODELS = [
    "period",
    "periodmember",
    "periodunit",
    "scorecard",
    "adjustment",
    "result",
    "periodunitresult",
    "raterflag",
    "appeal",
    "auditentry",
]


@pytest.fixture
def decided(org):
    period = open_period(org.w1)
    submit(period, org.staff_a, org.head_a, "supervisor")
    return period_decide(period=period, user=None, enforce_phase=False)


@pytest.mark.parametrize("model", MODELS)
def test_every_scoring_model_is_listed_for_administrators(login, org, decided, model):
    response = login(org.admin).get(reverse(f"admin:scoring_{model}_changelist"))
    assert response.status_code == 200


def test_the_audit_log_cannot_be_added_changed_or_deleted_in_the_admin(login, org, decided):
    client = login(org.admin)
    entry = AuditEntry.objects.first()
    assert client.get(reverse("admin:scoring_auditentry_add")).status_code == 403
    change = reverse("admin:scoring_auditentry_change", args=[entry.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change, {"reason": "sửa"}).status_code == 403
    delete = reverse("admin:scoring_auditentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_results_are_not_edited_in_the_admin(login, org, decided):
    client = login(org.admin)
    result = decided.results.first()
    change = reverse("admin:scoring_result_change", args=[result.pk])
    assert client.post(change, {"total": "100"}).status_code == 403
