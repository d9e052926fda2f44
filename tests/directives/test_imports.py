"""`import tasks` (docs/RULES.md §4, §5): all or nothing, every bad row named, upsert by code."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from directives.imports import TASK_COLUMNS, tasks_import
from directives.models import Task, TaskStatus
from directives.selectors import task_facts
from scoring.month.selectors.inputs import task_input
from tests.directives.helpers import make_task, task_row
from tests.factories import error_cells, xlsx
from units.tabular import ImportFailed

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "nd335-sample"
HEADER = ",".join(TASK_COLUMNS)


def csv_bytes(*rows):
    return "\n".join([HEADER, *rows]).encode()


def row(code="NV1", assignee="SA", assigner="HA", **fields):
    return task_row(code, assignee, assigner, **fields)


def xlsx_bytes(rows):
    return xlsx([TASK_COLUMNS, *rows])


def test_a_csv_creates_tasks_with_status_from_the_columns(org):
    counts = tasks_import(
        data=csv_bytes(
            row("NV1", completed="2026-10-14", accepted="true", errors="1", delays="2"),
            row("NV2", completed="2026-10-16"),
            row("NV3", weight='"1,5"'),
        )
    )
    assert counts == {"created": 3, "updated": 0, "unchanged": 0}
    nv1, nv2, nv3 = Task.objects.order_by("code")
    assert (nv1.status, nv1.accepted, nv1.imported_errors, nv1.imported_delays) == (
        TaskStatus.ACCEPTED,
        True,
        1,
        2,
    )
    assert (nv2.status, nv2.completed_on) == (TaskStatus.SUBMITTED, dt.date(2026, 10, 16))
    assert (nv3.status, nv3.weight) == (TaskStatus.ASSIGNED, Decimal("1.5"))
    assert nv1.unit == org.a
    assert nv1.effective_deadline == nv1.deadline == dt.date(2026, 10, 15)


def test_an_xlsx_with_real_dates_imports_too(org):
    assigned, deadline, done = dt.datetime(2026, 10, 1), dt.date(2026, 10, 9), dt.date(2026, 10, 8)
    who = ["NVX", "Thẩm định hồ sơ", "SA", "HA"]
    data = xlsx_bytes([[*who, assigned, deadline, "Tờ trình", 2, done, True, 0, 1]])
    assert tasks_import(data=data)["created"] == 1
    task = Task.objects.get(code="NVX")
    assert (task.assigned_on, task.deadline, task.weight) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 9),
        Decimal("2"),
    )
    assert (task.accepted, task.imported_delays) == (True, 1)


def test_missing_deadline_unknown_assignee_and_bad_date_write_nothing_and_name_all_three(org):
    data = csv_bytes(
        row("NV1"),
        row("NV2", deadline=""),
        row("NV3", assignee="KHONGCO"),
        row("NV4", completed="31/13/2026"),
    )
    with pytest.raises(ImportFailed) as failed:
        tasks_import(data=data)
    found = error_cells(failed)
    assert found == [(3, "deadline"), (4, "assignee_code"), (5, "completed_on")]
    assert "KHONGCO" in failed.value.errors[1].message
    assert "31/13/2026" in failed.value.errors[2].message
    assert not Task.objects.exists()


def test_the_same_file_as_xlsx_names_the_same_rows(org):
    data = xlsx_bytes(
        [
            ["NV1", "t", "SA", "HA", "2026-10-01", "", "r", 1, "", "false", 0, 0],
            ["NV2", "t", "KHONGCO", "HA", "2026-10-01", "2026-10-09", "r", 1, "", "false", 0, 0],
            ["NV3", "t", "SA", "HA", "2026-10-01", "2026-10-09", "r", 1, "hôm qua", "true", 0, 0],
        ]
    )
    with pytest.raises(ImportFailed) as failed:
        tasks_import(data=data)
    assert error_cells(failed) == [(2, "deadline"), (3, "assignee_code"), (4, "completed_on")]
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("bad", "column"),
    [
        ({"assigner": "SA2"}, "assigned_by_code"),  # staff assign nothing
        ({"assigner": "HB"}, "assigned_by_code"),  # head of another unit
        ({"assigner": "SA"}, "assigned_by_code"),  # themself
        ({"deadline": "2026-09-01"}, "deadline"),
        ({"weight": "0"}, "weight"),
        ({"errors": "-1"}, "major_errors"),
        ({"delays": "1.5"}, "delays"),
        ({"accepted": "có lẽ"}, "accepted"),
        ({"accepted": "true"}, "completed_on"),
        ({"code": "board"}, "code"),
    ],
)
def test_each_bad_cell_is_named(org, bad, column):
    with pytest.raises(ImportFailed) as failed:
        tasks_import(data=csv_bytes(row(**bad)))
    assert error_cells(failed) == [(2, column)]


def test_a_code_twice_in_the_file_is_an_error(org):
    with pytest.raises(ImportFailed) as failed:
        tasks_import(data=csv_bytes(row("NV1"), row("NV1")))
    assert error_cells(failed) == [(3, "code")]


def test_a_missing_column_is_reported_in_the_header(org):
    with pytest.raises(ImportFailed) as failed:
        tasks_import(data=b"code,title\nNV1,x\n")
    assert {e.row for e in failed.value.errors} == {1}
    assert "deadline" in {e.column for e in failed.value.errors}


def test_import_updates_by_code_and_reports_unchanged(org):
    existing = make_task(org.staff_a, org.head_a, code="NV1", title="Cũ")
    counts = tasks_import(data=csv_bytes(row("NV1", completed="2026-10-14", accepted="true")))
    assert counts == {"created": 0, "updated": 1, "unchanged": 0}
    existing.refresh_from_db()
    assert (existing.title, existing.status) == ("Báo cáo tháng", TaskStatus.ACCEPTED)
    again = tasks_import(data=csv_bytes(row("NV1", completed="2026-10-14", accepted="true")))
    assert again == {"created": 0, "updated": 0, "unchanged": 1}


def test_the_unit_is_the_assignees_unit_on_the_deadline(org):
    from units.models import Membership

    Membership.objects.filter(cadre=org.staff_a).update(valid_to=dt.date(2026, 10, 10))
    Membership.objects.create(cadre=org.staff_a, unit=org.b, valid_from=dt.date(2026, 10, 11))
    with pytest.raises(ImportFailed):  # the head of A has no authority in B
        tasks_import(data=csv_bytes(row("NV1", deadline="2026-10-20")))
    tasks_import(data=csv_bytes(row("NV1", assigner="HB", deadline="2026-10-20")))
    assert Task.objects.get(code="NV1").unit == org.b


def test_a_head_import_is_limited_to_their_units(org):
    with pytest.raises(ImportFailed) as failed:
        tasks_import(
            data=csv_bytes(row("NV1"), row("NV2", assignee="SB", assigner="")),
            importer=org.head_a,
            within_paths=[org.a.path],
        )
    assert error_cells(failed) == [(3, "assigned_by_code"), (3, "assignee_code")]
    make_task(org.staff_b, org.head_b, code="NVB")
    with pytest.raises(ImportFailed) as failed:
        tasks_import(data=csv_bytes(row("NVB")), importer=org.head_a, within_paths=[org.a.path])
    assert error_cells(failed) == [(2, "code")]


def test_the_nd335_sample_imports_after_its_units_and_cadres(db, capsys):
    for kind in ("units", "cadres", "tasks"):
        call_command("import", kind, str(SAMPLE / f"{kind}.csv"))
    assert "85 created" in capsys.readouterr().out
    assert Task.objects.count() == 85
    cb0009 = Task.objects.get(assignee__code="CB0009", deadline=dt.date(2026, 10, 24))
    assert (cb0009.completed_on, cb0009.imported_delays) == (dt.date(2026, 11, 1), 1)
    facts = task_facts(
        cadre_ids=[cb0009.assignee_id],
        first_day=dt.date(2026, 10, 1),
        last_day=dt.date(2026, 10, 31),
    )[cb0009.assignee_id]
    assert [task_input(f, dt.date(2026, 10, 31)).completed for f in facts] == [True, True, False]


def test_the_command_fails_with_every_row_and_writes_nothing(org, tmp_path, capsys):
    path = tmp_path / "tasks.csv"
    path.write_bytes(csv_bytes(row("NV1", deadline=""), row("NV2", assignee="X")))
    with pytest.raises(CommandError, match="2 error"):
        call_command("import", "tasks", str(path))
    err = capsys.readouterr().err
    assert "2" in err and "deadline" in err and "assignee_code" in err
    assert not Task.objects.exists()
