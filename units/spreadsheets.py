"""Numbers in the workbooks people download: every numeric cell is a number (never text) with a
number format, so an office suite in any locale reads it as a number and shows it with its own
separators — "0,50" and "17.000.000" in a Vietnamese one (docs/RULES.md §5).

The formats are the locale-independent codes of the file format: "." and "," in them mean the
decimal mark and the thousands separator of whoever opens the file.
"""

from __future__ import annotations

from decimal import Decimal

NUMBER_FORMATS = {"int": "0", "decimal": "0.00", "percent": "0.0", "money": "#,##0"}


def number_kind(value) -> str | None:
    """ "decimal" for a Decimal or float, "int" for an integer (not a bool), None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal | float):
        return "decimal"
    if isinstance(value, int):
        return "int"
    return None


def format_numbers(sheet, *, min_row: int = 2) -> None:
    """Give every numeric cell below the header that has none the number format of its kind
    (a sheet built in normal, not write-only, mode)."""
    for row in sheet.iter_rows(min_row=min_row):
        for cell in row:
            kind = number_kind(cell.value)
            if kind and cell.number_format == "General":
                cell.number_format = NUMBER_FORMATS[kind]
