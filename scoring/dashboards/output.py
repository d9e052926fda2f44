"""The dashboard's converted output (docs/RULES.md §6): per subunit and per head count for the
month shown, and the whole unit month over month.

Converted output is the sum of the weights of the tasks due in a month (their effective deadline
falls in it; cancelled tasks aside), split into on time, late and not completed
(`directives.catalogue.selectors`: ON_TIME, LATE, NOT_DONE), of the units whose month is
decided: read from the summary rows of the decided periods (`scoring.dashboards.summaries`),
which every task written in a decided month updates. Three queries whatever the size of the
unit.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from directives.catalogue.selectors import Output
from scoring.dashboards.scope import series_path, series_units
from scoring.dashboards.summaries import month_sums
from scoring.models import month_bounds
from units.models import Membership, Unit

MONTHS_SHOWN = 6


@dataclass
class OutputRow:
    label: str
    unit: Unit | None
    output: Output
    heads: int

    @property
    def per_head(self) -> Decimal | None:
        """Completed output (on time and late) per member, two places."""
        if not self.heads:
            return None
        done = self.output.on_time + self.output.late
        return (done / self.heads).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def output_figure(unit: Unit, month: str, months: list[str]) -> dict:
    """{"rows": per subunit and the unit's own members for `month`, "whole": the unit, "trend":
    the unit over the decided months up to `month` (at most MONTHS_SHOWN), oldest first}.

    Three queries: the subunits, the summary rows of the decided periods added up per month and
    row in SQL, the members per unit on each month's last day."""
    shown = sorted(m for m in months if m <= month)[-MONTHS_SHOWN:] or [month]
    heads = _heads(unit, [month_bounds(m)[1] for m in shown])
    first_days = {m: month_bounds(m)[0] for m in shown}
    cells: dict[tuple[str, dt.date], Output] = {}
    whole: dict[dt.date, Output] = {}
    for cell in month_sums(
        unit,
        shown,
        on_time=Sum("output_on_time"),
        late=Sum("output_late"),
        not_completed=Sum("output_not_completed"),
        tasks=Sum("tasks_due"),
    ):
        first_day = first_days[cell.pop("month")]
        output = Output(**{k: v for k, v in cell.items() if k != "series"})
        cells[cell["series"], first_day] = output
        whole.setdefault(first_day, Output()).add(output)

    start, end = month_bounds(month)
    rows = [
        OutputRow(
            label,
            row_unit,
            cells.get((row_unit.path, start), Output()),
            heads.get((row_unit.path, end), 0),
        )
        for label, row_unit in series_units(unit)
    ]
    rows = [r for r in rows if r.output.tasks or r.heads]

    def total_heads(on: dt.date) -> int:
        return sum(n for (_path, day), n in heads.items() if day == on)

    trend = []
    for m in shown:
        m_start, m_end = month_bounds(m)
        row = OutputRow(m, unit, whole.get(m_start, Output()), total_heads(m_end))
        trend.append((f"{m[5:]}/{m[:4]}", row))
    return {
        "rows": rows,
        "whole": OutputRow(unit.name, unit, whole.get(start, Output()), total_heads(end)),
        "trend": trend,
    }


def _heads(unit: Unit, days: list[dt.date]) -> dict[tuple[str, dt.date], int]:
    """One query: the members of each row (series path) on each of `days`, counted in SQL per
    row, so neither a city's 100,000 memberships nor its 7,000 units are read."""
    valid = {
        f"on_{i}": Count(
            "pk",
            filter=(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
            & (Q(valid_to__isnull=True) | Q(valid_to__gte=day)),
        )
        for i, day in enumerate(days)
    }
    heads: dict[tuple[str, dt.date], int] = {}
    for row in (
        Membership.objects.filter(unit__path__startswith=unit.path)
        .values(series=series_path(unit))
        .annotate(**valid)
        .order_by()
    ):
        for i, day in enumerate(days):
            heads[row["series"], day] = row[f"on_{i}"]
    return heads
