"""The inspections import (docs/RULES.md §8): inspections with their findings from a table, all
or nothing, read through `units.tabular` like every import.

One row per finding. The rows of one inspection share its number (`inspection_ref`, once per
unit and year) and repeat its date, unit, scope and form; a row without any finding column
records the inspection alone. Every rule of the web form applies, from the same services
(`check_inspection`, `check_finding`, then `inspection_record` and `finding_add`): who may record
over which unit, no later date than today, a finding never naming the importer, a peer or
someone above, a finding against the unit only reminding. Evidence files are not imported: they
are attached on each finding's page.
"""

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from scoring.errors import ScoringError
from scoring.month.services.common import MAX_PENALTY
from scoring.oversight import services
from scoring.oversight.authority import may_inspect
from scoring.oversight.models import Handling, InspectionScope, OversightEntry
from units.models import Cadre, Unit
from units.scope import scope_for
from units.tabular import ImportFailed, Row, RowChecker, RowError, read_table

INSPECTION_COLUMNS = [
    "inspection_ref",
    "inspected_on",
    "unit_code",
    "scope",
    "surprise",
    "finding",
    "handling",
]
INSPECTION_OPTIONAL = ["summary", "against_code", "penalty_points"]
# The columns of a finding: a row with none of them records the inspection alone.
FINDING_COLUMNS = ("finding", "against_code", "handling", "penalty_points")
SCOPE_NAMES = {
    InspectionScope.PROCEDURES: ("Thủ tục hành chính", "TTHC"),
    InspectionScope.CONDUCT: ("Quy tắc ứng xử", "Văn hóa công vụ"),
    InspectionScope.DISCIPLINE: ("Kỷ luật", "Kỷ luật, kỷ cương"),
}
SURPRISE, ANNOUNCED = "surprise", "announced"
SURPRISE_NAMES = {
    SURPRISE: ("Đột xuất", "Không báo trước"),
    ANNOUNCED: ("Theo kế hoạch", "Có thông báo trước", "Thông báo trước"),
}
HANDLING_NAMES = {
    Handling.REMIND: ("Nhắc nhở",),
    Handling.PENALTY: ("Điểm trừ", "Trừ điểm"),
    Handling.DISCIPLINE: ("Kỷ luật",),
}
# The value a service's refusal is about (`services._refused`) → the file's column.
COLUMN_OF = {
    "unit": "unit_code",
    "on": "inspected_on",
    "reference": "inspection_ref",
    "cadre": "against_code",
    "text": "finding",
    "handling": "handling",
    "points": "penalty_points",
}
SAMPLE_COLUMNS = [
    "inspection_ref",
    "inspected_on",
    "unit_code",
    "surprise",
    "scope",
    "summary",
    "against_code",
    "finding",
    "handling",
    "penalty_points",
]
# They import after the units and cadres sample (units.samples) by its head, CB900001, of
# P-XP-KT: CB900002 is a member there.
SAMPLE_ROWS = [
    [
        "01/KT",
        dt.date(2026, 3, 10),
        "P-XP-KT",
        "Đột xuất",
        "Quy tắc ứng xử",
        "Kiểm tra việc chấp hành giờ giấc làm việc",
        "CB900002",
        "Đến muộn 45 phút, không báo cáo lý do",
        "Điểm trừ",
        "2",
    ],
    [
        "01/KT",
        dt.date(2026, 3, 10),
        "P-XP-KT",
        "Đột xuất",
        "Quy tắc ứng xử",
        "",
        "",
        "Chưa niêm yết lịch tiếp công dân",
        "Nhắc nhở",
        "",
    ],
    [
        "02/KT",
        dt.date(2026, 3, 24),
        "P-XP-KT",
        "Theo kế hoạch",
        "Thủ tục hành chính",
        "Kiểm tra hồ sơ một cửa",
        "",
        "",
        "",
        "",
    ],
]
AUDIT_ACTION = "inspection.import"
MAX_REFERENCE = 32
MAX_TEXT = 4000


def inspections_import(*, data: bytes, user, file_name: str = "") -> dict:
    """Import inspections and their findings from .xlsx or .csv bytes as `user` (the recorder);
    returns the counts."""
    rows = read_table(data, INSPECTION_COLUMNS, optional=INSPECTION_OPTIONAL)
    return inspections_import_rows(rows, user=user, file_name=file_name)


class _Inspection:
    """An inspection of the file: its first row's values and its findings' rows."""

    def __init__(self, row: Row, unit: Unit, values: dict):
        self.row = row
        self.unit = unit
        self.values = values
        self.findings: list[tuple[Row, dict]] = []


def _refusal(errors: list[RowError], row: Row, error: ScoringError, default: str) -> None:
    column = COLUMN_OF.get(getattr(error, "field", ""), default)
    RowChecker(errors, row).fail(column, error.message)


def _checked(errors, row, default, check: Callable[..., object], **values) -> None:
    """`check(**values)`, its refusal named on `row`."""
    try:
        check(**values)
    except ScoringError as error:
        _refusal(errors, row, error, default)


@transaction.atomic
def inspections_import_rows(rows: list[Row], *, user, file_name: str = "") -> dict:
    """Check every row against the services' rules, then record every inspection and finding;
    nothing is written while one row is wrong."""
    scope = scope_for(user)
    unit_codes = {row["unit_code"] for row in rows if row["unit_code"]}
    cadre_codes = {row["against_code"] for row in rows if row["against_code"]}
    # The units' rows stay locked until the import ends: two imports at once cannot both give
    # one unit the same inspection number.
    units = {u.code: u for u in Unit.objects.filter(code__in=unit_codes).select_for_update()}
    cadres = {c.code: c for c in Cadre.objects.filter(code__in=cadre_codes)}
    errors: list[RowError] = []
    inspections: dict[tuple, _Inspection] = {}
    for row in rows:
        _read_row(row, errors, scope, units, cadres, inspections)

    # The rules of the web form, from the services, without writing.
    for item in inspections.values():
        on = item.values["on"]
        reference = item.values["reference"]
        _checked(
            errors,
            item.row,
            "inspected_on",
            services.check_inspection,
            scope=scope,
            unit=item.unit,
            on=on,
            reference=reference,
        )
        for row, finding in item.findings:
            _checked(
                errors,
                row,
                "finding",
                services.check_finding,
                scope=scope,
                unit=item.unit,
                on=on,
                **finding,
            )
    if errors:
        raise ImportFailed(errors)

    counts = {"inspections": 0, "findings": 0}
    for item in inspections.values():
        values = item.values
        try:
            inspection = services.inspection_record(
                scope=scope,
                user=user,
                unit=item.unit,
                on=values["on"],
                kind=values["kind"],
                surprise=values["surprise"],
                summary=values["summary"],
                reference=values["reference"],
            )
        except ScoringError as error:  # checked above: only a concurrent import gets here
            _refusal(errors, item.row, error, "inspected_on")
            raise ImportFailed(errors) from None
        counts["inspections"] += 1
        for row, finding in item.findings:
            try:
                services.finding_add(scope=scope, user=user, inspection=inspection, **finding)
            except ScoringError as error:
                _refusal(errors, row, error, "finding")
                raise ImportFailed(errors) from None
            counts["findings"] += 1
    OversightEntry.objects.create(
        user=user,
        actor=OversightEntry.actor_of(user),
        action=AUDIT_ACTION,
        object_type="inspections",
        object_id=file_name[:64],
        unit=_only_unit(inspections),
        new={
            "file": file_name,
            "rows": len(rows),
            "units": sorted({item.unit.code for item in inspections.values()}),
            **counts,
        },
    )
    return counts


def _only_unit(inspections) -> Unit | None:
    units = {item.unit.pk: item.unit for item in inspections.values()}
    return next(iter(units.values())) if len(units) == 1 else None


def _read_row(row: Row, errors, scope, units, cadres, inspections) -> None:
    """Read one row's cells, into its inspection (a new one, or the one of its number)."""
    check = RowChecker(errors, row)
    before = len(errors)
    reference = check.text("inspection_ref", max_length=MAX_REFERENCE)
    on = check.date("inspected_on")
    unit = None
    code = row["unit_code"]
    if not code:
        check.fail("unit_code", _("A value is required."))
    else:
        unit = units.get(code)
        if unit is None:  # as a unit outside the importer's subtree: nothing learnt of it
            check.fail("unit_code", services.not_inspecting(code).message)
        elif not may_inspect(scope, unit):
            check.fail("unit_code", services.not_inspecting(code).message)
            unit = None
    kind = check.choice("scope", InspectionScope.values, names=SCOPE_NAMES)
    surprise = check.choice("surprise", [SURPRISE, ANNOUNCED], names=SURPRISE_NAMES)
    summary = check.text("summary", required=False, max_length=MAX_TEXT) or ""
    finding = None
    if any(row[column] for column in FINDING_COLUMNS):
        finding = _read_finding(row, check, cadres)
    if len(errors) != before:
        return
    key = (unit.pk, on.year, reference)
    values = {
        "reference": reference,
        "on": on,
        "kind": kind,
        "surprise": surprise == SURPRISE,
        "summary": summary,
    }
    item = inspections.get(key)
    if item is None:
        item = inspections[key] = _Inspection(row, unit, values)
    else:
        _same_inspection(check, item, values)
        if len(errors) != before:
            return
    if finding is not None:
        item.findings.append((row, finding))


def _same_inspection(check: RowChecker, item: _Inspection, values: dict) -> None:
    """A later row of an inspection repeats its date, scope and form (and its summary, or
    leaves it empty)."""
    first = item.values
    for column, name in (("inspected_on", "on"), ("scope", "kind"), ("surprise", "surprise")):
        if values[name] != first[name]:
            check.fail(
                column,
                _("Inspection “%(ref)s” has another value in row %(row)s.")
                % {"ref": first["reference"], "row": item.row.number},
            )
    if values["summary"]:
        if not first["summary"]:
            first["summary"] = values["summary"]
        elif values["summary"] != first["summary"]:
            check.fail(
                "summary",
                _("Inspection “%(ref)s” has another value in row %(row)s.")
                % {"ref": first["reference"], "row": item.row.number},
            )


def _read_finding(row: Row, check: RowChecker, cadres) -> dict:
    """The finding's cells as `services.check_finding` and `finding_add` take them."""
    text = check.text("finding", max_length=MAX_TEXT)
    handling = check.choice("handling", Handling.values, names=HANDLING_NAMES)
    points = check.decimal("penalty_points", required=False, maximum=MAX_PENALTY, places=2)
    if points is not None and handling in (Handling.REMIND, Handling.DISCIPLINE):
        check.fail("penalty_points", _("Points go with penalty points only: leave it empty."))
    cadre = None
    code = row["against_code"]
    if code:
        cadre = cadres.get(code)
        if cadre is None:
            check.fail("against_code", _("No cadre has the code “%(code)s”.") % {"code": code})
    return {
        "cadre": cadre,
        "text": text or "",
        "handling": handling,
        "points": points,
    }
