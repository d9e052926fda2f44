"""A unit head's grid previews its unit alone: the same results as the whole period's."""

import dataclasses

import pytest

from scoring.month.selectors.inputs import period_inputs
from tests.scoring.factories import build_scope
from units.models import Unit

pytestmark = pytest.mark.django_db


def comparable(result):
    """Everything the engine says of a cadre but the rank in the scope (the scope's alone)."""
    return {k: v for k, v in dataclasses.asdict(result).items() if k != "rank_in_scope"}


def test_a_units_own_inputs_give_each_member_the_whole_periods_result():
    period = build_scope(160, units=4)
    whole = {r.code: r for r in period_inputs(period).decide().cadres}
    compared = []
    for unit in Unit.objects.filter(parent=period.scope):
        inputs = period_inputs(period, unit)
        assert {m.unit_id for m in inputs.members.values()} == {unit.pk}
        for result in inputs.decide().cadres:
            assert comparable(result) == comparable(whole[result.code])
            compared.append(result)
    assert len(compared) == 159  # every member but the ward's head, who is in no department
    # The comparison covered quota demotions, leaders' task scores and several tiers.
    assert {"quota_demoted"} <= {reason.code for r in compared for reason in r.reasons}
    assert any(r.task_source == "leader" for r in compared)
    assert len({r.tier for r in compared}) >= 2
