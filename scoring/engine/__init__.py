"""The scoring rules of docs/RULES.md §1 as pure functions over frozen dataclasses.

No Django, no database: the standard library and the pure defaults module
`directives.regulation_defaults` only. Everything is computed with ``Fraction`` and
rounded once, half up, to 2 decimals at the end; money is integer VND. The service builds the
inputs for a whole period, calls :func:`decide_period` once and writes the outcome.

The modules follow the rules: `inputs` (what the engine is given), `criteria` (5.1–5.4),
`quota` (5.5–5.7), `period` (one period decided), `cadre` (one cadre's result from the fewest
members of its unit), `corrections` (the rules applied again to a corrected month), `year`
(5.8), `radar` (§8: the runs of months that put someone on the radar), `reasons` (why a result
is what it is), `results` (what it returns) and `arithmetic` (exact numbers). Import from the
package: ``from scoring.engine import decide_period``.
"""

from scoring.engine.arithmetic import (
    ONE,
    ZERO,
    Number,
    exact,
    exact_sum,
    floor_to,
    round_half_up,
)
from scoring.engine.cadre import (
    UnitMember,
    decide_cadre,
    members_needed,
    without_shared_figures,
)
from scoring.engine.corrections import Placing, Standing, apply_rules
from scoring.engine.criteria import (
    capped_bonus,
    general_value,
    leader_task_score,
    satisfaction_index,
    satisfaction_points,
    task_completed,
    task_ratios,
    task_score,
    tier_for,
    total_score,
    trimmed_peer_mean,
)
from scoring.engine.inputs import (
    HN3814,
    ND335,
    CadreInput,
    Criterion,
    CriterionGroup,
    QuotaBase,
    Regulation,
    ServiceInput,
    TaskInput,
    TaskSource,
    Tier,
    UnitInput,
)
from scoring.engine.period import decide_period
from scoring.engine.quota import (
    Places,
    QuotaCandidate,
    apply_quota,
    competition_ranks,
    place,
    quota_keep,
    quota_order_key,
    ranks,
    requota,
    split_pool,
)
from scoring.engine.radar import (
    below_target_months,
    falling_months,
    last_months,
    low_months,
    month_shift,
    next_month,
    not_completed_years,
)
from scoring.engine.reasons import (
    REASON_CODES,
    REASON_DISCIPLINE,
    REASON_LEAVE,
    REASON_LEAVE_OVERRIDDEN,
    REASON_NO_SUPERVISOR,
    REASON_NO_TASK_SCORE,
    REASON_PARAMS,
    REASON_SUPERVISOR_INCOMPLETE,
    REASON_YEAR_DISCIPLINE,
    Reason,
    ReasonParam,
)
from scoring.engine.results import (
    CadreResult,
    PeriodOutcome,
    Placed,
    PoolSplit,
    TaskRatios,
    UnitOutcome,
    Value,
)
from scoring.engine.year import MonthRecord, YearInput, YearResult, yearly_rollup

__all__ = [
    "HN3814",
    "ND335",
    "ONE",
    "REASON_CODES",
    "REASON_DISCIPLINE",
    "REASON_LEAVE",
    "REASON_LEAVE_OVERRIDDEN",
    "REASON_NO_SUPERVISOR",
    "REASON_NO_TASK_SCORE",
    "REASON_PARAMS",
    "REASON_SUPERVISOR_INCOMPLETE",
    "REASON_YEAR_DISCIPLINE",
    "ZERO",
    "CadreInput",
    "CadreResult",
    "Criterion",
    "CriterionGroup",
    "MonthRecord",
    "Number",
    "PeriodOutcome",
    "Placed",
    "Places",
    "Placing",
    "PoolSplit",
    "QuotaBase",
    "QuotaCandidate",
    "Reason",
    "ReasonParam",
    "Regulation",
    "ServiceInput",
    "Standing",
    "TaskInput",
    "TaskRatios",
    "TaskSource",
    "Tier",
    "UnitInput",
    "UnitMember",
    "UnitOutcome",
    "Value",
    "YearInput",
    "YearResult",
    "apply_quota",
    "apply_rules",
    "below_target_months",
    "capped_bonus",
    "competition_ranks",
    "decide_cadre",
    "decide_period",
    "exact",
    "exact_sum",
    "falling_months",
    "floor_to",
    "general_value",
    "last_months",
    "leader_task_score",
    "low_months",
    "members_needed",
    "month_shift",
    "next_month",
    "not_completed_years",
    "place",
    "quota_keep",
    "quota_order_key",
    "ranks",
    "requota",
    "round_half_up",
    "satisfaction_index",
    "satisfaction_points",
    "split_pool",
    "task_completed",
    "task_ratios",
    "task_score",
    "tier_for",
    "total_score",
    "trimmed_peer_mean",
    "without_shared_figures",
    "yearly_rollup",
]
