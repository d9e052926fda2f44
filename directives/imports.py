"""`import tasks` (DESIGN §8): the command line and the heads' web import share this code.

All or nothing: every row is checked first and every bad row reported with its column; then
tasks are created or updated by code in one transaction with bulk writes. `major_errors` and
`delays` are counts already net of exemptions; `deadline` is the effective one; the task's unit
is the assignee's unit on the deadline, and the assigner must outrank the assignee there on the
assignment date (`directives.authority`).
"""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.authority import outranks
from directives.models import Task, TaskStatus
from directives.services import MAX_WEIGHT, code_problem
from units.models import Cadre, Membership, Role
from units.scope import ACTING_ROLES
from units.tabular import ImportFailed, RowChecker, read_table

TASK_COLUMNS = [
    "code",
    "title",
    "assignee_code",
    "assigned_by_code",
    "assigned_on",
    "deadline",
    "expected_result",
    "weight",
    "completed_on",
    "accepted",
    "major_errors",
    "delays",
]
MAX_COUNT = 999  # major errors or delays of one task (a small integer in the database)
FIELDS = [
    "title",
    "assignee_id",
    "assigned_by_id",
    "unit_id",
    "assigned_on",
    "deadline",
    "effective_deadline",
    "expected_result",
    "weight",
    "status",
    "completed_on",
    "accepted",
    "imported_errors",
    "imported_delays",
]


@transaction.atomic
def tasks_import(*, data: bytes, within_paths=None) -> dict:
    """Create or update tasks from a table; all or nothing. Returns counts.

    `within_paths`: for a head's web import, the unit paths they act on; a task whose
    assignee's unit lies elsewhere (or an existing task of another unit) is a row error.
    """
    rows = read_table(data, TASK_COLUMNS)
    errors = []
    codes = {row["assignee_code"] for row in rows} | {row["assigned_by_code"] for row in rows}
    cadres = {c.code: c for c in Cadre.objects.filter(code__in=codes - {""})}
    ids = [c.pk for c in cadres.values()]
    memberships = defaultdict(list)
    for m in Membership.objects.filter(cadre_id__in=ids).select_related("unit"):
        memberships[m.cadre_id].append(m)
    roles = defaultdict(list)
    for r in Role.objects.filter(cadre_id__in=ids, role__in=ACTING_ROLES).select_related("unit"):
        roles[r.cadre_id].append(r)
    existing = {
        t.code: t
        for t in Task.objects.filter(code__in=[row["code"] for row in rows]).select_related("unit")
    }

    parsed, seen = [], {}
    for row in rows:
        check = RowChecker(errors, row)
        before = len(errors)
        values = _check_row(check, row, cadres, seen)
        if len(errors) > before:
            continue
        assignee, assigner = values["assignee"], values["assigned_by"]
        unit = _unit_on(memberships[assignee.pk], values["deadline"]) if assignee else None
        if assignee and unit is None:
            check.fail(
                "assignee_code",
                _("%(code)s belongs to no unit on the deadline %(date)s.")
                % {"code": assignee.code, "date": values["deadline"].isoformat()},
            )
        elif assignee and within_paths is not None and not _within(unit, within_paths):
            check.fail(
                "assignee_code",
                _("%(code)s is in %(unit)s, which is not a unit you manage.")
                % {"code": assignee.code, "unit": unit.name},
            )
        if assignee and assigner and unit is not None:
            if assignee.pk == assigner.pk:
                check.fail("assigned_by_code", _("Nobody assigns a task to themself."))
            elif not _outranks(roles, assigner, assignee, unit, values["assigned_on"]):
                check.fail(
                    "assigned_by_code",
                    _(
                        "%(assigner)s holds no head or deputy authority over %(code)s "
                        "(%(unit)s) on %(date)s."
                    )
                    % {
                        "assigner": assigner.code,
                        "code": assignee.code,
                        "unit": unit.code,
                        "date": values["assigned_on"].isoformat(),
                    },
                )
        task = existing.get(values["code"])
        if task is not None and within_paths is not None and not _within(task.unit, within_paths):
            check.fail(
                "code",
                _("Task %(code)s belongs to a unit you do not manage.") % {"code": task.code},
            )
        values["unit"] = unit
        parsed.append(values)
    if errors:
        raise ImportFailed(errors)

    created, changed = [], []
    now = timezone.now()
    for values in parsed:
        fields = _fields(values)
        task = existing.get(values["code"])
        if task is None:
            created.append(Task(code=values["code"], **fields))
        elif any(getattr(task, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(task, name, value)
            task.updated_at = now
            changed.append(task)
    Task.objects.bulk_create(created, batch_size=1000)
    Task.objects.bulk_update(changed, [*FIELDS, "updated_at"], batch_size=1000)
    return {
        "created": len(created),
        "updated": len(changed),
        "unchanged": len(parsed) - len(created) - len(changed),
    }


def _check_row(check, row, cadres, seen):
    code = check.text("code")
    if code:
        problem = code_problem(code)
        if problem:
            check.fail("code", problem)
            code = None
        elif code in seen:
            check.fail(
                "code",
                _("“%(code)s” already appears in row %(row)s.") % {"code": code, "row": seen[code]},
            )
            code = None
        else:
            seen[code] = row.number
    title = check.text("title", max_length=300)
    assignee = _cadre(check, cadres, "assignee_code")
    assigner = _cadre(check, cadres, "assigned_by_code")
    assigned_on = check.date("assigned_on")
    deadline = check.date("deadline")
    expected = check.text("expected_result")
    weight = check.decimal("weight", required=False, maximum=MAX_WEIGHT, places=2)
    if weight is not None and weight <= 0:
        check.fail("weight", _("The weight must be above 0."))
        weight = None
    completed_on = check.date("completed_on", required=False)
    accepted = check.boolean("accepted", required=False)
    major_errors = check.integer("major_errors", required=False, minimum=0, maximum=MAX_COUNT)
    delays = check.integer("delays", required=False, minimum=0, maximum=MAX_COUNT)
    if assigned_on and deadline and deadline < assigned_on:
        check.fail("deadline", _("The deadline is before the assignment date."))
    if assigned_on and completed_on and completed_on < assigned_on:
        check.fail("completed_on", _("The completion date is before the assignment date."))
    if accepted and not check.row["completed_on"]:
        check.fail("completed_on", _("An accepted task needs its completion date."))
    return {
        "code": code,
        "title": title,
        "assignee": assignee,
        "assigned_by": assigner,
        "assigned_on": assigned_on,
        "deadline": deadline,
        "expected_result": expected,
        "weight": weight if weight is not None else Decimal("1"),
        "completed_on": completed_on,
        "accepted": bool(accepted),
        "major_errors": major_errors or 0,
        "delays": delays or 0,
    }


def _cadre(check, cadres, column):
    code = check.text(column)
    if not code:
        return None
    cadre = cadres.get(code)
    if cadre is None:
        check.fail(column, _("Unknown cadre “%(code)s”.") % {"code": code})
    return cadre


def _unit_on(memberships, on):
    valid = [
        m
        for m in memberships
        if (m.valid_from is None or m.valid_from <= on) and (m.valid_to is None or m.valid_to >= on)
    ]
    valid.sort(key=lambda m: m.valid_from or on.min)
    return valid[-1].unit if valid else None


def _within(unit, paths):
    return any(unit.path.startswith(p) for p in paths)


def _outranks(roles, assigner, assignee, unit, on):
    def valid(cadre):
        return [
            (r.unit.path, r.role)
            for r in roles[cadre.pk]
            if (r.valid_from is None or r.valid_from <= on)
            and (r.valid_to is None or r.valid_to >= on)
        ]

    return outranks(valid(assigner), valid(assignee), unit.path)


def _fields(values):
    if values["accepted"]:
        status = TaskStatus.ACCEPTED
    elif values["completed_on"]:
        status = TaskStatus.SUBMITTED
    else:
        status = TaskStatus.ASSIGNED
    return {
        "title": values["title"],
        "assignee_id": values["assignee"].pk,
        "assigned_by_id": values["assigned_by"].pk,
        "unit_id": values["unit"].pk,
        "assigned_on": values["assigned_on"],
        "deadline": values["deadline"],
        "effective_deadline": values["deadline"],
        "expected_result": values["expected_result"],
        "weight": values["weight"],
        "status": status,
        "completed_on": values["completed_on"],
        "accepted": values["accepted"],
        "imported_errors": values["major_errors"],
        "imported_delays": values["delays"],
    }
