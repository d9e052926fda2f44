"""The rules of docs/RULES.md §1, one by one, with no database."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.engine import (
    HN3814,
    ND335,
    CadreInput,
    Criterion,
    MonthRecord,
    QuotaBase,
    QuotaCandidate,
    Reason,
    Regulation,
    Standing,
    TaskInput,
    TaskRatios,
    Tier,
    UnitInput,
    Value,
    YearInput,
    apply_quota,
    apply_rules,
    capped_bonus,
    competition_ranks,
    decide_period,
    exact_mean,
    exact_sum,
    general_value,
    leader_task_score,
    quota_keep,
    quota_order_key,
    round_half_up,
    split_pool,
    task_ratios,
    task_score,
    tier_for,
    total_score,
    trimmed_peer_mean,
    yearly_rollup,
)
from tests.scoring.sample_loader import engine_criteria

D = Decimal
F = Fraction

ND335_CRITERIA = engine_criteria({"G1": 5, "G2": 5, "G3": 5, "G4": 10, "G5": 5}, 70)
HN3814_CRITERIA = engine_criteria({"G1": 4, "G2": 4, "G3": 4, "G4": 8}, 70)
FULL_MARKS = {"G1": D(5), "G2": D(5), "G3": D(5), "G4": D(10), "G5": D(5)}


def criteria_of(regulation: Regulation) -> tuple[Criterion, ...]:
    return HN3814_CRITERIA if regulation.code == "HN3814" else ND335_CRITERIA


def supervisor_points(general: Decimal, criteria=ND335_CRITERIA) -> dict[str, Decimal]:
    """Supervisor points adding up to ``general``, filling criteria in order."""
    points, left = {}, general
    for c in criteria:
        if c.group != "general":
            continue
        points[c.code] = min(left, D(c.max_points))
        left -= points[c.code]
    assert left == 0
    return points


def cadre(
    code: str,
    total: str,
    unit: str = "U",
    group: str = "staff",
    regulation: Regulation = ND335,
    **kw,
) -> CadreInput:
    """A staff cadre whose total is ``total``: general marks first, then manual T, then bonus."""
    criteria = criteria_of(regulation)
    general = min(D(total), sum(D(c.max_points) for c in criteria if c.group == "general"))
    task_points = min(D(total) - general, regulation.task_max)
    if D(total) > general + task_points:
        kw.setdefault("bonus_points", (D(total) - general - task_points,))
    kw.setdefault("manual_task_score", task_points)
    return CadreInput(
        code=code,
        unit_code=unit,
        job_group=group,
        supervisor_points=supervisor_points(general, criteria),
        **kw,
    )


def decide(*cadres: CadreInput, pool: int = 0, regulation=ND335, outstanding=False, units=None):
    if units is None:
        units = [UnitInput("U", pool=pool, outstanding=outstanding)]
    return decide_period(regulation, criteria_of(regulation), cadres, units)


# --- worked example ------------------------------------------------------------------------

WORKED_TOTALS = ["93.10", "91.40", "88.00", "84.25", "76.00", "71.50", "64.00"]


def test_worked_example_of_section_5():
    """Seven members, 2 A-candidates: one keeps A; rewards 2,142,000 / 1,428,000 / 714,000."""
    cadres = [cadre(f"C{i}", total) for i, total in enumerate(WORKED_TOTALS, start=1)]
    outcome = decide(*cadres, pool=10_000_000)
    by_code = {r.code: r for r in outcome.cadres}

    assert [by_code[f"C{i}"].total.shown for i in range(1, 8)] == [D(t) for t in WORKED_TOTALS]
    assert [r.tier_before_quota for r in outcome.cadres] == list("AABBBBC")
    assert [r.tier for r in outcome.cadres] == list("ABBBBBC")
    assert by_code["C2"].reason_codes == ("quota_demoted",)
    assert by_code["C2"].reasons[0] == Reason("quota_demoted", {"rate": D("20.00")})
    assert [r.reward for r in outcome.cadres] == [2_142_000] + [1_428_000] * 5 + [714_000]
    assert [(r.reward_equal, r.reward_merit) for r in outcome.cadres][:2] == [
        (714_000, 1_428_000),
        (714_000, 714_000),
    ]
    unit = outcome.unit("U")
    assert (unit.pool, unit.distributed, unit.undistributed) == (10_000_000, 9_996_000, 4_000)
    assert unit.equal_split == 1_428_000
    assert [r.rank_in_unit for r in outcome.cadres] == [1, 2, 3, 4, 5, 6, 7]


# --- 5.1 task results ----------------------------------------------------------------------


def task(weight="1", completed=True, accepted=True, errors=0, delays=0) -> TaskInput:
    return TaskInput(D(weight), completed, accepted, errors, delays)


@pytest.mark.parametrize(
    ("tasks", "expected"),
    [
        ([task()], (1, 1, 1)),
        ([task(completed=False, accepted=False)], (0, 0, 0)),
        ([task(completed=False, errors=1, delays=1)], (0, 0, 0)),
        ([task(accepted=False)], (1, 0, 1)),
        ([task(errors=1)], (1, F(3, 4), 1)),
        ([task(errors=3)], (1, F(1, 4), 1)),
        ([task(errors=4)], (1, 0, 1)),
        ([task(errors=9)], (1, 0, 1)),
        ([task(delays=2)], (1, 1, F(1, 2))),
        ([task(delays=5)], (1, 1, 0)),
        ([task(accepted=False, errors=1, delays=1)], (1, 0, F(3, 4))),
        ([task("3"), task("1", completed=False)], (F(3, 4), F(3, 4), F(3, 4))),
        ([task("1.5", errors=2), task("0.5")], (1, F(5, 8), 1)),
        ([task("2"), task("1", delays=1)], (1, 1, F(11, 12))),
    ],
)
def test_task_ratios_are_weight_averages(tasks, expected):
    ratios = task_ratios(tasks)
    assert (ratios.qn, ratios.ql, ratios.pg) == expected


def test_task_ratios_without_tasks_are_none():
    assert task_ratios([]) is None


def test_task_ratios_refuse_a_non_positive_weight():
    with pytest.raises(ValueError):
        task_ratios([task("0")])


def test_task_score_is_70_times_the_mean_ratio():
    """Sample CB0006: one done, one missed, two with errors and delays."""
    tasks = [
        task(),
        task(completed=False, accepted=False),
        task(errors=2, delays=2),
        task(errors=2),
    ]
    assert task_score(task_ratios(tasks)) == F("43.75")


def test_cadre_without_tasks_takes_the_manual_task_score():
    result = decide(cadre("C1", "80")).cadre("C1")
    assert (result.task.shown, result.task_source, result.pg) == (D("50.00"), "manual", None)


def test_tasks_win_over_a_manual_task_score():
    result = decide(cadre("C1", "80", tasks=(task(),))).cadre("C1")
    assert (result.task.shown, result.task_source) == (D("70.00"), "tasks")


def test_cadre_without_tasks_nor_manual_score_cannot_be_decided():
    result = decide(cadre("C1", "80", manual_task_score=None)).cadre("C1")
    assert not result.decidable
    assert (result.task, result.total, result.tier) == (None, None, None)
    assert result.reason_codes == ("no_task_score",)


def test_manual_task_score_above_70_is_refused():
    with pytest.raises(ValueError):
        decide(cadre("C1", "80", manual_task_score=D("70.5")))


# --- 5.1 leaders ---------------------------------------------------------------------------

UNIT_RATIO = TaskRatios(F(1), F(4, 5), F(7, 10))  # mean 5/6


@pytest.mark.parametrize(
    ("own", "staff_has_d", "expected"),
    [
        (TaskRatios(F(1), F(1), F(1)), False, 70 * (F(1, 2) + F(1, 2) * F(5, 6))),
        (TaskRatios(F(1), F(1), F(1)), True, 70 * (F(1, 2) + F(1, 4) * F(5, 6))),
        (None, False, 70 * F(5, 6)),
        (None, True, 70 * (F(1, 2) * F(5, 6) + F(1, 4) * F(5, 6))),
    ],
)
def test_leader_task_score(own, staff_has_d, expected):
    assert leader_task_score(own, UNIT_RATIO, staff_has_d) == expected


def test_leader_task_score_is_none_when_the_unit_has_no_task():
    assert leader_task_score(None, None, False) is None


def leader(code: str, total: str = "90", **kw) -> CadreInput:
    return dataclasses.replace(cadre(code, total, group="leader", **kw), is_leader=True)


def test_leader_result_mixes_own_and_unit_tasks():
    """Unit tasks: leader's 1 done + staff's 1 done, 1 missed → unit ratio 2/3, own 1."""
    outcome = decide(
        leader("L", tasks=(task(),)),
        cadre("S", "80", tasks=(task(), task(completed=False, accepted=False))),
    )
    result = outcome.cadre("L")
    assert result.task.exact == 70 * (F(1, 2) * 1 + F(1, 2) * F(2, 3))
    assert (result.task_source, result.unit_ratio.exact) == ("leader", F(2, 3))


def test_leader_without_own_tasks_takes_the_unit_ratio_as_own():
    outcome = decide(leader("L"), cadre("S", "80", tasks=(task(), task(errors=4))))
    assert outcome.cadre("L").task.exact == 70 * F(5, 6)


def test_leader_factor_halves_the_unit_part_when_a_staff_member_is_d():
    staff = cadre("S", "95", tasks=(task(),), discipline=True)
    result = decide(leader("L", tasks=(task(),)), staff).cadre("L")
    assert result.task.exact == 70 * (F(1, 2) + F(1, 2) * 1 * F(1, 2))
    assert "staff_tier_d" in result.reason_codes


def test_leader_factor_ignores_a_deputy_in_tier_d():
    deputy = leader("DEP", tasks=(task(),), discipline=True)
    assert decide(leader("L", tasks=(task(),)), deputy).cadre("L").task.exact == 70


def test_leader_factor_ignores_staff_of_other_units():
    other = cadre("S", "20", unit="OTHER", tasks=(task(),))
    assert decide(leader("L", tasks=(task(),)), other).cadre("L").task.exact == 70


def test_leader_of_a_unit_without_tasks_falls_back_to_the_manual_score():
    result = decide(leader("L", "98")).cadre("L")
    assert (result.task.exact, result.task_source) == (68, "manual")


# --- 5.2 general criteria ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ([], None),
        ([D(4)], F(4)),
        ([D(1), D(2), D(3), D(4)], F(5, 2)),
        ([D(1), D(2), D(3), D(4), D(10)], F(3)),
        ([D(5), D(5), D(5), D(5), D(1)], F(5)),
        ([D(1), D("2.5"), D(3), D(4), D(5), D(5)], F(29, 8)),
    ],
)
def test_peer_mean_drops_highest_and_lowest_from_five_peers(points, expected):
    assert trimmed_peer_mean(points) == expected


@pytest.mark.parametrize(
    "values",
    [
        [D("0.1")] * 10,
        [D("1E+30"), D("1E-30"), D("-1E+30")],  # more digits than any default context holds
        [D("9.99"), F(1, 3), 2],
        [],
    ],
)
def test_exact_sum_is_the_sum_of_the_exact_values(values):
    assert exact_sum(values) == sum((F(v) for v in values), F(0))
    assert isinstance(exact_sum(values), F)


# Any number the engine adds: stored points (Decimals), whole numbers and Fractions.
ANY_NUMBER = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=3, max_value=10**6),
    st.fractions(max_denominator=97, max_value=10**6, min_value=-(10**6)),
    st.integers(min_value=-(10**6), max_value=10**6),
)


@given(st.lists(ANY_NUMBER, max_size=12))
def test_exact_sum_of_any_mix_of_numbers_is_their_exact_sum(values):
    # Decimals and whole numbers are added as Decimals, a mix with a Fraction over the least
    # common denominator: both ways must give the sum of Fractions added one by one.
    total = F(0)
    for value in values:
        total += F(value)
    assert exact_sum(values) == total


@given(st.lists(ANY_NUMBER, min_size=1, max_size=12))
def test_exact_mean_is_the_exact_sum_divided_by_the_count(values):
    mean = exact_mean(values)
    assert mean == sum((F(v) for v in values), F(0)) / len(values)
    assert isinstance(mean, F)


@pytest.mark.parametrize(
    ("own", "peer", "supervisor", "expected"),
    [
        (D(5), D(4), D(3), F(1, 5) * 5 + F(3, 10) * 4 + F(1, 2) * 3),
        (None, D(4), D(3), (F(3, 10) * 4 + F(1, 2) * 3) / F(4, 5)),
        (D(5), None, D(3), (F(1, 5) * 5 + F(1, 2) * 3) / F(7, 10)),
        (None, None, D(3), F(3)),
        (D(5), D(4), None, None),
    ],
)
def test_general_value_gives_missing_weight_to_the_others(own, peer, supervisor, expected):
    assert general_value(own, peer, supervisor) == expected


def test_general_parts_are_sums_over_criteria():
    """Sample CB0002: self 30, no peer, supervisor 28.5 → G = (0.2*30 + 0.5*28.5)/0.7."""
    supervisor = {"G1": D(5), "G2": D(5), "G3": D("4.5"), "G4": D("9.75"), "G5": D("4.25")}
    result = decide(
        CadreInput(
            "C1",
            "U",
            "staff",
            self_points=FULL_MARKS,
            supervisor_points=supervisor,
            manual_task_score=D(68),
        )
    ).cadre("C1")
    assert (result.self_score.shown, result.peer_score, result.supervisor_score.shown) == (
        D("30.00"),
        None,
        D("28.50"),
    )
    assert result.general.exact == (F(6) + F(1, 2) * F("28.5")) / F(7, 10)
    assert (result.general.shown, result.total.shown) == (D("28.93"), D("96.93"))


def test_criteria_missing_different_parts_are_weighted_each_on_its_own():
    """Self given for G1 only, peers for G2 only: each criterion lends its own missing weight,
    so G is the sum of the criteria's values, not the value of the parts' sums."""
    supervisor = {"G1": D(4), "G2": D(4), "G3": D(4), "G4": D(8), "G5": D(4)}
    result = decide(
        CadreInput(
            "C1",
            "U",
            "staff",
            self_points={"G1": D(5)},
            peer_points={"G2": (D(2), D(3), D(4))},
            supervisor_points=supervisor,
            manual_task_score=D(60),
        )
    ).cadre("C1")
    g1 = (F(1, 5) * 5 + F(1, 2) * 4) / F(7, 10)
    g2 = (F(3, 10) * 3 + F(1, 2) * 4) / F(4, 5)
    assert result.general.exact == g1 + g2 + 4 + 8 + 4
    # The parts' sums would give another value: the shortcut must not apply here.
    assert result.general.exact != general_value(D(5), D(3), D(24))


def test_peer_part_shows_the_trimmed_mean_summed_over_criteria():
    peers = {code: [D(1), D(2), D(3), D(4), D(5)] for code in FULL_MARKS}
    result = decide(cadre("C1", "80", peer_points=peers)).cadre("C1")
    assert result.peer_score.exact == 15


def test_no_supervisor_scorecard_cannot_be_decided():
    result = decide(
        CadreInput("C1", "U", "staff", self_points=FULL_MARKS, manual_task_score=D(60))
    ).cadre("C1")
    assert not result.decidable
    assert (result.self_score.shown, result.general, result.total) == (D("30.00"), None, None)
    assert (result.tier, result.rank_in_unit, result.reward) == (None, None, 0)
    assert result.reason_codes == ("no_supervisor_scorecard",)


def test_incomplete_supervisor_scorecard_cannot_be_decided():
    result = decide(
        CadreInput("C1", "U", "staff", supervisor_points={"G1": D(5)}, manual_task_score=D(60))
    ).cadre("C1")
    assert not result.decidable
    assert result.reason_codes == ("supervisor_scorecard_incomplete",)


@pytest.mark.parametrize(
    "points",
    [
        {"G1": D("5.5")},
        {"G1": D("-1")},
        {"X9": D(1)},
        {"G1": F(11, 2)},
        {"G1": D("NaN")},
        {"G1": D("Infinity")},
    ],
)
def test_points_outside_the_criterion_are_refused(points):
    with pytest.raises(ValueError, match="C1: self"):
        decide(cadre("C1", "80", self_points=points))


@pytest.mark.parametrize("points", [D("5"), D("5.00"), F(5), 5, D("0"), D("4.99")])
def test_points_up_to_the_criterion_s_maximum_are_taken_however_written(points):
    result = decide(cadre("C1", "80", self_points={"G1": points})).cadre("C1")
    assert result.self_score.exact == F(points)


# --- 5.3 total -----------------------------------------------------------------------------


def test_total_is_rounded_once_from_exact_parts():
    """20.004 + 50.004 = 70.008 → 70.01, while the rounded parts would add to 70.00."""
    exact_total = total_score(F("20.004"), F("50.004"))
    assert round_half_up(exact_total) == D("70.01")
    assert round_half_up(F("20.004")) + round_half_up(F("50.004")) == D("70.00")


def test_shown_parts_need_not_add_up_to_the_shown_total():
    """G 20.005 shows 20.01 and T 140/3 shows 46.67, but the total 66.6716... shows 66.67."""
    points = supervisor_points(D("20.005"))
    result = decide(
        CadreInput("C1", "U", "staff", supervisor_points=points, tasks=(task(accepted=False),))
    ).cadre("C1")
    assert (result.general.shown, result.task.shown) == (D("20.01"), D("46.67"))
    assert result.total.shown == D("66.67")


@pytest.mark.parametrize(
    ("x", "shown"),
    [
        (F("0.005"), D("0.01")),
        (F("0.004999"), D("0.00")),
        (F("89.995"), D("90.00")),
        (F(2, 3), D("0.67")),
        (F(1, 3), D("0.33")),
        (F("-0.005"), D("-0.01")),
        (F(0), D("0.00")),
        (F(100), D("100.00")),
    ],
)
def test_round_half_up(x, shown):
    assert round_half_up(x) == shown
    assert str(round_half_up(x)) == str(shown)


@pytest.mark.parametrize(
    ("regulation", "bonuses", "bonus", "reason"),
    [
        (ND335, [D(5)], D("0.00"), "bonus_refused"),
        (ND335, [], D("0.00"), None),
        (HN3814, [D(3)], D("3.00"), None),
        (HN3814, [D(4), D(6)], D("10.00"), None),
        (HN3814, [D(4), D(8)], D("10.00"), "bonus_capped"),
    ],
)
def test_bonus_is_capped_by_the_regulation(regulation, bonuses, bonus, reason):
    result = decide(
        CadreInput(
            "C1",
            "U",
            "staff",
            supervisor_points=supervisor_points(D(15), criteria_of(regulation)),
            manual_task_score=D(50),
            bonus_points=tuple(bonuses),
        ),
        regulation=regulation,
    ).cadre("C1")
    assert result.bonus.shown == bonus
    assert result.total.shown == D(65) + bonus
    assert result.reason_codes == ((reason,) if reason else ())


def test_capped_bonus_sums_before_capping():
    assert capped_bonus([D(7), D(7)], HN3814) == 10
    assert capped_bonus([D(7)], ND335) == 0


@pytest.mark.parametrize(
    ("general", "task_points", "bonus", "penalty", "expected"),
    [
        (30, 70, 0, 0, 100),
        (25, 70, 10, 0, 100),
        (10, 20, 0, 45, 0),
        (10, 20, 0, 30, 0),
        (10, 20, 5, 2, 33),
    ],
)
def test_total_is_clamped_between_0_and_100(general, task_points, bonus, penalty, expected):
    assert total_score(general, task_points, bonus, penalty) == expected


def test_clamped_total_says_why():
    result = decide(cadre("C1", "40", penalty_points=(D(45),))).cadre("C1")
    assert (result.total.shown, result.penalty.shown, result.tier) == (D("0.00"), D("45.00"), "D")
    assert result.reason_codes == ("total_clamped",)


# --- 5.4 tier ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "tier"),
    [
        ("100", "A"),
        ("90.00", "A"),
        ("89.99", "B"),
        ("70.00", "B"),
        ("69.99", "C"),
        ("50.00", "C"),
        ("49.99", "D"),
        ("0.00", "D"),
    ],
)
def test_tier_thresholds(total, tier):
    assert tier_for(D(total)) == tier
    assert decide(cadre("C1", total)).cadre("C1").tier_before_quota == tier


def test_tier_is_decided_on_the_rounded_total():
    """G 29.995 + T 60 = 89.995, shown 90.00 → A."""
    result = decide(
        CadreInput(
            "C1",
            "U",
            "staff",
            supervisor_points=supervisor_points(D("29.995")),
            manual_task_score=D(60),
        )
    ).cadre("C1")
    assert (result.total.exact, result.total.shown) == (F("89.995"), D("90.00"))
    assert result.tier_before_quota == "A"


def test_discipline_gives_d_whatever_the_total():
    outcome = decide(cadre("C1", "95", discipline=True), cadre("C2", "80"), pool=1_000_000)
    result = outcome.cadre("C1")
    assert (result.total.shown, result.tier_before_quota, result.tier) == (D("95.00"), "D", "D")
    assert result.reasons[0] == Reason("discipline", {"span": "month"})
    assert (result.rank_in_unit, result.reward) == (1, 0)
    assert outcome.cadre("C2").reward == 1_000_000


def test_leave_is_not_rated_but_its_total_is_shown():
    outcome = decide(cadre("C1", "95", leave=True), cadre("C2", "80"), pool=1_000_000)
    result = outcome.cadre("C1")
    assert result.total.shown == D("95.00")
    assert (result.rated, result.tier_before_quota, result.tier) == (False, None, None)
    assert (result.rank_in_unit, result.rank_in_scope, result.reward) == (None, None, 0)
    assert result.reasons[0] == Reason("leave")
    assert (outcome.cadre("C2").rank_in_unit, outcome.cadre("C2").reward) == (1, 1_000_000)
    assert outcome.unit("U").rated == 1


def test_leave_stays_outside_the_quota():
    """Were the leave cadre counted as a B, one A could stay; without it, none does."""
    cadres = [cadre("A1", "95"), cadre("A2", "94")] + [cadre(f"B{i}", "80") for i in range(3)]
    cadres.append(cadre("B9", "80", leave=True))
    tiers = [r.tier for r in decide(*cadres).cadres]
    assert tiers == ["B", "B", "B", "B", "B", None]


def test_discipline_outranks_leave():
    result = decide(cadre("C1", "95", leave=True, discipline=True)).cadre("C1")
    assert (result.rated, result.tier) == (True, "D")
    assert result.reason_codes == ("discipline", "leave_overridden_by_discipline")


# --- 5.5 quota -----------------------------------------------------------------------------


# (A candidates, B, rated, A kept): 20% of the good ones (A and B), ND335's base.
OF_THE_GOOD = [
    (2, 4, 7, 1),
    (1, 0, 1, 0),
    (1, 3, 4, 0),
    (1, 4, 5, 0),
    (1, 5, 6, 1),
    (3, 10, 13, 2),
    (5, 20, 25, 4),
    (0, 9, 9, 0),
]
# (A candidates, B, rated, rate, A kept): a share of every rated cadre.
OF_THE_RATED = [
    (5, 3, 10, F(3, 10), 3),
    (5, 3, 10, F(2, 5), 4),
    (2, 1, 10, F(3, 10), 2),
    (1, 0, 3, F(3, 10), 0),
]


@pytest.mark.parametrize(
    ("n_a", "n_b", "n_rated", "rate", "base", "keep"),
    [(a, b, rated, F(1, 5), QuotaBase.GOOD, keep) for a, b, rated, keep in OF_THE_GOOD]
    + [(a, b, rated, rate, QuotaBase.RATED, keep) for a, b, rated, rate, keep in OF_THE_RATED],
)
def test_quota_keep(n_a, n_b, n_rated, rate, base, keep):
    assert quota_keep(n_a, n_b, n_rated, rate, base) == keep


def test_quota_applies_per_unit_and_job_group():
    cadres = [cadre("A1", "95", group="x"), cadre("A2", "95", group="y")]
    cadres += [cadre(f"B{i}", "80", group="x") for i in range(5)]
    outcome = decide(*cadres)
    assert (outcome.cadre("A1").tier, outcome.cadre("A2").tier) == ("A", "B")


def test_quota_base_rated_counts_every_rated_member_hn3814():
    """HN3814: 30% of 10 rated (C and D included) → 3 of 4 A-candidates keep A."""
    totals = ["99", "98", "97", "96", "80", "60", "60", "60", "40", "40"]
    cadres = [cadre(f"C{i}", t, regulation=HN3814) for i, t in enumerate(totals)]
    outcome = decide(*cadres, regulation=HN3814)
    assert [r.tier for r in outcome.cadres][:4] == ["A", "A", "A", "B"]
    assert outcome.cadre("C3").reasons[-1] == Reason("quota_demoted", {"rate": D("30.00")})


def test_outstanding_unit_raises_the_rate_hn3814():
    totals = ["99", "98", "97", "96", "80", "60", "60", "60", "40", "40"]
    cadres = [cadre(f"C{i}", t, regulation=HN3814) for i, t in enumerate(totals)]
    outcome = decide(*cadres, regulation=HN3814, outstanding=True)
    assert [r.tier for r in outcome.cadres][:4] == ["A", "A", "A", "A"]


def test_outstanding_flag_does_not_change_nd335():
    cadres = [cadre("A1", "95"), cadre("A2", "94")] + [cadre(f"B{i}", "80") for i in range(4)]
    outcome = decide(*cadres, outstanding=True)
    assert [r.tier for r in outcome.cadres][:2] == ["A", "B"]


def criteria_points(g4_self: str, g4_supervisor: str) -> dict:
    """Self and supervisor points with G4 tuned so (0.2 s + 0.5 u) / 0.7 stays equal."""
    own = dict(FULL_MARKS, G4=D(g4_self))
    supervisor = dict(FULL_MARKS, G4=D(g4_supervisor))
    return {"self_points": own, "supervisor_points": supervisor}


TIE_CASES = {
    "total": (
        {"manual_task_score": D(61)},
        {"manual_task_score": D(60)},
    ),
    "supervisor general points": (
        {**criteria_points("5", "10"), "manual_task_score": D(65)},
        {**criteria_points("7.5", "9"), "manual_task_score": D(65)},
    ),
    "Pg": (
        {"tasks": (task(errors=1),)},
        {"tasks": (task(delays=1),)},
    ),
    "Pg is 0 without tasks": (
        {"tasks": (task(errors=1),)},
        {"manual_task_score": D("64.17")},
    ),
    "fewer penalty points": (
        {"manual_task_score": D(61), "penalty_points": (D(1),)},
        {"manual_task_score": D(62), "penalty_points": (D(2),)},
    ),
    "code": ({"manual_task_score": D(60)}, {"manual_task_score": D(60)}),
}


@pytest.mark.parametrize("key", TIE_CASES)
def test_quota_keeps_the_first_a_candidate_in_section_5_5_order(key):
    """The winner wins on ``key`` with every earlier key tied; its rival is demoted.

    Outside the "code" case the winner has the larger code, so only ``key`` can save it.
    """
    winner_code, loser_code = ("K1", "K2") if key == "code" else ("K2", "K1")
    winner_kw, loser_kw = TIE_CASES[key]
    winner = CadreInput(winner_code, "U", "staff", **{"supervisor_points": FULL_MARKS, **winner_kw})
    loser = CadreInput(loser_code, "U", "staff", **{"supervisor_points": FULL_MARKS, **loser_kw})
    fillers = [cadre(f"B{i}", "80") for i in range(4)]
    outcome = decide(loser, winner, *fillers)
    w, lo = outcome.cadre(winner_code), outcome.cadre(loser_code)
    assert w.tier_before_quota == lo.tier_before_quota == "A"
    assert (w.tier, lo.tier) == ("A", "B")
    if key != "total":
        assert w.total.shown == lo.total.shown


@pytest.mark.parametrize(
    ("rival", "winner"),
    [
        ({"total": D("95.00"), "supervisor_general": F(29)}, "X"),
        ({"total": D("95.01"), "supervisor_general": F(1)}, "Y"),
        ({"total": D("95.00"), "supervisor_general": F(30), "pg": F(1, 2)}, "X"),
        ({"total": D("95.00"), "supervisor_general": F(30), "pg": F(1), "penalty": F(1)}, "X"),
        ({"total": D("95.00"), "supervisor_general": F(30), "pg": F(1), "penalty": F(0)}, "X"),
        ({"total": D("95.00"), "supervisor_general": F(31)}, "Y"),
    ],
)
def test_apply_quota_order_table(rival, winner):
    x = QuotaCandidate("X", Tier.A, D("95.00"), F(30), F(1), F(0))
    y = QuotaCandidate("Y", Tier.A, **rival)
    bs = [QuotaCandidate(f"B{i}", Tier.B, D(80)) for i in range(4)]
    final = apply_quota([y, x, *bs], F(1, 5))
    assert [code for code, tier in final.items() if tier == Tier.A] == [winner]


# --- 5.6 ranks -----------------------------------------------------------------------------


def test_competition_ranks_1_2_2_4():
    totals = {"a": D("95"), "b": D("90.5"), "c": D("90.50"), "d": D("80")}
    assert competition_ranks(totals) == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_ranks_within_unit_and_scope_use_the_rounded_total():
    """89.995 and 90.00 share a rank; not-rated is left out."""
    points = supervisor_points(D("29.995"))
    tied = CadreInput("T1", "V", "staff", supervisor_points=points, manual_task_score=D(60))
    outcome = decide(
        cadre("U1", "90"),
        cadre("U2", "95"),
        cadre("U3", "99", leave=True),
        tied,
        cadre("V1", "70", unit="V"),
        units=[],
    )
    ranks = {r.code: (r.rank_in_unit, r.rank_in_scope) for r in outcome.cadres}
    assert ranks == {
        "U1": (2, 2),
        "U2": (1, 1),
        "U3": (None, None),
        "T1": (1, 2),
        "V1": (2, 4),
    }


# --- 5.7 rewards ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pool", "tiers", "rewards", "undistributed"),
    [
        (10_000_000, "ABBBBBC", [2_142_000] + [1_428_000] * 5 + [714_000], 4_000),
        (9_000_000, "CCC", [3_000_000] * 3, 0),
        (10_000_000, "CCD", [5_000_000, 5_000_000, 0], 0),
        (1_000_000, "CCC", [333_000] * 3, 1_000),
        (1_000_000, "DD", [0, 0], 1_000_000),
        (1_000_000, "", [], 1_000_000),
        (1_000_001, "AB", [583_000, 416_000], 1_001),
        (0, "AB", [0, 0], 0),
    ],
)
def test_split_pool(pool, tiers, rewards, undistributed):
    codes = [f"C{i}" for i in range(len(tiers))]
    split = split_pool(pool, dict(zip(codes, (Tier(t) for t in tiers), strict=True)))
    assert [split.reward(c) for c in codes] == rewards
    assert split.undistributed == undistributed
    assert split.distributed + split.undistributed == pool


def test_rewards_skip_d_and_not_rated():
    outcome = decide(
        cadre("A1", "80"),
        cadre("D1", "40"),
        cadre("L1", "80", leave=True),
        pool=3_000_000,
    )
    assert [r.reward for r in outcome.cadres] == [3_000_000, 0, 0]
    assert [r.equal_split for r in outcome.cadres] == [1_500_000, 1_500_000, None]


def test_unit_without_pool_rewards_nothing():
    assert decide(cadre("C1", "95"), units=[]).cadre("C1").reward == 0


# --- 5.8 year ------------------------------------------------------------------------------


def months(*totals: str, discipline_at: int | None = None) -> tuple[MonthRecord, ...]:
    return tuple(
        MonthRecord(total=None if t == "-" else D(t), rated=t != "-", discipline=i == discipline_at)
        for i, t in enumerate(totals)
    )


@pytest.mark.parametrize(
    ("records", "total", "tier", "reason"),
    [
        (months("90", "91", "92", "93", "94", "95"), D("92.50"), "A", None),
        (months("80", "80", "80", "80", "80", "81", "-", "-"), D("80.17"), "B", None),
        (months("95", "95", "95", "95", "95", "-"), D("95.00"), None, "too_few_rated_months"),
        (
            months("95", "95", "95", "95", "95", "95", discipline_at=2),
            D("95.00"),
            "D",
            "discipline",
        ),
        # Not rated comes first: fewer than six rated months leave no tier even with discipline,
        # in a rated month or in a month that was not rated.
        (months("95", "-", discipline_at=1), D("95.00"), None, "too_few_rated_months"),
        (
            months("95", "95", "95", "95", "95", discipline_at=0),
            D("95.00"),
            None,
            "too_few_rated_months",
        ),
    ],
)
def test_yearly_rollup(records, total, tier, reason):
    (result,) = yearly_rollup(ND335, [YearInput("C1", "U", "staff", records)])
    assert (result.total.shown, result.tier_before_quota) == (total, tier)
    assert [r.code for r in result.reasons if r.code != "quota_demoted"] == (
        [reason] if reason else []
    )


def test_a_disciplined_cadre_with_too_few_rated_months_is_neither_tiered_nor_ranked():
    year = [YearInput("A1", "U", "staff", months(*["80"] * 12))]
    year.append(YearInput("X", "U", "staff", months("99", "99", "-", discipline_at=1)))
    first, short = yearly_rollup(ND335, year)
    assert (short.tier_before_quota, short.tier) == (None, None)
    assert (short.rank_in_unit, short.rank_in_scope) == (None, None)
    assert (first.rank_in_unit, first.rank_in_scope) == (1, 1)


def test_yearly_rollup_applies_the_quota_and_ranks():
    year = [YearInput("A1", "U", "staff", months(*["95"] * 12))]
    year.append(YearInput("A2", "U", "staff", months(*["92"] * 12)))
    year += [YearInput(f"B{i}", "U", "staff", months(*["80"] * 12)) for i in range(4)]
    results = yearly_rollup(ND335, year)
    assert [r.tier for r in results] == ["A", "B", "B", "B", "B", "B"]
    assert [r.code for r in results[1].reasons] == ["quota_demoted"]
    assert [r.rank_in_unit for r in results] == [1, 2, 3, 3, 3, 3]


# --- regulations ---------------------------------------------------------------------------


def test_hn3814_parameters():
    assert (HN3814.weight_self, HN3814.weight_peer, HN3814.weight_supervisor) == (
        D("0.2"),
        D("0.3"),
        D("0.5"),
    )
    assert (HN3814.quota_rate, HN3814.quota_base, HN3814.quota_rate_outstanding) == (
        D("0.30"),
        "rated",
        D("0.40"),
    )
    assert (HN3814.bonus_cap, ND335.bonus_cap) == (D(10), D(0))
    assert Regulation.nd335() == ND335


def test_float_inputs_are_refused():
    with pytest.raises(TypeError):
        Value.of(0.1)


# --- properties ----------------------------------------------------------------------------

TIER_ORDER = {None: -1, "D": 0, "C": 1, "B": 2, "A": 3}


@st.composite
def scored_cadres(draw):
    def points(max_points):
        return D(draw(st.integers(min_value=0, max_value=int(max_points * 4)))) / 4

    maxima = {c.code: D(c.max_points) for c in ND335_CRITERIA if c.group == "general"}
    supervisor = {code: points(m) for code, m in maxima.items()}
    own = {code: points(m) for code, m in maxima.items()} if draw(st.booleans()) else {}
    n_peers = draw(st.integers(min_value=0, max_value=7))
    peers = {code: [points(m) for _ in range(n_peers)] for code, m in maxima.items()}
    tasks = draw(
        st.lists(
            st.builds(
                TaskInput,
                weight=st.sampled_from([D("0.5"), D(1), D("1.5"), D(2)]),
                completed=st.booleans(),
                accepted=st.booleans(),
                errors=st.integers(0, 5),
                delays=st.integers(0, 5),
            ),
            max_size=5,
        )
    )
    manual = D(draw(st.integers(min_value=0, max_value=280))) / 4
    penalty = tuple(D(draw(st.integers(min_value=0, max_value=10))) for _ in range(2))
    scores = {"self_points": own, "peer_points": peers, "supervisor_points": supervisor}
    return CadreInput(
        "C1",
        "U",
        "staff",
        tasks=tuple(tasks),
        manual_task_score=manual,
        penalty_points=penalty,
        **scores,
    )


def raise_one(cadre_input: CadreInput, data) -> CadreInput:
    """The same cadre with one input made better."""
    what = data.draw(st.sampled_from(["supervisor", "self", "peer", "manual", "penalty", "task"]))
    code = data.draw(st.sampled_from(["G1", "G2", "G3", "G4", "G5"]))
    top = D(10) if code == "G4" else D(5)
    if what == "supervisor":
        points = dict(cadre_input.supervisor_points)
        points[code] = min(top, points[code] + D("0.25"))
        return dataclasses.replace(cadre_input, supervisor_points=points)
    if what == "self" and cadre_input.self_points:
        points = dict(cadre_input.self_points)
        points[code] = top
        return dataclasses.replace(cadre_input, self_points=points)
    if what == "peer" and cadre_input.peer_points[code]:
        peers = {k: list(v) for k, v in cadre_input.peer_points.items()}
        i = data.draw(st.integers(0, len(peers[code]) - 1))
        peers[code][i] = top
        return dataclasses.replace(cadre_input, peer_points=peers)
    if what == "manual":
        manual = min(D(70), cadre_input.manual_task_score + D(5))
        return dataclasses.replace(cadre_input, manual_task_score=manual)
    if what == "task" and cadre_input.tasks:
        better = [dataclasses.replace(t, errors=0, delays=0) for t in cadre_input.tasks]
        return dataclasses.replace(cadre_input, tasks=tuple(better))
    return dataclasses.replace(cadre_input, penalty_points=cadre_input.penalty_points[1:])


@given(scored_cadres(), st.data())
def test_raising_points_never_lowers_the_tier_before_quota(cadre_input, data):
    before = decide(cadre_input).cadre("C1")
    after = decide(raise_one(cadre_input, data)).cadre("C1")
    assert after.total.exact >= before.total.exact
    assert TIER_ORDER[after.tier_before_quota] >= TIER_ORDER[before.tier_before_quota]


candidates = st.lists(
    st.tuples(
        st.sampled_from([Tier.A, Tier.B, Tier.C, Tier.D]),
        st.integers(min_value=0, max_value=10_000).map(lambda c: D(c) / 100),
        st.integers(min_value=0, max_value=30),
        st.integers(min_value=0, max_value=4),
    ),
    max_size=40,
)


@given(
    candidates,
    st.sampled_from([F(1, 5), F(3, 10), F(2, 5)]),
    st.sampled_from(list(QuotaBase)),
)
def test_a_never_exceeds_the_quota_share(rows, rate, base):
    group = [
        QuotaCandidate(f"C{i:02d}", tier, total, F(sup), F(pg, 4))
        for i, (tier, total, sup, pg) in enumerate(rows)
    ]
    final = apply_quota(group, rate, base)
    n_a = sum(1 for t in final.values() if t == Tier.A)
    n_b = sum(1 for t in final.values() if t == Tier.B)
    share = n_b if base == QuotaBase.GOOD else len(group)
    assert n_a <= rate * share
    candidates_a = sorted((c for c in group if c.tier == Tier.A), key=lambda c: c.total)
    if n_a < len(candidates_a):
        # One more A would break the share: the quota keeps as many as it may.
        more = n_b - 1 if base == QuotaBase.GOOD else share
        assert n_a + 1 > rate * more
    for c in group:
        assert final[c.code] == c.tier or (c.tier, final[c.code]) == (Tier.A, Tier.B)
    kept = [quota_order_key(c) for c in candidates_a if final[c.code] == Tier.A]
    demoted = [quota_order_key(c) for c in candidates_a if final[c.code] == Tier.B]
    assert all(k < d for k in kept for d in demoted)


@given(
    st.integers(min_value=0, max_value=2_000_000_000),
    st.lists(st.sampled_from(list(Tier)), max_size=30),
    st.sampled_from([ND335, dataclasses.replace(ND335, equal_share=D("0.3"))]),
)
def test_rewards_never_exceed_the_pool(pool, tiers, regulation):
    codes = {f"C{i}": t for i, t in enumerate(tiers)}
    split = split_pool(pool, codes, regulation)
    rewards = [split.reward(c) for c in codes]
    assert sum(rewards) == split.distributed <= pool
    assert all(r % 1000 == 0 and r >= 0 for r in rewards)
    eligible = sum(1 for t in tiers if t != Tier.D)
    merit = sum(1 for t in tiers if t in (Tier.A, Tier.B))
    if eligible:
        assert split.undistributed < 1000 * (eligible + merit)
    else:
        assert split.undistributed == pool
    for code, tier in codes.items():
        if tier == Tier.D:
            assert split.reward(code) == 0
    a_rewards = [split.reward(c) for c, t in codes.items() if t == Tier.A]
    b_rewards = [split.reward(c) for c, t in codes.items() if t == Tier.B]
    assert all(a >= b for a in a_rewards for b in b_rewards)


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 40).map(D), max_size=30))
def test_ranks_follow_totals(totals):
    ranks = competition_ranks(totals)
    for a in totals:
        assert ranks[a] == 1 + sum(1 for b in totals if totals[b] > totals[a])
        for b in totals:
            if totals[a] > totals[b]:
                assert ranks[a] < ranks[b]
            if totals[a] == totals[b]:
                assert ranks[a] == ranks[b]


# --- the rules again, after one cadre's result is corrected (docs/RULES.md §2, appeals) -----------


def standings_of(outcome) -> list[Standing]:
    """Each decided cadre as the rules see them, from the decision's own outcome."""
    return [
        Standing(
            code=r.code,
            unit_code=r.unit_code,
            job_group=r.job_group,
            total=r.total.shown if r.total else None,
            tier_before=r.tier_before_quota,
            tier=r.tier,
            supervisor_general=r.supervisor_score.exact if r.supervisor_score else 0,
            pg=r.pg.exact if r.pg else 0,
            penalty=r.penalty.exact,
        )
        for r in outcome.cadres
    ]


def placed(outcome) -> dict:
    return {
        r.code: (r.tier, r.rank_in_unit, r.rank_in_scope, r.reward, r.equal_split)
        for r in outcome.cadres
    }


def placed_again(placings) -> dict:
    return {
        p.code: (p.tier, p.rank_in_unit, p.rank_in_scope, p.reward, p.equal_split)
        for p in placings.values()
    }


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=2000, max_value=10_000).map(lambda c: D(c) / 100),
            st.sampled_from(["U", "V"]),
            st.sampled_from(["staff", "expert"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=14,
    ),
    st.integers(min_value=0, max_value=50_000_000),
    st.booleans(),
)
def test_the_rules_over_the_decided_standings_give_the_decision_back(rows, pool, requota_all):
    """Applying the rules again to a decided month, quota everywhere or nowhere, changes
    nothing: a correction that changes nobody's own result changes no result."""
    cadres = [
        cadre(f"C{i:02d}", str(total), unit=unit, group=group, leave=away)
        for i, (total, unit, group, away) in enumerate(rows)
    ]
    units = [UnitInput("U", pool=pool), UnitInput("V", pool=pool // 3)]
    outcome = decide(*cadres, units=units)
    groups = {(c.unit_code, c.job_group) for c in cadres} if requota_all else set()
    placings, unit_outcomes = apply_rules(ND335, standings_of(outcome), units, requota=groups)
    assert placed_again(placings) == placed(outcome)
    assert unit_outcomes == outcome.units
    demoted = {r.code for r in outcome.cadres if "quota_demoted" in r.reason_codes}
    again = {p.code for p in placings.values() if p.quota_reason is not None}
    assert again == (demoted if requota_all else set())


def test_a_corrected_total_moves_the_others_only_through_the_rules():
    """The worked example of section 5 with C4 corrected from 84.25 to 95: C4 becomes the one
    A the quota keeps, C1 (93.10) moves to B through the quota, ranks shift down by one for the
    three above C4; every other total stays, the pool is split over the new tiers."""
    cadres = [cadre(f"C{i}", total) for i, total in enumerate(WORKED_TOTALS, start=1)]
    outcome = decide(*cadres, pool=10_000_000)
    standings = {s.code: s for s in standings_of(outcome)}
    standings["C4"] = dataclasses.replace(
        standings["C4"], total=D("95.00"), tier_before=Tier.A, tier=Tier.A
    )
    placings, units = apply_rules(
        ND335,
        list(standings.values()),
        [UnitInput("U", pool=10_000_000)],
        requota={("U", "staff")},
    )
    assert {code: p.tier for code, p in placings.items()} == {
        "C1": Tier.B,
        "C2": Tier.B,
        "C3": Tier.B,
        "C4": Tier.A,
        "C5": Tier.B,
        "C6": Tier.B,
        "C7": Tier.C,
    }
    assert placings["C1"].quota_reason == Reason("quota_demoted", {"rate": D("20.00")})
    assert placings["C4"].quota_reason is None
    assert [placings[f"C{i}"].rank_in_unit for i in range(1, 8)] == [2, 3, 4, 1, 5, 6, 7]
    assert (placings["C1"].reward, placings["C4"].reward) == (1_428_000, 2_142_000)
    assert placings["C7"].reward == 714_000
    assert units[0].distributed == 9_996_000
