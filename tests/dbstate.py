"""Every row of a set of models in one SQL statement: the refused-write checks take a snapshot
before and after each attempt, thousands of times a run, and a query per table cost a round trip
each (most of the PostgreSQL run's time). Same content as `values_list()` per model in primary-key
order, as text, one string per table."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import connection
from django.db.models import Model


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


# Columns that only stamp derived rows: a period's `summarized_at` says when its dashboards'
# summary rows were last written (a task written after the decision writes them again), not
# anything of the month itself.
STAMPS = {"scoring.Period": {"summarized_at"}}


def _table_text(model: type[Model]) -> str:
    table = _quoted(model._meta.db_table)
    pk = _quoted(model._meta.pk.column)
    stamps = STAMPS.get(model._meta.label, set())
    columns = [_quoted(f.column) for f in model._meta.concrete_fields if f.name not in stamps]
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


def app_rows(*labels: str) -> dict[str, str]:
    """Every row of every model of the apps `labels`, in one query."""
    return rows_of(model for label in labels for model in apps.get_app_config(label).get_models())


# The month's own tables: every model of scoring but the rater flags (derived from the
# scorecards), the dashboards' summary rows and their subtree rows (derived from the results
# and the tasks, whose on-time figures a task written later changes) and the log of reminders
# sent.
NOT_THE_MONTH = (
    "scoring.RaterFlag",
    "scoring.UnitMonthSummary",
    "scoring.SubtreeMonthSummary",
    "scoring.ReminderSent",
)


def month_rows() -> dict[str, str]:
    """Every row of the month's tables: periods, members, scorecards, adjustments, results,
    appeals, corrections and the month's audit log."""
    return {
        label: rows for label, rows in app_rows("scoring").items() if label not in NOT_THE_MONTH
    }


@contextmanager
def nothing_changes(snapshot: Callable[[], dict[str, str]] = month_rows) -> Iterator[None]:
    """The block leaves every row `snapshot` reads as it was; a failure names the table."""
    before = snapshot()
    yield
    after = snapshot()
    for label, rows in before.items():
        assert after[label] == rows, f"{label} changed"
