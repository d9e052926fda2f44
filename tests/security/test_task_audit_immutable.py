"""The task side's audit log (a task import is an entry) is append-only like the month's: no
ORM call changes or deletes an entry, the admin shows entries read-only, and on PostgreSQL a
trigger refuses even raw SQL."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from directives.imports import tasks_import
from directives.models import AuditEntry
from tests.directives.test_imports import csv_bytes, row
from tests.security.test_audit_immutable import APPEND_ONLY, POSTGRESQL, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(org):
    tasks_import(data=csv_bytes(row("NV1")), file_name="tasks.csv")
    return AuditEntry.objects.get()


@pytest.fixture
def unchanged(entry):
    before = list(AuditEntry.objects.values())
    yield
    assert list(AuditEntry.objects.values()) == before


def test_no_orm_call_changes_or_deletes_an_entry(entry, unchanged):
    entry.reason = "sửa"
    refused(entry.save)
    refused(entry.delete)
    refused(lambda: AuditEntry.objects.filter(pk=entry.pk).update(reason="sửa"))
    refused(lambda: AuditEntry.objects.all().delete())
    refused(lambda: AuditEntry.objects.bulk_update([entry], ["reason"]))
    refused(lambda: AuditEntry._base_manager.filter(pk=entry.pk).update(reason="sửa"))


def test_the_admin_shows_entries_read_only(login, org, entry, unchanged):
    client = login(org.admin)
    assert client.get(reverse("admin:directives_auditentry_add")).status_code == 403
    change = reverse("admin:directives_auditentry_change", args=[entry.pk])
    page = client.get(change).content.decode()
    assert "tasks.csv" in page and 'name="_save"' not in page
    assert client.post(change, {"actor": "x", "_save": "Lưu"}).status_code == 403
    delete = reverse("admin:directives_auditentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


@pytest.mark.skipif(
    not POSTGRESQL,
    reason="the trigger refusing UPDATE and DELETE on the audit table exists on PostgreSQL "
    "only (SQLite's flush of transactional tests deletes rows). Runs in CI's PostgreSQL pass.",
)
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE directives_auditentry SET reason = 'sửa' WHERE id = %s",
        "DELETE FROM directives_auditentry WHERE id = %s",
    ],
)
def test_raw_sql_cannot_change_the_log_on_postgresql(entry, unchanged, sql):
    with (
        pytest.raises(DatabaseError, match=APPEND_ONLY),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
