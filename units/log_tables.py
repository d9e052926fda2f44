"""The logs' tables as their migrations create them: the columns every audit log has
(`units.models.AuditLog`) and, for every append-only log (`units.models.AppendOnlyModel`: the
account log, the task imports' audit, the month's audit, the oversight audit), the database's
side of append-only.

On PostgreSQL a trigger refuses UPDATE and DELETE of any row, so even raw SQL cannot change the
log. TRUNCATE stays possible: the test runner empties tables with it between transactional
tests. SQLite gets no trigger (its flush deletes rows one by one): there the ORM's refusals are
the whole protection.

Migrations that used these are history: change nothing they return. A column added to the logs
later is a migration of each log's own (`makemigrations` writes it), a different trigger a new
function.
"""

from django.conf import settings
from django.db import migrations, models


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, None)  # None: the SQL has a literal %

    return run


def append_only_trigger(table: str, log: str) -> migrations.RunPython:
    """The operation that puts the trigger on `table` (and takes it off when reversed); `log`
    names the log in the refusal, as "The audit log is append-only: ..."."""
    function = f"{table}_append_only"
    create = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{log} is append-only: % of {table} refused.', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {function}
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE PROCEDURE {function}();
"""
    drop = f"""
DROP TRIGGER IF EXISTS {function} ON {table};
DROP FUNCTION IF EXISTS {function}();
"""
    return migrations.RunPython(_on_postgresql(create), _on_postgresql(drop))


def audit_log_fields() -> list[tuple[str, models.Field]]:
    """The columns of `units.models.AuditLog`, after the id and before the log's own."""
    return [
        ("at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="at")),
        (
            "user",
            models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        (
            "actor",
            models.CharField(help_text="who, as shown", max_length=150, verbose_name="actor"),
        ),
        ("action", models.CharField(max_length=40, verbose_name="action")),
        ("object_type", models.CharField(max_length=40, verbose_name="object")),
        ("old", models.JSONField(blank=True, null=True, verbose_name="old")),
        ("new", models.JSONField(blank=True, null=True, verbose_name="new")),
        ("reason", models.TextField(blank=True, verbose_name="reason")),
    ]
