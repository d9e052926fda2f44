"""`import tasks` (docs/RULES.md §4, §5): the command line and the heads' web import share this
code.

All or nothing: every row is checked first and every bad row reported with its column; then
tasks are created or updated by code in one transaction with bulk writes. `major_errors` and
`delays` are counts already net of exemptions; `deadline` is the effective one; the task's unit
is the assignee's unit on the deadline, and the assigner must outrank the assignee there on the
assignment date (`directives.authority`).

Who imports what (docs/RULES.md §3):
- The command line is the administrator's tool: any assigner who outranks the assignee.
- A head's web import is their own assignments: every row's assigner is the importer (an empty
  `assigned_by_code` means them), who must outrank the assignee on the assignment date in a
  unit they manage; a task that already exists changes only by its assigner or a head or
  deputy above the assigner.
- An administrator's web import follows the command line's rules.
- Nobody imports a task of their own, and every import is an audit entry; each task it creates
  or changes gets an "imported" event.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from directives.catalogue import selectors as catalogue_selectors
from directives.catalogue import services as catalogue
from directives.catalogue.models import CatalogueItem
from directives.importing import audited_counts, row_code
from directives.models import AuditEntry, Task, TaskEvent, TaskEventKind, TaskStatus
from directives.services import MAX_WEIGHT
from directives.signals import tasks_written
from units.models import Cadre, Membership, Role, is_valid_on
from units.scope import ACTING_ROLES, latest_unit, outranks
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
# Optional (docs/RULES.md §6): a task from the catalogue names its product and quantity; its
# weight is then empty or the computed one.
TASK_OPTIONAL = ["product_code", "quantity"]
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
    "product_id",
    "quantity",
    "coefficient",
    "status",
    "completed_on",
    "accepted",
    "imported_errors",
    "imported_delays",
]


@dataclass(frozen=True)
class Via:
    """An import sent by a system rather than a person (the integration API)."""

    actor: str  # as the audit log shows it
    paths: tuple[str, ...]  # the unit paths its rows may touch
    source: str  # how each task's "imported" event begins
    notes: dict[str, str] = field(default_factory=dict)  # task code -> added to its event


AUDIT_ACTION = "tasks_import"


@transaction.atomic
def tasks_import(*, data: bytes, user=None, importer=None, within_paths=None, file_name="") -> dict:
    """Create or update tasks from a table; all or nothing. Returns the counts.

    The command line passes `data` (and the file's name). The web passes the `user` and their
    cadre (`importer`, None for an administrator without one); for a head, `within_paths` are
    the unit paths they act on today, and the rows are the head's own assignments (see the
    module docstring). Every row of someone else's, or outside those units, is a row error.
    """
    if within_paths is not None and importer is None:
        raise ValueError("A head's import needs the importer.")
    rows = read_table(data, TASK_COLUMNS, optional=TASK_OPTIONAL)
    return tasks_import_rows(
        rows, user=user, importer=importer, within_paths=within_paths, file_name=file_name
    )


@transaction.atomic
def tasks_import_rows(
    rows, *, user=None, importer=None, within_paths=None, file_name="", via: Via | None = None
) -> dict:
    """`tasks_import` of rows already read (`units.tabular.Row`, every value text).

    The integration API (scoring/api) passes `via` (`Via`): it imports by the command line's
    rules (any assigner who outranks the assignee on the assignment date), within its units.
    """
    if via is not None and (within_paths is not None or importer is not None):
        raise ValueError("An import through the API has no importer.")
    existing = {
        t.code: t
        for t in Task.objects.filter(code__in=[row["code"] for row in rows]).select_related(
            "unit", "assignee", "assigned_by", "product"
        )
    }
    weights = _Weights(rows, capped=user is not None or via is not None)
    codes = {row["assignee_code"] for row in rows} | {row["assigned_by_code"] for row in rows}
    cadres = {c.code: c for c in Cadre.objects.filter(code__in=codes - {""})}
    if importer is not None:
        cadres.setdefault(importer.code, importer)
    people = {c.pk for c in cadres.values()}
    people |= {t.assigned_by_id for t in existing.values()}
    memberships = defaultdict(list)
    for m in Membership.objects.filter(cadre_id__in=people).select_related("unit"):
        memberships[m.cadre_id].append(m)
    roles = defaultdict(list)
    for r in Role.objects.filter(cadre_id__in=people, role__in=ACTING_ROLES).select_related("unit"):
        roles[r.cadre_id].append(r)

    errors, parsed, seen = [], [], {}
    paths = via.paths if via is not None else None
    rules = _Rules(importer=importer, within_paths=within_paths, roles=roles, paths=paths)
    for row in rows:
        check = RowChecker(errors, row)
        before = len(errors)
        values = _check_row(check, row, cadres, seen, importer)
        if len(errors) > before:
            continue
        unit = latest_unit(memberships[values["assignee"].pk], values["deadline"])
        values["unit"] = unit
        rules.check_row(check, values, unit, existing.get(values["code"]))
        weights.check_row(check, values, existing.get(values["code"]))
        parsed.append(values)
    if errors:
        raise ImportFailed(errors)
    return _write(parsed, existing, user=user, importer=importer, file_name=file_name, via=via)


class _Weights:
    """Where a row's weight comes from (docs/RULES.md §6): its catalogue item and quantity, or
    typed. On the web (`capped`) a typed weight is at most 1, unless it repeats the weight an
    existing task already has; the command line takes any weight, as DESIGN's format has it."""

    def __init__(self, rows, *, capped):
        self.capped = capped
        codes = {row["product_code"] for row in rows} - {""}
        self.items = {}
        for item in CatalogueItem.objects.filter(code__in=codes).select_related("regulation"):
            self.items[(item.regulation_id, item.code)] = item
        self.calendar = catalogue_selectors.catalogue_calendar() if codes else []

    def check_row(self, check, values, task):
        code = check.text("product_code", required=False, max_length=32)
        quantity = check.decimal(
            "quantity", required=False, maximum=catalogue.MAX_QUANTITY, places=2
        )
        typed = values["weight_typed"]
        if quantity is not None and quantity <= 0:
            check.fail("quantity", _("The quantity must be above 0."))
            return
        if code:
            self._from_catalogue(check, values, code, quantity, typed)
        elif quantity is not None:
            check.fail("quantity", _("A quantity goes with a product code (product_code)."))
        elif task is not None and task.product_id and typed in (None, task.weight):
            values.update(
                weight=task.weight,
                product=task.product,
                quantity=task.quantity,
                coefficient=task.coefficient,
            )
        elif (
            self.capped
            and typed is not None
            and typed > catalogue.OUTSIDE_MAX
            and (task is None or typed != task.weight)
        ):
            check.fail("weight", catalogue.outside_refusal(typed))

    def _from_catalogue(self, check, values, code, quantity, typed):
        on = values["assigned_on"]
        regulation_id = catalogue_selectors.in_force_on(self.calendar, on)
        item = self.items.get((regulation_id, code))
        if item is None:
            check.fail(
                "product_code",
                _("“%(code)s” is not in the catalogue in force on %(date)s.")
                % {"code": code, "date": on.strftime("%d/%m/%Y")},
            )
            return
        problem = catalogue.product_problem_for(item, values["assignee"])
        if problem:
            check.fail("product_code", problem)
            return
        quantity = quantity if quantity is not None else Decimal("1")
        computed = catalogue.product_weight(item.coefficient, quantity)
        if typed is not None and typed != computed:
            check.fail("weight", catalogue.typed_refusal(typed, item, quantity))
            return
        if computed > catalogue.MAX_WEIGHT:
            check.fail(
                "quantity",
                _("The weight %(weight)s is above the largest, %(max)s.")
                % {
                    "weight": catalogue.shown(computed),
                    "max": catalogue.shown(catalogue.MAX_WEIGHT),
                },
            )
            return
        values.update(
            weight=computed, product=item, quantity=quantity, coefficient=item.coefficient
        )


class _Rules:
    """Who may import which row: the assignee's unit, the assigner's authority, own tasks."""

    def __init__(self, *, importer, within_paths, roles, paths=None):
        self.importer = importer
        self.within_paths = within_paths
        # The units the rows may touch: a head's, or an API client's subtree (None: all).
        self.paths = within_paths if within_paths is not None else paths
        self.roles = roles
        self.today = timezone.localdate()

    @property
    def own_assignments(self):
        """A head's web import: every row's assigner is the importer."""
        return self.within_paths is not None

    def check_row(self, check, values, unit, task):
        assignee, assigner = values["assignee"], values["assigned_by"]
        if unit is None:
            check.fail(
                "assignee_code",
                _("%(code)s belongs to no unit on the deadline %(date)s.")
                % {"code": assignee.code, "date": values["deadline"].isoformat()},
            )
        elif self.paths is not None and not _within(unit, self.paths):
            check.fail(
                "assignee_code",
                _("%(code)s is in %(unit)s, which is not a unit you manage.")
                % {"code": assignee.code, "unit": unit.name},
            )
        own = self.importer is not None and assignee.pk == self.importer.pk
        if own:
            check.fail(
                "assignee_code",
                _("Nobody imports a task of their own: a head or deputy above you assigns it."),
            )
        if self.own_assignments and assigner.pk != self.importer.pk:
            check.fail(
                "assigned_by_code",
                _(
                    "You import only the tasks you assign: leave this column empty or write "
                    "your own code %(code)s; %(assigner)s imports their own assignments."
                )
                % {"code": self.importer.code, "assigner": assigner.code},
            )
        elif not own:
            self._check_authority(check, values, unit)
        if task is not None:
            self._check_existing(check, task)

    def _check_authority(self, check, values, unit):
        """The assigner outranks the assignee on the assignment date."""
        assignee, assigner = values["assignee"], values["assigned_by"]
        if assignee.pk == assigner.pk:
            check.fail("assigned_by_code", _("Nobody assigns a task to themself."))
        elif unit is not None and not self._outranks(
            assigner, assignee, unit, on=values["assigned_on"]
        ):
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

    def _check_existing(self, check, task):
        """A task that exists: in the head's units, and never the importer's own; in a head's
        import, the importer is its assigner or above its assigner today."""
        if self.paths is not None and not _within(task.unit, self.paths):
            check.fail(
                "code",
                _("Task %(code)s belongs to a unit you do not manage.") % {"code": task.code},
            )
        elif self.importer is not None and task.assignee_id == self.importer.pk:
            check.fail(
                "code",
                _("Task %(code)s is your own: only a head or deputy above you changes it.")
                % {"code": task.code},
            )
        elif (
            self.own_assignments
            and task.assigned_by_id != self.importer.pk
            and not self._outranks(self.importer, task.assigned_by, task.unit, on=self.today)
        ):
            check.fail(
                "code",
                _(
                    "Task %(code)s was assigned by %(assigner)s: only they or a head or deputy "
                    "above them change it."
                )
                % {"code": task.code, "assigner": task.assigned_by.code},
            )

    def _outranks(self, actor, subject, unit, *, on):
        def valid(cadre):
            return [(r.unit.path, r.role) for r in self.roles[cadre.pk] if is_valid_on(r, on)]

        return outranks(valid(actor), valid(subject), unit.path)


def _check_row(check, row, cadres, seen, importer):
    code = row_code(check, seen)
    title = check.text("title", max_length=300)
    assignee = _cadre(check, cadres, "assignee_code")
    assigner = _cadre(check, cadres, "assigned_by_code", default=importer)
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
        "weight_typed": weight,
        "product": None,
        "quantity": None,
        "coefficient": None,
        "completed_on": completed_on,
        "accepted": bool(accepted),
        "major_errors": major_errors or 0,
        "delays": delays or 0,
    }


def _cadre(check, cadres, column, *, default=None):
    """The cadre named in the column; an empty cell is `default` (required when None)."""
    code = check.text(column, required=default is None)
    if not code:
        return default
    cadre = cadres.get(code)
    if cadre is None:
        check.fail(column, _("Unknown cadre “%(code)s”.") % {"code": code})
    return cadre


def _within(unit, paths):
    return any(unit.path.startswith(p) for p in paths)


# --- the writes ----------------------------------------------------------------------------


def _write(parsed, existing, *, user, importer, file_name, via=None) -> dict:
    """Create and update the tasks, one "imported" event on each, one audit entry."""
    created, changed, events = [], [], []
    before: set[tuple[int, str]] = set()  # the changed tasks' (unit id, month) before
    now = timezone.now()
    notes = via.notes if via is not None else {}
    if via is not None:
        source = via.source
    elif file_name:
        source = _("Imported from “%(file)s”") % {"file": file_name}
    else:
        source = _("Imported from a file")
    for values in parsed:
        fields = _fields(values)
        task = existing.get(values["code"])
        if task is None:
            task = Task(code=values["code"], **fields)
            created.append(task)
            reason = _noted(f"{source}.", notes.get(task.code))
            events.append(_event(task, importer, reason, new_status=task.status))
            continue
        changes = _changes(task, fields, values)
        if not changes:
            continue
        old_status = task.status
        before.add((task.unit_id, f"{task.effective_deadline:%Y-%m}"))
        for name, value in fields.items():
            setattr(task, name, value)
        task.updated_at = now
        changed.append(task)
        reason = _noted(f"{source}: {'; '.join(changes)}.", notes.get(task.code))
        events.append(_event(task, importer, reason, old_status=old_status))
    Task.objects.bulk_create(created, batch_size=1000)
    Task.objects.bulk_update(changed, [*FIELDS, "updated_at"], batch_size=1000)
    for event in events:
        task = event.task  # read before setting task_id, which drops the cached task
        event.task_id = task.pk  # the created tasks have their keys only now
        event.new_status = task.status
    TaskEvent.objects.bulk_create(events, batch_size=1000)
    tasks_written([*created, *changed], before)
    return audited_counts(
        parsed,
        created,
        changed,
        user=user,
        actor=via.actor if via is not None else AuditEntry.actor_of(user, importer),
        action=AUDIT_ACTION,
        object_type="file",
        object_id=file_name[:255],
        file_name=file_name,
    )


def _noted(reason, note):
    return f"{reason} {note}" if note else reason


def _event(task, importer, reason, **fields):
    return TaskEvent(
        task=task, kind=TaskEventKind.IMPORTED, author=importer, reason=reason, **fields
    )


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
        "product_id": values["product"].pk if values["product"] else None,
        "quantity": values["quantity"],
        "coefficient": values["coefficient"],
        "status": status,
        "completed_on": values["completed_on"],
        "accepted": values["accepted"],
        "imported_errors": values["major_errors"],
        "imported_delays": values["delays"],
    }


RELATIONS = {
    "assignee_id": "assignee",
    "assigned_by_id": "assigned_by",
    "unit_id": "unit",
    "product_id": "product",
}
LONG_TEXT = ("title", "expected_result")


def _changes(task, fields, values) -> list[str]:
    """What the row changes in an existing task, as people read it: "accepted: no → yes"."""
    found = []
    for name, new in fields.items():
        old = getattr(task, name)
        if old == new:
            continue
        label = Task._meta.get_field(RELATIONS.get(name, name)).verbose_name
        if name in LONG_TEXT:
            found.append(str(label))
            continue
        if name in RELATIONS:
            old, new = getattr(task, RELATIONS[name]), values[RELATIONS[name]]
            old, new = (None if o is None else o.code for o in (old, new))
        elif name == "status":
            old, new = TaskStatus(old).label, TaskStatus(new).label
        found.append(f"{label}: {_shown(old)} → {_shown(new)}")
    return found


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):  # a weight, as people write it: "2", "1,5" (docs/RULES.md §5)
        whole = value == value.to_integral_value()
        return formats.number_format(value.quantize(Decimal(1)) if whole else value.normalize())
    return str(value)
