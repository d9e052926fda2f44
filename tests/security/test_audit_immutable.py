"""The audit log is append-only (docs/RULES.md §3): no ORM call changes or deletes an entry, the
admin shows entries read-only, and on PostgreSQL a trigger refuses even raw SQL."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from scoring.models import AuditEntry, Period
from scoring.month.services.decide import period_decide
from tests.scoring.factories import open_period, submit

pytestmark = pytest.mark.django_db

POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
APPEND_ONLY = "append-only"


@pytest.fixture
def decided(org):
    """A decided month over W1: its opening, a scorecard and the decision are audited."""
    period = open_period(org.w1)
    submit(period, org.staff_a, org.head_a, "supervisor")
    return period_decide(period=period, user=org.admin, enforce_phase=False)


@pytest.fixture
def entry(decided):
    return AuditEntry.objects.filter(period=decided).order_by("pk").first()


def log() -> list[dict]:
    return list(AuditEntry.objects.order_by("pk").values())


@pytest.fixture
def unchanged(decided):
    """Asserts after the test that every entry is still there, as it was."""
    before = log()
    assert len(before) >= 3
    yield
    assert log() == before


# --- the ORM --------------------------------------------------------------------------------


def refused(call):
    """`call` is refused; its savepoint rolls back (bulk writes run in an atomic block)."""
    with pytest.raises(PermissionError, match=APPEND_ONLY), transaction.atomic():
        call()


def test_saving_an_existing_entry_is_refused(entry, unchanged):
    entry.reason = "sửa"
    refused(entry.save)
    refused(lambda: entry.save(update_fields=["reason"]))


def test_deleting_an_entry_is_refused(entry, unchanged):
    refused(entry.delete)


def test_queryset_update_is_refused(entry, unchanged):
    refused(lambda: AuditEntry.objects.filter(pk=entry.pk).update(reason="sửa"))
    refused(lambda: AuditEntry.objects.all().update(action="x"))


def test_queryset_delete_is_refused(entry, unchanged):
    refused(lambda: AuditEntry.objects.filter(pk=entry.pk).delete())
    refused(lambda: AuditEntry.objects.all().delete())


def test_bulk_update_is_refused(entry, unchanged):
    entry.reason = "sửa"
    refused(lambda: AuditEntry.objects.bulk_update([entry], ["reason"]))


def test_update_or_create_of_an_existing_entry_is_refused(entry, unchanged):
    refused(lambda: AuditEntry.objects.update_or_create(pk=entry.pk, defaults={"reason": "sửa"}))


@pytest.mark.skipif(
    not connection.features.supports_update_conflicts_with_target,
    reason="the database has no INSERT ... ON CONFLICT DO UPDATE",
)
def test_bulk_create_over_an_existing_entry_is_refused(entry, unchanged):
    """An upsert would overwrite the entry with the same primary key."""
    forged = AuditEntry(pk=entry.pk, actor="x", action="x", object_type="x", reason="sửa")
    refused(
        lambda: AuditEntry.objects.bulk_create(
            [forged], update_conflicts=True, unique_fields=["id"], update_fields=["reason"]
        )
    )


def test_the_base_manager_refuses_too(entry, unchanged):
    """Django reaches rows through `_base_manager` (related managers' add, refresh): it is the
    append-only one, not a plain manager that would update."""
    refused(lambda: AuditEntry._base_manager.filter(pk=entry.pk).update(reason="sửa"))
    refused(lambda: AuditEntry._base_manager.filter(pk=entry.pk).delete())


@pytest.fixture
def other(org, decided):
    """Another month, over W2."""
    return open_period(org.w2, month="2026-11")


def test_the_period_related_manager_moves_and_detaches_nothing(decided, entry, other, unchanged):
    def stored():  # a fresh copy: a refused add(bulk=False) has set the copy's period
        return AuditEntry.objects.get(pk=entry.pk)

    refused(lambda: other.audit_entries.add(stored()))
    refused(lambda: other.audit_entries.add(stored(), bulk=False))
    refused(lambda: decided.audit_entries.remove(stored()))
    refused(lambda: decided.audit_entries.clear())
    refused(lambda: decided.audit_entries.set([]))
    refused(lambda: decided.audit_entries.update(reason="sửa"))


def test_deleting_an_audited_period_or_user_is_protected(org, decided, unchanged):
    with pytest.raises(ProtectedError), transaction.atomic():
        Period.objects.filter(pk=decided.pk).delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        org.admin.delete()


def test_new_entries_are_still_written(org, other):
    """The guard refuses changes, not the log itself."""
    count = AuditEntry.objects.count()
    submit(other, org.leader_w2, org.leader_w2, "self")
    assert AuditEntry.objects.count() == count + 1
    assert AuditEntry.objects.order_by("pk").last().action == "scorecard.submit"


# --- the admin ------------------------------------------------------------------------------


def test_the_admin_has_no_add(login, org, entry, unchanged):
    client = login(org.admin)
    add = reverse("admin:scoring_auditentry_add")
    assert client.get(add).status_code == 403
    data = {"actor": "x", "action": "x", "object_type": "x", "reason": "giả"}
    assert client.post(add, data).status_code == 403
    changelist = client.get(reverse("admin:scoring_auditentry_changelist"))
    assert changelist.status_code == 200
    assert add not in changelist.content.decode()


def test_the_admin_change_page_is_read_only(login, org, entry, unchanged):
    client = login(org.admin)
    change = reverse("admin:scoring_auditentry_change", args=[entry.pk])
    page = client.get(change)
    assert page.status_code == 200
    html = page.content.decode()
    assert entry.action in html
    for button in ('name="_save"', 'name="_continue"', 'name="_addanother"', "deletelink"):
        assert button not in html
    data = {"actor": "x", "action": "x", "object_type": "x", "reason": "sửa", "_save": "Lưu"}
    assert client.post(change, data).status_code == 403


def test_the_admin_deletes_nothing(login, org, entry, unchanged):
    client = login(org.admin)
    delete = reverse("admin:scoring_auditentry_delete", args=[entry.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:scoring_auditentry_changelist")
    assert "delete_selected" not in client.get(changelist).content.decode()
    every = list(AuditEntry.objects.values_list("pk", flat=True))
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": every, "post": "yes"}
    )
    assert response.status_code in (200, 302)


# --- the database ---------------------------------------------------------------------------


def raw(sql):
    def run(pk):
        with connection.cursor() as cursor:
            cursor.execute(sql, [pk])

    return run


BYPASSES = {
    "update": raw("UPDATE scoring_auditentry SET reason = 'sửa' WHERE id = %s"),
    "delete": raw("DELETE FROM scoring_auditentry WHERE id = %s"),
    "update-all": raw("UPDATE scoring_auditentry SET reason = 'sửa' WHERE id >= %s"),
    # The ORM's private paths below its public, refusing ones.
    "orm-_update": lambda pk: AuditEntry.objects.filter(pk=pk)._update(
        [(AuditEntry._meta.get_field("reason"), None, "sửa")]
    ),
    "orm-_raw_delete": lambda pk: AuditEntry.objects.filter(pk=pk)._raw_delete("default"),
}


@pytest.mark.skipif(
    not POSTGRESQL,
    reason="the trigger refusing UPDATE and DELETE on the audit table exists on PostgreSQL "
    "only (SQLite's flush of transactional tests deletes rows). Runs in CI's PostgreSQL pass.",
)
@pytest.mark.parametrize("bypass", sorted(BYPASSES))
def test_raw_sql_cannot_change_the_log_on_postgresql(entry, unchanged, bypass):
    with pytest.raises(DatabaseError, match=APPEND_ONLY), transaction.atomic():
        BYPASSES[bypass](entry.pk)
