"""The demo people's levels (a few excellent, most around the middle) and the small helpers of
the demo's months: a unit's suffix, the month before, the ND335 regulation, a share of a
criterion's maximum."""

import importlib
from decimal import Decimal

from django.apps import apps as django_apps

from directives.models import Regulation

# How well each cadre works, month after month, as a share of the maximum: a few excellent
# cadres, the others about normal, so that totals spread around 75 with some A, C and D.
EXCELLENT_SHARE, EXCELLENT_LOW = 0.12, 0.9


LEVEL_MEAN, LEVEL_SD, LEVEL_LOW, LEVEL_HIGH = 0.59, 0.08, 0.40, 1.0


def _level(rng) -> float:
    if rng.random() < EXCELLENT_SHARE:
        return rng.uniform(EXCELLENT_LOW, LEVEL_HIGH)
    return min(LEVEL_HIGH, max(LEVEL_LOW, rng.gauss(LEVEL_MEAN, LEVEL_SD)))


def _general_share(level: float) -> float:
    """General criteria are marked more generously than task results are earned."""
    return 0.2 + 0.7 * level


def _suffix(unit) -> str:
    """ "HH-KT" → "KT"; "" for a ward or the city."""
    return unit.code.split("-", 1)[1] if "-" in unit.code else ""


def _nd335() -> Regulation:
    """Regulation ND335; a flushed test database (browser tests) lost the rows the data
    migration wrote, so they are written again the migration's way."""
    if not Regulation.objects.filter(code="ND335").exists():
        migration = importlib.import_module(
            "directives.migrations.0001_squashed_0009_dossiers_satisfaction"
        )
        migration.create(django_apps, None)
    return Regulation.objects.get(code="ND335")


def _quarter(value: float, top: Decimal) -> Decimal:
    """`value` (a share of `top`) as points in quarter steps, within 0..top."""
    quarters = round(float(top) * min(1.0, max(0.0, value)) * 4)
    return Decimal(quarters) / 4
