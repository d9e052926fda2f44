"""Who may record inspections, confirm findings and open cases (docs/RULES.md §8).

Authority is downward and never on oneself: a role over a unit covers its subtree, and a person
is out of reach when they hold any role over that role's unit or a unit above it (a peer
leader, someone above). Scopes come from `units.scope`; this module only narrows them.
"""

import datetime as dt

from units.models import Cadre, Role, RoleKind, Unit
from units.scope import Scope, unit_of

# Roles that record inspections over their subtree; roles that open personnel review cases.
INSPECTING_ROLES = (RoleKind.HEAD, RoleKind.DEPUTY, RoleKind.LEADER, RoleKind.INSPECTOR)
CASE_ROLES = (RoleKind.HEAD, RoleKind.DEPUTY, RoleKind.LEADER)


def role_paths(scope: Scope, kinds) -> tuple[str, ...]:
    return tuple(sorted({r.unit.path for r in scope.roles if r.role in kinds}))


def covers(paths, unit: Unit) -> bool:
    return any(unit.path.startswith(p) for p in paths)


def may_inspect(scope: Scope, unit: Unit) -> bool:
    """Record an inspection of `unit`: a head, deputy, leader or inspector role over it."""
    return covers(role_paths(scope, INSPECTING_ROLES), unit)


def may_open_cases(scope: Scope) -> bool:
    return bool(role_paths(scope, CASE_ROLES))


def _downward(actor_paths, subject_paths, unit: Unit) -> bool:
    """One of the actor's role paths covers `unit`, and the subject holds no role at that
    path or above it."""
    for path in actor_paths:
        if unit.path.startswith(path) and not any(path.startswith(s) for s in subject_paths):
            return True
    return False


def reaches(scope: Scope, cadre: Cadre, *, kinds, on: dt.date, unit: Unit | None = None) -> bool:
    """Whether the user's roles of `kinds` reach `cadre` (in `unit`, by default the cadre's unit
    on `on`): never oneself, a peer or someone above. Two queries at most."""
    if scope.cadre is None or scope.cadre.pk == cadre.pk:
        return False
    unit = unit or unit_of(cadre, on)
    if unit is None:
        return False
    subject = Role.objects.valid_on(on).filter(cadre=cadre).values_list("unit__path", flat=True)
    return _downward(role_paths(scope, kinds), list(subject), unit)
