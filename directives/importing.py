"""What the imports of directives share (the tasks, the catalogue, the dossier ratings): a
row's code, and the import's audit entry with its counts."""

from directives.models import AuditEntry
from directives.services import code_problem
from units.tabular import RowChecker


def row_code(check: RowChecker, seen: dict[str, int]) -> str | None:
    """The row's code (column "code"): a valid code the file has not named before, or None
    with the row's error."""
    code = check.text("code")
    if not code:
        return None
    problem = code_problem(code)
    if problem:
        check.fail("code", problem)
        return None
    return None if check.repeated("code", seen, code) else code


def audited_counts(parsed: list, created: list, changed: list, *, file_name: str, **entry) -> dict:
    """The counts of an import (created, updated, unchanged among the `parsed` rows), written
    with the file's name and its number of rows in one audit entry (`entry`: who, the action,
    what it touched)."""
    counts = {
        "created": len(created),
        "updated": len(changed),
        "unchanged": len(parsed) - len(created) - len(changed),
    }
    AuditEntry.objects.create(**entry, new={"file": file_name, "rows": len(parsed), **counts})
    return counts
