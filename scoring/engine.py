"""The scoring rules of docs/RULES.md §1 as pure functions over frozen dataclasses.

No Django, no database: the standard library and the pure defaults module
`directives.regulation_defaults` only. Everything is computed with ``Fraction`` and
rounded once, half up, to 2 decimals at the end; money is integer VND. The service builds the
inputs for a whole period, calls :func:`decide_period` once and writes the outcome.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from directives import regulation_defaults
from directives.regulation_defaults import DEFAULTS

Number = Decimal | Fraction | int

ZERO = Fraction(0)
ONE = Fraction(1)


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


@dataclass(frozen=True)
class UnitInput:
    code: str
    pool: int = 0
    outstanding: bool = False


@dataclass(frozen=True)
class Value:
    """An exact value and the same value rounded half up to 2 decimals, as shown."""

    exact: Fraction
    shown: Decimal

    @classmethod
    def of(cls, x: Number) -> Value:
        x = exact(x)
        return cls(x, round_half_up(x))

    def __str__(self) -> str:
        return str(self.shown)


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass(frozen=True)
class TaskRatios:
    qn: Fraction
    ql: Fraction
    pg: Fraction

    @property
    def ratio(self) -> Fraction:
        return (self.qn + self.ql + self.pg) / 3


@dataclass(frozen=True)
class CadreResult:
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
    rank_in_unit: int | None
    rank_in_scope: int | None
    reward_equal: int
    reward_merit: int
    reward: int
    equal_split: int | None
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


@dataclass(frozen=True)
class PeriodOutcome:
    cadres: tuple[CadreResult, ...]
    units: tuple[UnitOutcome, ...]

    def cadre(self, code: str) -> CadreResult:
        return next(c for c in self.cadres if c.code == code)

    def unit(self, code: str) -> UnitOutcome:
        return next(u for u in self.units if u.code == code)


# --- numbers -------------------------------------------------------------------------------


def exact(x: Number) -> Fraction:
    if type(x) is Fraction:
        return x
    # A float would smuggle binary rounding (0.1 != 1/10) into an exact computation.
    if isinstance(x, bool | float):
        raise TypeError(f"expected Decimal, Fraction or int, got {type(x).__name__}")
    return _fraction_of(x)


@functools.lru_cache(maxsize=4096)
def _fraction_of(x: Decimal | int) -> Fraction:
    # A month holds few distinct points (0..max in steps of 0.25 or so) but hundreds of
    # thousands of them: converting each value once keeps a city's decision fast.
    return Fraction(x)


def round_half_up(x: Fraction, places: int = 2) -> Decimal:
    """Same result as ``Decimal.quantize(..., ROUND_HALF_UP)`` on the exact value."""
    x = exact(x)
    scale = 10**places
    # floor(|n/d| * scale + 1/2) in integers: the Fraction operators cost 10x more.
    magnitude = (2 * abs(x.numerator) * scale + x.denominator) // (2 * x.denominator)
    return Decimal(-magnitude if x < 0 else magnitude).scaleb(-places)


def floor_to(x: Fraction, unit: int) -> int:
    return math.floor(x / unit) * unit


def _percent(rate: Fraction) -> str:
    return format(round_half_up(rate * 100).normalize(), "f")


def _vi_decimal(x: Number) -> str:
    # Vietnamese writes a decimal comma: 2,5 điểm.
    return format(round_half_up(exact(x)).normalize(), "f").replace(".", ",")


# --- 5.1 task results ----------------------------------------------------------------------


def task_completed(completed_on: datetime.date | None, last_day: datetime.date) -> bool:
    """A task counts as completed in a month when it was done on or before the month's last
    day; a task done later, or not done, is not completed (Qn = 0 for it)."""
    return completed_on is not None and completed_on <= last_day


def task_ratios(tasks: Iterable[TaskInput], regulation: Regulation = ND335) -> TaskRatios | None:
    """Weight-averaged Qn, Ql, Pg over the month's tasks; None without tasks."""
    error_step = exact(regulation.error_step)
    delay_step = exact(regulation.delay_step)
    total_weight = qn = ql = pg = ZERO
    for task in tasks:
        weight = exact(task.weight)
        if weight <= 0 or task.errors < 0 or task.delays < 0:
            raise ValueError(f"task {task.code!r}: weight must be > 0, errors and delays >= 0")
        total_weight += weight
        if not task.completed:
            continue
        qn += weight
        if task.accepted:
            ql += _kept(weight, error_step, task.errors)
        pg += _kept(weight, delay_step, task.delays)
    if total_weight == 0:
        return None
    return TaskRatios(qn / total_weight, ql / total_weight, pg / total_weight)


def _kept(weight: Fraction, step: Fraction, count: int) -> Fraction:
    """The weight a task keeps after `count` steps down (25% each by default), floor 0."""
    return weight if count == 0 else weight * max(ZERO, 1 - step * count)


def task_score(ratios: TaskRatios, regulation: Regulation = ND335) -> Fraction:
    return exact(regulation.task_max) * ratios.ratio


def leader_task_score(
    own: TaskRatios | None,
    unit: TaskRatios | None,
    staff_has_d: bool,
    regulation: Regulation = ND335,
) -> Fraction | None:
    """T of a head or deputy; None when the unit has no task (the manual T applies)."""
    if unit is None:
        return None
    lam = exact(regulation.leader_lambda)
    own_ratio = own.ratio if own is not None else unit.ratio
    factor = exact(regulation.leader_factor) if staff_has_d else ONE
    return exact(regulation.task_max) * ((1 - lam) * own_ratio + lam * unit.ratio * factor)


# --- 5.2 general criteria ------------------------------------------------------------------


def trimmed_peer_mean(points: Sequence[Number], trim_min: int = 5) -> Fraction | None:
    """Mean of peer points, without the single highest and lowest from ``trim_min`` on."""
    if not points:
        return None
    # Sorted as given (stored points are Decimals, compared in C), summed exactly.
    values = sorted(points, key=exact) if _mixed(points) else sorted(points)
    if len(values) >= trim_min:
        values = values[1:-1]
    return exact_sum(values) / len(values)


def _mixed(points: Sequence[Number]) -> bool:
    return len({type(p) for p in points}) > 1


# Decimal addition is exact until a sum needs more digits than the context holds; this context
# raises instead of rounding, so a sum computed in it is the exact sum or nothing.
_EXACT_DECIMALS = decimal.Context(prec=decimal.MAX_PREC, traps=[decimal.Inexact, decimal.Rounded])


def exact_sum(values: Iterable[Number]) -> Fraction:
    """The exact sum; stored points (all Decimals) are added as Decimals, ten times faster."""
    values = list(values)
    if all(type(v) is Decimal for v in values):
        total = Decimal(0)
        for value in values:
            total = _EXACT_DECIMALS.add(total, value)
        return exact(total)
    return sum(map(exact, values), ZERO)


def general_value(
    self_points: Number | None,
    peer_mean: Number | None,
    supervisor_points: Number | None,
    regulation: Regulation = ND335,
) -> Fraction | None:
    """Weighted value of one criterion; a missing self or peer part lends its weight pro rata."""
    if supervisor_points is None:
        return None
    weight = exact(regulation.weight_supervisor)
    value = weight * exact(supervisor_points)
    for part_weight, points in (
        (regulation.weight_self, self_points),
        (regulation.weight_peer, peer_mean),
    ):
        if points is not None:
            value += exact(part_weight) * exact(points)
            weight += exact(part_weight)
    return value if weight == 1 else value / weight


# --- 5.3 total, 5.4 tier -------------------------------------------------------------------


def capped_bonus(points: Iterable[Number], regulation: Regulation = ND335) -> Fraction:
    return min(sum((exact(p) for p in points), ZERO), exact(regulation.bonus_cap))


def total_score(
    general: Number,
    task: Number,
    bonus: Number = 0,
    penalty: Number = 0,
    regulation: Regulation = ND335,
) -> Fraction:
    raw = exact(general) + exact(task) + exact(bonus) - exact(penalty)
    return min(max(raw, ZERO), exact(regulation.total_max))


def tier_for(total: Decimal, regulation: Regulation = ND335) -> Tier:
    """Tier of a total as shown (rounded)."""
    if total >= regulation.tier_a_min:
        return Tier.A
    if total >= regulation.tier_b_min:
        return Tier.B
    if total >= regulation.tier_c_min:
        return Tier.C
    return Tier.D


# --- 5.5 quota -----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaCandidate:
    """A rated cadre of one unit and job group; ``total`` is the rounded total."""

    code: str
    tier: Tier
    total: Decimal
    supervisor_general: Fraction = ZERO
    pg: Fraction = ZERO
    penalty: Fraction = ZERO


def quota_keep(
    n_a: int, n_b: int, n_rated: int, rate: Fraction, base: QuotaBase = QuotaBase.GOOD
) -> int:
    """How many A-candidates keep A."""
    for k in range(n_a, 0, -1):
        base_count = n_b + (n_a - k) if base == QuotaBase.GOOD else n_rated
        if k <= math.floor(rate * base_count):
            return k
    return 0


def quota_order_key(c: QuotaCandidate) -> tuple:
    return (-c.total, -c.supervisor_general, -c.pg, c.penalty, c.code)


def apply_quota(
    candidates: Sequence[QuotaCandidate], rate: Fraction, base: QuotaBase = QuotaBase.GOOD
) -> dict[str, Tier]:
    """Final tier of every candidate of one unit and job group."""
    a_candidates = sorted((c for c in candidates if c.tier == Tier.A), key=quota_order_key)
    n_b = sum(1 for c in candidates if c.tier == Tier.B)
    keep = quota_keep(len(a_candidates), n_b, len(candidates), rate, base)
    final = {c.code: c.tier for c in candidates}
    for c in a_candidates[keep:]:
        final[c.code] = Tier.B
    return final


# --- 5.6 ranks -----------------------------------------------------------------------------


def competition_ranks(totals: Mapping[str, Decimal]) -> dict[str, int]:
    """Standard competition ranking (1, 2, 2, 4), highest total first."""
    ordered = sorted(totals.values(), reverse=True)
    first_position: dict[Decimal, int] = {}
    for position, total in enumerate(ordered, start=1):
        first_position.setdefault(total, position)
    return {code: first_position[total] for code, total in totals.items()}


# --- 5.7 rewards ---------------------------------------------------------------------------


def split_pool(pool: int, tiers: Mapping[str, Tier], regulation: Regulation = ND335) -> PoolSplit:
    """Split a unit's pool among its rated members (``tiers`` holds final tiers, A-D)."""
    unit = regulation.money_unit
    eligible = [code for code, tier in tiers.items() if tier in (Tier.A, Tier.B, Tier.C)]
    coefficients = {
        Tier.A: exact(regulation.coefficient_a),
        Tier.B: exact(regulation.coefficient_b),
    }
    merit = {code: coefficients[tier] for code, tier in tiers.items() if tier in coefficients}
    equal_split = floor_to(Fraction(pool, len(tiers)), unit) if tiers else None

    equal_half = Fraction(pool) * exact(regulation.equal_share)
    merit_half = pool - equal_half
    if not merit:
        equal_half, merit_half = Fraction(pool), ZERO
    equal_each = floor_to(equal_half / len(eligible), unit) if eligible else 0
    coefficient_sum = sum(merit.values(), ZERO)
    merit_by_code = {
        code: floor_to(merit_half * coefficient / coefficient_sum, unit)
        for code, coefficient in merit.items()
    }
    distributed = equal_each * len(eligible) + sum(merit_by_code.values())
    return PoolSplit(
        pool=pool,
        rated=len(tiers),
        equal_each=equal_each,
        merit_by_code=merit_by_code,
        equal_by_code=dict.fromkeys(eligible, equal_each),
        distributed=distributed,
        undistributed=pool - distributed,
        equal_split=equal_split,
    )


# --- one period ----------------------------------------------------------------------------


def _reason_quota(rate: Fraction) -> Reason:
    return Reason("quota_demoted", f"Hạ từ A xuống B do vượt tỷ lệ {_percent(rate)}%")


REASON_DISCIPLINE = Reason("discipline", "Bị kỷ luật trong tháng: xếp loại D")
REASON_LEAVE = Reason("leave", "Làm việc dưới một nửa số ngày công: không xếp loại")
REASON_LEAVE_OVERRIDDEN = Reason(
    "leave_overridden_by_discipline",
    "Làm việc dưới một nửa số ngày công nhưng bị kỷ luật: vẫn xếp loại D",
)
REASON_NO_SUPERVISOR = Reason(
    "no_supervisor_scorecard", "Chưa có phiếu đánh giá của cấp trên: chưa thể xếp loại"
)
REASON_SUPERVISOR_INCOMPLETE = Reason(
    "supervisor_scorecard_incomplete",
    "Phiếu đánh giá của cấp trên thiếu tiêu chí: chưa thể xếp loại",
)
REASON_NO_TASK_SCORE = Reason(
    "no_task_score",
    "Không có nhiệm vụ trong tháng và cấp trên chưa nhập điểm kết quả nhiệm vụ: chưa thể xếp loại",
)


def _reason_bonus_capped(asked: Fraction, cap: Fraction) -> Reason:
    if cap == 0:
        return Reason(
            "bonus_refused",
            f"Quy chế không có điểm thưởng: không tính {_vi_decimal(asked)} điểm thưởng",
        )
    return Reason(
        "bonus_capped",
        f"Điểm thưởng {_vi_decimal(asked)} vượt mức tối đa: chỉ tính {_vi_decimal(cap)} điểm",
    )


def _reason_clamped(raw: Fraction, limit: Fraction) -> Reason:
    return Reason(
        "total_clamped",
        f"Tổng điểm {_vi_decimal(raw)} được đưa về {_vi_decimal(limit)} (giới hạn 0–100)",
    )


def _reason_staff_d(factor: Fraction) -> Reason:
    return Reason(
        "staff_tier_d",
        f"Đơn vị có người xếp loại D: kết quả chung của đơn vị nhân hệ số {_vi_decimal(factor)}",
    )


@dataclass
class _Work:
    """Mutable scratch state of one cadre while the period is decided."""

    cadre: CadreInput
    self_score: Fraction | None = None
    peer_score: Fraction | None = None
    supervisor_score: Fraction | None = None
    general: Fraction | None = None
    own: TaskRatios | None = None
    unit_ratio: Fraction | None = None
    task: Fraction | None = None
    task_source: TaskSource = TaskSource.MISSING
    bonus: Fraction = ZERO
    penalty: Fraction = ZERO
    total: Fraction | None = None
    tier_before: Tier | None = None
    tier: Tier | None = None
    reasons: list[Reason] = field(default_factory=list)
    supervisor_missing: Reason | None = None

    @property
    def decidable(self) -> bool:
        return self.general is not None and self.task is not None


def _check_points(cadre: CadreInput, general: Mapping[str, Fraction]) -> None:
    peer_items = [(c, p) for c, points in cadre.peer_points.items() for p in points]
    for kind, items in (
        ("self", cadre.self_points.items()),
        ("peer", peer_items),
        ("supervisor", cadre.supervisor_points.items()),
    ):
        for code, points in items:
            if code not in general:
                raise ValueError(f"{cadre.code}: {kind} points for unknown criterion {code!r}")
            if not _within(points, general[code]):
                raise ValueError(
                    f"{cadre.code}: {kind} {code} = {points} outside 0..{general[code]}"
                )
    for points in (*cadre.bonus_points, *cadre.penalty_points):
        if exact(points) < 0:
            raise ValueError(f"{cadre.code}: bonus and penalty points must be >= 0")


@functools.lru_cache(maxsize=4096)
def _within(points: Number, maximum: Fraction) -> bool:
    # Few distinct (points, maximum) pairs in a month: each checked once.
    return 0 <= exact(points) <= maximum


def _score_general(work: _Work, general: Mapping[str, Fraction], regulation: Regulation) -> None:
    cadre = work.cadre
    _check_points(cadre, general)
    # (self, peer mean, supervisor) of each criterion, None where missing
    parts = [
        (
            cadre.self_points.get(code),
            trimmed_peer_mean(cadre.peer_points.get(code, ()), regulation.peer_trim_min),
            cadre.supervisor_points.get(code),
        )
        for code in general
    ]
    own, peer, supervisor = zip(*parts, strict=True) if parts else ((), (), ())
    work.self_score = _sum_present(own)
    work.peer_score = _sum_present(peer)
    work.supervisor_score = _sum_present(supervisor)
    supervised = sum(1 for _, _, supervisor in parts if supervisor is not None)
    if not supervised:
        work.supervisor_missing = REASON_NO_SUPERVISOR
    elif supervised < len(general):
        work.supervisor_missing = REASON_SUPERVISOR_INCOMPLETE
    elif len({(own is None, peer is None) for own, peer, _ in parts}) == 1:
        # The same parts are present in every criterion, so the same weights apply to each:
        # the sum of the criteria's values is the value of the parts' sums (exactly).
        work.general = general_value(
            work.self_score, work.peer_score, work.supervisor_score, regulation
        )
    else:
        work.general = sum((general_value(*p, regulation) for p in parts), ZERO)


def _sum_present(values: Iterable[Number | None]) -> Fraction | None:
    present = [v for v in values if v is not None]
    return exact_sum(present) if present else None


def _manual_task(work: _Work, regulation: Regulation) -> None:
    manual = work.cadre.manual_task_score
    if manual is None:
        return
    if not 0 <= exact(manual) <= exact(regulation.task_max):
        raise ValueError(f"{work.cadre.code}: manual T = {manual} outside 0..{regulation.task_max}")
    work.task = exact(manual)
    work.task_source = TaskSource.MANUAL


def _finish(work: _Work, regulation: Regulation) -> None:
    """Bonus, penalty, total and tier before quota, once G and T are known."""
    cadre = work.cadre
    asked = sum((exact(p) for p in cadre.bonus_points), ZERO)
    work.bonus = capped_bonus(cadre.bonus_points, regulation)
    if work.bonus < asked:
        work.reasons.append(_reason_bonus_capped(asked, work.bonus))
    work.penalty = sum((exact(p) for p in cadre.penalty_points), ZERO)

    if work.supervisor_missing is not None:
        work.reasons.append(work.supervisor_missing)
    if work.task is None:
        work.reasons.append(REASON_NO_TASK_SCORE)
    if not work.decidable:
        return
    raw = work.general + work.task + work.bonus - work.penalty
    work.total = total_score(work.general, work.task, work.bonus, work.penalty, regulation)
    if work.total != raw:
        work.reasons.append(_reason_clamped(raw, work.total))

    # Discipline outranks leave: "D whatever the total" must not be escaped by being away.
    if cadre.discipline:
        work.tier_before = Tier.D
        work.reasons.append(REASON_DISCIPLINE)
        if cadre.leave:
            work.reasons.append(REASON_LEAVE_OVERRIDDEN)
    elif cadre.leave:
        work.reasons.append(REASON_LEAVE)
    else:
        work.tier_before = tier_for(round_half_up(work.total), regulation)
    work.tier = work.tier_before


def decide_period(
    regulation: Regulation,
    criteria: Sequence[Criterion],
    cadres: Sequence[CadreInput],
    units: Sequence[UnitInput] = (),
) -> PeriodOutcome:
    """Decide one period for every cadre of the scope: scores, tiers, quota, ranks, rewards."""
    general = {c.code: exact(c.max_points) for c in criteria if c.group == CriterionGroup.GENERAL}
    codes = [c.code for c in cadres]
    if len(set(codes)) != len(codes):
        raise ValueError("duplicate cadre codes")
    unit_inputs = {u.code: u for u in units}

    works = [_Work(cadre) for cadre in cadres]
    members: dict[str, list[_Work]] = defaultdict(list)
    for work in works:
        members[work.cadre.unit_code].append(work)
        _score_general(work, general, regulation)
        work.own = task_ratios(work.cadre.tasks, regulation)

    # Staff first: a leader's T depends on whether a staff member of the unit is D (5.1).
    for work in works:
        if work.cadre.is_leader:
            continue
        if work.own is not None:
            work.task = task_score(work.own, regulation)
            work.task_source = TaskSource.TASKS
        else:
            _manual_task(work, regulation)
        _finish(work, regulation)

    for unit_members in members.values():
        unit_tasks = [t for w in unit_members for t in w.cadre.tasks]
        unit_ratios = task_ratios(unit_tasks, regulation)
        staff_has_d = any(w.tier == Tier.D for w in unit_members if not w.cadre.is_leader)
        for work in unit_members:
            if not work.cadre.is_leader:
                continue
            work.task = leader_task_score(work.own, unit_ratios, staff_has_d, regulation)
            if work.task is None:
                _manual_task(work, regulation)
            else:
                work.task_source = TaskSource.LEADER
                work.unit_ratio = unit_ratios.ratio
                if staff_has_d:
                    work.reasons.append(_reason_staff_d(exact(regulation.leader_factor)))
            _finish(work, regulation)

    groups: dict[tuple[str, str], list[_Work]] = defaultdict(list)
    for work in works:
        if work.tier_before is not None:
            groups[work.cadre.unit_code, work.cadre.job_group].append(work)
    for (unit_code, _), group in groups.items():
        unit = unit_inputs.get(unit_code)
        rate = regulation.rate_for(unit is not None and unit.outstanding)
        final = apply_quota([_quota_candidate(w) for w in group], rate, regulation.quota_base)
        for work in group:
            work.tier = final[work.cadre.code]
            if work.tier != work.tier_before:
                work.reasons.append(_reason_quota(rate))

    rated = [w for w in works if w.tier is not None]
    scope_ranks = competition_ranks({w.cadre.code: round_half_up(w.total) for w in rated})
    unit_ranks: dict[str, int] = {}
    splits: dict[str, PoolSplit] = {}
    unit_order = [*unit_inputs, *(code for code in members if code not in unit_inputs)]
    for unit_code in unit_order:
        unit_rated = [w for w in members.get(unit_code, []) if w.tier is not None]
        unit_ranks |= competition_ranks({w.cadre.code: round_half_up(w.total) for w in unit_rated})
        pool = unit_inputs[unit_code].pool if unit_code in unit_inputs else 0
        tiers = {w.cadre.code: w.tier for w in unit_rated}
        splits[unit_code] = split_pool(pool, tiers, regulation)

    results = tuple(_result(w, scope_ranks, unit_ranks, splits[w.cadre.unit_code]) for w in works)
    unit_outcomes = tuple(
        UnitOutcome(
            code=code,
            pool=split.pool,
            rated=split.rated,
            distributed=split.distributed,
            undistributed=split.undistributed,
            equal_split=split.equal_split,
        )
        for code, split in splits.items()
    )
    return PeriodOutcome(cadres=results, units=unit_outcomes)


@dataclass(frozen=True)
class Standing:
    """A decided cadre as the rules of 5.5–5.7 see them, once their own scores are settled.

    ``total`` is the rounded total, ``tier_before`` the tier before the quota and ``tier`` the
    tier as it stands (None: not rated); the rest are the quota's tie-breakers.
    """

    code: str
    unit_code: str
    job_group: str
    total: Decimal | None
    tier_before: Tier | None
    tier: Tier | None
    supervisor_general: Number = 0
    pg: Number = 0
    penalty: Number = 0


@dataclass(frozen=True)
class Placing:
    """What the rules give one cadre: the final tier, ranks and reward."""

    code: str
    tier: Tier | None
    quota_reason: Reason | None  # set where the quota was applied again and demoted them
    rank_in_unit: int | None
    rank_in_scope: int | None
    reward_equal: int
    reward_merit: int
    reward: int
    equal_split: int | None


def apply_rules(
    regulation: Regulation,
    standings: Sequence[Standing],
    units: Sequence[UnitInput],
    *,
    requota: Collection[tuple[str, str]],
) -> tuple[dict[str, Placing], tuple[UnitOutcome, ...]]:
    """The quota (5.5), ranks (5.6) and pools (5.7) over cadres whose scores are settled.

    A corrected month (docs/RULES.md §2, appeals) changes one cadre's own result; everyone else may
    move only through these rules. The quota is applied again in the groups of ``requota``
    (unit code, job group), the corrected cadre's; elsewhere each keeps the tier as it stands.
    Ranks and pool splits are computed over everyone: they depend on nothing but the rounded
    totals and final tiers, so an untouched unit comes out as it was decided.
    """
    tiers = {s.code: s.tier for s in standings}
    demoted: dict[str, Reason] = {}
    groups: dict[tuple[str, str], list[Standing]] = defaultdict(list)
    for s in standings:
        if s.tier_before is not None and (s.unit_code, s.job_group) in requota:
            groups[s.unit_code, s.job_group].append(s)
    for code in (s.code for s in standings if (s.unit_code, s.job_group) in requota):
        tiers[code] = None  # not rated, unless the group below rates them
    unit_inputs = {u.code: u for u in units}
    for (unit_code, _), group in groups.items():
        unit = unit_inputs.get(unit_code)
        rate = regulation.rate_for(unit is not None and unit.outstanding)
        candidates = [
            QuotaCandidate(
                code=s.code,
                tier=s.tier_before,
                total=s.total,
                supervisor_general=exact(s.supervisor_general),
                pg=exact(s.pg),
                penalty=exact(s.penalty),
            )
            for s in group
        ]
        final = apply_quota(candidates, rate, regulation.quota_base)
        for s in group:
            tiers[s.code] = final[s.code]
            if final[s.code] != s.tier_before:
                demoted[s.code] = _reason_quota(rate)

    members: dict[str, list[Standing]] = defaultdict(list)
    for s in standings:
        members[s.unit_code].append(s)
    rated = [s for s in standings if tiers[s.code] is not None]
    scope_ranks = competition_ranks({s.code: s.total for s in rated})
    unit_ranks: dict[str, int] = {}
    splits: dict[str, PoolSplit] = {}
    for unit_code in [*unit_inputs, *(code for code in members if code not in unit_inputs)]:
        unit_rated = [s for s in members.get(unit_code, []) if tiers[s.code] is not None]
        unit_ranks |= competition_ranks({s.code: s.total for s in unit_rated})
        pool = unit_inputs[unit_code].pool if unit_code in unit_inputs else 0
        splits[unit_code] = split_pool(
            pool, {s.code: tiers[s.code] for s in unit_rated}, regulation
        )

    placings = {}
    for s in standings:
        split = splits[s.unit_code]
        rated_here = tiers[s.code] is not None
        placings[s.code] = Placing(
            code=s.code,
            tier=tiers[s.code],
            quota_reason=demoted.get(s.code),
            rank_in_unit=unit_ranks.get(s.code),
            rank_in_scope=scope_ranks.get(s.code),
            reward_equal=split.equal_by_code.get(s.code, 0),
            reward_merit=split.merit_by_code.get(s.code, 0),
            reward=split.reward(s.code),
            equal_split=split.equal_split if rated_here else None,
        )
    outcomes = tuple(
        UnitOutcome(
            code=code,
            pool=split.pool,
            rated=split.rated,
            distributed=split.distributed,
            undistributed=split.undistributed,
            equal_split=split.equal_split,
        )
        for code, split in splits.items()
    )
    return placings, outcomes


def _quota_candidate(work: _Work) -> QuotaCandidate:
    return QuotaCandidate(
        code=work.cadre.code,
        tier=work.tier_before,
        total=round_half_up(work.total),
        supervisor_general=work.supervisor_score or ZERO,
        pg=work.own.pg if work.own is not None else ZERO,
        penalty=work.penalty,
    )


def _value(x: Fraction | None) -> Value | None:
    return None if x is None else Value.of(x)


def _result(
    work: _Work,
    scope_ranks: Mapping[str, int],
    unit_ranks: Mapping[str, int],
    split: PoolSplit,
) -> CadreResult:
    cadre = work.cadre
    rated = work.tier is not None
    own = work.own
    return CadreResult(
        code=cadre.code,
        unit_code=cadre.unit_code,
        job_group=cadre.job_group,
        is_leader=cadre.is_leader,
        decidable=work.decidable,
        rated=rated,
        self_score=_value(work.self_score),
        peer_score=_value(work.peer_score),
        supervisor_score=_value(work.supervisor_score),
        general=_value(work.general),
        task=_value(work.task),
        task_source=work.task_source,
        qn=_value(own.qn if own else None),
        ql=_value(own.ql if own else None),
        pg=_value(own.pg if own else None),
        unit_ratio=_value(work.unit_ratio),
        bonus=Value.of(work.bonus),
        penalty=Value.of(work.penalty),
        total=_value(work.total),
        tier_before_quota=work.tier_before,
        tier=work.tier,
        rank_in_unit=unit_ranks.get(cadre.code),
        rank_in_scope=scope_ranks.get(cadre.code),
        reward_equal=split.equal_by_code.get(cadre.code, 0),
        reward_merit=split.merit_by_code.get(cadre.code, 0),
        reward=split.reward(cadre.code),
        equal_split=split.equal_split if rated else None,
        reasons=tuple(work.reasons),
    )


# --- 5.8 year ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthRecord:
    """One decided month of a cadre, as its result was published."""

    total: Number | None
    rated: bool
    discipline: bool = False
    supervisor_general: Number = 0
    pg: Number = 0
    penalty: Number = 0


@dataclass(frozen=True)
class YearInput:
    code: str
    unit_code: str
    job_group: str
    months: tuple[MonthRecord, ...]


@dataclass(frozen=True)
class YearResult:
    code: str
    unit_code: str
    job_group: str
    rated_months: int
    total: Value | None
    tier_before_quota: Tier | None
    tier: Tier | None
    rank_in_unit: int | None
    rank_in_scope: int | None
    reasons: tuple[Reason, ...]


REASON_YEAR_DISCIPLINE = Reason("discipline", "Bị kỷ luật trong năm: xếp loại D")


def _reason_few_months(needed: int) -> Reason:
    return Reason(
        "too_few_rated_months", f"Dưới {needed} tháng được xếp loại trong năm: không xếp loại"
    )


def yearly_rollup(
    regulation: Regulation,
    cadres: Sequence[YearInput],
    outstanding_units: Collection[str] = (),
) -> tuple[YearResult, ...]:
    """Annual total = mean of rated months' totals; tiers, quota and ranks as for a month."""
    rated_months = {
        c.code: [m for m in c.months if m.rated and m.total is not None] for c in cadres
    }
    totals: dict[str, Fraction | None] = {}
    tiers: dict[str, Tier | None] = {}
    reasons: dict[str, list[Reason]] = {c.code: [] for c in cadres}
    for cadre in cadres:
        months = rated_months[cadre.code]
        totals[cadre.code] = _mean(m.total for m in months)
        # As in a month, "not rated" comes first: too few rated months leave no tier, no rank
        # and no place in the quota even when there was discipline (docs/RULES.md, the year).
        if len(months) < regulation.min_rated_months:
            tiers[cadre.code] = None
            reasons[cadre.code].append(_reason_few_months(regulation.min_rated_months))
        elif any(m.discipline for m in cadre.months):
            tiers[cadre.code] = Tier.D
            reasons[cadre.code].append(REASON_YEAR_DISCIPLINE)
        else:
            tiers[cadre.code] = tier_for(round_half_up(totals[cadre.code]), regulation)

    ranked = [c for c in cadres if tiers[c.code] is not None and totals[c.code] is not None]
    groups: dict[tuple[str, str], list[QuotaCandidate]] = defaultdict(list)
    for cadre in ranked:
        months = rated_months[cadre.code]
        groups[cadre.unit_code, cadre.job_group].append(
            QuotaCandidate(
                code=cadre.code,
                tier=tiers[cadre.code],
                total=round_half_up(totals[cadre.code]),
                supervisor_general=_mean(m.supervisor_general for m in months),
                pg=_mean(m.pg for m in months),
                penalty=sum((exact(m.penalty) for m in months), ZERO),
            )
        )
    final = dict(tiers)
    for (unit_code, _), group in groups.items():
        rate = regulation.rate_for(unit_code in outstanding_units)
        for code, tier in apply_quota(group, rate, regulation.quota_base).items():
            if tier != tiers[code]:
                reasons[code].append(_reason_quota(rate))
            final[code] = tier

    shown = {c.code: round_half_up(totals[c.code]) for c in ranked}
    scope_ranks = competition_ranks(shown)
    unit_ranks: dict[str, int] = {}
    for unit_code in {c.unit_code for c in ranked}:
        unit_ranks |= competition_ranks(
            {c.code: shown[c.code] for c in ranked if c.unit_code == unit_code}
        )
    return tuple(
        YearResult(
            code=c.code,
            unit_code=c.unit_code,
            job_group=c.job_group,
            rated_months=len(rated_months[c.code]),
            total=_value(totals[c.code]),
            tier_before_quota=tiers[c.code],
            tier=final[c.code],
            rank_in_unit=unit_ranks.get(c.code),
            rank_in_scope=scope_ranks.get(c.code),
            reasons=tuple(reasons[c.code]),
        )
        for c in cadres
    )


def _mean(values: Iterable[Number]) -> Fraction | None:
    exact_values = [exact(v) for v in values]
    return sum(exact_values, ZERO) / len(exact_values) if exact_values else None
