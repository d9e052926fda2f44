"""The catalogue import (docs/RULES.md §4, §6): a regulation's standard products from a table,
all or nothing, read through `units.tabular` like every import.

A row with a code the regulation's catalogue already has changes that item; the others are
added; items the file does not name stay. Nothing is written when one row is wrong or when a
decided month pins the regulation (a change is then made in a new version of it).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from directives.catalogue.models import MAX_COEFFICIENT, CatalogueItem
from directives.catalogue.services import ITEM_FIELDS, frozen_refusal
from directives.importing import audited_counts, row_code
from directives.models import AuditEntry, Regulation
from units.tabular import ImportFailed, RowChecker, RowError, read_table

CATALOGUE_COLUMNS = ["job_group", "code", "name", "unit_of_measure", "coefficient"]
CATALOGUE_OPTIONAL = ["name_en", "note"]
AUDIT_ACTION = "catalogue_import"


@transaction.atomic
def catalogue_import(*, data: bytes, regulation: Regulation, user=None, file_name="") -> dict:
    """Add or change the items of `regulation`'s catalogue from a table; returns the counts."""
    regulation = Regulation.objects.select_for_update().get(pk=regulation.pk)
    refusal = frozen_refusal(regulation)
    if refusal:
        raise ImportFailed([RowError(0, "", refusal)])
    rows = read_table(data, CATALOGUE_COLUMNS, optional=CATALOGUE_OPTIONAL)
    existing = {item.code: item for item in CatalogueItem.objects.filter(regulation=regulation)}
    errors, parsed, seen = [], [], {}
    for row in rows:
        check = RowChecker(errors, row)
        before = len(errors)
        code = row_code(check, seen)
        values = {
            "job_group": check.text("job_group", max_length=64),
            "code": code,
            "name_vi": check.text("name", max_length=300),
            "name_en": check.text("name_en", required=False, max_length=300) or "",
            "unit_of_measure": check.text("unit_of_measure", max_length=64),
            "coefficient": check.decimal("coefficient", maximum=MAX_COEFFICIENT, places=2),
            "note": check.text("note", required=False, max_length=2000) or "",
        }
        if values["coefficient"] is not None and values["coefficient"] <= 0:
            check.fail("coefficient", _("The coefficient must be above 0."))
        if len(errors) == before:
            parsed.append(values)
    if errors:
        raise ImportFailed(errors)
    created, changed = [], []
    for values in parsed:
        item = existing.get(values["code"])
        if item is None:
            created.append(CatalogueItem(regulation=regulation, **values))
        elif any(getattr(item, name) != values[name] for name in ITEM_FIELDS):
            for name in ITEM_FIELDS:
                setattr(item, name, values[name])
            changed.append(item)
    CatalogueItem.objects.bulk_create(created, batch_size=1000)
    CatalogueItem.objects.bulk_update(changed, list(ITEM_FIELDS), batch_size=1000)
    return audited_counts(
        parsed,
        created,
        changed,
        user=user,
        actor=AuditEntry.actor_of(user),
        action=AUDIT_ACTION,
        object_type="catalogue",
        object_id=regulation.code,
        file_name=file_name,
    )
