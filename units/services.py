"""Writes of the organisation: imports of units and cadres, set-password links, lockouts."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import models as auth
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from units.accounts import password_link_tokens
from units.models import (
    AccountEvent,
    AccountEventKind,
    Cadre,
    Membership,
    Role,
    RoleKind,
    Unit,
    code_validator,
)
from units.tabular import ImportFailed, Row, RowChecker, RowError, read_table

UNIT_COLUMNS = ["code", "name", "kind", "parent_code"]
CADRE_COLUMNS = ["code", "full_name", "unit_code", "job_group", "role", "email"]
# A parsed row of each import: (row, code, name, kind, parent code) for units; (code, full
# name, unit, job group, role, email) for cadres. None where the cell was refused.
UnitRow = tuple[Row, str | None, str | None, str | None, str | None]
CadreRow = tuple[str | None, str | None, Unit | None, str | None, str | None, str | None]
CADRE_ROLES = ["staff", "deputy", "head"]
# The role column also takes these Vietnamese names (docs/RULES.md, imports).
ROLE_NAMES = {
    "staff": ("nhân viên",),
    "deputy": ("cấp phó", "phó"),
    "head": ("cấp trưởng", "trưởng"),
}


def _check_code(check: RowChecker, column: str) -> str | None:
    value = check.text(column, max_length=32)
    if value is None:
        return None
    try:
        code_validator(value)
    except ValidationError:
        check.fail(column, _("“%(value)s” is not a valid code.") % {"value": value})
        return None
    return value


@transaction.atomic
def units_import(*, data: bytes) -> dict[str, int]:
    """Create or update units from a table; all or nothing. Returns counts."""
    rows = read_table(data, UNIT_COLUMNS)
    errors: list[RowError] = []
    parsed: list[UnitRow] = []
    seen: dict[str, int] = {}
    for row in rows:
        check = RowChecker(errors, row)
        code = _check_code(check, "code")
        name = check.text("name", max_length=200)
        kind = check.text("kind", max_length=32)
        parent = row["parent_code"] or None
        if code and check.repeated("code", seen, code):
            code = None
        if code and parent == code:
            check.fail("parent_code", _("A unit cannot be its own parent."))
        parsed.append((row, code, name, kind, parent))
    in_file = {code: (name, kind, parent) for _row, code, name, kind, parent in parsed if code}
    wanted = set(in_file) | {p for *_, p in parsed if p}
    existing = {u.code: u for u in Unit.objects.filter(code__in=wanted)}
    for row, _code, _name, _kind, parent in parsed:
        if parent and parent not in in_file and parent not in existing:
            RowChecker(errors, row).fail(
                "parent_code", _("Unknown unit “%(code)s”.") % {"code": parent}
            )
    if not errors:
        _check_unit_cycles(errors, parsed, in_file, existing)
    if not errors:
        _check_unit_paths(errors, parsed, in_file, existing)
    if errors:
        raise ImportFailed(errors)

    created = updated = 0
    moved = False  # once a unit has moved, paths held in memory may be stale
    done: dict[str, Unit] = {}

    def place(code: str) -> Unit:
        nonlocal created, updated, moved
        if code in done:
            return done[code]
        name, kind, parent_code = in_file[code]
        assert name is not None and kind is not None  # a row missing one was refused above
        parent = None
        if parent_code:
            parent = place(parent_code) if parent_code in in_file else existing[parent_code]
        unit = existing.get(code) or Unit(code=code)
        for held in (parent, unit):
            if moved and held is not None and held.pk:
                held.refresh_from_db(fields=["path", "depth"])
        changed = unit.pk is None or (unit.name, unit.kind, unit.parent_id) != (
            name,
            kind,
            parent.pk if parent else None,
        )
        moved = moved or (unit.pk is not None and unit.parent_id != (parent and parent.pk))
        unit.name, unit.kind, unit.parent = name, kind, parent
        if changed:
            created += unit.pk is None
            updated += unit.pk is not None
            unit.save()
        done[code] = unit
        return unit

    for code in in_file:
        place(code)
    return {"created": created, "updated": updated, "unchanged": len(in_file) - created - updated}


def _check_unit_paths(
    errors: list[RowError],
    parsed: list[UnitRow],
    in_file: dict[str, tuple[str | None, str | None, str | None]],
    existing: dict[str, Unit],
) -> None:
    """Each unit's materialized path ("/HN/W1/CODE/") must fit its column (no cycle left)."""
    limit = Unit._meta.get_field("path").max_length
    assert limit is not None  # a CharField's
    lengths: dict[str, int] = {}
    for row, code, *_rest in parsed:
        chain, current = [], code
        while current in in_file and current not in lengths:
            chain.append(current)
            current = in_file[current][2]
        if current in lengths:
            length = lengths[current]
        else:
            length = len(existing[current].path) if current else 1
        for link in reversed(chain):
            length = lengths[link] = length + len(link) + 1
        if code and lengths[code] > limit:
            RowChecker(errors, row).fail(
                "parent_code",
                _("The unit lies too deep: its path would be over %(n)s characters.")
                % {"n": limit},
            )


def _check_unit_cycles(
    errors: list[RowError],
    parsed: list[UnitRow],
    in_file: dict[str, tuple[str | None, str | None, str | None]],
    existing: dict[str, Unit],
) -> None:
    def parent_of(code: str) -> str | None:
        """The next unit up whose parent the file sets: a unit outside the file keeps its
        ancestors, so its chain goes on at the nearest of them that is in the file."""
        if code in in_file:
            return in_file[code][2]
        unit = existing.get(code)
        if unit is None:
            return None
        ancestors = unit.path.strip("/").split("/")[:-1]
        return next((a for a in reversed(ancestors) if a in in_file), None)

    # code -> whether its parent chain loops; each chain is walked once (linear)
    loops: dict[str, bool] = {}
    for row, code, *_rest in parsed:
        if not code:
            continue
        # insertion-ordered, for membership in O(1)
        walk: dict[str, bool] = {}
        current: str | None = code
        while current and current not in loops and current not in walk:
            walk[current] = True
            current = parent_of(current) if (current in in_file or current in existing) else None
        looped = current in walk or (current is not None and loops.get(current, False))
        loops.update(dict.fromkeys(walk, looped))
        if looped:
            RowChecker(errors, row).fail(
                "parent_code", _("The parent chain loops back to “%(code)s”.") % {"code": code}
            )


@transaction.atomic
def cadres_import(*, data: bytes, on: dt.date | None = None) -> dict[str, int]:
    """Create or update cadres with their account, unit and head/deputy role; all or nothing.

    A cadre whose unit or role changes gets the old one closed the day before `on` (today) and
    the new one opened on `on`, so earlier months keep the unit they had. A cadre without an
    account gets a new one (username = code) with no usable password; an import never attaches
    an existing account: a code equal to a username already taken is a row error.
    """
    on = on or timezone.localdate()
    rows = read_table(data, CADRE_COLUMNS)
    errors: list[RowError] = []
    parsed: list[CadreRow] = []
    seen: dict[str, int] = {}
    unit_codes = {row["unit_code"] for row in rows if row["unit_code"]}
    units = {u.code: u for u in Unit.objects.filter(code__in=unit_codes)}
    for row in rows:
        check = RowChecker(errors, row)
        code = _check_code(check, "code")
        full_name = check.text("full_name", max_length=200)
        unit_code = check.text("unit_code")
        if unit_code and unit_code not in units:
            check.fail("unit_code", _("Unknown unit “%(code)s”.") % {"code": unit_code})
        job_group = check.text("job_group", max_length=64)
        role = check.choice("role", CADRE_ROLES, names=ROLE_NAMES)
        email = check.text("email", required=False, max_length=254)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                check.fail("email", _("“%(value)s” is not an email address.") % {"value": email})
        if code and check.repeated("code", seen, code):
            code = None
        parsed.append((code, full_name, units.get(unit_code), job_group, role, email))

    codes = [p[0] for p in parsed if p[0]]
    cadres = {c.code: c for c in Cadre.objects.filter(code__in=codes).select_related("user")}
    unlinked = {code for code in codes if code not in cadres or cadres[code].user_id is None}
    taken = _taken_usernames(unlinked)
    for row, code in zip(rows, (p[0] for p in parsed), strict=True):
        if code in unlinked and code.lower() in taken:
            RowChecker(errors, row).fail(
                "code",
                _(
                    "An account “%(username)s” already exists: an import never attaches an "
                    "existing account. Give this cadre another code."
                )
                % {"username": taken[code.lower()]},
            )
    if errors:
        raise ImportFailed(errors)
    # Every missing or refused cell was a row error, raised just above: each row is complete.
    complete: list[tuple[str, str, Unit, str, str, str | None]] = []
    for code, full_name, unit, job_group, role, email in parsed:
        assert code and full_name and unit and job_group and role
        complete.append((code, full_name, unit, job_group, role, email))

    known = set(cadres)  # a change for a known cadre starts on `on`; a new one has no start
    memberships: defaultdict[int, list[Membership]] = defaultdict(list)
    for m in Membership.objects.valid_on(on).filter(cadre__code__in=codes).select_related("unit"):
        memberships[m.cadre_id].append(m)
    acting: defaultdict[int, list[Role]] = defaultdict(list)
    for r in Role.objects.valid_on(on).filter(
        cadre__code__in=codes, role__in=[RoleKind.HEAD, RoleKind.DEPUTY]
    ):
        acting[r.cadre_id].append(r)

    created = updated = 0
    new_cadres, linked = [], []
    User = get_user_model()
    accounts = {code: _new_account(code, email) for code, *_, email in complete if code in unlinked}
    User.objects.bulk_create(accounts.values())
    for code, full_name, _unit, job_group, _role, email in complete:
        cadre = cadres.get(code)
        if cadre is None:
            cadre = Cadre(
                code=code,
                full_name=full_name,
                job_group=job_group,
                email=email or "",
                user=accounts[code],
            )
            new_cadres.append(cadre)
            cadres[code] = cadre
            created += 1
            continue
        if code in accounts:
            cadre.user = accounts[code]
            linked.append(cadre)
        if (cadre.full_name, cadre.job_group, cadre.email) != (full_name, job_group, email or ""):
            cadre.full_name, cadre.job_group, cadre.email = full_name, job_group, email or ""
            cadre.save(update_fields=["full_name", "job_group", "email"])
            updated += 1
    Cadre.objects.bulk_create(new_cadres)
    Cadre.objects.bulk_update(linked, ["user"])

    new_memberships, new_roles = [], []
    for code, _name, unit, _group, role, _email in complete:
        cadre = cadres[code]
        start = on if code in known else None
        current = memberships.get(cadre.pk, [])
        if not any(m.unit_id == unit.pk for m in current):
            _close(current, on)
            new_memberships.append(Membership(cadre=cadre, unit=unit, valid_from=start))
        roles = acting.get(cadre.pk, [])
        keep = [r for r in roles if r.unit_id == unit.pk and r.role == role]
        _close([r for r in roles if r not in keep], on)
        if role != "staff" and not keep:
            new_roles.append(Role(cadre=cadre, unit=unit, role=role, valid_from=start))
    Membership.objects.bulk_create(new_memberships)
    Role.objects.bulk_create(new_roles)
    return {"created": created, "updated": updated, "unchanged": len(parsed) - created - updated}


def _taken_usernames(codes: Iterable[str]) -> dict[str, str]:
    """The existing usernames equal to one of `codes`, ignoring case: {lowercased: username}."""
    wanted = {code.lower() for code in codes}
    if not wanted:
        return {}
    users = get_user_model().objects.annotate(key=Lower("username")).filter(key__in=wanted)
    return {name.lower(): name for name in users.values_list("username", flat=True)}


def _new_account(code: str, email: str | None) -> auth.User:
    """An account named after the cadre's code, with no usable password: the person signs in
    once an administrator has issued them a set-password link."""
    user = get_user_model()(username=code, email=email or "")
    user.set_unusable_password()
    return user


def _close(dated_rows: Iterable[Membership | Role], on: dt.date) -> None:
    """End rows on the day before `on`; a row that only started on `on` is removed."""
    for row in dated_rows:
        if row.valid_from is not None and row.valid_from >= on:
            row.delete()
        else:
            row.valid_to = on - dt.timedelta(days=1)
            row.save(update_fields=["valid_to"])


@transaction.atomic
def membership_move(*, cadre: Cadre, unit: Unit, on: dt.date) -> Membership:
    """Move `cadre` to `unit` from `on`: every membership still valid on `on` ends the day
    before (one that only starts on or after `on` is removed), and a new one starts on `on`.
    Used by a transfer or rotation decided in a personnel review case (docs/RULES.md §8)."""
    current = Membership.objects.select_for_update().filter(cadre=cadre)
    _close([m for m in current if m.valid_to is None or m.valid_to >= on], on)
    return Membership.objects.create(cadre=cadre, unit=unit, valid_from=on)


@transaction.atomic
def password_link_issue(*, cadre: Cadre, issuer: auth.User) -> "IssuedLink":
    """Issue `cadre` a one-time set-password link, audited; the caller has checked the rule
    (units.accounts.password_link_refusal) and the issuer's confirmation.

    With an email address known, the link goes to the person alone (absolute on SITE_URL), in
    a notice naming who issued it: the issuer never holds it. Without one, its path is returned
    for the issuer to hand over, and the log says so. A notice that cannot be sent issues
    nothing: the mail goes out inside the transaction.
    """
    account = cadre.user
    if account is None:
        account = get_user_model()(username=cadre.code, email=cadre.email)
        account.set_unusable_password()
        account.save()
        cadre.user = account
        cadre.save(update_fields=["user"])
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(account.pk)),
            "token": password_link_tokens.make_token(account),
        },
    )
    hours = settings.PASSWORD_LINK_HOURS
    expires = timezone.now() + dt.timedelta(hours=hours)
    address = cadre.email or account.email
    issuer_name = _person(issuer)
    AccountEvent.objects.create(
        kind=AccountEventKind.PASSWORD_LINK,
        actor=issuer,
        actor_name=issuer_name,
        account=account,
        username=account.get_username(),
        detail={
            "cadre": cadre.code,
            "expires": expires.isoformat(),
            "replaces_password": account.has_usable_password(),
            "sent_to": address,
        },
    )
    if not address:
        return IssuedLink(path=path, sent_to="", hours=hours)
    link = settings.SITE_URL.rstrip("/") + path
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _link_notice(cadre, issuer_name, link, hours, expires)
    send_mail(subject, body, None, [address])
    return IssuedLink(path=None, sent_to=address, hours=hours)


@dataclass(frozen=True)
class IssuedLink:
    path: str | None  # None: the link went to the person by email
    sent_to: str
    hours: int


def _person(user: auth.User) -> str:
    """A user as people know them: the cadre's name and code, or the username."""
    cadre = Cadre.objects.filter(user=user).first()
    return f"{cadre.full_name} ({cadre.code})" if cadre else user.get_username()


def _link_notice(
    cadre: Cadre, issuer_name: str, link: str, hours: int, expires: dt.datetime
) -> tuple[str, str]:
    local = timezone.localtime(expires)
    lines = [
        _("Hello %(name)s,") % {"name": cadre.full_name},
        "",
        _("%(issuer)s has issued you a link to set the password of your FiveClear account:")
        % {"issuer": issuer_name},
        link,
        "",
        _("It works once, until %(time)s on %(date)s (%(hours)s hours).")
        % {"time": f"{local:%H:%M}", "date": f"{local:%d/%m/%Y}", "hours": hours},
        _("A password you already have keeps working until you use the link."),
        _("If you did not ask for it, tell your unit head or an administrator."),
    ]
    return _("FiveClear: a link to set your password"), "\n".join(lines)


@transaction.atomic
def lockout_lift(*, username: str, ip_address: str | None, by: auth.User) -> int:
    """Lift the lockout of `username` from `ip_address` (None: attempts with no address), in
    the account log; returns how many attempt records were removed (0: nothing was locked,
    nothing is logged). The username's slowdown starts again from the lift."""
    if ip_address:
        removed = axes_reset(ip=ip_address, username=username)
    else:
        removed, _kinds = AccessAttempt.objects.filter(
            username=username, ip_address__isnull=True
        ).delete()
    if removed:
        AccountEvent.objects.create(
            kind=AccountEventKind.UNLOCK,
            actor=by,
            actor_name=_person(by),
            account=get_user_model().objects.filter(username=username).first(),
            username=username,
            ip_address=ip_address or None,
            detail={"attempts_removed": removed},
        )
    return removed
