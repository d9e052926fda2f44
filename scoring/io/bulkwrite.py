"""Writing a whole month's rows at once: COPY on PostgreSQL, one INSERT on SQLite.

A city's decision writes one result per cadre (100,000 rows of 35 columns). Django's
``bulk_create`` prepares every value in Python and sends them as parameters; PostgreSQL's COPY
takes the rows as a stream, several times faster, and needs no parameter limit.
"""

import json
import sqlite3
from collections.abc import Iterable
from contextlib import contextmanager
from operator import attrgetter

from django.db import connection, models


def insert_all(model: type[models.Model], objects: Iterable[models.Model]) -> None:
    """Insert unsaved instances (primary keys from the table's sequence); no signals.

    On PostgreSQL the instances are streamed: a generator keeps one row in memory at a time.
    """
    if connection.vendor == "postgresql":
        _copy(model, objects)
    else:
        with _whole_inserts():
            model.objects.bulk_create(list(objects))


def _copy(model, objects):
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {table} ({columns}) FROM STDIN"
    values = [_copy_value(f) for f in fields]
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for obj in objects:
            copy.write_row([value(obj) for value in values])


def _copy_value(field):
    """How a field's value is read for the copy, chosen once per field: a city's decision copies
    3.5 million values."""
    if type(field).pre_save is not models.Field.pre_save:  # auto_now(_add), files...
        return lambda obj: field.pre_save(obj, add=True)  # filled like a save would
    if isinstance(field, models.JSONField):
        read = attrgetter(field.attname)
        return lambda obj: None if read(obj) is None else json.dumps(read(obj), cls=field.encoder)
    return attrgetter(field.attname)


@contextmanager
def _whole_inserts():
    """On SQLite, let one INSERT carry as many rows as the library allows.

    Django 5.2 assumes SQLite's old limit of 999 parameters and splits a bulk insert of results
    (35 columns) every 28 rows; SQLite 3.32+ allows 32,766 (Debian's build 250,000). With the
    real limit a decision writes its results in one statement whatever the number of cadres.
    """
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    features = connection.features
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    features.max_query_params = max(limit, type(features).max_query_params)
    try:
        yield
    finally:
        del features.max_query_params
