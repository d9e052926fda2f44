"""The dossier ratings import (docs/RULES.md §7): the dossiers a unit handled for people and
businesses and how they were rated, from a table or the API, all or nothing, read through
`units.tabular` like every import.

A row names the dossier's code, its unit, the handling cadre (a member of the unit or of a unit
under it on the day), the day it was handled, whether on time, the rating, an optional comment
and, for an "unsatisfied" rating, whether the complaint was verified. A dossier the unit already
has (same code) is changed; nothing is written when one row is wrong, when a row's unit is not
one the importer acts on, or when its month is already decided for the unit.
"""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.dossiers.models import DossierRating, Rating
from directives.importing import audited_counts
from directives.models import AuditEntry
from directives.signals import decided_months
from units.models import Cadre, Membership, Unit
from units.scope import latest_unit
from units.tabular import ImportFailed, Row, RowChecker, read_table

DOSSIER_COLUMNS = ["dossier_code", "unit_code", "cadre_code", "handled_on", "on_time", "rating"]
DOSSIER_OPTIONAL = ["comment", "verified"]
RATING_NAMES = {
    Rating.VERY_SATISFIED: ("Rất hài lòng",),
    Rating.SATISFIED: ("Hài lòng",),
    Rating.UNSATISFIED: ("Không hài lòng",),
}
FIELDS = ["cadre_id", "handled_on", "on_time", "rating", "comment", "verified"]
AUDIT_ACTION = "dossiers_import"
MAX_COMMENT = 2000


def dossiers_import(*, data: bytes, user=None, within_paths=None, file_name="") -> dict:
    """Import dossier ratings from .xlsx or .csv bytes; returns the counts."""
    rows = read_table(data, DOSSIER_COLUMNS, optional=DOSSIER_OPTIONAL)
    return dossiers_import_rows(rows, user=user, within_paths=within_paths, file_name=file_name)


@transaction.atomic
def dossiers_import_rows(
    rows: list[Row], *, user=None, actor: str = "", within_paths=None, file_name=""
) -> dict:
    """Check every row, then create or change the dossiers by (unit, code) in bulk.

    `within_paths`: the unit paths the importer may write to (a head's units, an API client's
    unit); None for an administrator."""
    unit_codes = {row["unit_code"] for row in rows if row["unit_code"]}
    cadre_codes = {row["cadre_code"] for row in rows if row["cadre_code"]}
    units = {u.code: u for u in Unit.objects.filter(code__in=unit_codes)}
    cadres = {c.code: c for c in Cadre.objects.filter(code__in=cadre_codes).only("pk", "code")}
    memberships = defaultdict(list)
    for membership in Membership.objects.filter(cadre__code__in=cadre_codes).select_related("unit"):
        memberships[membership.cadre_id].append(membership)

    errors, parsed, seen = [], [], {}
    for row in rows:
        check = RowChecker(errors, row)
        before = len(errors)
        code = check.text("dossier_code", max_length=64)
        unit = _unit(check, units, within_paths)
        cadre = cadres.get(row["cadre_code"]) if row["cadre_code"] else None
        if not row["cadre_code"]:
            check.fail("cadre_code", _("A value is required."))
        elif cadre is None:
            check.fail(
                "cadre_code", _("No cadre has the code “%(code)s”.") % {"code": row["cadre_code"]}
            )
        handled_on = check.date("handled_on")
        on_time = None
        if not row["on_time"]:  # an empty cell would read as "no"
            check.fail("on_time", _("A value is required."))
        else:
            on_time = check.boolean("on_time")
        rating = check.choice("rating", Rating.values, names=RATING_NAMES)
        comment = check.text("comment", required=False, max_length=MAX_COMMENT) or ""
        verified = bool(check.boolean("verified", required=False))
        if verified and rating not in (None, Rating.UNSATISFIED):
            check.fail("verified", _("Only an “unsatisfied” rating can be a verified complaint."))
        if unit is not None and cadre is not None and handled_on is not None:
            served = latest_unit(memberships[cadre.pk], handled_on)
            if served is None or not served.path.startswith(unit.path):
                check.fail(
                    "cadre_code",
                    _("%(cadre)s was not a member of %(unit)s on %(day)s.")
                    % {
                        "cadre": cadre.code,
                        "unit": unit.code,
                        "day": handled_on.strftime("%d/%m/%Y"),
                    },
                )
        if code and unit is not None:
            check.repeated("dossier_code", seen, (unit.pk, code), shown=code)
        if len(errors) == before:
            parsed.append(
                (
                    row,
                    unit,
                    {
                        "code": code,
                        "cadre_id": cadre.pk,
                        "handled_on": handled_on,
                        "on_time": on_time,
                        "rating": rating,
                        "comment": comment,
                        "verified": verified,
                    },
                )
            )
    if errors:
        raise ImportFailed(errors)

    existing = {
        (d.unit_id, d.code): d
        for d in DossierRating.objects.filter(
            unit__in={unit.pk for _row, unit, _values in parsed},
            code__in={values["code"] for _row, _unit, values in parsed},
        )
    }
    # A decided month never changes: neither the new day's month nor the stored one's.
    pairs = set()
    for _row, unit, values in parsed:
        pairs.add((unit, values["handled_on"].strftime("%Y-%m")))
        stored = existing.get((unit.pk, values["code"]))
        if stored is not None:
            pairs.add((unit, stored.handled_on.strftime("%Y-%m")))
    decided = decided_months(pairs)
    for row, unit, values in parsed:
        stored = existing.get((unit.pk, values["code"]))
        months = {values["handled_on"].strftime("%Y-%m")}
        if stored is not None:
            months.add(stored.handled_on.strftime("%Y-%m"))
        for month in sorted(months):
            if (unit, month) in decided:
                RowChecker(errors, row).fail(
                    "handled_on",
                    _("The month %(month)s is already decided for %(unit)s: it no longer changes.")
                    % {"month": month, "unit": unit.code},
                )
    if errors:
        raise ImportFailed(errors)

    created, changed, now = [], [], timezone.now()
    # An optional column the file leaves out leaves the stored value as it is.
    given = set(rows[0].headers) if rows else set()
    fields = [name for name in FIELDS if name not in DOSSIER_OPTIONAL or name in given]
    for _row, unit, values in parsed:
        stored = existing.get((unit.pk, values["code"]))
        if stored is None:
            created.append(DossierRating(unit=unit, **values))
        elif any(getattr(stored, name) != values[name] for name in fields):
            for name in fields:
                setattr(stored, name, values[name])
            if stored.rating != Rating.UNSATISFIED and stored.verified:
                # Only an "unsatisfied" rating is a complaint, verified column given or not.
                stored.verified = False
                fields = fields if "verified" in fields else [*fields, "verified"]
            stored.updated_at = now  # bulk_update leaves auto_now alone
            changed.append(stored)
    DossierRating.objects.bulk_create(created, batch_size=1000)
    DossierRating.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=1000)
    return audited_counts(
        parsed,
        created,
        changed,
        user=user,
        actor=actor or AuditEntry.actor_of(user),  # an API client names itself
        action=AUDIT_ACTION,
        object_type="dossiers",
        object_id=",".join(sorted(unit_codes))[:255],
        file_name=file_name,
    )


def _unit(check: RowChecker, units: dict[str, Unit], within_paths) -> Unit | None:
    code = check.row["unit_code"]
    if not code:
        check.fail("unit_code", _("A value is required."))
        return None
    unit = units.get(code)
    if unit is None or (
        within_paths is not None and not any(unit.path.startswith(p) for p in within_paths)
    ):
        # An outsider learns nothing of units they may not write to.
        check.fail(
            "unit_code", _("You may not import dossiers of the unit “%(code)s”.") % {"code": code}
        )
        return None
    return unit
