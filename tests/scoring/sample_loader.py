"""Build engine inputs from the CSV files of docs/RULES.md §5, without Django."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from scoring.engine import ND335, CadreInput, Criterion, TaskInput, UnitInput


def engine_criteria(general: dict[str, int], task_max) -> tuple[Criterion, ...]:
    """A regulation's criteria as the engine takes them: the general ones with their maxima,
    then the task part T."""
    return (
        *(Criterion(code, "general", top) for code, top in general.items()),
        Criterion("T", "task", task_max),
    )


ND335_CRITERIA = engine_criteria({"G1": 5, "G2": 5, "G3": 5, "G4": 10, "G5": 5}, ND335.task_max)


@dataclass(frozen=True)
class Sample:
    cadres: tuple[CadreInput, ...]
    units: tuple[UnitInput, ...]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def month_bounds(period: str) -> tuple[dt.date, dt.date]:
    first = dt.date.fromisoformat(f"{period}-01")
    next_first = (first + dt.timedelta(days=32)).replace(day=1)
    return first, next_first - dt.timedelta(days=1)


def subtree(units: list[dict[str, str]], scope: str) -> set[str]:
    children = defaultdict(list)
    for unit in units:
        children[unit["parent_code"]].append(unit["code"])
    found, stack = set(), [scope]
    while stack:
        code = stack.pop()
        found.add(code)
        stack.extend(children[code])
    return found


def load_sample(folder: Path, period: str, scope: str) -> Sample:
    first, last = month_bounds(period)
    in_scope = subtree(read_csv(folder / "units.csv"), scope)
    people = [c for c in read_csv(folder / "cadres.csv") if c["unit_code"] in in_scope]

    tasks = defaultdict(list)
    for row in read_csv(folder / "tasks.csv"):
        if not first <= dt.date.fromisoformat(row["deadline"]) <= last:
            continue
        done = row["completed_on"]
        tasks[row["assignee_code"]].append(
            TaskInput(
                code=row["code"],
                weight=Decimal(row["weight"]),
                completed=bool(done) and dt.date.fromisoformat(done) <= last,
                accepted=row["accepted"] == "true",
                errors=int(row["major_errors"]),
                delays=int(row["delays"]),
            )
        )

    own, supervisor, manual_t = defaultdict(dict), defaultdict(dict), {}
    peers = defaultdict(lambda: defaultdict(list))
    for row in read_csv(folder / "scores.csv"):
        ratee, criterion, points = row["ratee_code"], row["criterion_code"], Decimal(row["points"])
        if criterion == "T":
            manual_t[ratee] = points
        elif row["kind"] == "self":
            own[ratee][criterion] = points
        elif row["kind"] == "peer":
            peers[ratee][criterion].append(points)
        else:
            supervisor[ratee][criterion] = points

    adjustments = defaultdict(lambda: defaultdict(list))
    for row in read_csv(folder / "adjustments.csv"):
        adjustments[row["cadre_code"]][row["kind"]].append(Decimal(row["points"]))

    cadres = tuple(
        CadreInput(
            code=c["code"],
            unit_code=c["unit_code"],
            job_group=c["job_group"],
            is_leader=c["role"] in ("head", "deputy"),
            tasks=tuple(tasks[c["code"]]),
            manual_task_score=manual_t.get(c["code"]),
            self_points=own[c["code"]],
            peer_points={k: tuple(v) for k, v in peers[c["code"]].items()},
            supervisor_points=supervisor[c["code"]],
            bonus_points=tuple(adjustments[c["code"]]["bonus"]),
            penalty_points=tuple(adjustments[c["code"]]["penalty"]),
            discipline=bool(adjustments[c["code"]]["discipline"]),
            leave=bool(adjustments[c["code"]]["leave"]),
        )
        for c in people
    )
    units = tuple(
        UnitInput(code=row["unit_code"], pool=int(row["amount"]))
        for row in read_csv(folder / "pools.csv")
        if row["unit_code"] in in_scope
    )
    return Sample(cadres=cadres, units=units)
