"""A cadre's month figures of docs/RULES.md §1: each task's Qn, Ql and Pg, and the month's T."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TypedDict

from directives.models import Regulation, Task
from directives.selectors import TaskFacts, month_range, task_facts
from scoring import engine
from scoring.month.selectors.inputs import month_regulation, task_input
from units.models import Cadre, Unit
from units.scope import unit_of


def shown_month(month: str, today: dt.date) -> str:
    """The month asked for (YYYY-MM), or this month."""
    return month if month_range(month) is not None else f"{today:%Y-%m}"


class Shown(TypedDict):
    """Qn, Ql and Pg rounded as shown."""

    qn: Decimal
    ql: Decimal
    pg: Decimal


class TaskRow(Shown):
    facts: TaskFacts
    completed: bool
    title: str


class MonthRatios(Shown):
    t: Decimal


class MonthFigures(TypedDict):
    unit: Unit | None
    first: dt.date
    rows: list[TaskRow]
    figures: MonthRatios | None
    regulation: Regulation | None  # the stored regulation applied; None: ND335 by default
    task_max: Decimal


def month_figures(cadre: Cadre, month: str, today: dt.date) -> MonthFigures:
    """The cadre's tasks of `month` (a month `shown_month` gave) under the regulation of the
    period covering their unit: each task's ratios alone, and the month's ratios and T (None
    without a task)."""
    bounds = month_range(month)
    assert bounds is not None, month  # the view asks for shown_month's month, always one
    first, last = bounds
    unit = unit_of(cadre, last) or unit_of(cadre, today)
    regulation, pinned = month_regulation(unit, month)
    facts = task_facts(cadre_ids=[cadre.pk], first_day=first, last_day=last).get(cadre.pk, [])
    titles = dict(
        Task.objects.filter(code__in=[f.code for f in facts]).values_list("code", "title")
    )
    inputs = [task_input(f, last) for f in facts]
    rows: list[TaskRow] = [
        {
            "facts": f,
            "completed": task.completed,
            "title": titles.get(f.code, ""),
            **_shown(_one_task_ratios(task, regulation)),
        }
        for f, task in zip(facts, inputs, strict=True)
    ]
    ratios = engine.task_ratios(inputs, regulation)
    figures: MonthRatios | None = None
    if ratios is not None:
        t = engine.round_half_up(engine.task_score(ratios, regulation))
        figures = {**_shown(ratios), "t": t}
    return {
        "unit": unit,
        "first": first,
        "rows": rows,
        "figures": figures,
        "regulation": pinned,
        "task_max": regulation.task_max,
    }


def _one_task_ratios(task: engine.TaskInput, regulation: engine.Regulation) -> engine.TaskRatios:
    ratios = engine.task_ratios([task], regulation)
    assert ratios is not None  # None only without a task
    return ratios


def _shown(ratios: engine.TaskRatios) -> Shown:
    return {
        "qn": engine.round_half_up(ratios.qn),
        "ql": engine.round_half_up(ratios.ql),
        "pg": engine.round_half_up(ratios.pg),
    }
