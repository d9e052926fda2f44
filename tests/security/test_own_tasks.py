"""Nobody raises their own task part (issue 12, item 2; docs/RULES.md §3).

A head's web import is his own assignments: every row's assigner is the importer, who must
outrank the assignee on the assignment date; nobody imports a task of their own; a task that
exists changes only by its assigner or a head or deputy above the assigner. The same holds for
every review step on a task's page. The command line stays the administrator's tool.
"""

import datetime as dt
from fractions import Fraction
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from directives.imports import TASK_COLUMNS
from directives.models import AuditEntry, Task, TaskEvent, TaskEventKind, TaskStatus
from directives.selectors import task_facts
from scoring import engine
from scoring.month.selectors.inputs import task_input
from tests.directives.helpers import done, make_task, task_row
from tests.factories import member

pytestmark = pytest.mark.django_db

OCTOBER = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
NOW = dt.datetime(2026, 10, 20, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def ward(org):
    """`org` with the ward's head and deputy, a deputy pair under the head of A, and a task of
    the head of A that the ward's head gave him (due in October, not done yet)."""
    people = SimpleNamespace(
        org=org,
        ward_head=member(org.w1, role="head", code="HW1", job_group="leader"),
        ward_deputy=member(org.w1, role="deputy", code="DW1", job_group="leader"),
        deputy_a=member(org.a, role="deputy", code="DA", job_group="leader"),
        deputy_a2=member(org.a, role="deputy", code="DA2", job_group="leader"),
        city_head=member(org.city, role="head", code="HC", job_group="leader"),
    )
    people.heads_task = make_task(
        org.head_a, people.ward_head, code="NVHA", deadline=dt.date(2026, 10, 25)
    )
    return people


def task_part(cadre) -> Fraction:
    """The task part T of the cadre's own tasks due in October (docs/RULES.md §1), 0 without any."""
    facts = task_facts(cadre_ids=[cadre.pk], first_day=OCTOBER[0], last_day=OCTOBER[1])
    inputs = [task_input(f, OCTOBER[1]) for f in facts.get(cadre.pk, [])]
    ratios = engine.task_ratios(inputs)
    return engine.task_score(ratios) if ratios else Fraction(0)


def line(code="NV1", assignee="SA", assigner="", **fields):
    return task_row(
        code,
        assignee,
        assigner,
        title="Báo cáo tình hình kinh tế - xã hội",
        expected="Báo cáo trình UBND",
        **{"deadline": "2026-10-25"} | fields,
    )


def upload(client, *lines, name="nhiem-vu.csv"):
    data = "\n".join([",".join(TASK_COLUMNS), *lines]).encode()
    return client.post(reverse("directives:import"), {"file": SimpleUploadedFile(name, data)})


def refused(response) -> list[tuple[str, str]]:
    """The (row, column) pairs of the error table of a refused import page."""
    assert response.status_code == 200
    page = response.content.decode()
    assert "Không có gì được nhập" in page, page
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    cells = [c.split("</td>")[0] for c in table.split("<td>")[1:]]
    return [(cells[i], cells[i + 1]) for i in range(0, len(cells), 3)]


def everything():
    return (
        list(Task.objects.order_by("pk").values()),
        list(TaskEvent.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )


# --- the repros ----------------------------------------------------------------------------


def test_a_head_cannot_import_and_accept_his_own_task(ward, login):
    """The department head uploads one row: himself as assignee, his ward's head as assigner,
    weight 100, done before the deadline, accepted. Nothing is written; his task part stays."""
    head = ward.org.head_a
    before, state = task_part(head), everything()
    response = upload(
        login(head),
        line("NV1", "HA", "HW1", weight="100", completed="2026-10-10", accepted="true"),
    )
    # The weight of 100 outside the catalogue is refused too (docs/RULES.md §6).
    assert refused(response) == [
        ("2", "assigned_by_code"),
        ("2", "assignee_code"),
        ("2", "weight"),
    ]
    page = response.content.decode()
    assert "Không ai tự nhập nhiệm vụ của chính mình" in page
    assert everything() == state
    assert task_part(head) == before == 0


def test_a_head_cannot_import_his_own_task_as_its_assigner_either(ward, login):
    head = ward.org.head_a
    state = everything()
    response = upload(login(head), line("NV1", "HA", "", completed="2026-10-10", accepted="true"))
    assert refused(response) == [("2", "assignee_code")]
    response = upload(login(head), line("NVHA", "HA", "", completed="2026-10-10", accepted="true"))
    assert refused(response) == [("2", "assignee_code"), ("2", "code")]
    assert everything() == state


def test_a_deputy_cannot_load_major_errors_on_his_heads_task(ward, login):
    """The deputy of A names his head's task with its real assigner and 999 major errors."""
    head, task = ward.org.head_a, ward.heads_task
    done(task, dt.date(2026, 10, 15))
    before, state = task_part(head), everything()
    client = login(ward.deputy_a)
    response = upload(
        client,
        line("NVHA", "HA", "HW1", completed="2026-10-15", accepted="true", errors="999"),
    )
    assert refused(response) == [("2", "assigned_by_code"), ("2", "code")]
    response = upload(
        client, line("NVHA", "HA", "", completed="2026-10-15", accepted="true", errors="999")
    )
    assert refused(response) == [("2", "assigned_by_code"), ("2", "code")]
    assert "DA không giữ chức vụ thủ trưởng hoặc cấp phó" in response.content.decode()
    assert everything() == state
    assert task_part(head) == before == 70


# --- the rule, case by case ----------------------------------------------------------------


def test_another_assigner_is_refused_with_its_row_number(ward, login):
    response = upload(
        login(ward.org.head_a),
        line("NV1", "SA", ""),
        line("NV2", "SA2", "HA"),
        line("NV3", "SA2", "HW1"),
    )
    assert refused(response) == [("4", "assigned_by_code")]
    page = response.content.decode()
    assert "để trống cột này hoặc ghi mã của chính bạn HA; nhiệm vụ do HW1 giao" in page
    assert not Task.objects.filter(code__in=["NV1", "NV2", "NV3"]).exists()


def test_an_empty_assigned_by_means_the_importer(ward, login):
    response = upload(login(ward.org.head_a), line("NV1", "SA", ""), line("NV2", "SA2", "HA"))
    assert response.status_code == 302
    tasks = Task.objects.filter(code__in=["NV1", "NV2"]).order_by("code")
    assert [(t.assignee.code, t.assigned_by.code) for t in tasks] == [("SA", "HA"), ("SA2", "HA")]


def test_an_importer_who_does_not_outrank_the_assignee_is_refused(ward, login):
    """A deputy of A imports onto his own head: no authority over him (a new task)."""
    state = everything()
    response = upload(login(ward.deputy_a), line("NV1", "HA", ""))
    assert refused(response) == [("2", "assigned_by_code")]
    assert everything() == state


def test_authority_is_taken_on_the_assignment_date(ward, login):
    """The head of A became head on 15/10: a task he assigned on 01/10 is refused."""
    role = ward.org.head_a.roles.get()
    role.valid_from = dt.date(2026, 10, 15)
    role.save()
    state = everything()
    response = upload(login(ward.org.head_a), line("NV1", "SA", "", assigned="2026-10-01"))
    assert refused(response) == [("2", "assigned_by_code")]
    assert everything() == state
    response = upload(login(ward.org.head_a), line("NV1", "SA", "", assigned="2026-10-16"))
    assert response.status_code == 302


def test_a_peer_is_refused(ward, login):
    """A deputy of A onto the other deputy of A, and the head of A onto the head of B."""
    state = everything()
    response = upload(login(ward.deputy_a), line("NV1", "DA2", ""))
    assert refused(response) == [("2", "assigned_by_code")]
    response = upload(login(ward.org.head_a), line("NV1", "HB", ""))
    assert refused(response) == [("2", "assigned_by_code"), ("2", "assignee_code")]
    assert everything() == state


def test_someone_above_is_refused(ward, login):
    state = everything()
    response = upload(login(ward.org.head_a), line("NV1", "HW1", ""))
    assert refused(response) == [("2", "assigned_by_code"), ("2", "assignee_code")]
    assert everything() == state


def test_an_outsider_is_refused(ward, login):
    """The head of B imports onto a staff member of A, new or existing."""
    task = make_task(ward.org.staff_a, ward.org.head_a, code="NVSA")
    state = everything()
    client = login(ward.org.head_b)
    response = upload(client, line("NV1", "SA", ""))
    assert refused(response) == [("2", "assigned_by_code"), ("2", "assignee_code")]
    response = upload(client, line(task.code, "SB", "", completed="2026-10-10", accepted="true"))
    assert refused(response) == [("2", "code")]
    assert everything() == state


def test_an_existing_task_changes_only_by_its_assigner_or_above(ward, login):
    """The ward's head gave SA a task. The head of A outranks SA but not the ward's head; the
    ward's deputy neither: both are refused. The ward's head and the city's head may."""
    org = ward.org
    task = make_task(org.staff_a, ward.ward_head, code="NVW", deadline=dt.date(2026, 10, 25))
    row = line("NVW", "SA", "", completed="2026-10-10", accepted="true", errors="3")
    state = everything()
    for below in (org.head_a, ward.ward_deputy, ward.deputy_a):
        assert refused(upload(login(below), row)) == [("2", "code")], below.code
    assert everything() == state
    page = upload(login(org.head_a), row).content.decode()
    assert "Nhiệm vụ NVW do HW1 giao" in page

    assert upload(login(ward.ward_head), row).status_code == 302
    task.refresh_from_db()
    assert (task.assigned_by, task.accepted, task.imported_errors) == (ward.ward_head, True, 3)
    again = line("NVW", "SA", "", completed="2026-10-10", accepted="true", errors="0")
    assert upload(login(ward.city_head), again).status_code == 302
    task.refresh_from_db()
    assert (task.assigned_by, task.imported_errors) == (ward.city_head, 0)


def test_an_import_is_audited_and_each_task_it_touches_gets_an_event(ward, login):
    org = ward.org
    changed = make_task(org.staff_a, org.head_a, code="NVC", deadline=dt.date(2026, 10, 25))
    same = make_task(
        org.staff_a2,
        org.head_a,
        code="NVS",
        title="Báo cáo tình hình kinh tế - xã hội",
        assigned_on=dt.date(2026, 10, 1),
        deadline=dt.date(2026, 10, 25),
        expected_result="Báo cáo trình UBND",
    )
    response = upload(
        login(org.head_a),
        line("NV1", "SA"),
        line("NV2", "SA2", "HA", completed="2026-10-09"),
        line("NVC", "SA", weight="0.5", completed="2026-10-12", accepted="true", errors="1"),
        line("NVS", "SA2"),
        name="giao-viec-thang-10.csv",
    )
    assert response.status_code == 302
    (entry,) = AuditEntry.objects.all()
    assert (entry.user, entry.action, entry.object_type, entry.object_id) == (
        org.head_a.user,
        "tasks_import",
        "file",
        "giao-viec-thang-10.csv",
    )
    assert entry.actor == f"{org.head_a.full_name} (HA)"
    assert entry.new == {
        "file": "giao-viec-thang-10.csv",
        "rows": 4,
        "created": 2,
        "updated": 1,
        "unchanged": 1,
    }
    events = TaskEvent.objects.filter(kind=TaskEventKind.IMPORTED).select_related("task")
    found = {e.task.code: e for e in events}
    assert sorted(found) == ["NV1", "NV2", "NVC"]
    assert {e.author for e in events} == {org.head_a}
    assert (found["NV2"].old_status, found["NV2"].new_status) == ("", TaskStatus.SUBMITTED)
    assert found["NV1"].reason == "Nhập từ tệp “giao-viec-thang-10.csv”."
    update = found["NVC"]
    assert (update.old_status, update.new_status) == (TaskStatus.ASSIGNED, TaskStatus.ACCEPTED)
    assert "đạt chất lượng: không → có" in update.reason
    assert "số sai sót lớn (nhập từ tệp): 0 → 1" in update.reason
    assert "hệ số sản phẩm quy đổi: 1 → 0,5" in update.reason
    assert not same.events.exists()
    changed.refresh_from_db()
    assert changed.imported_errors == 1


def test_a_refused_import_is_not_audited(ward, login):
    upload(login(ward.org.head_a), line("NV1", "HA"))
    assert not AuditEntry.objects.exists()


def test_the_command_line_imports_the_design_format_with_any_assigner(ward, tmp_path, capsys):
    """The columns of docs/RULES.md §5, unchanged: the administrator names any assigner who
    outranks."""
    path = tmp_path / "tasks.csv"
    path.write_text(
        "\n".join(
            [
                ",".join(TASK_COLUMNS),
                line("NV1", "HA", "HW1", completed="2026-10-10", accepted="true"),
                line("NV2", "SA", "HA"),
                line("NVHA", "HA", "HW1", completed="2026-10-12", accepted="true", errors="1"),
            ]
        ),
        encoding="utf-8",
    )
    call_command("import", "tasks", str(path))
    assert "2 created, 1 updated" in capsys.readouterr().out
    tasks = {t.code: t for t in Task.objects.select_related("assigned_by")}
    assert (tasks["NV1"].assigned_by.code, tasks["NV1"].accepted) == ("HW1", True)
    assert tasks["NVHA"].imported_errors == 1
    (entry,) = AuditEntry.objects.all()
    assert (entry.user, entry.actor, entry.object_id) == (None, "manage.py", "tasks.csv")
    assert entry.new["created"] == 2 and entry.new["updated"] == 1
    events = TaskEvent.objects.filter(kind=TaskEventKind.IMPORTED)
    assert events.count() == 3
    assert not events.exclude(author=None).exists()


def test_the_command_line_still_refuses_an_assigner_without_authority(ward, tmp_path):
    path = tmp_path / "tasks.csv"
    path.write_text("\n".join([",".join(TASK_COLUMNS), line("NV1", "HA", "DA")]), "utf-8")
    with pytest.raises(Exception, match="1 error"):
        call_command("import", "tasks", str(path))
    assert not Task.objects.filter(code="NV1").exists()


def test_an_administrator_imports_as_on_the_command_line(ward, login):
    response = upload(login(ward.org.admin), line("NV1", "HA", "HW1"))
    assert response.status_code == 302
    assert Task.objects.get(code="NV1").assigned_by == ward.ward_head
    (entry,) = AuditEntry.objects.all()
    assert (entry.user, entry.actor) == (ward.org.admin, "root")
    response = upload(login(ward.org.admin), line("NV2", "HA", ""))
    assert refused(response) == [("2", "assigned_by_code")]


# --- the review steps on a task's page -------------------------------------------------------


def post(client, task, action, **data):
    return client.post(reverse("directives:action", args=[task.code, action]), data)


def reviewer_steps(ward):
    """A submitted task of SA that the ward's head gave, with a pending extension request and
    a delay; returns it and the form data of each review step."""
    org = ward.org
    task = make_task(org.staff_a, ward.ward_head, code="NVW", deadline=dt.date(2026, 10, 25))
    delay = TaskEvent.objects.create(task=task, kind=TaskEventKind.DELAY, reason="trễ")
    TaskEvent.objects.create(
        task=task,
        kind=TaskEventKind.EXTENSION_REQUESTED,
        author=org.staff_a,
        reason="chờ số liệu",
        new_deadline=dt.date(2026, 10, 30),
    )
    done(task, dt.date(2026, 10, 19), accepted=False)
    steps = {
        "accept": {"major_errors": "0", "reason": ""},
        "return": {"major_errors": "0", "reason": "Làm lại"},
        "error": {"reason": "Sai số liệu"},
        "delay": {"reason": "Trễ"},
        "approve": {"new_deadline": "", "reason": ""},
        "refuse": {"reason": "Không"},
        "exempt": {"event": str(delay.pk), "reason": "Mất điện"},
        "cancel": {"reason": "Không cần nữa"},
    }
    return task, steps


def test_no_review_step_by_the_assignee_a_peer_someone_below_the_assigner_or_an_outsider(
    ward, login
):
    org = ward.org
    task, steps = reviewer_steps(ward)
    state = everything()
    for who in (org.staff_a, org.staff_a2, org.head_a, ward.deputy_a, ward.ward_deputy, org.head_b):
        client = login(who)
        for action, data in steps.items():
            status = post(client, task, action, **data).status_code
            assert status in (403, 404), (who.code, action, status)
    assert everything() == state


@pytest.mark.parametrize("who", ["ward_head", "city_head"])
@pytest.mark.parametrize(
    "action", ["accept", "return", "error", "delay", "approve", "refuse", "exempt", "cancel"]
)
def test_the_assigner_or_someone_above_takes_each_review_step(ward, login, who, action):
    task, steps = reviewer_steps(ward)
    events = task.events.count()
    response = post(login(getattr(ward, who)), task, action, **steps[action])
    assert response.status_code == 302, response.content.decode()[:2000]
    assert task.events.count() > events


def test_the_board_offers_the_review_only_to_the_assigner_or_above(ward, login):
    task, _steps = reviewer_steps(ward)
    button = f'hx-get="{reverse("directives:fragment", args=[task.code])}?from=board&amp;panel=1"'
    board = reverse("directives:board", args=["W1-A"])
    month = {"month": "2026-10"}
    assert button not in login(ward.org.head_a).get(board, month).content.decode()
    assert button in login(ward.ward_head).get(board, month).content.decode()


def test_the_assign_form_never_assigns_to_oneself_a_peer_or_someone_above(ward, login):
    org = ward.org
    url = reverse("directives:assign", args=["W1-A"])
    data = {
        "title": "Thẩm định hồ sơ",
        "assigned_on": "20/10/2026",
        "deadline": "25/10/2026",
        "expected_result": "Tờ trình",
        "weight": "1",
    }
    client = login(ward.deputy_a)
    state = everything()
    for target in (ward.deputy_a, ward.deputy_a2, org.head_a, ward.ward_head, org.staff_b):
        response = client.post(url, {**data, "assignee": target.pk})
        assert response.status_code == 200, target.code
        assert "is-invalid" in response.content.decode(), target.code
    assert everything() == state
    response = client.post(url, {**data, "assignee": org.staff_a.pk})
    assert response.status_code == 302
    assert Task.objects.get(title="Thẩm định hồ sơ").assigned_by == ward.deputy_a
