"""Who may assign and review whose tasks: the assigner must outrank the assignee.

A head or deputy role covers its unit's whole subtree (DESIGN §4). Acting on a task of unit U
(assigning it, accepting or returning it, recording delays and errors, deciding extensions and
exemptions) needs a head or deputy role over U that the assignee does not match from at or above
it: a head of U assigns to the deputies of U, a ward's leaders to the heads of its departments,
but a deputy never to their own head and nobody to themself.
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


def has_authority(*, actor, assignee, unit, on) -> bool:
    """Whether `actor` may assign to or review `assignee` in `unit` on date `on` (one query)."""
    if actor is None or assignee is None or actor.pk == assignee.pk:
        return False
    roles = acting_roles([actor.pk, assignee.pk], on)
    return outranks(roles.get(actor.pk, []), roles.get(assignee.pk, []), unit.path)
