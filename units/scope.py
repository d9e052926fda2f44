"""Access in one place (docs/RULES.md §3): who may see or act on which unit or cadre, on which day.

Every view asks this module and nothing else. The questions:

- units: `Scope.can_view(unit)` (see it: one's own unit, a role over it, administrator),
  `Scope.can_browse(unit)` (see its people in depth: a role over it, administrator),
  `Scope.can_act(unit)` (act on it: a head or deputy role over it);
- cadres: `Scope.can_see_cadre(cadre)` (oneself, or a cadre whose unit one browses),
  `can_act_on_cadre(actor, cadre, on=...)` (head or deputy authority over them: downward, never
  on oneself, never on a peer or someone above);
- the cadre's unit on a date: `unit_of(cadre, on)` (the one rule, `latest_unit`);
- for views: `unit_or_404` (`require_unit` for a unit in hand), `cadre_or_404`,
  `require_admin` (404 for an outsider, 403 for a read-only viewer or a refused action).

A role covers its unit's whole subtree. Heads and deputies act (assign, score, decide) on their
subtree; leaders and administrator roles read theirs; every cadre reads their own unit. Django
superusers are the application's administrators: they read everything and act only through the
administrator's own pages (imports, links, lockouts, the Months area), never through a role.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import connections, router
from django.db.models import FilteredRelation, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from units.models import Cadre, Membership, Role, RoleKind, Unit, is_valid_on, valid_on_q

ACTING_ROLES = (RoleKind.HEAD, RoleKind.DEPUTY)
RANK = {RoleKind.HEAD: 2, RoleKind.DEPUTY: 1}

# Whoever asks: a signed-in user or an anonymous visitor (`request.user`).
AnyUser: TypeAlias = User | AnonymousUser
RolePath: TypeAlias = tuple[str, str]  # (unit path, "head" | "deputy")


# --- the cadre's unit on a date ---------------------------------------------------------------


def latest_unit(memberships: Iterable[Membership], on: dt.date) -> Unit | None:
    """The unit of the membership valid on `on` that started last (an open start counts as the
    earliest; on a tie the newer row), or None. Pure: over rows already loaded."""
    valid = [m for m in memberships if is_valid_on(m, on)]
    if not valid:
        return None
    return max(valid, key=lambda m: (m.valid_from or dt.date.min, m.pk or 0)).unit


def unit_of(cadre: Cadre | int, on: dt.date) -> Unit | None:
    """The cadre's unit on date `on`, or None (one query)."""
    rows = Membership.objects.valid_on(on).filter(cadre=cadre).select_related("unit")
    return latest_unit(rows, on)


# --- authority over a cadre -----------------------------------------------------------------


def outranks(actor: Iterable[RolePath], subject: Iterable[RolePath], unit_path: str) -> bool:
    """Whether one of the actor's roles over `unit_path` is above every role of the subject:
    the subject holds nothing over an ancestor of that role's unit, nor an equal or higher rank
    over the same unit."""
    subject = list(subject)
    for path, role in actor:
        if not unit_path.startswith(path):
            continue
        if not any(_at_least(s_path, s_role, path, role) for s_path, s_role in subject):
            return True
    return False


def _at_least(subject_path: str, subject_role: str, actor_path: str, actor_role: str) -> bool:
    if not actor_path.startswith(subject_path):
        return False
    return subject_path != actor_path or RANK[subject_role] >= RANK[actor_role]  # type: ignore[index]


def acting_roles(cadre_ids: Iterable[int | None], on: dt.date) -> dict[int, list[RolePath]]:
    """Head and deputy roles valid on `on` of the given cadres, in one query."""
    found: dict[int, list[RolePath]] = defaultdict(list)
    rows = (
        Role.objects.valid_on(on)
        .filter(cadre_id__in=[pk for pk in cadre_ids if pk is not None], role__in=ACTING_ROLES)
        .values_list("cadre_id", "unit__path", "role")
    )
    for cadre_id, path, role in rows:
        found[cadre_id].append((path, role))
    return found


def can_act_on_cadre(
    actor: Cadre | None, cadre: Cadre | None, *, on: dt.date, unit: Unit | None = None
) -> bool:
    """Whether `actor` holds head or deputy authority over `cadre` on date `on`, in `unit` (by
    default the cadre's unit that day): a role over the unit above every acting role of the
    cadre. Never on oneself, a peer or someone above. One query, two without `unit`."""
    if actor is None or cadre is None or actor.pk == cadre.pk:
        return False
    unit = unit or unit_of(cadre, on)
    if unit is None:
        return False
    roles = acting_roles([actor.pk, cadre.pk], on)
    return outranks(roles.get(actor.pk, []), roles.get(cadre.pk, []), unit.path)


# --- a user's scope -------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    cadre: Cadre | None = None
    is_admin: bool = False
    act_paths: tuple[str, ...] = ()
    read_paths: tuple[str, ...] = ()
    own_unit: Unit | None = None
    roles: tuple[Role, ...] = field(default=())
    on: dt.date | None = None  # the day the roles and the own unit are of

    @property
    def is_manager(self) -> bool:
        return bool(self.act_paths)

    @property
    def has_subtree_view(self) -> bool:
        """Admins, leaders and heads: may open dashboards, profiles and other units."""
        return self.is_admin or bool(self.read_paths)

    @property
    def acting_role_paths(self) -> list[RolePath]:
        """The user's head and deputy roles as (unit path, role), for `outranks`."""
        return [(r.unit.path, r.role) for r in self.roles if r.role in ACTING_ROLES]

    def is_self(self, cadre: Cadre | int | None) -> bool:
        pk = cadre.pk if isinstance(cadre, Cadre) else cadre
        return self.cadre is not None and pk is not None and self.cadre.pk == pk

    def can_view(self, unit: Unit) -> bool:
        if self.is_admin or any(unit.path.startswith(p) for p in self.read_paths):
            return True
        return self.own_unit is not None and unit.pk == self.own_unit.pk

    def can_browse(self, unit: Unit) -> bool:
        """See the unit's people in depth (profiles, results): a role over it, or admin."""
        return self.is_admin or any(unit.path.startswith(p) for p in self.read_paths)

    def can_act(self, unit: Unit) -> bool:
        return any(unit.path.startswith(p) for p in self.act_paths)

    def can_see_cadre(self, cadre: Cadre | int, *, unit: Unit | None = None) -> bool:
        """Oneself, or a cadre whose unit (`unit`, by default their unit on the scope's day:
        one query) the user browses."""
        if self.is_self(cadre):
            return True
        if self.is_admin:
            return True
        if not self.read_paths:
            return False
        unit = unit or unit_of(cadre, self.on or timezone.localdate())
        return unit is not None and self.can_browse(unit)

    def units(self) -> QuerySet[Unit]:
        """Queryset of the units this user may see."""
        if self.is_admin:
            return Unit.objects.all()
        qs = Unit.objects.subtree_of(*self.read_paths)
        if self.own_unit is not None:
            qs = qs | Unit.objects.filter(pk=self.own_unit.pk)
        return qs

    def top_units(self) -> QuerySet[Unit]:
        """The highest units the user browses: the roots for an administrator, else the units
        of their roles (nothing for a cadre without a role)."""
        if self.is_admin:
            return Unit.objects.filter(parent__isnull=True)
        return Unit.objects.filter(path__in=self.read_paths)


def scope_for(user: AnyUser, on: dt.date | None = None) -> Scope:
    """The scope of `user` on date `on` (today by default), in one query: the user's cadre with
    their roles and memberships valid that day, and the units of both (`_scope_rows`)."""
    if not user.is_authenticated:
        return Scope()
    on = on or timezone.localdate()
    cadre, roles, memberships = _scope_rows(user, on)
    return Scope(
        cadre=cadre,
        is_admin=user.is_superuser,
        act_paths=tuple(sorted({r.unit.path for r in roles if r.role in ACTING_ROLES})),
        read_paths=tuple(sorted({r.unit.path for r in roles})),
        own_unit=latest_unit(memberships, on),
        roles=roles,
        on=on,
    )


_CADRE_FIELDS = tuple(f.attname for f in Cadre._meta.concrete_fields)
_UNIT_FIELDS = tuple(f.attname for f in Unit._meta.concrete_fields)
_DATED_FIELDS = ("id", "valid_from", "valid_to")
_ROLE_FIELDS = (*_DATED_FIELDS, "role")
_MEMBER_FIELDS = _DATED_FIELDS
# Stand-ins for the user and the day while the scope's SQL is compiled (`_scope_fetch`).
_ANY_USER = -7_000_001
_ANY_DAY = dt.date(1, 1, 2)
_compiled_scope: dict[str, tuple] = {}


def _scope_query(user_id: int, on: dt.date) -> QuerySet:
    return (
        Cadre.objects.filter(user_id=user_id)
        .annotate(
            r=FilteredRelation("roles", condition=valid_on_q(on, prefix="roles__")),
            m=FilteredRelation("memberships", condition=valid_on_q(on, prefix="memberships__")),
        )
        .order_by()
        .values_list(
            *_CADRE_FIELDS,
            *(f"r__{f}" for f in _ROLE_FIELDS),
            *(f"r__unit__{f}" for f in _UNIT_FIELDS),
            *(f"m__{f}" for f in _MEMBER_FIELDS),
            *(f"m__unit__{f}" for f in _UNIT_FIELDS),
        )
    )


def _scope_fetch(user_id: int, on: dt.date) -> list[tuple]:
    """The rows of `_scope_query(user_id, on)`.

    Building and compiling that query (five joins, forty columns) cost more than running it, on
    every page: its SQL is compiled once per database with stand-ins for the user and the day,
    then run with the real ones and read through the same converters as the ORM's.
    """
    alias = router.db_for_read(Cadre)
    connection = connections[alias]
    compiled = _compiled_scope.get(alias)
    if compiled is None:
        compiler = _scope_query(_ANY_USER, _ANY_DAY).query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
        compiled = _compiled_scope[alias] = (sql, tuple(params), compiler, converters)
    sql, params, compiler, converters = compiled
    any_day = connection.ops.adapt_datefield_value(_ANY_DAY)
    day = connection.ops.adapt_datefield_value(on)
    actual = [user_id if p == _ANY_USER else day if p in (any_day, _ANY_DAY) else p for p in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, actual)
        rows = cursor.fetchall()
    if converters:
        rows = [tuple(row) for row in compiler.apply_converters(rows, converters)]
    return rows


def _scope_rows(
    user: AnyUser, on: dt.date
) -> tuple[Cadre | None, tuple[Role, ...], list[Membership]]:
    """The user's cadre, their roles (each with its unit, in Role's order: unit, role) and their
    memberships (each with its unit) valid on `on`, in one query.

    The cadre is joined to its valid roles and to its valid memberships (LEFT JOINs on filtered
    relations), so the query returns one row per (role, membership) pair, at least one: a person
    holds a handful of each. Every page asks for the scope (the navigation shows each role its
    own items); three queries here were most of an empty page's time (docs/PERFORMANCE.md).
    """
    rows = _scope_fetch(user.pk, on) if user.pk is not None else []
    if not rows:
        return None, (), []
    db = Cadre.objects.db
    cadre = Cadre.from_db(db, _CADRE_FIELDS, rows[0][: len(_CADRE_FIELDS)])
    units: dict[int, Unit] = {}

    def unit_of_row(values: tuple) -> Unit:
        unit = units.get(values[0])
        if unit is None:
            unit = units[values[0]] = Unit.from_db(db, _UNIT_FIELDS, values)
        return unit

    roles: dict[int, Role] = {}
    memberships: dict[int, Membership] = {}
    at = len(_CADRE_FIELDS)
    for row in rows:
        role = row[at : at + len(_ROLE_FIELDS)]
        role_unit = row[at + len(_ROLE_FIELDS) : at + len(_ROLE_FIELDS) + len(_UNIT_FIELDS)]
        member_at = at + len(_ROLE_FIELDS) + len(_UNIT_FIELDS)
        member = row[member_at : member_at + len(_MEMBER_FIELDS)]
        member_unit = row[member_at + len(_MEMBER_FIELDS) :]
        if role[0] is not None and role[0] not in roles:
            pk, valid_from, valid_to, kind = role
            roles[pk] = Role(
                id=pk, valid_from=valid_from, valid_to=valid_to, role=kind, cadre=cadre
            )
            roles[pk].unit = unit_of_row(role_unit)
            roles[pk]._state.adding, roles[pk]._state.db = False, db
        if member[0] is not None and member[0] not in memberships:
            pk, valid_from, valid_to = member
            memberships[pk] = Membership(
                id=pk, valid_from=valid_from, valid_to=valid_to, cadre=cadre
            )
            memberships[pk].unit = unit_of_row(member_unit)
            memberships[pk]._state.adding, memberships[pk]._state.db = False, db
    ordered = sorted(roles.values(), key=lambda r: (r.unit.code, r.role, r.pk))
    return cadre, tuple(ordered), list(memberships.values())


def get_scope(request: HttpRequest) -> Scope:
    """The request user's scope for today, computed once per request."""
    # A per-request cache kept on the request itself; HttpRequest's stubs declare no such
    # attribute, hence the two targeted ignores.
    if not hasattr(request, "_fiveclear_scope"):
        request._fiveclear_scope = scope_for(request.user)  # type: ignore[attr-defined]
    return request._fiveclear_scope  # type: ignore[attr-defined]


# --- for views: the object or a refusal -----------------------------------------------------

Need: TypeAlias = Literal["see", "browse", "act"]


def unit_or_404(
    request: HttpRequest, code: str, *, need: Need = "see", related: tuple[str, ...] = ()
) -> Unit:
    """The unit named `code` if the user may `need` it.

    "see": 404 unless the user sees the unit. "browse": 404 for an outsider, 403 for someone who
    sees it only as their own unit. "act": as "browse", then 403 without a head or deputy role
    over it (a read-only leader, the administrator). `related` names the relations to read in
    the same query (a page that shows the unit's parent).
    """
    unit = get_object_or_404(Unit.objects.select_related(*related), code=code)
    require_unit(request, unit, need=need)
    return unit


def top_unit_or_404(request: HttpRequest) -> Unit:
    """The widest unit the user browses (a leader's ward, a head's unit, a root for an
    administrator): 403 for someone who browses no subtree, 404 when there is none."""
    scope = get_scope(request)
    if not scope.has_subtree_view:
        raise PermissionDenied
    unit = scope.top_units().order_by("depth", "code").first()
    if unit is None:
        raise Http404
    return unit


def year_or_404(year: int) -> int:
    """A year the pages show (2000 to 2100); 404 for another."""
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def require_unit(request: HttpRequest, unit: Unit, *, need: Need = "see") -> Scope:
    """The user's scope if they may `need` the unit (as `unit_or_404`, for a unit already in
    hand: a period's scope, a task's unit); 404 or 403 otherwise."""
    scope = get_scope(request)
    if not scope.can_view(unit):
        raise Http404
    if need != "see" and not scope.can_browse(unit):
        raise PermissionDenied
    if need == "act" and not scope.can_act(unit):
        raise PermissionDenied
    return scope


def cadre_or_404(
    request: HttpRequest, code: str | None, *, queryset: QuerySet[Cadre] | None = None
) -> Cadre:
    """The cadre named `code` (the user themself when `code` is empty) if the user may see
    them (`Scope.can_see_cadre`, their unit today); 404 otherwise, never the data."""
    scope = get_scope(request)
    if not code:
        if scope.cadre is None:
            raise Http404
        code = scope.cadre.code
    if queryset is None and scope.cadre is not None and code == scope.cadre.code:
        return scope.cadre
    cadre = get_object_or_404(Cadre.objects.all() if queryset is None else queryset, code=code)
    if not scope.can_see_cadre(cadre):
        raise Http404
    return cadre


def require_manager(request: HttpRequest) -> Scope:
    """The scope of a head or deputy (who act on their units) or of the administrator; 403 for
    anyone else: who may import tasks and dossier ratings."""
    scope = get_scope(request)
    if not (scope.is_admin or scope.is_manager):
        raise PermissionDenied
    return scope


def require_admin(request: HttpRequest, message: str = "") -> Scope:
    """The administrator's scope; 403 (with `message`) for anyone else."""
    scope = get_scope(request)
    if not scope.is_admin:
        raise PermissionDenied(message)
    return scope
