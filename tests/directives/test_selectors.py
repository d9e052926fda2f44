"""docs/RULES.md §1 as the selector feeds it to the engine: which tasks count, and how."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from directives.models import TaskStatus
from directives.selectors import TaskFacts, month_range, task_facts
from scoring.engine import task_ratios
from scoring.month.selectors.inputs import task_input
from tests.directives.helpers import DELAY, ERROR, done, event, make_task
from tests.factories import UnitFactory, member

pytestmark = pytest.mark.django_db

OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def facts_of(cadre, month=OCT):
    return task_facts(cadre_ids=[cadre.pk], first_day=month[0], last_day=month[1]).get(cadre.pk, [])


def ratios_of(cadre, month=OCT):
    return task_ratios([task_input(f, month[1]) for f in facts_of(cadre, month)])


def completed(facts, month=OCT):
    return task_input(facts, month[1]).completed


def test_month_range_knows_month_lengths_and_refuses_garbage():
    assert month_range("2026-02") == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert month_range("2028-02") == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert month_range("2026-13") is None
    assert month_range("2026-1") is None
    assert month_range("") is None


def test_weights_pass_through_and_weight_the_ratios(org):
    make_task(org.staff_a, org.head_a, weight=Decimal("2"))
    done(make_task(org.staff_a, org.head_a, weight=Decimal("0.5")), dt.date(2026, 10, 10))
    facts = facts_of(org.staff_a)
    assert sorted(f.weight for f in facts) == [Decimal("0.5"), Decimal("2")]
    assert ratios_of(org.staff_a).qn == Fraction(1, 5)  # 0.5 done of 2.5


def test_facts_are_frozen_dataclasses_with_the_engine_field_names(org):
    done(make_task(org.staff_a, org.head_a, code="NV1"), dt.date(2026, 10, 12))
    (facts,) = facts_of(org.staff_a)
    assert facts == TaskFacts(
        code="NV1",
        weight=Decimal("1"),
        completed_on=dt.date(2026, 10, 12),
        accepted=True,
        errors=0,
        delays=0,
    )
    with pytest.raises(AttributeError):
        facts.errors = 3


def test_completed_after_the_month_end_is_not_completed(org):
    task = done(
        make_task(org.staff_a, org.head_a, deadline=dt.date(2026, 10, 30)), dt.date(2026, 11, 1)
    )
    (facts,) = facts_of(org.staff_a)
    assert completed(facts) is False
    assert ratios_of(org.staff_a).qn == 0
    done(task, dt.date(2026, 10, 31))
    assert completed(facts_of(org.staff_a)[0]) is True


def test_an_unfinished_task_is_not_completed(org):
    make_task(org.staff_a, org.head_a)
    assert completed(facts_of(org.staff_a)[0]) is False


def test_submitted_but_not_accepted_counts_as_completed_without_quality(org):
    done(make_task(org.staff_a, org.head_a), dt.date(2026, 10, 14), accepted=False)
    (facts,) = facts_of(org.staff_a)
    assert (completed(facts), facts.accepted) == (True, False)
    ratios = ratios_of(org.staff_a)
    assert (ratios.qn, ratios.ql, ratios.pg) == (1, 0, 1)


def test_errors_and_delays_count_unless_exempted(org):
    task = done(make_task(org.staff_a, org.head_a), dt.date(2026, 10, 20))
    event(task, ERROR, author=org.head_a)
    event(task, ERROR, author=org.head_a, exempted=True)
    event(task, DELAY)
    event(task, DELAY, author=org.head_a)
    event(task, DELAY, author=org.head_a, exempted=True)
    (facts,) = facts_of(org.staff_a)
    assert (facts.errors, facts.delays) == (1, 2)
    ratios = ratios_of(org.staff_a)
    assert (ratios.ql, ratios.pg) == (Fraction(3, 4), Fraction(1, 2))


def test_imported_counts_add_to_recorded_events(org):
    task = done(
        make_task(org.staff_a, org.head_a, imported_errors=2, imported_delays=1),
        dt.date(2026, 10, 20),
    )
    event(task, DELAY, author=org.head_a)
    (facts,) = facts_of(org.staff_a)
    assert (facts.errors, facts.delays) == (2, 2)


@pytest.mark.parametrize(
    ("errors", "ql"),
    [
        (0, Fraction(1)),
        (1, Fraction(3, 4)),
        (2, Fraction(1, 2)),
        (3, Fraction(1, 4)),
        (4, 0),
        (6, 0),
    ],
)
def test_each_major_error_takes_a_quarter_of_quality_down_to_zero(org, errors, ql):
    done(make_task(org.staff_a, org.head_a, imported_errors=errors), dt.date(2026, 10, 9))
    assert ratios_of(org.staff_a).ql == ql


@pytest.mark.parametrize(
    ("delays", "pg"),
    [(0, Fraction(1)), (1, Fraction(3, 4)), (3, Fraction(1, 4)), (4, 0), (5, 0)],
)
def test_each_delay_takes_a_quarter_of_timeliness_down_to_zero(org, delays, pg):
    task = done(make_task(org.staff_a, org.head_a), dt.date(2026, 10, 9))
    for _ in range(delays):
        event(task, DELAY, author=org.head_a)
    assert ratios_of(org.staff_a).pg == pg


def test_a_task_due_outside_the_month_is_not_counted(org):
    done(make_task(org.staff_a, org.head_a, deadline=dt.date(2026, 9, 30)), dt.date(2026, 9, 29))
    done(make_task(org.staff_a, org.head_a, deadline=dt.date(2026, 11, 1)), dt.date(2026, 10, 2))
    inside = make_task(org.staff_a, org.head_a, deadline=dt.date(2026, 10, 1))
    assert [f.code for f in facts_of(org.staff_a)] == [inside.code]


def test_the_effective_deadline_decides_the_month_not_the_original(org):
    moved = make_task(
        org.staff_a,
        org.head_a,
        deadline=dt.date(2026, 10, 28),
        effective_deadline=dt.date(2026, 11, 5),
    )
    assert facts_of(org.staff_a) == []
    nov = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert [f.code for f in facts_of(org.staff_a, nov)] == [moved.code]


def test_a_cancelled_task_is_not_counted(org):
    make_task(org.staff_a, org.head_a, status=TaskStatus.CANCELLED)
    kept = make_task(org.staff_a, org.head_a)
    assert [f.code for f in facts_of(org.staff_a)] == [kept.code]


def test_tasks_are_keyed_by_their_lead_assignee_only(org):
    task = make_task(org.staff_a, org.head_a)
    task.supporters.add(org.staff_a2)
    facts = task_facts(
        cadre_ids=[org.staff_a.pk, org.staff_a2.pk], first_day=OCT[0], last_day=OCT[1]
    )
    assert list(facts) == [org.staff_a.pk]


def test_a_cadre_without_tasks_is_absent(org):
    assert task_facts(cadre_ids=[org.staff_b.pk], first_day=OCT[0], last_day=OCT[1]) == {}


def test_task_facts_takes_one_query_whatever_the_number_of_cadres_and_tasks(
    org, django_assert_num_queries
):
    unit = UnitFactory(parent=org.w1)
    head = member(unit, role="head")
    cadres = [member(unit) for _ in range(8)]
    for i, cadre in enumerate(cadres):
        for day in range(1, 6):
            task = done(
                make_task(cadre, head, deadline=dt.date(2026, 10, day + i)), dt.date(2026, 10, 9)
            )
            event(task, DELAY, author=head)
            event(task, ERROR, author=head, exempted=True)
    ids = [c.pk for c in cadres]
    with django_assert_num_queries(1):
        facts = task_facts(cadre_ids=ids, first_day=OCT[0], last_day=OCT[1])
    assert sum(len(v) for v in facts.values()) == 40
    assert all(f.delays == 1 and f.errors == 0 for v in facts.values() for f in v)


def test_cadre_ids_may_be_a_queryset(org, django_assert_num_queries):
    from units.models import Cadre

    make_task(org.staff_a, org.head_a)
    with django_assert_num_queries(1):
        facts = task_facts(
            cadre_ids=Cadre.objects.filter(code="SA").values("pk"),
            first_day=OCT[0],
            last_day=OCT[1],
        )
    assert list(facts) == [org.staff_a.pk]
