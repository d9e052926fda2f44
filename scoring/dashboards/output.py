"""The dashboard's converted output (docs/RULES.md §6): per subunit and per head count for the
month shown, and the whole unit month over month.

Converted output is the sum of the weights of the tasks due in a month (their effective deadline
falls in it; cancelled tasks aside), split into on time, late and not completed
(`directives.catalogue.selectors`: ON_TIME, LATE, NOT_DONE), of the units whose month is
decided: read from the summary rows of the decided periods (`scoring.dashboards.summaries`),
which every task written in a decided month updates. Three queries whatever the size of the
unit, one when the dashboard has read the rows and the subunits (`ScopeSums`).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from directives.catalogue.selectors import Output
from scoring.dashboards.scope import series_path
from scoring.dashboards.summaries import ScopeSums
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


def output_figure(unit: Unit, month: str, months: list[str], sums: ScopeSums | None = None) -> dict:
    """{"rows": per subunit and the unit's own members for `month`, "whole": the unit, "trend":
    the unit over the decided months up to `month` (at most MONTHS_SHOWN), oldest first}.

    Three queries: the subunits and the subtree rows of the decided periods (`sums`, unless the
    dashboard has read them for these months), the members per unit on each month's last day."""
    shown = sorted(m for m in months if m <= month)[-MONTHS_SHOWN:] or [month]
    if sums is None:
        sums = ScopeSums(unit, shown)
    heads = _heads(unit, [month_bounds(m)[1] for m in shown])
    cells = {pk: _output(cell) for m, pk, cell in sums.series(shown) if m == month}
    whole = {m: _output(sums.whole(m)) for m in shown}

    end = month_bounds(month)[1]
    rows = [
        OutputRow(
            label,
            row_unit,
            cells.get(row_unit.pk, Output()),
            heads.get((row_unit.path, end), 0),
        )
        for label, row_unit in sums.series_units
    ]
    rows = [r for r in rows if r.output.tasks or r.heads]

    def total_heads(on: dt.date) -> int:
        return sum(n for (_path, day), n in heads.items() if day == on)

    trend = []
    for m in shown:
        row = OutputRow(m, unit, whole[m], total_heads(month_bounds(m)[1]))
        trend.append((f"{m[5:]}/{m[:4]}", row))
    return {
        "rows": rows,
        "whole": OutputRow(unit.name, unit, whole.get(month) or Output(), total_heads(end)),
        "trend": trend,
    }


def _output(cell: dict | None) -> Output:
    if cell is None:
        return Output()
    return Output(
        on_time=cell["output_on_time"],
        late=cell["output_late"],
        not_completed=cell["output_not_completed"],
        tasks=cell["tasks_due"],
    )


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
