"""The database's side of an append-only log (`units.models.AppendOnlyModel`: the account log,
the task imports' audit, the month's audit, the oversight audit).

On PostgreSQL a trigger refuses UPDATE and DELETE of any row, so even raw SQL cannot change the
log. TRUNCATE stays possible: the test runner empties tables with it between transactional
tests. SQLite gets no trigger (its flush deletes rows one by one): there the ORM's refusals are
the whole protection.

Each log's migration runs `append_only_trigger`. Migrations that ran it are history: change
nothing it writes; a different trigger is a new function and a new migration.
"""

from django.db import migrations


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
