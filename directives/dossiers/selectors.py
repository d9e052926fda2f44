"""Reads of the dossier ratings (docs/RULES.md §7): per cadre and per unit and month, how many
dossiers were handled, the share on time and the satisfaction index; the month's comments for
the head. Each read is one query, whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from directives.dossiers.models import SATISFIED_RATINGS, DossierRating, Rating
from units.compiled import CompiledRows
from units.formats import percent
from units.models import Unit


@dataclass(frozen=True)
class ServiceFigures:
    """A cadre's or a unit's dossiers of a period."""

    handled: int = 0
    on_time: int = 0
    satisfied: int = 0
    verified_complaints: int = 0

    @property
    def late(self) -> int:
        return self.handled - self.on_time

    @property
    def on_time_rate(self) -> Decimal | None:
        """Percent, 1 decimal; None without a dossier."""
        return percent(self.on_time, self.handled)

    @property
    def satisfaction_index(self) -> Decimal | None:
        """The share rated satisfied or very satisfied, percent, 1 decimal; None without one."""
        return percent(self.satisfied, self.handled)

    def __add__(self, other: ServiceFigures) -> ServiceFigures:
        return ServiceFigures(
            self.handled + other.handled,
            self.on_time + other.on_time,
            self.satisfied + other.satisfied,
            self.verified_complaints + other.verified_complaints,
        )


COUNTS = {
    "handled": Count("pk"),
    "on_time_count": Count("pk", filter=Q(on_time=True)),
    "satisfied": Count("pk", filter=Q(rating__in=SATISFIED_RATINGS)),
    "verified_complaints": Count("pk", filter=Q(verified=True, rating=Rating.UNSATISFIED)),
}


def _figures(row: Mapping[str, Any]) -> ServiceFigures:
    return ServiceFigures(
        handled=row["handled"],
        on_time=row["on_time_count"],
        satisfied=row["satisfied"],
        verified_complaints=row["verified_complaints"],
    )


def month_days(month: str) -> tuple[dt.date, dt.date]:
    """The first and last day of "YYYY-MM"."""
    year, number = int(month[:4]), int(month[5:7])
    first = dt.date(year, number, 1)
    following = dt.date(year + number // 12, number % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def cadre_figures(
    cadre_ids: Iterable[int] | QuerySet, first_day: dt.date, last_day: dt.date
) -> dict[int, ServiceFigures]:
    """Each cadre's dossiers handled between the two days (one query, compiled once per
    process for a list of ids); absent without one."""
    rows: Iterable[tuple]
    if isinstance(cadre_ids, list):
        rows = _listed_figures.rows(cadre_ids, first_day, last_day)
    else:
        rows = _cadre_figure_rows(cadre_ids, first_day, last_day)
    return {cadre_id: ServiceFigures(*counts) for cadre_id, *counts in rows}


def _cadre_figure_rows(
    cadre_ids: Iterable[int] | QuerySet, first_day: dt.date, last_day: dt.date
) -> QuerySet[Any]:
    """(cadre id, *COUNTS), the order of ServiceFigures' fields."""
    return (
        DossierRating.objects.filter(
            cadre_id__in=cadre_ids, handled_on__gte=first_day, handled_on__lte=last_day
        )
        .values("cadre_id")
        .annotate(**COUNTS)
        .order_by()
        .values_list("cadre_id", *COUNTS)
    )


# Each grid row's save shows its member's dossiers (docs/PERFORMANCE.md).
_listed_figures = CompiledRows(DossierRating, _cadre_figure_rows)


def unit_figures(
    units: Iterable[Unit], first_day: dt.date, last_day: dt.date
) -> dict[int, ServiceFigures]:
    """Each unit's dossiers between the two days, its subtree's included (one query)."""
    units = list(units)
    if not units:
        return {}
    condition = Q()
    for unit in units:
        condition |= Q(unit__path__startswith=unit.path)
    rows = (
        DossierRating.objects.filter(condition, handled_on__gte=first_day, handled_on__lte=last_day)
        .values("unit__path")
        .annotate(**COUNTS)
        .order_by()
    )
    totals = {unit.pk: ServiceFigures() for unit in units}
    for row in rows:
        for unit in units:
            if row["unit__path"].startswith(unit.path):
                totals[unit.pk] += _figures(row)
    return totals


def unit_comments(unit: Unit, first_day: dt.date, last_day: dt.date) -> QuerySet[DossierRating]:
    """The rated dossiers with a comment of the unit's subtree in the period, the verified
    complaints first (one query)."""
    return (
        DossierRating.objects.filter(
            unit__path__startswith=unit.path,
            handled_on__gte=first_day,
            handled_on__lte=last_day,
        )
        .exclude(comment="")
        .select_related("cadre", "unit")
        .order_by("-verified", "handled_on", "code")
    )


def late_dossiers(unit: Unit, first_day: dt.date, last_day: dt.date) -> QuerySet[DossierRating]:
    """The dossiers of the unit's subtree handled late in the period (one query)."""
    return (
        DossierRating.objects.filter(
            unit__path__startswith=unit.path,
            handled_on__gte=first_day,
            handled_on__lte=last_day,
            on_time=False,
        )
        .select_related("cadre", "unit")
        .order_by("handled_on", "code")
    )
