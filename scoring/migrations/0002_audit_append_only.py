"""The audit log is append-only (DESIGN §4), down to the database.

- The model's base manager is its append-only manager, so Django's own reach into the rows
  (a related manager's ``add``) refuses to update them like every other ORM call.
- On PostgreSQL a trigger refuses UPDATE and DELETE of any row, so even raw SQL cannot change
  the log. TRUNCATE stays possible: the test runner empties tables with it between
  transactional tests. SQLite gets no trigger (its flush deletes rows one by one).
"""

from django.db import migrations

FUNCTION = "scoring_auditentry_append_only"

CREATE = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit log is append-only: % of scoring_auditentry refused.', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {FUNCTION}
    BEFORE UPDATE OR DELETE ON scoring_auditentry
    FOR EACH ROW EXECUTE PROCEDURE {FUNCTION}();
"""

DROP = f"""
DROP TRIGGER IF EXISTS {FUNCTION} ON scoring_auditentry;
DROP FUNCTION IF EXISTS {FUNCTION}();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, None)  # None: the SQL has a literal %

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditentry",
            options={
                "base_manager_name": "objects",
                "ordering": ["-at", "-pk"],
                "verbose_name": "audit entry",
                "verbose_name_plural": "audit log",
            },
        ),
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
