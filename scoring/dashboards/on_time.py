"""Work on time against the target (issue 16, docs/RULES.md §7): for the dashboard's month and
its year, each direct subunit's (and the unit's own members') share of tasks and of dossiers
done on time, against the regulation's `on_time_target`, the units below it first, each with a
link to its late items.

Only decided months count: a (month, unit) pair counts when a decided, published or locked
period of that month covers the unit, so a sub-scope whose month is still running adds
nothing. Tasks: due in the month (cancelled ones aside), on time when completed on or before
their effective deadline (as the dashboard's on-time rate). Dossiers: handled in the month,
on time as rated. Not part of the dashboard's cached body (tasks and dossiers change meanwhile).
Five queries whatever the size of the unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from directives.dossiers.models import SATISFIED_RATINGS, DossierRating
from directives.regulation_defaults import DEFAULTS
from scoring.dashboards.scope import FROZEN, tasks_due
from scoring.models import month_bounds
from scoring.month.selectors.inputs import covering_period
from scoring.month.selectors.periods import periods_covering
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
    first = month_bounds(f"{year}-01")[0]
    last = month_bounds(month)[1]
    months = [f"{year}-{n:02d}" for n in range(1, int(month[5:]) + 1)]
    decided = list(
        periods_covering([unit.path])
        .filter(phase__in=FROZEN, month__in=months)
        .values_list("month", "scope__path")
    )

    def is_decided(cell_month: str, path: str) -> bool:
        return any(m == cell_month and path.startswith(p) for m, p in decided)

    children = list(Unit.objects.filter(parent=unit).order_by("code"))
    rows = [OnTimeRow(c.name, c, False) for c in children]
    rows.append(OnTimeRow(_("Own members of %(unit)s") % {"unit": unit.name}, unit, True))

    def row_of(path: str) -> OnTimeRow:
        for row in rows[:-1]:
            if path.startswith(row.unit.path):
                return row
        return rows[-1]

    def add(cells, share: str) -> None:
        """Each (month, unit path, done, on time, ...) cell of a decided month to its row."""
        for cell_month, path, done, on_time, *satisfied in cells:
            cell_month = f"{cell_month:%Y-%m}"
            if not is_decided(cell_month, path):
                continue
            row = row_of(path)
            getattr(row, f"{share}_year").add(done, on_time)
            if cell_month == month:
                getattr(row, share).add(done, on_time)
                row.satisfied += sum(satisfied)

    add(tasks_due(unit, first, last, "unit__path"), "tasks")
    dossier_cells = (
        DossierRating.objects.filter(
            unit__path__startswith=unit.path, handled_on__gte=first, handled_on__lte=last
        )
        .annotate(handled_month=TruncMonth("handled_on"))
        .values_list("handled_month", "unit__path")
        .annotate(
            handled=Count("pk"),
            on_time=Count("pk", filter=Q(on_time=True)),
            satisfied=Count("pk", filter=Q(rating__in=SATISFIED_RATINGS)),
        )
        .order_by()
    )
    add(dossier_cells, "dossiers")

    rows = [r for r in rows if r.tasks_year.done or r.dossiers_year.done]
    below = sorted(
        (r for r in rows if r.month_rate is not None and r.month_rate < target),
        key=lambda r: (r.month_rate, r.unit.path),
    )
    others = [r for r in rows if r not in below]
    return {"target": target, "year": year, "rows": below + others, "below": len(below)}


def _target(unit: Unit, month: str) -> Decimal:
    """The on-time target of the regulation of the period covering the unit that month (the
    nearest scope), the default without one: one query."""
    period = covering_period(unit, month)
    return period.regulation.on_time_target if period else DEFAULTS["on_time_target"]
