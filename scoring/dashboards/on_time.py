"""Work on time against the target (issue 16, docs/RULES.md §7): for the dashboard's month and
its year, each direct subunit's (and the unit's own members') share of tasks and of dossiers
done on time, against the regulation's `on_time_target`, the units below it first, each with a
link to its late items.

Only decided months count: a (month, unit) pair counts when a decided, published or locked
period of that month covers the unit, so a sub-scope whose month is still running adds
nothing. Tasks: due in the month (cancelled ones aside), on time when completed on or before
their effective deadline (as the dashboard's on-time rate). Dossiers: handled in the month,
on time as rated. Both are read from the summary rows of the decided periods
(`scoring.dashboards.summaries`), which every task written in a decided month updates.
Three queries whatever the size of the unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from directives.regulation_defaults import DEFAULTS
from scoring.dashboards.scope import series_units
from scoring.dashboards.summaries import month_sums
from scoring.month.selectors.inputs import covering_period
from units.formats import percent
from units.models import Unit


@dataclass
class Share:
    done: int = 0
    on_time: int = 0

    def add(self, done: int, on_time: int) -> None:
        self.done += done
        self.on_time += on_time

    @property
    def late(self) -> int:
        return self.done - self.on_time

    @property
    def rate(self) -> Decimal | None:
        return percent(self.on_time, self.done)


@dataclass
class OnTimeRow:
    label: str
    unit: Unit
    own: bool  # the unit's own members only (the late page then lists the whole unit)
    tasks: Share = field(default_factory=Share)
    dossiers: Share = field(default_factory=Share)
    tasks_year: Share = field(default_factory=Share)
    dossiers_year: Share = field(default_factory=Share)
    satisfied: int = 0  # the month's dossiers rated satisfied or very satisfied

    @property
    def satisfaction_index(self) -> Decimal | None:
        """The month's satisfaction index (docs/RULES.md §7), percent."""
        return Share(self.dossiers.done, self.satisfied).rate

    @property
    def month_rate(self) -> Decimal | None:
        """Tasks and dossiers of the month together."""
        done = self.tasks.done + self.dossiers.done
        return Share(done, self.tasks.on_time + self.dossiers.on_time).rate

    @property
    def late(self) -> int:
        return self.tasks.late + self.dossiers.late


def on_time_figure(unit: Unit, month: str, target: Decimal | None = None) -> dict:
    """{"target", "year", "rows": below the target first (the lowest first), then the others in
    tree order, "below": how many rows are below}."""
    if target is None:
        target = _target(unit, month)
    year = month[:4]
    months = [f"{year}-{n:02d}" for n in range(1, int(month[5:]) + 1)]
    rows = [OnTimeRow(label, row_unit, row_unit is unit) for label, row_unit in series_units(unit)]
    by_path = {row.unit.path: row for row in rows}
    for cell in month_sums(
        unit,
        months,
        due=Sum("tasks_due"),
        tasks_in_time=Sum("tasks_on_time"),
        handled=Sum("dossiers"),
        dossiers_in_time=Sum("dossiers_on_time"),
        satisfied=Sum("dossiers_satisfied"),
    ):
        row = by_path[cell["series"]]
        row.tasks_year.add(cell["due"], cell["tasks_in_time"])
        row.dossiers_year.add(cell["handled"], cell["dossiers_in_time"])
        if cell["month"] == month:
            row.tasks.add(cell["due"], cell["tasks_in_time"])
            row.dossiers.add(cell["handled"], cell["dossiers_in_time"])
            row.satisfied += cell["satisfied"]

    rows = [r for r in rows if r.tasks_year.done or r.dossiers_year.done]
    below = sorted(
        (r for r in rows if r.month_rate is not None and r.month_rate < target),
        key=lambda r: (r.month_rate, r.unit.path),
    )
    listed = {id(r) for r in below}  # by identity: comparing rows field by field is quadratic
    others = [r for r in rows if id(r) not in listed]
    return {"target": target, "year": year, "rows": below + others, "below": len(below)}


def _target(unit: Unit, month: str) -> Decimal:
    """The on-time target of the regulation of the period covering the unit that month (the
    nearest scope), the default without one: one query."""
    period = covering_period(unit, month)
    return period.regulation.on_time_target if period else DEFAULTS["on_time_target"]
