"""Tasks in: the task import's checks, authority, texts and audit, as RFC 9457 problems."""

import pytest
from django.utils import translation

from directives.imports import tasks_import
from directives.models import AuditEntry, Task, TaskEvent, TaskEventKind, TaskStatus
from scoring.api.models import Access
from tests.api.conftest import make_client, task
from units.tabular import ImportFailed

URL = "/api/v1/tasks/"


def details(response):
    assert response["Content-Type"] == "application/problem+json"
    return {(e["pointer"], e["detail"]) for e in response.json()["errors"]}


def test_a_batch_creates_tasks_with_an_event_each_and_one_audit_entry(org, api):
    _, token = make_client(org.w1)
    body = {"tasks": [task("NV-1"), task("NV-2", assignee_code="SA2", weight="0.5")]}
    response = api(token).post(URL, body)
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 2, "updated": 0, "unchanged": 0}
    created = Task.objects.get(code="NV-2")
    assert (created.assignee, created.assigned_by, created.unit) == (
        org.staff_a2,
        org.head_a,
        org.a,
    )
    assert str(created.weight) == "0.50"
    events = TaskEvent.objects.filter(kind=TaskEventKind.IMPORTED)
    assert events.count() == 2
    assert all("eOffice" in e.reason for e in events)
    entry = AuditEntry.objects.get(action="tasks_import")
    assert entry.actor == "API client eOffice" and entry.new["created"] == 2


def test_the_same_request_twice_changes_nothing_the_second_time(org, api):
    _, token = make_client(org.w1)
    body = {"tasks": [task("NV-1"), task("NV-2", completed_on="2026-10-15", accepted=True)]}
    assert api(token).post(URL, body).json()["created"] == 2
    before = list(Task.objects.order_by("code").values())
    events = TaskEvent.objects.count()
    again = api(token).post(URL, body)
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 2}
    assert list(Task.objects.order_by("code").values()) == before
    assert TaskEvent.objects.count() == events


def test_completion_acceptance_delays_and_errors_with_dates_and_reasons(org, api):
    _, token = make_client(org.w1)
    api(token).post(URL, {"tasks": [task()]})
    update = task(
        completed_on="2026-10-22",
        accepted=True,
        delays=[{"on": "2026-10-21", "reason": "Chờ số liệu"}],
        major_errors=[
            {"on": "2026-10-22", "reason": "Sai số liệu"},
            {"on": "2026-10-23", "reason": "Thiếu phụ lục"},
        ],
    )
    response = api(token).post(URL, {"tasks": [update]})
    assert response.json() == {"created": 0, "updated": 1, "unchanged": 0}
    saved = Task.objects.get(code="NV-1")
    assert saved.status == TaskStatus.ACCEPTED and saved.accepted
    assert (saved.imported_delays, saved.imported_errors) == (1, 2)
    reason = saved.events.filter(kind=TaskEventKind.IMPORTED).last().reason
    assert "21/10/2026: Chờ số liệu" in reason and "23/10/2026: Thiếu phụ lục" in reason


def test_a_dated_entry_without_a_reason_is_named(org, api):
    _, token = make_client(org.w1)
    bad = task(delays=[{"on": "2026-10-21", "reason": ""}, {"on": "21/10"}])
    response = api(token).post(URL, {"tasks": [bad]})
    assert response.status_code == 422
    pointers = {p for p, _ in details(response)}
    assert pointers == {"/tasks/0/delays/0/reason", "/tasks/0/delays/1/on"}
    assert not Task.objects.exists()


def test_a_batch_is_all_or_nothing(org, api):
    _, token = make_client(org.w1)
    good = [task(f"NV-{i}") for i in range(3)]
    bad = task("NV-9", deadline="2026-09-01")  # before the assignment date
    response = api(token).post(URL, {"tasks": [*good, bad]})
    assert response.status_code == 422
    assert details(response) == {
        ("/tasks/3/deadline", "The deadline is before the assignment date.")
    }
    body = response.json()
    assert body["status"] == 422 and body["type"].endswith("/invalid")
    assert not Task.objects.exists() and not AuditEntry.objects.exists()


def test_more_than_the_batch_limit_is_refused(org, api, settings):
    settings.API_BATCH_MAX = 2
    _, token = make_client(org.w1)
    response = api(token).post(URL, {"tasks": [task(f"NV-{i}") for i in range(3)]})
    assert response.status_code == 422
    assert details(response) == {("/tasks", "At most 2 tasks in one request.")}


@pytest.mark.parametrize(
    "body",
    [{}, {"tasks": []}, {"tasks": "NV-1"}, [1, 2]],
    ids=["no tasks", "empty", "not a list", "not an object"],
)
def test_a_body_without_tasks_is_named(org, api, body):
    _, token = make_client(org.w1)
    response = api(token).post(URL, body)
    assert response.status_code == 422
    assert {p for p, _ in details(response)} == {"/tasks"}


def test_unknown_fields_and_wrong_types_are_named(org, api):
    _, token = make_client(org.w1)
    response = api(token).post(URL, {"tasks": [task(titel="x", weight={"a": 1}), 5]})
    assert response.status_code == 422
    assert details(response) == {
        ("/tasks/0/titel", "Unknown field “titel”."),
        ("/tasks/0/weight", "A text, a number or null is expected."),
        ("/tasks/1", "Each task is a JSON object."),
    }


def test_a_code_twice_names_the_first_item(org, api):
    _, token = make_client(org.w1)
    response = api(token).post(URL, {"tasks": [task("NV-1"), task("NV-1")]})
    assert details(response) == {("/tasks/1/code", "“NV-1” already appears in row 1.")}


def test_rows_outside_the_clients_subtree_are_refused_with_the_imports_texts(org, api):
    _, token_w1 = make_client(org.w1, name="w1")
    api(token_w1).post(URL, {"tasks": [task("NV-A")]})
    _, token_b = make_client(org.b, name="b")
    outside = [task("NV-A", title="Đổi tên"), task("NV-B")]
    response = api(token_b).post(URL, {"tasks": outside})
    assert response.status_code == 422
    assert details(response) == {
        ("/tasks/0/assignee_code", "SA is in Phòng A, which is not a unit you manage."),
        ("/tasks/0/code", "Task NV-A belongs to a unit you do not manage."),
        ("/tasks/1/assignee_code", "SA is in Phòng A, which is not a unit you manage."),
    }
    assert Task.objects.get(code="NV-A").title == "Báo cáo tháng"


NO_AUTHORITY = "{} holds no head or deputy authority over {} (W1-A) on 2026-10-01."


@pytest.mark.parametrize(
    ("assigner", "assignee", "message"),
    [
        pytest.param("SA", "SA", "Nobody assigns a task to themself.", id="on themself"),
        pytest.param("SA2", "SA", NO_AUTHORITY.format("SA2", "SA"), id="a peer"),
        pytest.param("SA", "HA", NO_AUTHORITY.format("SA", "HA"), id="someone above"),
        pytest.param("HB", "SA", NO_AUTHORITY.format("HB", "SA"), id="an outsider"),
    ],
)
def test_the_assigner_must_outrank_the_assignee(org, api, assigner, assignee, message):
    _, token = make_client(org.city)
    row = task(assigned_by_code=assigner, assignee_code=assignee)
    response = api(token).post(URL, {"tasks": [row]})
    assert response.status_code == 422
    assert details(response) == {("/tasks/0/assigned_by_code", message)}
    assert not Task.objects.exists()


BAD_ROWS = [
    task("NV-1", assignee_code="XX"),
    task("NV-3", weight="0"),
    task("NV-2", completed_on=None, accepted=True, major_errors=-1),
    task("bad code!", assigned_on="31/02/2026"),
]


def _csv(rows):
    columns = list(rows[0])
    lines = [",".join(columns)]
    for row in rows:
        cells = [
            ""
            if row[c] is None
            else str(row[c]).lower()
            if isinstance(row[c], bool)
            else str(row[c])
            for c in columns
        ]
        lines.append(",".join(cells))
    return "\n".join(lines).encode()


def test_the_errors_are_the_web_imports_word_for_word(org, api, client):
    """The same rows through the task import and through the API: the same messages, in
    Vietnamese by default."""
    del client.cookies["django_language"]
    with pytest.raises(ImportFailed) as failed, translation.override("vi"):
        tasks_import(data=_csv(BAD_ROWS))
    imported = {(f"/tasks/{e.row - 2}/{e.column}", e.message) for e in failed.value.errors}
    _, token = make_client(org.city)
    response = api(token).post("/api/v1/tasks/", {"tasks": BAD_ROWS})
    assert response.status_code == 422
    assert details(response) == imported
    assert len(imported) >= 5


def test_a_read_only_client_may_not_write(org, api):
    _, token = make_client(org.w1, access=Access.READ)
    response = api(token).post(URL, {"tasks": [task()]})
    assert response.status_code == 403
    assert response.json()["detail"] == "This client may only read."
    assert not Task.objects.exists()


def test_a_task_reads_back_in_the_subtree_only(org, api, django_assert_num_queries):
    _, token = make_client(org.w1)
    api(token).post(URL, {"tasks": [task(delays=2)]})
    with django_assert_num_queries(3):  # the client, the task, the log
        response = api(token).get("/api/v1/tasks/NV-1/")
    assert response.status_code == 200
    assert response.json() | {} == response.json()
    assert response.json()["delays"] == 2 and response.json()["unit_code"] == "W1-A"
    _, other = make_client(org.w2, name="w2")
    assert api(other).get("/api/v1/tasks/NV-1/").status_code == 404
    assert api(token).get("/api/v1/tasks/NOPE/").status_code == 404
