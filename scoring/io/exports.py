"""`export results` (docs/RULES.md §5): a month's or a year's results as CSV, JSON or .xlsx.

The documented columns come first, in their order; `full_name` and `unit_name` follow them.
Rows hold typed values (str, Decimal with 2 places, int, None for empty); each format writes
them its way: CSV (UTF-8 with a byte-order mark, so Excel reads the Vietnamese names) plain
decimals with 2 places and empty cells, JSON numbers and null, .xlsx numbers as numbers with a
number format (`units.spreadsheets`), which an office suite in any locale reads as numbers.
Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage
return) are written with a leading apostrophe in CSV and .xlsx
(`units.tabular.neutralise`).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal

from scoring.month.selectors.periods import month_results, year_results
from scoring.month.selectors.rating import DECIDED_PHASES
from units.models import Unit
from units.spreadsheets import NUMBER_FORMATS, number_kind
from units.tabular import neutralise

RESULT_COLUMNS = [
    "cadre_code",
    "unit_code",
    "job_group",
    "self",
    "peer",
    "supervisor",
    "general",
    "task",
    "bonus",
    "penalty",
    "total",
    "tier_before_quota",
    "tier",
    "rank_in_unit",
    "rank_in_scope",
    "reward",
]
# After the documented columns, for people reading the file (docs/RULES.md §5).
NAME_COLUMNS = ["full_name", "unit_name"]
YEAR_COLUMNS = [
    "cadre_code",
    "unit_code",
    "job_group",
    "rated_months",
    "total",
    "tier_before_quota",
    "tier",
    "rank_in_unit",
    "rank_in_scope",
]
FORMATS = ("csv", "json", "xlsx")
MONEY_COLUMNS = {"reward"}
BOM = "\ufeff"


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[str]
    rows: list[dict]


def _blank(value):
    return value or None


def results_table(*, month: str, scope: Unit, phases=DECIDED_PHASES) -> Table:
    """Every decided cadre of the month whose unit then lay in the scope's subtree, by code
    (the API passes the published `phases` only)."""
    rows = [
        {
            "cadre_code": r.cadre.code,
            "unit_code": r.unit.code,
            "job_group": r.job_group,
            "self": r.self_score,
            "peer": r.peer_score,
            "supervisor": r.supervisor_score,
            "general": r.general,
            "task": r.task,
            "bonus": r.bonus,
            "penalty": r.penalty,
            "total": r.total,
            "tier_before_quota": _blank(r.tier_before_quota),
            "tier": _blank(r.tier),
            "rank_in_unit": r.rank_in_unit,
            "rank_in_scope": r.rank_in_scope,
            "reward": r.reward,
            "full_name": r.cadre.full_name,
            "unit_name": r.unit.name,
        }
        for r in month_results(month=month, unit=scope, phases=phases)
    ]
    return Table(title=f"{month} {scope.code}", columns=RESULT_COLUMNS + NAME_COLUMNS, rows=rows)


def year_table(*, year: int, scope: Unit, phases=DECIDED_PHASES) -> Table:
    """docs/RULES.md §1 for the scope's subtree, by cadre code."""
    table = year_results(year=year, scope=scope, phases=phases)
    unit_names = dict(
        Unit.objects.filter(code__in={r.unit_code for r in table.rows}).values_list("code", "name")
    )
    rows = [
        {
            "cadre_code": r.code,
            "unit_code": r.unit_code,
            "job_group": r.job_group,
            "rated_months": r.rated_months,
            "total": r.total.shown if r.total else None,
            "tier_before_quota": r.tier_before_quota.value if r.tier_before_quota else None,
            "tier": r.tier.value if r.tier else None,
            "rank_in_unit": r.rank_in_unit,
            "rank_in_scope": r.rank_in_scope,
            "full_name": table.names.get(r.code, ""),
            "unit_name": unit_names.get(r.unit_code, ""),
        }
        for r in sorted(table.rows, key=lambda r: r.code)
    ]
    return Table(title=f"{year} {scope.code}", columns=YEAR_COLUMNS + NAME_COLUMNS, rows=rows)


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def to_csv(table: Table) -> str:
    out = io.StringIO()
    # CRLF, as RFC 4180 and spreadsheets expect (and as the reference files are written).
    writer = csv.writer(out)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_csv_cell(row[c]) for c in table.columns])
    return out.getvalue()


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def to_json(table: Table) -> str:
    rows = [{c: row[c] for c in table.columns} for row in table.rows]
    return json.dumps(rows, ensure_ascii=False, indent=2, default=_json_default) + "\n"


def to_xlsx(table: Table) -> bytes:
    """A workbook streamed in write-only mode (constant memory, fast for thousands of rows)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value, column):
        if isinstance(value, str):
            value = neutralise(value)
        written = WriteOnlyCell(sheet, value=value)
        kind = "money" if column in MONEY_COLUMNS else number_kind(value)
        if kind:
            written.number_format = NUMBER_FORMATS[kind]
        return written

    header = []
    for column in table.columns:
        title = WriteOnlyCell(sheet, value=column)
        title.font = bold
        header.append(title)
    sheet.append(header)
    for row in table.rows:
        sheet.append([cell(row[c], c) for c in table.columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(table: Table, fmt: str) -> bytes:
    if fmt == "csv":
        return (BOM + to_csv(table)).encode("utf-8")
    if fmt == "json":
        return to_json(table).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(table)
    raise ValueError(f"unknown format {fmt!r}")
