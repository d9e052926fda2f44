"""The ND335 sample of October 2026, scope W1: every cell of expected.csv."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.engine import ND335, CadreResult, Value, decide_period
from tests.scoring.sample_loader import ND335_CRITERIA, load_sample, read_csv

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "nd335-sample"
EXPECTED = read_csv(SAMPLE / "expected.csv")


def shown(value: Value | None) -> str:
    return "" if value is None else str(value.shown)


def blank(value: object) -> str:
    return "" if value is None else str(value)


def export_row(r: CadreResult) -> dict[str, str]:
    """A row of ``export results`` (docs/RULES.md §5)."""
    return {
        "cadre_code": r.code,
        "unit_code": r.unit_code,
        "job_group": r.job_group,
        "self": shown(r.self_score),
        "peer": shown(r.peer_score),
        "supervisor": shown(r.supervisor_score),
        "general": shown(r.general),
        "task": shown(r.task),
        "bonus": shown(r.bonus),
        "penalty": shown(r.penalty),
        "total": shown(r.total),
        "tier_before_quota": blank(r.tier_before_quota),
        "tier": blank(r.tier),
        "rank_in_unit": blank(r.rank_in_unit),
        "rank_in_scope": blank(r.rank_in_scope),
        "reward": str(r.reward),
    }


@pytest.fixture(scope="module")
def outcome():
    sample = load_sample(SAMPLE, period="2026-10", scope="W1")
    return decide_period(ND335, ND335_CRITERIA, sample.cadres, sample.units)


def test_scope_holds_exactly_the_cadres_of_w1_and_below(outcome):
    """CB0001 heads the city HN, outside W1: it only rates."""
    assert [r.code for r in outcome.cadres] == [row["cadre_code"] for row in EXPECTED]


@pytest.mark.parametrize("expected", EXPECTED, ids=[row["cadre_code"] for row in EXPECTED])
def test_every_cell_matches_expected_csv(outcome, expected):
    assert export_row(outcome.cadre(expected["cadre_code"])) == expected


def test_pools_report_what_is_left_undistributed(outcome):
    units = {u.code: (u.pool, u.distributed, u.undistributed) for u in outcome.units}
    assert units == {
        "W1": (10_000_000, 10_000_000, 0),
        "W1-VP": (8_350_000, 8_334_000, 16_000),
        "W1-KT": (8_000_000, 7_996_000, 4_000),
        "W1-VH": (8_000_000, 8_000_000, 0),
    }


def test_sample_reasons(outcome):
    assert outcome.cadre("CB0016").reason_codes == ("discipline",)
    assert outcome.cadre("CB0031").reason_codes == ("leave",)
    assert outcome.cadre("CB0019").reason_codes == ("quota_demoted",)
    assert outcome.cadre("CB0012").reason_codes == ("staff_tier_d",)
    assert outcome.cadre("CB0002").task_source == "manual"
