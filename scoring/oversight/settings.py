"""The radar's settings, read from the regulation in one place (docs/RULES.md §8). Their defaults
have one source, `directives/regulation_defaults.py`, like every other figure of a regulation."""

from dataclasses import dataclass
from decimal import Decimal

from directives.regulation_defaults import DEFAULTS


@dataclass(frozen=True)
class RadarSettings:
    consecutive: int = DEFAULTS["radar_consecutive_months"]  # the lowest tier N months in a row
    of_12: int = DEFAULTS["radar_months_of_12"]  # or in M of the last 12 months
    on_time_target: Decimal = DEFAULTS["on_time_target"]  # per cent of tasks done on time


def radar_settings(regulation) -> RadarSettings:
    """The settings of `regulation`; None (no decided month yet) gives the defaults."""
    if regulation is None:
        return RadarSettings()
    return RadarSettings(
        consecutive=regulation.radar_consecutive_months,
        of_12=regulation.radar_months_of_12,
        on_time_target=Decimal(regulation.on_time_target),
    )
