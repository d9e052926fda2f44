"""Who may review whose tasks (docs/RULES.md §3).

Assigning a task in unit U is authority over the assignee (`units.scope.can_act_on_cadre`): a
head or deputy role over U that the assignee does not match from at or above it: a head of U
assigns to the deputies of U, a ward's leaders to the heads of its departments, but a deputy
never to their own head and nobody to themself.

Reviewing a task once assigned (accepting or returning it, recording delays and errors,
deciding extensions and exemptions, cancelling it, changing it by import) needs that authority
over the assignee too, and more: the reviewer is the task's assigner or outranks the assigner in
U. A department head therefore never accepts, or loads errors onto, a task the ward's head gave
one of his staff; and nobody ever reviews a task of their own.
"""

from units.scope import acting_roles, outranks


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
