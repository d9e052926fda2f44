"""The defaults of a regulation's scoring parameters: those of regulation ND335.

The one source of these numbers (docs/RULES.md §1): the stored `directives.models.Regulation`
takes its field defaults from here, and so does the scoring engine's `Regulation`. Pure Python,
no Django import, so that the engine may read it while imports keep pointing
scoring → directives → units. The data migration that created ND335 and HN3814 keeps its own
literal values, as a landed migration must.
"""

from decimal import Decimal
from types import MappingProxyType
from typing import TypedDict, cast

CODE = "ND335"


class RegulationDefaults(TypedDict):
    """Each parameter's type, so that a typed reader (the engine) gets a Decimal, not a union."""

    weight_self: Decimal
    weight_peer: Decimal
    weight_supervisor: Decimal
    peer_trim_min: int
    task_max: Decimal
    error_step: Decimal
    delay_step: Decimal
    leader_lambda: Decimal
    leader_factor: Decimal
    bonus_cap: Decimal
    total_max: Decimal
    tier_a_min: Decimal
    tier_b_min: Decimal
    tier_c_min: Decimal
    quota_rate: Decimal
    quota_base: str
    quota_rate_outstanding: Decimal | None
    equal_share: Decimal
    coefficient_a: Decimal
    coefficient_b: Decimal
    money_unit: int
    min_rated_months: int
    satisfaction_points: bool
    satisfaction_threshold: Decimal
    satisfaction_min_ratings: int
    satisfaction_bonus: Decimal
    complaint_penalty: Decimal
    on_time_target: Decimal
    radar_consecutive_months: int
    radar_months_of_12: int


# Read-only at run time (a mapping proxy), typed per key for the type checker.
DEFAULTS = cast(
    RegulationDefaults,
    MappingProxyType(
        RegulationDefaults(
            weight_self=Decimal("0.2"),
            weight_peer=Decimal("0.3"),
            weight_supervisor=Decimal("0.5"),
            peer_trim_min=5,
            task_max=Decimal("70"),
            error_step=Decimal("0.25"),
            delay_step=Decimal("0.25"),
            leader_lambda=Decimal("0.5"),
            leader_factor=Decimal("0.5"),
            bonus_cap=Decimal("0"),
            total_max=Decimal("100"),
            tier_a_min=Decimal("90"),
            tier_b_min=Decimal("70"),
            tier_c_min=Decimal("50"),
            quota_rate=Decimal("0.20"),
            quota_base="good",
            # None: the unit's "outstanding" flag does not change the rate.
            quota_rate_outstanding=None,
            equal_share=Decimal("0.5"),
            coefficient_a=Decimal("2.0"),
            coefficient_b=Decimal("1.0"),
            money_unit=1000,
            min_rated_months=6,
            # The optional points of people's satisfaction (docs/RULES.md §1): off by default.
            satisfaction_points=False,
            satisfaction_threshold=Decimal("90"),  # percent of ratings satisfied or better
            satisfaction_min_ratings=10,
            satisfaction_bonus=Decimal("2"),
            complaint_penalty=Decimal("1"),  # per verified "unsatisfied" rating
            # The share of work on time every unit is held to (the dashboard), percent.
            on_time_target=Decimal("100"),
            # The radar: the lowest tier in N consecutive months, or in M of the last 12.
            radar_consecutive_months=3,
            radar_months_of_12=6,
        )
    ),
)
