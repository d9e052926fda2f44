"""What every dashboard reads first: the unit shown, the units a leader may pick, the decided
months and the trend's window; the figures' rounding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, F, Q, Value
from django.db.models.functions import StrIndex, Substr, TruncMonth
from django.utils.translation import gettext as _

from directives.models import Task
from scoring.models import TIERS, Period, Phase
from units.models import PATH_SEPARATOR, Unit

FROZEN = (Phase.DECIDED, Phase.APPEALS, Phase.LOCKED)


RATED = Q(rated=True, tier__in=TIERS)


ON_TIME = Q(completed_on__isnull=False, completed_on__lte=F("effective_deadline"))


TREND_MONTHS = 12


RANKING_PAGE_SIZE = 50
# The dashboard's tables of units (the league, work on time, converted output): a city of
# 100,000 cadres has 769 wards, which drawn whole made a 1.5 MB page of a second.
UNITS_PAGE_SIZE = 50


NOT_RATED = "none"  # the ranking's tier filter for results without a tier


_SUMS = DecimalField(max_digits=20, decimal_places=4)


_CENT = Decimal("0.01")


def _rounded(value: Decimal | None) -> Decimal | None:
    """Half up, as every shown figure (the rates: `units.formats.percent`)."""
    return None if value is None else value.quantize(_CENT, rounding=ROUND_HALF_UP)


def tasks_due(unit: Unit, first: dt.date, last: dt.date, by: str):
    """The tasks under `unit` due from `first` to `last` (cancelled ones aside), counted per
    month of their effective deadline and `by` (a unit's field): (month, `by`, due, on time)
    rows. One query."""
    return (
        Task.objects.due_in_month(first, last)
        .filter(unit__path__startswith=unit.path)
        .annotate(due_month=TruncMonth("effective_deadline"))
        .values_list("due_month", by)
        .annotate(due=Count("pk"), on_time=Count("pk", filter=ON_TIME))
        .order_by()
    )


# --- scope and months ----------------------------------------------------------------------


def dashboard_unit(scope, code: str | None) -> Unit | None:
    """The unit asked for when the user may read it (else None); without a code, the highest
    unit they may read (the first in tree order among the shallowest)."""
    if code:
        unit = Unit.objects.filter(code=code).first()
        return unit if unit is not None and scope.can_browse(unit) else None
    if scope.is_admin:
        return Unit.objects.order_by("depth", "path").first()
    return min((r.unit for r in scope.roles), key=lambda u: (u.depth, u.path), default=None)


def picker_units(scope, unit: Unit) -> list[Unit]:
    """The unit picker, small at any size: the user's highest units, the way down to `unit`
    and its subunits, in tree order, indented by depth (one query)."""
    tops = Q(depth=0) if scope.is_admin else Q(path__in=scope.read_paths)
    near = Q(path__in=unit.ancestor_paths()) | Q(parent_id=unit.pk)
    units = [
        u
        for u in Unit.objects.filter(tops | near)
        .only("code", "name", "path", "depth", "parent_id")
        .order_by("path")
        if scope.can_browse(u)
    ]
    top = min((u.depth for u in units), default=0)
    for u in units:
        u.indent = "\u00a0\u00a0\u00a0" * (u.depth - top)
    return units


def decided_months(unit: Unit) -> list[str]:
    """Months with a decided, published or locked period over the unit, newest first."""
    return months_and_stamp(unit)[0]


def months_and_stamp(unit: Unit) -> tuple[list[str], str]:
    """The unit's decided months and a stamp that changes whenever one of them is decided
    again (a correction decided too: it rewrites the summary rows), reopened or newly decided:
    what the cached dashboard pages depend on (one query)."""
    rows = (
        Period.objects.filter(phase__in=FROZEN)
        .filter(Q(scope__path__in=unit.ancestor_paths()) | Q(scope__path__startswith=unit.path))
        .values_list("month", "pk", "decided_at", "summarized_at")
        .order_by("-month", "pk")
    )
    months: list[str] = []
    stamp = []
    for month, pk, *times in rows:
        if not months or months[-1] != month:
            months.append(month)
        stamp.append(f"{pk}@" + "@".join(str(t.timestamp()) if t else "" for t in times))
    return months, ",".join(stamp)


def trend_window(months: Sequence[str], month: str) -> list[str]:
    """The last `TREND_MONTHS` decided months up to `month`, oldest first."""
    return sorted(m for m in months if m <= month)[-TREND_MONTHS:]


def series_of_path(unit: Unit, path: str) -> str:
    """The path of the row a unit of `unit`'s subtree (`path`) adds to on `unit`'s dashboard:
    `unit` itself (its own members) or the direct subunit whose subtree holds it
    ("/HN/" and "/HN/W1/W1-A/" -> "/HN/W1/")."""
    rest = path[len(unit.path) :]
    return unit.path + rest.split(PATH_SEPARATOR, 1)[0] + PATH_SEPARATOR if rest else unit.path


def series_units(unit: Unit) -> list[tuple[str, Unit]]:
    """The rows of `unit`'s dashboard tables with their labels: each direct subunit (its
    subtree), by code, then `unit` itself for its own members (one query)."""
    rows = [(child.name, child) for child in Unit.objects.filter(parent=unit).order_by("code")]
    rows.append((_("Own members of %(unit)s") % {"unit": unit.name}, unit))
    return rows


def series_path(unit: Unit):
    """In SQL, `series_of_path` of the row's `unit__path`."""
    start = len(unit.path)
    rest = Substr("unit__path", start + 1)
    return Substr("unit__path", 1, Value(start) + StrIndex(rest, Value(PATH_SEPARATOR)))
