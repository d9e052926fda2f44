"""Who may see and act on which units: the single source every view asks.

A role covers its unit's whole subtree. Heads and deputies act (assign, score, decide) on their
subtree; leaders and administrator roles read theirs; every cadre reads their own unit. Django
superusers are the application's administrators and read everything.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from units.models import Cadre, Membership, Role, RoleKind, Unit

ACTING_ROLES = (RoleKind.HEAD, RoleKind.DEPUTY)

# Whoever asks: a signed-in user or an anonymous visitor (`request.user`).
AnyUser: TypeAlias = User | AnonymousUser


@dataclass(frozen=True)
class Scope:
    cadre: Cadre | None = None
    is_admin: bool = False
    act_paths: tuple[str, ...] = ()
    read_paths: tuple[str, ...] = ()
    own_unit: Unit | None = None
    roles: tuple[Role, ...] = field(default=())

    @property
    def is_manager(self) -> bool:
        return bool(self.act_paths)

    @property
    def is_leader(self) -> bool:
        return any(r.role in (RoleKind.LEADER, RoleKind.ADMIN) for r in self.roles)

    @property
    def has_subtree_view(self) -> bool:
        """Admins, leaders and heads: may open dashboards, profiles and other units."""
        return self.is_admin or bool(self.read_paths)

    def can_view(self, unit: Unit) -> bool:
        if self.is_admin or any(unit.path.startswith(p) for p in self.read_paths):
            return True
        return self.own_unit is not None and unit.pk == self.own_unit.pk

    def can_browse(self, unit: Unit) -> bool:
        """See the unit's people in depth (profiles, results): a role over it, or admin."""
        return self.is_admin or any(unit.path.startswith(p) for p in self.read_paths)

    def can_act(self, unit: Unit) -> bool:
        return any(unit.path.startswith(p) for p in self.act_paths)

    def units(self) -> QuerySet[Unit]:
        """Queryset of the units this user may see."""
        if self.is_admin:
            return Unit.objects.all()
        qs = Unit.objects.subtree_of(*self.read_paths)
        if self.own_unit is not None:
            qs = qs | Unit.objects.filter(pk=self.own_unit.pk)
        return qs

    def acting_units(self) -> QuerySet[Unit]:
        return Unit.objects.subtree_of(*self.act_paths)


def scope_for(user: AnyUser, on: dt.date | None = None) -> Scope:
    """The scope of `user` on date `on` (today by default), in at most three queries."""
    if not user.is_authenticated:
        return Scope()
    on = on or timezone.localdate()
    cadre = Cadre.objects.filter(user=user).first()
    roles: tuple[Role, ...] = ()
    own_unit = None
    if cadre is not None:
        roles = tuple(Role.objects.valid_on(on).filter(cadre=cadre).select_related("unit"))
        membership = (
            Membership.objects.valid_on(on)
            .filter(cadre=cadre)
            .select_related("unit")
            .order_by("-valid_from")
            .first()
        )
        own_unit = membership.unit if membership else None
    return Scope(
        cadre=cadre,
        is_admin=user.is_superuser,
        act_paths=tuple(sorted({r.unit.path for r in roles if r.role in ACTING_ROLES})),
        read_paths=tuple(sorted({r.unit.path for r in roles})),
        own_unit=own_unit,
        roles=roles,
    )


def get_scope(request: HttpRequest) -> Scope:
    """The request user's scope for today, computed once per request."""
    # A per-request cache kept on the request itself; HttpRequest's stubs declare no such
    # attribute, hence the two targeted ignores.
    if not hasattr(request, "_fiveclear_scope"):
        request._fiveclear_scope = scope_for(request.user)  # type: ignore[attr-defined]
    return request._fiveclear_scope  # type: ignore[attr-defined]


def units_visible_to(user: AnyUser, on: dt.date | None = None) -> QuerySet[Unit]:
    return scope_for(user, on).units()
