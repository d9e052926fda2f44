"""Every row of a set of models in one SQL statement: the refused-write checks take a snapshot
before and after each attempt, thousands of times a run, and a query per table cost a round trip
each (most of the PostgreSQL run's time). Same content as `values_list()` per model in primary-key
order, as text, one string per table."""

from django.db import connection
from django.db.models import Model


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _table_text(model: type[Model]) -> str:
    table = _quoted(model._meta.db_table)
    pk = _quoted(model._meta.pk.column)
    columns = [_quoted(f.column) for f in model._meta.concrete_fields]
    label = model._meta.label.replace("'", "''")
    if connection.vendor == "postgresql":
        row = "concat_ws('|', " + ", ".join(f"quote_nullable({c})" for c in columns) + ")"
        return (
            f"SELECT '{label}', coalesce(string_agg({row}, E'\\n' ORDER BY {pk}), '') FROM {table}"
        )
    row = " || '|' || ".join(f"quote({c})" for c in columns)
    return (
        f"SELECT '{label}', coalesce(group_concat(r, char(10)), '') "
        f"FROM (SELECT {row} AS r FROM {table} ORDER BY {pk})"
    )


def rows_of(models) -> dict[str, str]:
    """{model label: its rows as text} for every model given, in one query."""
    models = list(models)
    sql = " UNION ALL ".join(_table_text(model) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())
