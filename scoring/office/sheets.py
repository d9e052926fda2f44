"""The year's spreadsheets: the leaders' year table and a cadre's own year, numeric cells with
number formats (`scoring.dashboards.exports.xlsx_bytes`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from scoring.dashboards.exports import Column, xlsx_bytes
from scoring.month.selectors.periods import YearTable
from scoring.office.selectors import MyYear


def _number(value) -> Decimal | None:
    value = getattr(value, "shown", value)  # an engine Value
    return None if value is None else Decimal(value)


def year_xlsx(table: YearTable, title: str) -> bytes:
    columns = [
        Column(_("Rank"), 8, "int", lambda r: r.rank_in_scope),
        Column(_("Code"), 14, "text", lambda r: r.code),
        Column(_("Full name"), 28, "text", lambda r: table.names.get(r.code, "")),
        Column(_("Unit"), 14, "text", lambda r: r.unit_code),
        Column(_("Job group"), 16, "text", lambda r: r.job_group),
        Column(_("Rated months"), 12, "int", lambda r: r.rated_months),
        Column(_("Annual total"), 12, "decimal", lambda r: _number(r.total)),
        Column(_("Tier before quota"), 12, "text", lambda r: r.tier_before_quota),
        Column(_("Tier"), 8, "text", lambda r: r.tier),
        Column(_("Rank in unit"), 12, "int", lambda r: r.rank_in_unit),
    ]
    rows = sorted(table.rows, key=lambda r: (r.rank_in_scope is None, r.rank_in_scope or 0, r.code))
    return xlsx_bytes(title, columns, rows)


@dataclass(frozen=True)
class Line:
    label: str
    total: Decimal | None
    tier: str = ""
    rank: int | None = None
    reward: int | None = None


def my_year_xlsx(year: MyYear, title: str) -> bytes:
    lines = [
        Line(r.period.month, r.total, r.tier if r.rated else "", r.rank_in_unit, r.reward)
        for r in year.results
    ]
    lines += [
        Line(_("Quarter %(number)s (mean)") % {"number": q.number}, q.mean) for q in year.quarters
    ]
    if year.row is not None:
        lines.append(
            Line(
                _("Year %(year)s") % {"year": year.year},
                _number(year.row.total),
                year.row.tier or "",
                year.row.rank_in_unit,
            )
        )
    columns = [
        Column(_("Month"), 18, "text", lambda r: r.label),
        Column(_("Total"), 10, "decimal", lambda r: r.total),
        Column(_("Tier"), 8, "text", lambda r: r.tier),
        Column(_("Rank in unit"), 12, "int", lambda r: r.rank),
        Column(_("Reward (VND)"), 16, "money", lambda r: r.reward),
    ]
    return xlsx_bytes(title, columns, lines)
