"""Tasks in (docs/API.md): a batch of JSON tasks goes through the very code of the task import
(`directives.imports.tasks_import_rows`): the same checks, authority, error texts and audit, all
or nothing.

Each task is turned into an import row (every value as text, as a file's cell would be), item i
of the batch being row i + 1 of the messages ("already appears in row 2"). Delays and major
errors come as counts, as in the import, or as lists of `{"on": date, "reason": text}`: the list
is counted, and its dates and reasons are written in the task's "imported" event.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from directives.imports import TASK_COLUMNS, TASK_OPTIONAL, Via, tasks_import_rows
from scoring.api.models import ApiClient
from scoring.api.problems import InvalidBatch
from units.tabular import ImportFailed, Row

DATED = ("major_errors", "delays")
MAX_REASON = 500


def _error(pointer: str, field: str, detail: str) -> dict:
    return {"pointer": pointer, "field": field, "detail": str(detail)}


def _cell(value) -> str | None:
    """A JSON value as the import reads a cell; None for a value no cell could hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return None


def _dated(items, index, column, errors) -> tuple[str, str]:
    """A list of dated delays or errors: (the count as text, the note for the event)."""
    notes = []
    for position, item in enumerate(items):
        pointer = f"/tasks/{index}/{column}/{position}"
        if not isinstance(item, dict) or set(item) - {"on", "reason"}:
            errors.append(_error(pointer, column, _("Give each as {“on”: date, “reason”: text}.")))
            continue
        try:
            on = dt.date.fromisoformat(str(item.get("on", "")))
        except ValueError:
            errors.append(_error(f"{pointer}/on", "on", _("A date YYYY-MM-DD is required.")))
            continue
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            errors.append(_error(f"{pointer}/reason", "reason", _("A value is required.")))
            continue
        if len(reason) > MAX_REASON:
            errors.append(
                _error(
                    f"{pointer}/reason",
                    "reason",
                    _("At most %(n)s characters.") % {"n": MAX_REASON},
                )
            )
            continue
        notes.append(f"{on:%d/%m/%Y}: {reason.strip()}")
    label = _("Delays") if column == "delays" else _("Major errors")
    note = f"{label}: {'; '.join(notes)}." if notes else ""
    return str(len(items)), note


def batch_rows(body) -> tuple[list[Row], dict[str, str]]:
    """The batch as import rows and the notes per code; raises `InvalidBatch` on a bad shape."""
    tasks = body.get("tasks") if isinstance(body, dict) else None
    if not isinstance(tasks, list) or not tasks:
        raise InvalidBatch([_error("/tasks", "tasks", _("Send a list of tasks in “tasks”."))])
    limit = settings.API_BATCH_MAX
    if len(tasks) > limit:
        raise InvalidBatch(
            [_error("/tasks", "tasks", _("At most %(n)s tasks in one request.") % {"n": limit})]
        )
    errors, rows, notes = [], [], {}
    for index, task in enumerate(tasks):
        if not isinstance(task, dict):
            errors.append(_error(f"/tasks/{index}", "", _("Each task is a JSON object.")))
            continue
        for unknown in sorted(set(task) - set(TASK_COLUMNS) - set(TASK_OPTIONAL)):
            errors.append(
                _error(
                    f"/tasks/{index}/{unknown}",
                    unknown,
                    _("Unknown field “%(field)s”.") % {"field": unknown},
                )
            )
        values, task_notes = {}, []
        for column in TASK_COLUMNS + TASK_OPTIONAL:
            value = task.get(column)
            if column in DATED and isinstance(value, list):
                values[column], note = _dated(value, index, column, errors)
                if note:
                    task_notes.append(note)
                continue
            text = _cell(value)
            if text is None:
                errors.append(
                    _error(
                        f"/tasks/{index}/{column}",
                        column,
                        _("A text, a number or null is expected."),
                    )
                )
                text = ""
            values[column] = text
        rows.append(Row(index + 1, values))
        if task_notes and values["code"]:
            notes[values["code"]] = " ".join(task_notes)
    if errors:
        raise InvalidBatch(errors)
    return rows, notes


def tasks_save(*, client: ApiClient, body) -> dict:
    """Create or update the batch's tasks by code; all or nothing. Returns the counts."""
    rows, notes = batch_rows(body)
    via = Via(
        actor=_("API client %(name)s") % {"name": client.name},
        paths=(client.unit.path,),
        source=_("Sent by %(client)s through the API") % {"client": client.name},
        notes=notes,
    )
    try:
        return tasks_import_rows(rows, via=via, file_name=f"api:{client.name}")
    except ImportFailed as failed:
        raise InvalidBatch(
            [
                _error(
                    f"/tasks/{e.row - 1}/{e.column}" if e.column else f"/tasks/{e.row - 1}",
                    e.column,
                    e.message,
                )
                for e in failed.errors
            ]
        ) from failed
