"""Dossier ratings in (docs/API.md): a one-stop system sends the dossiers it handled and how
people rated them; the batch goes through the very code of the dossier import
(`directives.dossiers.imports.dossiers_import_rows`): the same checks, error texts and audit,
all or nothing, within the client's subtree. Item i of the batch is row i + 1 of the messages.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from directives.dossiers.imports import DOSSIER_COLUMNS, DOSSIER_OPTIONAL, dossiers_import_rows
from scoring.api.models import ApiClient
from scoring.api.problems import InvalidBatch
from scoring.api.tasks import _cell, _error
from units.tabular import ImportFailed, Row

# The JSON names of the import's columns: "code" is the dossier's code.
FIELDS = {"dossier_code": "code"} | {c: c for c in [*DOSSIER_COLUMNS[1:], *DOSSIER_OPTIONAL]}
COLUMN_OF = {name: column for column, name in FIELDS.items()}


def batch_rows(body) -> list[Row]:
    """The batch as import rows; raises `InvalidBatch` on a bad shape."""
    items = body.get("dossiers") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise InvalidBatch(
            [_error("/dossiers", "dossiers", _("Send a list of dossiers in “dossiers”."))]
        )
    limit = settings.API_BATCH_MAX
    if len(items) > limit:
        raise InvalidBatch(
            [
                _error(
                    "/dossiers",
                    "dossiers",
                    _("At most %(n)s dossiers in one request.") % {"n": limit},
                )
            ]
        )
    errors, rows = [], []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append(_error(f"/dossiers/{index}", "", _("Each dossier is a JSON object.")))
            continue
        for unknown in sorted(set(item) - set(COLUMN_OF)):
            errors.append(
                _error(
                    f"/dossiers/{index}/{unknown}",
                    unknown,
                    _("Unknown field “%(field)s”.") % {"field": unknown},
                )
            )
        values, given = {}, {}
        for column, name in FIELDS.items():
            text = _cell(item.get(name))
            if text is None:
                errors.append(
                    _error(
                        f"/dossiers/{index}/{name}",
                        name,
                        _("A text, a number or null is expected."),
                    )
                )
                text = ""
            values[column] = text
            if name in item:
                given[column] = name
        rows.append(Row(index + 1, values, given))
    if errors:
        raise InvalidBatch(errors)
    return rows


def dossiers_save(*, client: ApiClient, body) -> dict:
    """Create or update the batch's dossiers by unit and code; all or nothing. The counts."""
    rows = batch_rows(body)
    try:
        return dossiers_import_rows(
            rows,
            actor=_("API client %(name)s") % {"name": client.name},
            within_paths=(client.unit.path,),
            file_name=f"api:{client.name}",
        )
    except ImportFailed as failed:
        raise InvalidBatch(
            [
                _error(
                    f"/dossiers/{e.row - 1}/{FIELDS.get(e.column, e.column)}"
                    if e.column
                    else f"/dossiers/{e.row - 1}",
                    FIELDS.get(e.column, e.column),
                    e.message,
                )
                for e in failed.errors
            ]
        ) from failed
