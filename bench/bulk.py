"""Fast bulk loading for benchmarks: COPY on PostgreSQL, executemany elsewhere.

Rows are dicts keyed by model field name; missing fields take the field's default, so a model
that gains a field with a default keeps loading. Primary keys are assigned here, so rows can
point at each other without reading anything back.
"""

import io
from itertools import count

from django.db import connection
from django.utils import timezone


class IdSource:
    """Next free primary keys of a model's table (one query per model)."""

    def __init__(self):
        self._counters = {}

    def next(self, model):
        if model not in self._counters:
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
                self._counters[model] = count(cursor.fetchone()[0] + 1)
        return next(self._counters[model])


def _columns(model):
    return list(model._meta.concrete_fields)


def _value(field, row):
    name = field.attname if field.attname in row else field.name
    if name in row:
        value = row[name]
        if hasattr(value, "pk"):
            value = value.pk
    elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        value = timezone.now()
    else:
        value = field.get_default()  # the default, "" for text, else None
        if value is None and not field.null:
            raise ValueError(f"{field.model.__name__}.{field.name} needs a value")
    return field.get_db_prep_save(value, connection)


def load(model, rows):
    """Insert rows (dicts with an 'id') into the model's table as fast as the database allows."""
    if not rows:
        return 0
    fields = _columns(model)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([_adapt(_value(f, row)) for f in fields])
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",
                [[_value(f, row) for f in fields] for row in rows],
            )
    return len(rows)


def _adapt(value):
    if isinstance(value, dict | list):
        import json

        return json.dumps(value)
    if hasattr(value, "adapted"):  # psycopg Json wrapper from JSONField.get_db_prep_save
        import json

        return json.dumps(value.obj)
    return value


def vacuum_analyze():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


__all__ = ["IdSource", "io", "load", "vacuum_analyze"]
