"""What the engine returns: exact values with their shown rounding, a cadre's result, a unit's
pool split and a period's outcome."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from scoring.engine.arithmetic import Number, exact, round_half_up
from scoring.engine.inputs import TaskSource, Tier
from scoring.engine.reasons import Reason


@dataclass(frozen=True)
class Value:
    """An exact value and the same value rounded half up to 2 decimals, as shown."""

    exact: Fraction
    shown: Decimal

    @classmethod
    def of(cls, x: Number) -> Value:
        x = exact(x)
        key = (x.numerator, x.denominator)
        value = _VALUES.get(key)
        if value is None:
            value = cls(x, round_half_up(x))
            if len(_VALUES) < _VALUES_KEPT:
                _VALUES[key] = value
        return value

    def __str__(self) -> str:
        return str(self.shown)


# A month's values repeat (qn = 1, a bonus of 0, the same self-assessment sums): each distinct
# value is rounded and made a Value once. Values are immutable, so one object serves them all.
_VALUES: dict[tuple[int, int], Value] = {}
_VALUES_KEPT = 65_536


@dataclass(frozen=True)
class TaskRatios:
    qn: Fraction
    ql: Fraction
    pg: Fraction

    @property
    def ratio(self) -> Fraction:
        return (self.qn + self.ql + self.pg) / 3


@dataclass(frozen=True, kw_only=True)
class Placed:
    """Where the ranks (5.6) and the pool (5.7) put a cadre: none of it for one not rated."""

    rank_in_unit: int | None
    rank_in_scope: int | None
    reward_equal: int
    reward_merit: int
    reward: int
    equal_split: int | None


@dataclass(frozen=True)
class CadreResult(Placed):
    code: str
    unit_code: str
    job_group: str
    is_leader: bool
    decidable: bool
    rated: bool
    self_score: Value | None
    peer_score: Value | None
    supervisor_score: Value | None
    general: Value | None
    task: Value | None
    task_source: TaskSource
    qn: Value | None
    ql: Value | None
    pg: Value | None
    unit_ratio: Value | None
    bonus: Value
    penalty: Value
    total: Value | None
    tier_before_quota: Tier | None
    tier: Tier | None
    reasons: tuple[Reason, ...]

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


@dataclass(frozen=True)
class PoolSplit:
    pool: int
    rated: int
    equal_each: int
    merit_by_code: Mapping[str, int]
    equal_by_code: Mapping[str, int]
    distributed: int
    undistributed: int
    equal_split: int | None

    def reward(self, code: str) -> int:
        return self.equal_by_code.get(code, 0) + self.merit_by_code.get(code, 0)


@dataclass(frozen=True)
class UnitOutcome:
    code: str
    pool: int
    rated: int
    distributed: int
    undistributed: int
    equal_split: int | None

    @classmethod
    def of(cls, code: str, split: PoolSplit) -> UnitOutcome:
        return cls(
            code, split.pool, split.rated, split.distributed, split.undistributed, split.equal_split
        )


@dataclass(frozen=True)
class PeriodOutcome:
    cadres: tuple[CadreResult, ...]
    units: tuple[UnitOutcome, ...]

    def cadre(self, code: str) -> CadreResult:
        return next(c for c in self.cadres if c.code == code)

    def unit(self, code: str) -> UnitOutcome:
        return next(u for u in self.units if u.code == code)


def value_of(x: Fraction | None) -> Value | None:
    return None if x is None else Value.of(x)
