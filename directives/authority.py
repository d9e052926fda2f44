"""Who may assign and review whose tasks (docs/RULES.md §3).

A head or deputy role covers its unit's whole subtree (docs/RULES.md §3). Assigning a task in unit U
needs a head or deputy role over U that the assignee does not match from at or above it: a head
of U assigns to the deputies of U, a ward's leaders to the heads of its departments, but a deputy
never to their own head and nobody to themself.

Reviewing a task once assigned (accepting or returning it, recording delays and errors,
deciding extensions and exemptions, cancelling it, changing it by import) needs that authority
over the assignee too, and more: the reviewer is the task's assigner or outranks the assigner in
U. A department head therefore never accepts, or loads errors onto, a task the ward's head gave
one of his staff; and nobody ever reviews a task of their own.
"""

from collections import defaultdict
from collections.abc import Iterable

from units.models import Role
from units.scope import ACTING_ROLES

RANK = {"head": 2, "deputy": 1}

RolePath = tuple[str, str]  # (unit path, "head" | "deputy")


def outranks(actor: Iterable[RolePath], subject: Iterable[RolePath], unit_path: str) -> bool:
    """Whether one of the actor's roles over `unit_path` is above every role of the subject."""
    subject = list(subject)
    for path, role in actor:
        if not unit_path.startswith(path):
            continue
        if not any(_at_least(s_path, s_role, path, role) for s_path, s_role in subject):
            return True
    return False


def _at_least(subject_path, subject_role, actor_path, actor_role):
    """The subject's role is at or above the actor's: over an ancestor, or the same unit with
    an equal or higher rank."""
    if not actor_path.startswith(subject_path):
        return False
    return subject_path != actor_path or RANK[subject_role] >= RANK[actor_role]


def acting_roles(cadre_ids, on) -> dict[int, list[RolePath]]:
    """Head and deputy roles valid on `on` of the given cadres, in one query."""
    found = defaultdict(list)
    rows = (
        Role.objects.valid_on(on)
        .filter(cadre_id__in=cadre_ids, role__in=ACTING_ROLES)
        .values_list("cadre_id", "unit__path", "role")
    )
    for cadre_id, path, role in rows:
        found[cadre_id].append((path, role))
    return found


def reviews(actor_id, actor_roles, *, assignee_id, assigner_id, unit_path, roles) -> bool:
    """Whether the actor may review a task (see the module docstring), given the acting roles
    (`roles`: of the assignee and the assigner at least) of the day of the review."""
    if actor_id is None or actor_id == assignee_id:
        return False
    if not outranks(actor_roles, roles.get(assignee_id, []), unit_path):
        return False
    return actor_id == assigner_id or outranks(actor_roles, roles.get(assigner_id, []), unit_path)


def may_review(*, actor, task, on) -> bool:
    """Whether `actor` may review `task` on date `on` (one query)."""
    if actor is None:
        return False
    roles = acting_roles([actor.pk, task.assignee_id, task.assigned_by_id], on)
    return reviews(
        actor.pk,
        roles.get(actor.pk, []),
        assignee_id=task.assignee_id,
        assigner_id=task.assigned_by_id,
        unit_path=task.unit.path,
        roles=roles,
    )


def has_authority(*, actor, assignee, unit, on) -> bool:
    """Whether `actor` may assign to or review `assignee` in `unit` on date `on` (one query)."""
    if actor is None or assignee is None or actor.pk == assignee.pk:
        return False
    roles = acting_roles([actor.pk, assignee.pk], on)
    return outranks(roles.get(actor.pk, []), roles.get(assignee.pk, []), unit.path)
