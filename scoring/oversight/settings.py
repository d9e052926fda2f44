"""The radar's settings, read from the regulation in one place (docs/RULES.md §8)."""

from dataclasses import dataclass
from decimal import Decimal

DEFAULT_CONSECUTIVE = 3
DEFAULT_OF_12 = 6
DEFAULT_ON_TIME_TARGET = Decimal(100)


@dataclass(frozen=True)
class RadarSettings:
    consecutive: int = DEFAULT_CONSECUTIVE  # the lowest tier in N months in a row
    of_12: int = DEFAULT_OF_12  # or in M of the last 12 months
    on_time_target: Decimal = DEFAULT_ON_TIME_TARGET  # per cent of tasks done on time


def radar_settings(regulation) -> RadarSettings:
    """The settings of `regulation` (None: the defaults). The regulation's own fields
    `radar_consecutive_months`, `radar_months_of_12` and `on_time_target` are read when the
    regulation has them; a regulation without them (or before they exist) gives the defaults,
    so this is the one place that changes when they do."""
    if regulation is None:
        return RadarSettings()
    return RadarSettings(
        consecutive=int(getattr(regulation, "radar_consecutive_months", DEFAULT_CONSECUTIVE)),
        of_12=int(getattr(regulation, "radar_months_of_12", DEFAULT_OF_12)),
        on_time_target=Decimal(getattr(regulation, "on_time_target", DEFAULT_ON_TIME_TARGET)),
    )
