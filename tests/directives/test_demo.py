"""The demo's tasks: every cadre with an assigner gets realistic work, assigned by authority."""

import datetime as dt
import random
from collections import Counter

import pytest
import time_machine
from django.db import transaction

from directives.catalogue.models import CatalogueItem
from directives.catalogue.services import product_weight
from directives.demo import build_demo_tasks
from directives.models import Regulation, Task, TaskEvent, TaskEventKind, TaskStatus
from directives.selectors import task_facts
from scoring.demo.ward import build_demo
from scoring.month.selectors.inputs import task_input
from units.models import Membership, Role
from units.scope import acting_roles, outranks

pytestmark = pytest.mark.django_db

MONTHS = ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]
# The demo's history runs up to "today": the clock is frozen on a day after MONTHS, so the same
# seeds give the same tasks (and the same outcomes of work due before today) on any real day.
TODAY = dt.datetime(2026, 10, 15, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def built_demo_tasks(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction; each test runs in a savepoint of it (the
    `db` fixture) and the transaction is rolled back after the module."""
    with (
        time_machine.travel(TODAY, tick=False),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        build_demo(cadres=60)
        before = Task.objects.count()
        created = build_demo_tasks(months=MONTHS, rng=random.Random(5))
        yield created, before
        transaction.set_rollback(True)


@pytest.fixture
def demo_tasks(built_demo_tasks, db):
    with time_machine.travel(TODAY, tick=False):
        yield built_demo_tasks


def test_it_returns_the_number_of_tasks_it_created(demo_tasks):
    created, before = demo_tasks
    assert created > 60 * 6
    assert Task.objects.count() == before + created


def _tops():
    """Heads with no head or deputy anywhere above them: nobody can assign to them."""
    tops = set()
    for role in Role.objects.filter(role="head").select_related("unit"):
        above = role.unit.ancestor_paths()[:-1]
        if not Role.objects.filter(unit__path__in=above, role__in=["head", "deputy"]).exists():
            tops.add(role.cadre_id)
    return tops


def test_every_cadre_with_someone_above_has_tasks_every_month(demo_tasks):
    tops = _tops()
    cadres = set(Membership.objects.values_list("cadre_id", flat=True)) - tops
    for month in MONTHS:
        first = dt.date.fromisoformat(f"{month}-01")
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        due = Task.objects.due_in_month(first, last)
        with_tasks = set(due.values_list("assignee_id", flat=True))
        assert with_tasks == cadres, month


def test_every_assigner_outranks_the_assignee(demo_tasks):
    today = TODAY.date()
    roles = acting_roles(list(Membership.objects.values_list("cadre_id", flat=True)), today)
    rows = Task.objects.values_list("assignee_id", "assigned_by_id", "unit__path")
    assert all(outranks(roles[by], roles.get(a, []), path) for a, by, path in rows)
    ward_heads = Task.objects.filter(assigned_by__roles__unit__code="HH").values_list(
        "assignee__roles__role", flat=True
    )
    assert "head" in set(ward_heads)  # the ward's leaders assign to department heads


def test_the_months_look_real(demo_tasks):
    events = Counter(TaskEvent.objects.values_list("kind", flat=True))
    assert events[TaskEventKind.DELAY] > 0
    assert events[TaskEventKind.MAJOR_ERROR] > 0
    assert events[TaskEventKind.EXTENSION_APPROVED] > 0
    assert events[TaskEventKind.EXEMPTION] == TaskEvent.objects.filter(exempted=True).count() > 0
    automatic = TaskEvent.objects.filter(kind=TaskEventKind.DELAY, author__isnull=True)
    assert automatic.exists()
    assert all(
        t.completed_on > t.effective_deadline for t in Task.objects.filter(events__in=automatic)
    )
    statuses = Counter(Task.objects.values_list("status", flat=True))
    assert statuses[TaskStatus.ACCEPTED] > 0.6 * sum(statuses.values())
    assert Task.supporters.through.objects.exists()
    weights = set(Task.objects.values_list("weight", flat=True))
    assert min(weights) >= 0.25 and max(weights) <= 2


def test_the_demo_ward_assigns_most_tasks_from_its_catalogue(demo_tasks):
    """build_demo's own tasks use ND335's demo catalogue (docs/RULES.md §6): weight =
    coefficient × quantity of an item of the assignee's job group; the rest weigh at most 1."""
    regulation = Regulation.objects.get(code="ND335")
    items = CatalogueItem.objects.filter(regulation=regulation)
    assert {i.job_group for i in items} >= {"Chuyên viên", "Một cửa", "Kế toán", "Lãnh đạo"}
    assert items.get(code="CV-HS").name_vi == "Thẩm định hồ sơ cấp phép, đất đai"
    _created, before = demo_tasks  # build_demo's own tasks; the fixture's others are outside
    tasks = Task.objects.select_related("product", "assignee")
    from_catalogue = [t for t in tasks if t.product_id]
    assert len(from_catalogue) > 0.5 * before
    for task in from_catalogue:
        assert task.weight == product_weight(task.coefficient, task.quantity)
        assert task.coefficient == task.product.coefficient
        assert task.product.job_group == task.assignee.job_group
    assert all(t.weight <= 1 for t in tasks if not t.product_id)


def test_histories_are_consistent(demo_tasks):
    for task in Task.objects.filter(status=TaskStatus.ACCEPTED)[:200]:
        assert task.accepted and task.completed_on is not None
        assert task.assigned_on <= task.completed_on
    for approval in TaskEvent.objects.filter(kind=TaskEventKind.EXTENSION_APPROVED)[:50]:
        assert approval.target.kind == TaskEventKind.EXTENSION_REQUESTED
        assert approval.task.effective_deadline == approval.new_deadline


def test_codes_are_unique_and_new_tasks_still_get_ids(demo_tasks):
    codes = list(Task.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    task = Task.objects.first()
    extra = TaskEvent.objects.create(task=task, kind=TaskEventKind.COMMENT, reason="x")
    assert extra.pk > TaskEvent.objects.exclude(pk=extra.pk).order_by("-pk").first().pk


def test_the_selector_reads_the_demo_months(demo_tasks):
    ids = list(Membership.objects.values_list("cadre_id", flat=True))
    facts = task_facts(cadre_ids=ids, first_day=dt.date(2026, 6, 1), last_day=dt.date(2026, 6, 30))
    flat = [f for v in facts.values() for f in v]
    assert any(f.delays for f in flat) and any(f.errors for f in flat)
    june_end = dt.date(2026, 6, 30)
    assert sum(task_input(f, june_end).completed for f in flat) > 0.8 * len(flat)
