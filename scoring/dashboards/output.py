"""The dashboard's converted output (docs/RULES.md §6): per subunit and per head count for the
month shown, and the whole unit month over month.

Converted output is the sum of the weights of the tasks due in a month (their effective deadline
falls in it; cancelled tasks aside), split into on time, late and not completed
(`directives.catalogue.selectors.converted_output`). It reads tasks, not decided results, so it
is not part of the dashboard's cached body. Three queries whatever the size of the unit.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from directives.catalogue.selectors import Output, converted_output
from directives.models import Task
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
    the unit over the decided months up to `month` (at most MONTHS_SHOWN), oldest first}."""
    shown = sorted(m for m in months if m <= month)[-MONTHS_SHOWN:] or [month]
    first_day = month_bounds(shown[0])[0]
    last_day = month_bounds(month)[1]
    children = list(Unit.objects.filter(parent=unit).order_by("code"))
    table = converted_output(
        tasks=Task.objects.filter(unit__path__startswith=unit.path),
        first_day=first_day,
        last_day=last_day,
        by="unit__path",
    )
    memberships = list(
        Membership.objects.filter(unit__path__startswith=unit.path)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=last_day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first_day))
        .values_list("unit__path", "valid_from", "valid_to")
    )

    def heads(match, on: dt.date) -> int:
        return sum(
            1
            for path, start, end in memberships
            if match(path) and (start is None or start <= on) and (end is None or end >= on)
        )

    def output(match, of_month: dt.date) -> Output:
        total = Output()
        for (path, cell_month), cell in table.cells.items():
            if cell_month == of_month and match(path):
                total.add(cell)
        return total

    start, end = month_bounds(month)
    groups = [(c.name, c, lambda p, c=c: p.startswith(c.path)) for c in children]
    groups.append((_("Own members of %(unit)s") % {"unit": unit.name}, unit, unit.path.__eq__))
    rows = [
        OutputRow(label, row_unit, output(match, start), heads(match, end))
        for label, row_unit, match in groups
    ]
    rows = [r for r in rows if r.output.tasks or r.heads]

    def whole(p):
        return True

    trend = []
    for m in shown:
        m_start, m_end = month_bounds(m)
        trend.append(
            (f"{m[5:]}/{m[:4]}", OutputRow(m, unit, output(whole, m_start), heads(whole, m_end)))
        )
    return {
        "rows": rows,
        "whole": OutputRow(unit.name, unit, output(whole, start), heads(whole, end)),
        "trend": trend,
    }
