"""The task pages: the permission ladder on each, htmx status changes, fixed query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from directives.imports import TASK_COLUMNS
from directives.models import Task, TaskEvent, TaskEventKind, TaskStatus
from tests.directives.helpers import DELAY, done, event, make_task
from tests.factories import CadreFactory, MembershipFactory, UnitFactory, member

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


@pytest.fixture
def tasks(org):
    """A task of staff A (submitted), one of staff A2 (open) and one of staff B."""
    soon = today()  # due in the month the board shows by default
    return type(
        "Tasks",
        (),
        {
            "a": done(
                make_task(org.staff_a, org.head_a, deadline=soon, code="TA"),
                today(),
                accepted=False,
            ),
            "a2": make_task(org.staff_a2, org.head_a, deadline=soon, code="TA2"),
            "b": make_task(org.staff_b, org.head_b, deadline=soon, code="TB"),
        },
    )


def by_name(cadre):
    return (cadre.full_name, cadre.code)


def board_url(code="W1-A"):
    return reverse("directives:board", args=[code])


def detail_url(code):
    return reverse("directives:detail", args=[code])


def action_url(code, action):
    return reverse("directives:action", args=[code, action])


def fragment_url(code, source="board", panel=True):
    return (
        reverse("directives:fragment", args=[code])
        + f"?from={source}"
        + ("&panel=1" if panel else "")
    )


def test_every_task_page_sends_anonymous_users_to_login(client, org, tasks):
    gets = [
        reverse("directives:my_tasks"),
        reverse("directives:board_home"),
        board_url(),
        reverse("directives:assign", args=["W1-A"]),
        detail_url("TA"),
        fragment_url("TA"),
        reverse("directives:result_file", args=["TA"]),
        reverse("directives:import"),
        reverse("taskmonth:month"),
    ]
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url
    response = client.post(action_url("TA", "accept"), {"major_errors": 0})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_nav_shows_my_tasks_to_cadres_and_the_board_to_role_holders(login, org):
    page = login(org.staff_a).get(reverse("home")).content.decode()
    assert reverse("directives:my_tasks") in page
    assert reverse("directives:board_home") not in page
    page = login(org.leader_w1).get(reverse("home")).content.decode()
    assert reverse("directives:board_home") in page


class TestMyTasks:
    url = reverse_lazy = staticmethod(lambda: reverse("directives:my_tasks"))

    def test_a_cadre_sees_only_their_tasks_with_overdue_in_red(self, login, org, tasks):
        late = make_task(
            org.staff_a, org.head_a, deadline=today() - dt.timedelta(days=2), code="LATE"
        )
        page = login(org.staff_a).get(self.url()).content.decode()
        assert 'id="task-TA"' in page and 'id="task-LATE"' in page
        assert 'id="task-TA2"' not in page and 'id="task-TB"' not in page
        assert "text-danger" in page.split('id="task-LATE"')[1].split("</article>")[0]
        assert late.title in page

    def test_supported_tasks_are_listed(self, login, org, tasks):
        tasks.a2.supporters.add(org.staff_a)
        page = login(org.staff_a).get(self.url()).content.decode()
        assert detail_url("TA2") in page

    def test_a_user_without_a_cadre_gets_404(self, login, org):
        assert login(org.admin).get(self.url()).status_code == 404

    def test_every_input_has_a_label(self, login, org, tasks):
        page = login(org.staff_a).get(self.url()).content.decode()
        assert '<label class="form-label small mb-0" for="id_month">' in page

    def test_query_count_does_not_grow_with_tasks(self, login, org, django_assert_num_queries):
        client = login(org.staff_a)
        for i in range(12):
            make_task(org.staff_a, org.head_a, deadline=today() + dt.timedelta(days=i - 4))
        # session, user, scope (one query), my tasks with counts, supported
        with django_assert_num_queries(5):
            response = client.get(self.url())
        assert response.content.decode().count('class="card mb-2 task-card') == 12


class TestBoard:
    def test_home_redirects_a_head_to_their_unit(self, login, org):
        response = login(org.head_a).get(reverse("directives:board_home"))
        assert response.url == board_url()

    def test_home_is_404_without_a_role(self, login, org):
        assert login(org.staff_a).get(reverse("directives:board_home")).status_code == 404

    def test_outsiders_get_404(self, login, org, tasks):
        assert login(org.head_b).get(board_url()).status_code == 404
        assert login(org.leader_w2).get(board_url()).status_code == 404
        assert login(org.staff_b).get(board_url()).status_code == 404

    def test_staff_of_the_unit_get_403(self, login, org, tasks):
        assert login(org.staff_a).get(board_url()).status_code == 403

    def test_a_head_sees_the_subtree_tasks_with_review_buttons(self, login, org, tasks):
        page = login(org.head_a).get(board_url()).content.decode()
        assert 'id="task-TA"' in page and 'id="task-TA2"' in page
        assert 'id="task-TB"' not in page
        assert fragment_url("TA").replace("&", "&amp;") in page
        assert reverse("directives:assign", args=["W1-A"]) in page

    def test_a_leader_reads_the_board_without_actions(self, login, org, tasks):
        response = login(org.leader_w1).get(board_url("W1"))
        page = response.content.decode()
        assert response.status_code == 200
        assert 'id="task-TA"' in page and 'id="task-TB"' in page
        assert "/fragment/" not in page
        assert reverse("directives:assign", args=["W1"]) not in page

    def test_filters_by_status_assignee_and_month(self, login, org, tasks):
        make_task(org.staff_a, org.head_a, deadline=dt.date(2025, 3, 3), code="OLD")
        client = login(org.head_a)
        page = client.get(board_url(), {"status": "submitted"}).content.decode()
        assert 'id="task-TA"' in page and 'id="task-TA2"' not in page
        page = client.get(board_url(), {"assignee": org.staff_a2.pk}).content.decode()
        assert 'id="task-TA2"' in page and 'id="task-TA"' not in page
        page = client.get(board_url(), {"month": "2025-03"}).content.decode()
        assert 'id="task-OLD"' in page and 'id="task-TA"' not in page

    def test_the_assignee_filter_lists_the_unit_members_of_the_month_by_name(self, login, org):
        """Not the units below (their own boards list them), not who left before the month
        shown or joins after it."""
        first = today().replace(day=1)
        last_month = (first - dt.timedelta(days=1)).strftime("%Y-%m")
        team = UnitFactory(code="W1-A-T", parent=org.a)
        member(team, code="BELOW", full_name="An Văn Tổ")
        left = member(org.a, code="LEFT", full_name="Bùi Thị Đi")
        left.memberships.update(valid_to=first - dt.timedelta(days=1))
        joins = member(org.a, code="JOINS", full_name="Đỗ Văn Đến")
        joins.memberships.update(valid_from=first + dt.timedelta(days=31))
        here = member(org.a, code="HERE", full_name="Vũ Thị Ở")
        client = login(org.head_a)

        def listed(**query):
            page = client.get(board_url(), query).content.decode()
            options = page.split('name="assignee"')[1].split("</select>")[0]
            return [line.split(">")[1].split("<")[0] for line in options.split("<option")[2:]]

        now = [org.staff_a, org.staff_a2, org.head_a, here]
        assert listed() == [f"{c.full_name} ({c.code})" for c in sorted(now, key=by_name)]
        before = [org.staff_a, org.staff_a2, org.head_a, here, left]
        assert listed(month=last_month) == [
            f"{c.full_name} ({c.code})" for c in sorted(before, key=by_name)
        ]

    def test_overdue_and_waiting_extensions_are_listed(self, login, org, tasks):
        late = make_task(
            org.staff_a2, org.head_a, deadline=today() - dt.timedelta(days=1), code="LATE"
        )
        TaskEvent.objects.create(
            task=tasks.a2,
            kind=TaskEventKind.EXTENSION_REQUESTED,
            author=org.staff_a2,
            reason="Chờ số liệu của phường",
            new_deadline=today() + dt.timedelta(days=20),
        )
        page = login(org.head_a).get(board_url()).content.decode()
        overdue = page.split('id="overdue-title"')[1].split("</section>")[0]
        assert late.title in overdue and detail_url("LATE") in overdue
        assert "Chờ số liệu của phường" in page

    def test_query_count_is_the_same_for_5_and_500_tasks(
        self, login, org, django_assert_num_queries
    ):
        unit = UnitFactory(code="W1-C", parent=org.w1)
        head = member(unit, role="head", code="HC")
        client = login(head)
        cadres = CadreFactory.create_batch(50, user=None)
        for cadre in cadres:
            MembershipFactory(cadre=cadre, unit=unit)
        deadline = today()

        def add(n):
            Task.objects.bulk_create(
                Task(
                    code=f"C{Task.objects.count() + i:05d}",
                    title="Thẩm định hồ sơ",
                    assignee=cadres[i % 50],
                    assigned_by=head,
                    unit=unit,
                    assigned_on=deadline,
                    deadline=deadline,
                    effective_deadline=deadline,
                    expected_result="Tờ trình",
                    status=TaskStatus.SUBMITTED,
                )
                for i in range(n)
            )
            events = [
                TaskEvent(task=t, kind=DELAY, author=head, reason="Chậm")
                for t in Task.objects.filter(unit=unit)[:n]
            ]
            TaskEvent.objects.bulk_create(events)

        def count_queries():
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                response = client.get(board_url("W1-C"))
            assert response.status_code == 200
            return len(captured), response.content.decode()

        add(5)
        small, page = count_queries()
        assert page.count('<tbody id="task-') == 5
        add(495)
        large, page = count_queries()
        assert page.count('<tbody id="task-') == 100  # one page of the board
        assert large == small
        # session, user, scope (one query), unit, members, catalogue items on
        # the subtree's tasks (the filter), unit switcher, page count, page of tasks with
        # counts, assignees' roles, output per assignee, overdue, extensions
        with django_assert_num_queries(13):
            client.get(board_url("W1-C"))


class TestAssign:
    url = staticmethod(lambda code="W1-A": reverse("directives:assign", args=[code]))

    def data(self, org, **overrides):
        values = {
            "assignee": org.staff_a.pk,
            "supporters": [org.staff_a2.pk],
            "title": "Báo cáo tình hình kinh tế - xã hội tháng 10",
            "description": "",
            "assigned_on": today().strftime("%d/%m/%Y"),
            "deadline": (today() + dt.timedelta(days=7)).strftime("%d/%m/%Y"),
            "expected_result": "Báo cáo trình Chủ tịch UBND phường",
            "weight": "0.5",
        }
        values.update(overrides)
        return values

    def test_a_head_assigns_from_the_form(self, login, org):
        response = login(org.head_a).post(self.url(), self.data(org))
        task = Task.objects.get()
        assert response.status_code == 302
        assert response.url.startswith(board_url())
        assert (task.assignee, task.assigned_by, task.weight) == (
            org.staff_a,
            org.head_a,
            Decimal("0.5"),
        )
        assert list(task.supporters.all()) == [org.staff_a2]

    def test_the_form_names_each_missing_clear_field(self, login, org):
        data = self.data(org, title="", deadline="", expected_result="", assignee="")
        response = login(org.head_a).post(self.url(), data)
        page = response.content.decode()
        assert response.status_code == 200
        for words in ("Clear person", "Clear task", "Clear time", "Clear result"):
            assert words in page or _vi(words) in page
        assert not Task.objects.exists()

    def test_every_field_has_a_label(self, login, org):
        page = login(org.head_a).get(self.url()).content.decode()
        for name in (
            "assignee",
            "supporters",
            "title",
            "description",
            "assigned_on",
            "deadline",
            "expected_result",
            "weight",
        ):
            assert f'for="id_{name}"' in page, name

    def test_the_assignee_list_is_the_subtree_without_the_head(self, login, org):
        page = login(org.head_a).get(self.url()).content.decode()
        assert org.staff_a.full_name in page and org.staff_b.full_name not in page
        assert f'<option value="{org.head_a.pk}"' not in page
        assert f'<option value="{org.staff_a.pk}"' in page

    def test_leader_staff_and_outsiders_cannot_assign(self, login, org):
        assert login(org.leader_w1).get(self.url()).status_code == 403
        assert login(org.leader_w1).post(self.url(), self.data(org)).status_code == 403
        assert login(org.staff_a).get(self.url()).status_code == 403
        assert login(org.head_b).get(self.url()).status_code == 404
        assert not Task.objects.exists()


def _vi(words):
    return {
        "Clear person": "Rõ người",
        "Clear task": "Rõ việc",
        "Clear time": "Rõ thời gian",
        "Clear result": "Rõ sản phẩm",
    }[words]


class TestDetail:
    def test_the_assignee_the_head_and_a_leader_see_the_history(self, login, org, tasks):
        event(tasks.a, DELAY, author=org.head_a)
        for who in (org.staff_a, org.head_a, org.leader_w1, org.admin):
            response = login(who).get(detail_url("TA"))
            assert response.status_code == 200, who
            assert "lý do" in response.content.decode()

    def test_a_supporter_sees_the_task(self, login, org, tasks):
        tasks.a.supporters.add(org.staff_a2)
        assert login(org.staff_a2).get(detail_url("TA")).status_code == 200

    def test_colleagues_and_outsiders_get_404(self, login, org, tasks):
        assert login(org.staff_a2).get(detail_url("TA")).status_code == 404
        assert login(org.head_b).get(detail_url("TA")).status_code == 404
        assert login(org.staff_a).get(detail_url("TB")).status_code == 404
        assert login(org.leader_w2).get(detail_url("TA")).status_code == 404

    def test_the_assignee_gets_their_forms_and_the_head_the_review(self, login, org, tasks):
        page = login(org.staff_a).get(detail_url("TA2".replace("2", ""))).content.decode()
        assert action_url("TA", "accept") not in page
        page = login(org.head_a).get(detail_url("TA")).content.decode()
        assert action_url("TA", "accept") in page
        page = login(org.leader_w1).get(detail_url("TA")).content.decode()
        assert "/do/" not in page

    def test_query_count_does_not_grow_with_events(
        self, login, org, tasks, django_assert_num_queries
    ):
        client = login(org.leader_w1)
        for _ in range(15):
            event(tasks.a, DELAY, author=org.head_a)
        # session, user, scope (one query), task with counts, history, supporters
        with django_assert_num_queries(6):
            response = client.get(detail_url("TA"))
        assert response.content.decode().count("lý do") == 15


class TestActions:
    def test_the_head_accepts_through_htmx_and_gets_the_row_back(self, login, org, tasks):
        response = login(org.head_a).post(
            action_url("TA", "accept"),
            {"major_errors": 0, "reason": "", "from": "board"},
            HTTP_HX_REQUEST="true",
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert page.lstrip().startswith('<tbody id="task-TA"')
        tasks.a.refresh_from_db()
        assert tasks.a.status == TaskStatus.ACCEPTED

    def test_a_bad_form_comes_back_open_with_its_error(self, login, org, tasks):
        response = login(org.head_a).post(
            action_url("TA", "return"),
            {"reason": "", "major_errors": 1, "from": "board"},
            HTTP_HX_REQUEST="true",
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert '<details class="mb-2" open>' in page
        assert "is-invalid" in page
        tasks.a.refresh_from_db()
        assert tasks.a.status == TaskStatus.SUBMITTED

    def test_a_refused_transition_is_explained(self, login, org, tasks):
        response = login(org.head_a).post(
            action_url("TA2", "accept"),
            {"major_errors": 0, "from": "board"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        tasks.a2.refresh_from_db()
        assert tasks.a2.status == TaskStatus.ASSIGNED

    def test_a_cadre_cannot_accept_their_own_task(self, login, org, tasks):
        response = login(org.staff_a).post(action_url("TA", "accept"), {"major_errors": 0})
        assert response.status_code == 403
        response = login(org.staff_a).post(action_url("TA", "error"), {"reason": "x"})
        assert response.status_code == 403
        tasks.a.refresh_from_db()
        assert tasks.a.status == TaskStatus.SUBMITTED
        assert not tasks.a.events.exists()

    def test_a_cadre_cannot_touch_another_units_task(self, login, org, tasks):
        for action, data in (("submit", {"note": "x"}), ("accept", {"major_errors": 0})):
            assert login(org.staff_a).post(action_url("TB", action), data).status_code == 404
            assert login(org.head_a).post(action_url("TB", action), data).status_code == 404

    def test_a_colleague_cannot_submit_for_another(self, login, org, tasks):
        tasks.a2.supporters.add(org.staff_a)
        response = login(org.staff_a).post(action_url("TA2", "submit"), {"note": "x"})
        assert response.status_code == 403

    def test_a_leader_writes_nothing(self, login, org, tasks):
        for action in ("accept", "return", "delay", "error", "cancel"):
            data = {"major_errors": 0, "reason": "x"}
            assert login(org.leader_w1).post(action_url("TA", action), data).status_code == 403
        assert not TaskEvent.objects.exists()

    def test_an_unknown_action_is_404(self, login, org, tasks):
        assert login(org.head_a).post(action_url("TA", "explode"), {}).status_code == 404

    def test_the_assignee_submits_a_file_from_my_tasks(self, login, org, tasks, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        upload = SimpleUploadedFile("ket-qua.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        response = login(org.staff_a2).post(
            action_url("TA2", "submit"),
            {"result_file": upload, "note": "", "from": "mine"},
            HTTP_HX_REQUEST="true",
        )
        assert response.content.decode().lstrip().startswith('<article id="task-TA2"')
        tasks.a2.refresh_from_db()
        assert tasks.a2.status == TaskStatus.SUBMITTED
        download = login(org.head_a).get(reverse("directives:result_file", args=["TA2"]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
        assert (
            login(org.staff_b).get(reverse("directives:result_file", args=["TA2"])).status_code
            == 404
        )

    def test_a_result_file_of_another_kind_is_refused(self, login, org, tasks, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        upload = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
        login(org.staff_a2).post(
            action_url("TA2", "submit"), {"result_file": upload, "from": "detail"}
        )
        tasks.a2.refresh_from_db()
        assert tasks.a2.status == TaskStatus.ASSIGNED

    def test_without_htmx_the_action_redirects_to_the_task(self, login, org, tasks):
        response = login(org.head_a).post(action_url("TA", "delay"), {"reason": "Chậm báo cáo"})
        assert response.status_code == 302
        assert response.url == detail_url("TA")
        assert tasks.a.events.get().kind == DELAY

    def test_the_head_exempts_a_delay(self, login, org, tasks):
        delay = event(tasks.a, DELAY, author=org.head_a)
        response = login(org.head_a).post(
            action_url("TA", "exempt"), {"event": delay.pk, "reason": "Mất điện diện rộng"}
        )
        assert response.status_code == 302
        delay.refresh_from_db()
        assert delay.exempted

    def test_the_head_decides_an_extension(self, login, org, tasks):
        asked = today() + dt.timedelta(days=30)
        login(org.staff_a2).post(
            action_url("TA2", "extension"),
            {"new_deadline": asked.strftime("%d/%m/%Y"), "reason": "Chờ số liệu"},
        )
        page = login(org.head_a).get(fragment_url("TA2")).content.decode()
        assert action_url("TA2", "approve") in page
        login(org.head_a).post(action_url("TA2", "approve"), {"new_deadline": "", "reason": ""})
        tasks.a2.refresh_from_db()
        assert tasks.a2.effective_deadline == asked


class TestFragment:
    def test_the_panel_lists_the_reviewer_forms_with_labels(self, login, org, tasks):
        page = login(org.head_a).get(fragment_url("TA")).content.decode()
        for action in ("accept", "return", "delay", "error", "cancel"):
            assert action_url("TA", action) in page
        assert 'for="id_TA_accept_major_errors"' in page
        assert action_url("TA", "submit") not in page

    def test_the_assignee_panel_on_my_tasks(self, login, org, tasks):
        page = login(org.staff_a2).get(fragment_url("TA2", "mine")).content.decode()
        assert action_url("TA2", "submit") in page and action_url("TA2", "extension") in page
        assert action_url("TA2", "accept") not in page

    def test_outsiders_get_404_and_unknown_sources_too(self, login, org, tasks):
        assert login(org.head_b).get(fragment_url("TA")).status_code == 404
        assert login(org.head_a).get(reverse("directives:fragment", args=["TA"])).status_code == 404


class TestImportPage:
    url = staticmethod(lambda: reverse("directives:import"))

    def upload(self, client, *rows):
        data = "\n".join([",".join(TASK_COLUMNS), *rows]).encode()
        return client.post(self.url(), {"file": SimpleUploadedFile("tasks.csv", data)})

    def test_a_head_imports_tasks_of_their_unit(self, login, org):
        response = self.upload(
            login(org.head_a),
            "NV1,Báo cáo,SA,HA,2026-10-01,2026-10-09,Báo cáo,1,2026-10-08,true,0,0",
        )
        assert response.status_code == 302
        assert Task.objects.get().code == "NV1"

    def test_a_row_outside_their_units_is_an_error_and_nothing_is_written(self, login, org):
        response = self.upload(
            login(org.head_a),
            "NV1,Báo cáo,SA,HA,2026-10-01,2026-10-09,Báo cáo,1,,false,0,0",
            "NV2,Báo cáo,SB,HB,2026-10-01,2026-10-09,Báo cáo,1,,false,0,0",
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "<td>3</td><td>assignee_code</td>" in page
        assert not Task.objects.exists()

    def test_leaders_and_staff_cannot_import(self, login, org):
        assert login(org.leader_w1).get(self.url()).status_code == 403
        assert login(org.staff_a).get(self.url()).status_code == 403
        assert login(org.admin).get(self.url()).status_code == 200


class TestHomeCard:
    def test_a_cadre_sees_due_and_overdue_counts(self, login, org, tasks):
        make_task(org.staff_a, org.head_a, deadline=today() - dt.timedelta(days=3))
        make_task(org.staff_a, org.head_a, deadline=today())
        page = login(org.staff_a).get(reverse("home")).content.decode()
        card = page.split('id="tasks-card-title"')[1].split("</section>")[0]
        assert "1" in card and "text-danger" in card

    def test_a_head_sees_results_to_review(self, login, org, tasks):
        page = login(org.head_a).get(reverse("home")).content.decode()
        assert reverse("directives:board_home") in page.split('id="tasks-card-title"')[1]
