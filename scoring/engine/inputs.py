"""What the engine is given: the regulation's parameters, its criteria, the cadres and units of a
period (docs/RULES.md §1)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from directives import regulation_defaults
from directives.regulation_defaults import DEFAULTS
from scoring.engine.arithmetic import Number, exact


class Tier(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


class QuotaBase(StrEnum):
    GOOD = "good"
    RATED = "rated"


_DEFAULT_QUOTA_BASE = QuotaBase(DEFAULTS["quota_base"])


class CriterionGroup(StrEnum):
    GENERAL = "general"
    TASK = "task"
    BONUS = "bonus"


class TaskSource(StrEnum):
    TASKS = "tasks"
    LEADER = "leader"
    MANUAL = "manual"
    MISSING = "missing"


@dataclass(frozen=True)
class Regulation:
    """Every parameter of section 5; the defaults are regulation ND335's, read from
    `directives/regulation_defaults.py`, their one source."""

    code: str = regulation_defaults.CODE
    weight_self: Decimal = DEFAULTS["weight_self"]
    weight_peer: Decimal = DEFAULTS["weight_peer"]
    weight_supervisor: Decimal = DEFAULTS["weight_supervisor"]
    peer_trim_min: int = DEFAULTS["peer_trim_min"]
    task_max: Decimal = DEFAULTS["task_max"]
    error_step: Decimal = DEFAULTS["error_step"]
    delay_step: Decimal = DEFAULTS["delay_step"]
    leader_lambda: Decimal = DEFAULTS["leader_lambda"]
    leader_factor: Decimal = DEFAULTS["leader_factor"]
    bonus_cap: Decimal = DEFAULTS["bonus_cap"]
    total_max: Decimal = DEFAULTS["total_max"]
    tier_a_min: Decimal = DEFAULTS["tier_a_min"]
    tier_b_min: Decimal = DEFAULTS["tier_b_min"]
    tier_c_min: Decimal = DEFAULTS["tier_c_min"]
    quota_rate: Decimal = DEFAULTS["quota_rate"]
    quota_base: QuotaBase = _DEFAULT_QUOTA_BASE
    quota_rate_outstanding: Decimal | None = DEFAULTS["quota_rate_outstanding"]
    equal_share: Decimal = DEFAULTS["equal_share"]
    coefficient_a: Decimal = DEFAULTS["coefficient_a"]
    coefficient_b: Decimal = DEFAULTS["coefficient_b"]
    money_unit: int = DEFAULTS["money_unit"]
    min_rated_months: int = DEFAULTS["min_rated_months"]
    satisfaction_points: bool = DEFAULTS["satisfaction_points"]
    satisfaction_threshold: Decimal = DEFAULTS["satisfaction_threshold"]
    satisfaction_min_ratings: int = DEFAULTS["satisfaction_min_ratings"]
    satisfaction_bonus: Decimal = DEFAULTS["satisfaction_bonus"]
    complaint_penalty: Decimal = DEFAULTS["complaint_penalty"]
    on_time_target: Decimal = DEFAULTS["on_time_target"]
    radar_consecutive_months: int = DEFAULTS["radar_consecutive_months"]
    radar_months_of_12: int = DEFAULTS["radar_months_of_12"]

    @classmethod
    def nd335(cls) -> Regulation:
        return cls()

    @classmethod
    def hn3814(cls) -> Regulation:
        return cls(
            code="HN3814",
            bonus_cap=Decimal("10"),
            quota_rate=Decimal("0.30"),
            quota_base=QuotaBase.RATED,
            quota_rate_outstanding=Decimal("0.40"),
        )

    @property
    def allows_bonus(self) -> bool:
        """Bonus points may be recorded only under a regulation with a positive bonus cap."""
        return self.bonus_cap > 0

    def rate_for(self, outstanding: bool) -> Fraction:
        if outstanding and self.quota_rate_outstanding is not None:
            return exact(self.quota_rate_outstanding)
        return exact(self.quota_rate)


ND335 = Regulation.nd335()
HN3814 = Regulation.hn3814()


@dataclass(frozen=True)
class Criterion:
    code: str
    group: str
    max_points: Number


@dataclass(frozen=True)
class TaskInput:
    """A task whose effective deadline falls in the month; errors, delays net of exemptions."""

    weight: Number = 1
    completed: bool = True
    accepted: bool = True
    errors: int = 0
    delays: int = 0
    code: str = ""


@dataclass(frozen=True)
class ServiceInput:
    """The month's rated dossiers of a cadre who serves the public (docs/RULES.md §1):
    how many were rated, how many of them satisfied or very satisfied, how many "unsatisfied"
    ratings were verified as complaints."""

    rated: int = 0
    satisfied: int = 0
    verified_complaints: int = 0


@dataclass(frozen=True)
class CadreInput:
    """One cadre in the period; points are keyed by criterion code."""

    code: str
    unit_code: str
    job_group: str
    is_leader: bool = False
    tasks: tuple[TaskInput, ...] = ()
    manual_task_score: Number | None = None
    self_points: Mapping[str, Number] = field(default_factory=dict)
    peer_points: Mapping[str, Sequence[Number]] = field(default_factory=dict)
    supervisor_points: Mapping[str, Number] = field(default_factory=dict)
    bonus_points: tuple[Number, ...] = ()
    penalty_points: tuple[Number, ...] = ()
    discipline: bool = False
    leave: bool = False
    # Read only when the regulation turns the satisfaction points on.
    service: ServiceInput | None = None


@dataclass(frozen=True)
class UnitInput:
    code: str
    pool: int = 0
    outstanding: bool = False
