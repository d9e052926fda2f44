"""One cadre decided from the fewest members of its unit (scoring/engine/cadre.py) gives the
result deciding the whole period gives it, but for the ranks and rewards, which it leaves out."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import (
    HN3814,
    ND335,
    CadreInput,
    TaskInput,
    Tier,
    UnitInput,
    UnitMember,
    decide_cadre,
    decide_period,
    members_needed,
    without_shared_figures,
)
from tests.profiles import examples
from tests.scoring.test_engine import ND335_CRITERIA, cadre, criteria_of

D = Decimal
UNIT = UnitInput("U", pool=10_000_000)


def unit_members(cadres, unit_code="U"):
    return [
        UnitMember(c.code, c.job_group, c.is_leader) for c in cadres if c.unit_code == unit_code
    ]


def decided_from_the_fewest(regulation, cadres, code, unit=UNIT):
    """What the grid does on a row save: the cadre alone, then the members it reads."""
    mine = next(c for c in cadres if c.code == code)
    criteria = criteria_of(regulation)
    alone = decide_cadre(regulation, criteria, [mine], code, unit)
    needed = members_needed(alone, unit_members(cadres, mine.unit_code))
    if needed == {code}:
        return alone, needed
    chosen = [mine, *(c for c in cadres if c.code in needed and c is not mine)]
    return decide_cadre(regulation, criteria, chosen, code, unit), needed


def whole(regulation, cadres, units=(UNIT,)):
    return decide_period(regulation, criteria_of(regulation), cadres, units)


# --- the three reaches -------------------------------------------------------------------------


WORKED = ["93.10", "91.40", "88.00", "84.25", "76.00", "71.50", "64.00"]


def test_a_result_without_shared_figures_keeps_the_cadres_own_and_drops_ranks_and_reward():
    cadres = [cadre(f"C{i}", total) for i, total in enumerate(WORKED, start=1)]
    decided = whole(ND335, cadres).cadre("C1")
    assert (decided.rank_in_unit, decided.rank_in_scope) == (1, 1)
    assert decided.reward > 0 and decided.equal_split is not None
    alone = without_shared_figures(decided)
    assert (alone.rank_in_unit, alone.rank_in_scope, alone.equal_split) == (None, None, None)
    assert (alone.reward_equal, alone.reward_merit, alone.reward) == (0, 0, 0)
    assert (alone.total, alone.tier, alone.reason_codes) == (
        decided.total,
        decided.tier,
        decided.reason_codes,
    )


def test_staff_below_a_reads_only_itself():
    cadres = [cadre(f"C{i}", total) for i, total in enumerate(WORKED, start=1)]
    result, needed = decided_from_the_fewest(ND335, cadres, "C3")
    assert needed == {"C3"}
    assert result == without_shared_figures(whole(ND335, cadres).cadre("C3"))


def test_a_candidate_demoted_by_the_quota_reads_its_group_and_keeps_the_reason():
    """The worked example of section 5: 91.40 is an A candidate that the quota lowers to B."""
    others = [cadre("X1", "95.00", group="expert"), cadre("X2", "60.00", group="expert")]
    cadres = [cadre(f"C{i}", total) for i, total in enumerate(WORKED, start=1)] + others
    result, needed = decided_from_the_fewest(ND335, cadres, "C2")
    assert needed == {f"C{i}" for i in range(1, 8)}  # not the experts: another quota group
    assert (result.tier_before_quota, result.tier) == (Tier.A, Tier.B)
    assert "quota_demoted" in result.reason_codes
    assert result == without_shared_figures(whole(ND335, cadres).cadre("C2"))


def test_a_candidate_alone_in_its_group_is_lowered_as_the_whole_unit_lowers_it():
    """No peer in its job group: the quota's share of nobody is nobody, so B (docs/RULES.md §1)."""
    cadres = [cadre("C1", "95.00", group="lone"), cadre("C2", "80.00")]
    result, needed = decided_from_the_fewest(ND335, cadres, "C1")
    assert needed == {"C1"}
    assert result.tier == Tier.B
    assert result == without_shared_figures(whole(ND335, cadres).cadre("C1"))


def test_a_leader_reads_the_whole_unit_and_the_staff_members_d():
    staff = [cadre("S1", "80.00", tasks=(TaskInput(),)), cadre("S2", "40.00")]
    leader = CadreInput("L1", "U", "leader", is_leader=True, supervisor_points=FULL_MARKS)
    cadres = [*staff, leader]
    result, needed = decided_from_the_fewest(ND335, cadres, "L1")
    assert needed == {"S1", "S2", "L1"}
    assert "staff_tier_d" in result.reason_codes  # S2 is D: the unit's part of T is halved
    assert result == without_shared_figures(whole(ND335, cadres).cadre("L1"))
    alone = decide_cadre(ND335, ND335_CRITERIA, [leader], "L1", UNIT)
    assert alone.task_source != result.task_source  # alone, it would see no task of the unit


def test_a_candidate_whose_group_holds_a_leader_reads_the_whole_unit():
    """The head shares the job group of S1 (an A candidate). An expert of the unit is D, which
    halves the unit's part of the head's T: the head is a B and S1 keeps the group's one A.
    Deciding the group without the expert would make the head an A ahead of S1."""
    leader = CadreInput("L1", "U", "staff", is_leader=True, supervisor_points=FULL_MARKS)
    staff = [cadre(f"S{i}", "80.00") for i in range(2, 6)]
    s1 = cadre("S1", "25.00", tasks=(TaskInput(),))  # G 25 and T 70 from its task: 95
    cadres = [s1, leader, *staff, cadre("E1", "40.00", group="expert")]
    result, needed = decided_from_the_fewest(ND335, cadres, "S1")
    assert needed == {c.code for c in cadres}
    assert result.tier == Tier.A
    assert result == without_shared_figures(whole(ND335, cadres).cadre("S1"))
    group = [c for c in cadres if c.job_group == "staff"]
    assert decide_cadre(ND335, ND335_CRITERIA, group, "S1", UNIT).tier == Tier.B


def test_discipline_reads_only_itself_whatever_the_total():
    cadres = [cadre("C1", "97.00", discipline=True), cadre("C2", "91.00"), cadre("C3", "80.00")]
    result, needed = decided_from_the_fewest(ND335, cadres, "C1")
    assert needed == {"C1"}
    assert result.tier == Tier.D
    assert result == without_shared_figures(whole(ND335, cadres).cadre("C1"))


def test_ranks_and_rewards_are_left_out():
    cadres = [cadre("C1", "80.00"), cadre("C2", "70.00")]
    result = decide_cadre(ND335, ND335_CRITERIA, cadres, "C2", UNIT)
    assert (result.rank_in_unit, result.rank_in_scope, result.reward, result.equal_split) == (
        None,
        None,
        0,
        None,
    )


# --- any unit ----------------------------------------------------------------------------------


FULL_MARKS = {"G1": D(5), "G2": D(5), "G3": D(5), "G4": D(10), "G5": D(5)}
MAXIMA = {"G1": 5, "G2": 5, "G3": 5, "G4": 10, "G5": 5}


@st.composite
def members(draw, code, unit_code):
    """A member of any kind: a head or deputy or staff, any job group, points from poor to
    full (mostly near A, so that the quota has candidates to keep or lower), with or without
    self, peer and supervisor cards, tasks or a hand T, bonus, penalty, discipline, leave."""
    level = draw(st.sampled_from([D("0.5"), D("0.85"), D("0.95"), D("0.95"), D(1), D(1)]))

    def points(top):
        low = int(top * 4 * level) - 2
        return D(draw(st.integers(min_value=max(0, low), max_value=top * 4))) / 4

    kind = draw(st.sampled_from(["full"] * 6 + ["none", "incomplete"]))
    supervisor = {code_: points(top) for code_, top in MAXIMA.items()}
    if kind == "none":
        supervisor = {}
    elif kind == "incomplete":
        supervisor.pop("G5")
    own = {c: points(t) for c, t in MAXIMA.items()} if draw(st.booleans()) else {}
    n_peers = draw(st.integers(min_value=0, max_value=6))
    peers = {c: tuple(points(t) for _ in range(n_peers)) for c, t in MAXIMA.items()}
    done = st.builds(TaskInput, weight=st.sampled_from([D(1), D(2)]))
    any_task = st.builds(
        TaskInput,
        weight=st.sampled_from([D(1), D(2)]),
        completed=st.booleans(),
        accepted=st.booleans(),
        errors=st.integers(0, 2),
        delays=st.integers(0, 2),
    )
    tasks = draw(st.lists(done | done | any_task, max_size=3))
    manual = draw(st.none() | st.integers(min_value=220, max_value=280).map(lambda n: D(n) / 4))
    return CadreInput(
        code=code,
        unit_code=unit_code,
        job_group=draw(st.sampled_from(["leader", "staff", "staff", "expert"])),
        is_leader=draw(st.integers(0, 5)) == 0,
        tasks=tuple(tasks),
        manual_task_score=manual,
        self_points=own,
        peer_points=peers,
        supervisor_points=supervisor,
        bonus_points=tuple(draw(st.lists(st.sampled_from([D(1), D(5)]), max_size=1))),
        penalty_points=tuple(draw(st.lists(st.sampled_from([D(1), D(3)]), max_size=1))),
        discipline=draw(st.integers(0, 9)) == 0,
        leave=draw(st.integers(0, 9)) == 0,
    )


@st.composite
def periods(draw):
    size = draw(st.integers(min_value=1, max_value=12))
    cadres = [draw(members(f"C{i}", "U")) for i in range(size)]
    cadres += [draw(members(f"V{i}", "V")) for i in range(draw(st.integers(0, 3)))]
    return cadres


@settings(max_examples=examples(100))
@given(
    periods(),
    st.sampled_from([ND335, HN3814]),
    st.booleans(),
    st.data(),
)
def test_any_member_decided_from_the_fewest_is_decided_as_by_the_whole_period(
    cadres, regulation, outstanding, data
):
    if regulation.code == "HN3814":
        cadres = [_hn3814(c) for c in cadres]
    unit = UnitInput("U", pool=10_000_000, outstanding=outstanding)
    outcome = whole(regulation, cadres, (unit, UnitInput("V", pool=3_000_000)))
    for mine in cadres:
        if mine.unit_code != "U":
            continue
        result, _needed = decided_from_the_fewest(regulation, cadres, mine.code, unit)
        assert result == without_shared_figures(outcome.cadre(mine.code))


def _hn3814(c: CadreInput) -> CadreInput:
    """The same member under HN3814's four criteria (G1–G4 out of 4, 4, 4, 8)."""
    tops = {"G1": D(4), "G2": D(4), "G3": D(4), "G4": D(8)}

    def within(points):
        return {k: min(v, tops[k]) for k, v in points.items() if k in tops}

    return dataclasses.replace(
        c,
        self_points=within(c.self_points),
        peer_points={
            k: tuple(min(p, tops[k]) for p in v) for k, v in c.peer_points.items() if k in tops
        },
        supervisor_points=within(c.supervisor_points),
    )
