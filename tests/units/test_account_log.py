"""The account log (`units.AccountEvent`) is append-only like the month's audit log: no ORM call
changes or deletes an entry, the admin shows it read-only, and on PostgreSQL a trigger refuses
even raw SQL."""

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from units.models import AccountEvent, AccountEventKind

pytestmark = pytest.mark.django_db

POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture
def entry(org):
    return AccountEvent.objects.create(
        kind=AccountEventKind.PASSWORD_LINK,
        actor=org.admin,
        actor_name="root",
        account=org.staff_a.user,
        username="SA",
    )


def refused(call):
    with pytest.raises(PermissionError, match="append-only"), transaction.atomic():
        call()


def test_no_orm_call_changes_or_deletes_an_entry(entry):
    entry.username = "khac"
    refused(entry.save)
    refused(entry.delete)
    refused(lambda: AccountEvent.objects.filter(pk=entry.pk).update(username="khac"))
    refused(lambda: AccountEvent.objects.all().delete())
    refused(lambda: AccountEvent._base_manager.filter(pk=entry.pk).update(username="khac"))
    stored = AccountEvent.objects.get(pk=entry.pk)
    assert (stored.username, stored.kind) == ("SA", "password_link")


def test_raw_sql_is_refused_on_postgresql(entry):
    """SQLite has no trigger: there the ORM guard above is the whole protection."""
    statements = [
        "UPDATE units_accountevent SET username = 'khac' WHERE id = %s",
        "DELETE FROM units_accountevent WHERE id = %s",
    ]
    for sql in statements if POSTGRESQL else []:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert AccountEvent.objects.get(pk=entry.pk).username == "SA"


def test_the_admin_shows_the_log_read_only(login, org, entry):
    client = login(org.admin)
    assert client.get(reverse("admin:units_accountevent_changelist")).status_code == 200
    assert client.get(reverse("admin:units_accountevent_add")).status_code == 403
    change = reverse("admin:units_accountevent_change", args=[entry.pk])
    page = client.get(change).content.decode()
    assert 'name="_save"' not in page
    assert client.post(change, {"username": "khac", "_save": "1"}).status_code == 403
    delete = reverse("admin:units_accountevent_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AccountEvent.objects.get(pk=entry.pk).username == "SA"
