"""One period decided at once: every cadre's scores, tiers, quota, ranks and rewards."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from scoring.engine.arithmetic import ZERO, Number, exact, exact_sum, round_half_up
from scoring.engine.criteria import (
    capped_bonus,
    clamped_total,
    general_value,
    leader_task_score,
    raw_total,
    satisfaction_points,
    task_ratios,
    task_score,
    tier_for,
    trimmed_peer_mean,
)
from scoring.engine.inputs import (
    CadreInput,
    Criterion,
    CriterionGroup,
    Regulation,
    TaskSource,
    Tier,
    UnitInput,
)
from scoring.engine.quota import Places, QuotaCandidate, place, requota
from scoring.engine.reasons import (
    REASON_DISCIPLINE,
    REASON_LEAVE,
    REASON_LEAVE_OVERRIDDEN,
    REASON_NO_SUPERVISOR,
    REASON_NO_TASK_SCORE,
    REASON_SUPERVISOR_INCOMPLETE,
    Reason,
    reason_bonus_capped,
    reason_clamped,
    reason_staff_d,
)
from scoring.engine.results import (
    CadreResult,
    PeriodOutcome,
    TaskRatios,
    Value,
    value_of,
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


def _check_points(
    cadre: CadreInput, general: Mapping[str, Fraction], limits: Mapping[str, Decimal | Fraction]
) -> None:
    for kind, items in (
        ("self", cadre.self_points.items()),
        ("peer", [(c, p) for c, points in cadre.peer_points.items() for p in points]),
        ("supervisor", cadre.supervisor_points.items()),
    ):
        for code, points in items:
            limit = limits.get(code)
            if limit is None:
                raise ValueError(f"{cadre.code}: {kind} points for unknown criterion {code!r}")
            # Stored points (a city's millions) are Decimals, compared in C with the maximum's
            # own Decimal, exactly (a finite one: NaN and infinity are refused as out of range);
            # anything else is compared as a Fraction.
            if not (
                points.is_finite() and 0 <= points <= limit
                if type(points) is Decimal
                else 0 <= exact(points) <= general[code]
            ):
                raise ValueError(
                    f"{cadre.code}: {kind} {code} = {points} outside 0..{general[code]}"
                )
    for points in (*cadre.bonus_points, *cadre.penalty_points):
        if exact(points) < 0:
            raise ValueError(f"{cadre.code}: bonus and penalty points must be >= 0")


def _limits(general: Mapping[str, Fraction]) -> dict[str, Decimal | Fraction]:
    """Each criterion's maximum as a Decimal where it is one exactly (every stored maximum),
    else as its Fraction, for `_check_points`."""
    limits: dict[str, Decimal | Fraction] = {}
    for code, maximum in general.items():
        value = Decimal(maximum.numerator) / Decimal(maximum.denominator)
        limits[code] = value if value == maximum else maximum
    return limits


def _score_general(
    work: _Work,
    general: Mapping[str, Fraction],
    limits: Mapping[str, Decimal | Fraction],
    regulation: Regulation,
) -> None:
    cadre = work.cadre
    _check_points(cadre, general, limits)
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
        # Every criterion is supervised here, so none of its values is missing.
        values = (general_value(*p, regulation) for p in parts)
        work.general = sum((v for v in values if v is not None), ZERO)


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
        work.reasons.append(reason_bonus_capped(asked, work.bonus))
    work.penalty = sum((exact(p) for p in cadre.penalty_points), ZERO)
    # People's satisfaction (docs/RULES.md §1): outside the bonus cap; nothing when off.
    bonus, penalty, reasons = satisfaction_points(cadre.service, regulation)
    if bonus:
        work.bonus += bonus
    if penalty:
        work.penalty += penalty
    work.reasons.extend(reasons)

    if work.supervisor_missing is not None:
        work.reasons.append(work.supervisor_missing)
    if work.task is None:
        work.reasons.append(REASON_NO_TASK_SCORE)
    general, task = work.general, work.task
    if general is None or task is None:  # not decidable
        return
    raw = raw_total(general, task, work.bonus, work.penalty)
    total = work.total = clamped_total(raw, regulation)
    if total != raw:
        work.reasons.append(reason_clamped(raw, total))

    # Discipline outranks leave: "D whatever the total" must not be escaped by being away.
    if cadre.discipline:
        work.tier_before = Tier.D
        work.reasons.append(REASON_DISCIPLINE)
        if cadre.leave:
            work.reasons.append(REASON_LEAVE_OVERRIDDEN)
    elif cadre.leave:
        work.reasons.append(REASON_LEAVE)
    else:
        work.tier_before = tier_for(round_half_up(total), regulation)
    work.tier = work.tier_before


def decide_period(
    regulation: Regulation,
    criteria: Sequence[Criterion],
    cadres: Sequence[CadreInput],
    units: Sequence[UnitInput] = (),
) -> PeriodOutcome:
    """Decide one period for every cadre of the scope: scores, tiers, quota, ranks, rewards."""
    general = {c.code: exact(c.max_points) for c in criteria if c.group == CriterionGroup.GENERAL}
    limits = _limits(general)
    codes = [c.code for c in cadres]
    if len(set(codes)) != len(codes):
        raise ValueError("duplicate cadre codes")

    works = [_Work(cadre) for cadre in cadres]
    members: dict[str, list[_Work]] = defaultdict(list)
    for work in works:
        members[work.cadre.unit_code].append(work)
        _score_general(work, general, limits, regulation)
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
            task = leader_task_score(work.own, unit_ratios, staff_has_d, regulation)
            if task is None or unit_ratios is None:  # the unit has no task
                _manual_task(work, regulation)
            else:
                work.task = task
                work.task_source = TaskSource.LEADER
                work.unit_ratio = unit_ratios.ratio
                if staff_has_d:
                    work.reasons.append(reason_staff_d(exact(regulation.leader_factor)))
            _finish(work, regulation)

    groups: dict[tuple[str, str], list[QuotaCandidate]] = defaultdict(list)
    for work in works:
        if work.tier_before is not None and work.total is not None:
            groups[work.cadre.unit_code, work.cadre.job_group].append(
                _quota_candidate(work, work.tier_before, work.total)
            )
    by_code = {work.cadre.code: work for work in works}
    outstanding = {u.code for u in units if u.outstanding}
    for code, (tier, reason) in requota(groups, outstanding, regulation).items():
        by_code[code].tier = tier
        if reason is not None:
            by_code[code].reasons.append(reason)

    # A rated cadre (a final tier) always has a total.
    tiers = {w.cadre.code: w.tier for w in works if w.tier is not None}
    shown = {
        w.cadre.code: round_half_up(w.total)
        for w in works
        if w.cadre.code in tiers and w.total is not None
    }
    member_codes = {unit: [w.cadre.code for w in ws] for unit, ws in members.items()}
    places = place(regulation, units, member_codes, tiers, shown)
    results = tuple(_result(w, places) for w in works)
    return PeriodOutcome(cadres=results, units=places.unit_outcomes())


def _quota_candidate(work: _Work, tier: Tier, total: Fraction) -> QuotaCandidate:
    return QuotaCandidate(
        code=work.cadre.code,
        tier=tier,
        total=round_half_up(total),
        supervisor_general=work.supervisor_score or ZERO,
        pg=work.own.pg if work.own is not None else ZERO,
        penalty=work.penalty,
    )


def _result(work: _Work, places: Places) -> CadreResult:
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
        self_score=value_of(work.self_score),
        peer_score=value_of(work.peer_score),
        supervisor_score=value_of(work.supervisor_score),
        general=value_of(work.general),
        task=value_of(work.task),
        task_source=work.task_source,
        qn=value_of(own.qn if own else None),
        ql=value_of(own.ql if own else None),
        pg=value_of(own.pg if own else None),
        unit_ratio=value_of(work.unit_ratio),
        bonus=Value.of(work.bonus),
        penalty=Value.of(work.penalty),
        total=value_of(work.total),
        tier_before_quota=work.tier_before,
        tier=work.tier,
        reasons=tuple(work.reasons),
        **places.of(cadre.code, cadre.unit_code, rated),
    )
