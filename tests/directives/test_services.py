"""Assignment with the five clear fields, the status flow, who may act, and the events."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from directives import services
from directives.models import Regulation, TaskEvent, TaskEventKind, TaskStatus
from tests.directives.helpers import DELAY, assign, done, make_task
from tests.factories import RoleFactory, member

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 10, 20)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(services, "today", lambda: TODAY)


def kinds(task):
    return list(task.events.order_by("pk").values_list("kind", flat=True))


class TestAssign:
    def test_a_head_assigns_with_the_five_clear_fields(self, org):
        task = assign(org, supporters=[org.staff_a2], weight=Decimal("0.5"))
        assert task.status == TaskStatus.ASSIGNED
        assert task.unit == org.a
        assert task.effective_deadline == task.deadline == dt.date(2026, 10, 25)
        assert list(task.supporters.all()) == [org.staff_a2]
        (created,) = task.events.all()
        assert (created.kind, created.author, created.new_status) == (
            TaskEventKind.STATUS,
            org.head_a,
            TaskStatus.ASSIGNED,
        )

    @pytest.mark.parametrize(
        ("field", "words"),
        [
            ("assignee", "Rõ người"),
            ("title", "Rõ việc"),
            ("assigned_by", "Rõ trách nhiệm"),
            ("deadline", "Rõ thời gian"),
            ("expected_result", "Rõ sản phẩm"),
        ],
    )
    def test_each_missing_clear_field_is_refused_by_name(self, org, field, words):
        empty = "" if field in ("title", "expected_result") else None
        with pytest.raises(ValidationError) as refused:
            assign(org, **{field: empty})
        assert list(refused.value.message_dict) == [field]
        assert words in refused.value.message_dict[field][0]

    def test_all_missing_fields_are_named_at_once(self, org):
        with pytest.raises(ValidationError) as refused:
            assign(org, title="  ", deadline=None, expected_result="")
        assert set(refused.value.message_dict) == {"title", "deadline", "expected_result"}

    def test_codes_are_generated_per_month_of_assignment_and_unique(self, org):
        first = assign(org)
        second = assign(org)
        november = assign(org, assigned_on=dt.date(2026, 11, 2), deadline=dt.date(2026, 11, 9))
        assert (first.code, second.code) == ("NV202610-0001", "NV202610-0002")
        assert november.code == "NV202611-0001"

    def test_a_generated_code_skips_one_already_taken(self, org):
        make_task(org.staff_a, org.head_a, code="NV202610-0001")
        assert assign(org).code == "NV202610-0002"

    def test_a_given_code_is_kept_and_must_be_free_and_valid(self, org):
        assert assign(org, code="KH-01").code == "KH-01"
        for code in ("KH-01", "board", "có dấu"):
            with pytest.raises(ValidationError) as refused:
                assign(org, code=code)
            assert "code" in refused.value.message_dict

    def test_the_deadline_cannot_precede_the_assignment(self, org):
        with pytest.raises(ValidationError) as refused:
            assign(org, deadline=dt.date(2026, 10, 1))
        assert "deadline" in refused.value.message_dict

    def test_the_weight_must_be_positive(self, org):
        with pytest.raises(ValidationError) as refused:
            assign(org, weight=Decimal("0"))
        assert "weight" in refused.value.message_dict

    def test_staff_cannot_assign(self, org):
        with pytest.raises(ValidationError) as refused:
            assign(org, assigned_by=org.staff_a2)
        assert "assignee" in refused.value.message_dict

    def test_a_head_cannot_assign_in_another_unit(self, org):
        with pytest.raises(ValidationError):
            assign(org, assigned_by=org.head_b)

    def test_a_leader_role_gives_no_authority_to_assign(self, org):
        with pytest.raises(ValidationError):
            assign(org, assigned_by=org.leader_w1)

    def test_nobody_assigns_to_themself(self, org):
        with pytest.raises(ValidationError) as refused:
            assign(org, assignee=org.head_a)
        assert "assignee" in refused.value.message_dict

    def test_authority_is_checked_on_the_assignment_date(self, org):
        deputy = member(org.a, code="DA")
        RoleFactory(cadre=deputy, unit=org.a, role="deputy", valid_from=dt.date(2026, 11, 1))
        with pytest.raises(ValidationError):
            assign(org, assigned_by=deputy, assigned_on=dt.date(2026, 10, 5))
        later = assign(
            org, assigned_by=deputy, assigned_on=dt.date(2026, 11, 2), deadline=dt.date(2026, 11, 9)
        )
        assert later.assigned_by == deputy

    def test_a_ward_head_assigns_to_a_department_head(self, org):
        ward_head = member(org.w1, role="head", code="HW1")
        task = assign(org, assigned_by=ward_head, assignee=org.head_a)
        assert task.unit == org.a

    def test_a_head_assigns_to_a_deputy_of_the_same_unit_but_not_the_reverse(self, org):
        deputy = member(org.a, role="deputy", code="DA")
        assert assign(org, assignee=deputy).assigned_by == org.head_a
        with pytest.raises(ValidationError):
            assign(org, assigned_by=deputy, assignee=org.head_a)

    def test_the_lead_cannot_also_support(self, org):
        with pytest.raises(ValidationError) as refused:
            assign(org, supporters=[org.staff_a])
        assert "supporters" in refused.value.message_dict


class TestFlow:
    def test_start_submit_accept(self, org):
        task = assign(org)
        task = services.task_start(task=task, by=org.staff_a)
        task = services.task_submit(task=task, by=org.staff_a, result_link="https://vb.hn/1")
        assert (task.status, task.completed_on) == (TaskStatus.SUBMITTED, TODAY)
        task = services.task_accept(task=task, by=org.head_a)
        assert (task.status, task.accepted) == (TaskStatus.ACCEPTED, True)
        assert kinds(task) == [TaskEventKind.STATUS] * 4

    def test_submitting_on_the_deadline_is_on_time(self, org):
        task = assign(org, deadline=TODAY)
        services.task_submit(task=task, by=org.staff_a, note="Đã gửi bản giấy")
        assert not task.events.filter(kind=DELAY).exists()

    def test_submitting_late_records_one_delay_by_itself(self, org):
        task = assign(org, deadline=dt.date(2026, 10, 15))
        task = services.task_submit(task=task, by=org.staff_a, note="Đã xong")
        delay = task.events.get(kind=DELAY)
        assert delay.author is None
        assert "15/10/2026" in delay.reason
        task = services.task_return(task=task, by=org.head_a, reason="Bổ sung số liệu")
        assert task.completed_on is None
        services.task_submit(task=task, by=org.staff_a, note="Đã bổ sung")
        assert task.events.filter(kind=DELAY).count() == 1

    def test_submit_keeps_the_file(self, org, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        task = assign(org)
        upload = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4", content_type="application/pdf")
        task = services.task_submit(task=task, by=org.staff_a, result_file=upload)
        assert task.result_file.name.endswith(".pdf")

    def test_submit_needs_a_result(self, org):
        with pytest.raises(ValidationError):
            services.task_submit(task=assign(org), by=org.staff_a)

    def test_submit_refuses_a_link_that_is_not_web(self, org):
        with pytest.raises(ValidationError) as refused:
            services.task_submit(task=assign(org), by=org.staff_a, result_link="javascript:x")
        assert "result_link" in refused.value.message_dict

    def test_accept_with_errors_records_each_error(self, org):
        task = services.task_submit(task=assign(org), by=org.staff_a, note="xong")
        services.task_accept(task=task, by=org.head_a, errors=2, reason="Sai số liệu bảng 2")
        assert task.events.filter(kind=TaskEventKind.MAJOR_ERROR, author=org.head_a).count() == 2

    def test_accepting_with_errors_needs_a_comment(self, org):
        task = services.task_submit(task=assign(org), by=org.staff_a, note="xong")
        with pytest.raises(ValidationError):
            services.task_accept(task=task, by=org.head_a, errors=1)

    def test_return_needs_a_reason_and_records_errors(self, org):
        task = services.task_submit(task=assign(org), by=org.staff_a, note="xong")
        with pytest.raises(ValidationError):
            services.task_return(task=task, by=org.head_a, reason=" ")
        task = services.task_return(task=task, by=org.head_a, reason="Sai mẫu", errors=1)
        assert (task.status, task.accepted) == (TaskStatus.RETURNED, False)
        assert task.events.filter(kind=TaskEventKind.MAJOR_ERROR).count() == 1

    @pytest.mark.parametrize(
        ("status", "step"),
        [
            (TaskStatus.ASSIGNED, "accept"),
            (TaskStatus.IN_PROGRESS, "start"),
            (TaskStatus.ACCEPTED, "submit"),
            (TaskStatus.ACCEPTED, "cancel"),
            (TaskStatus.CANCELLED, "submit"),
            (TaskStatus.CANCELLED, "delay"),
            (TaskStatus.SUBMITTED, "extension"),
        ],
    )
    def test_transitions_not_allowed_say_why(self, org, status, step):
        task = make_task(org.staff_a, org.head_a, status=status)
        calls = {
            "accept": lambda: services.task_accept(task=task, by=org.head_a),
            "start": lambda: services.task_start(task=task, by=org.staff_a),
            "submit": lambda: services.task_submit(task=task, by=org.staff_a, note="x"),
            "cancel": lambda: services.task_cancel(task=task, by=org.head_a, reason="x"),
            "delay": lambda: services.task_record_delay(task=task, by=org.head_a, reason="x"),
            "extension": lambda: services.task_request_extension(
                task=task, by=org.staff_a, new_deadline=dt.date(2026, 12, 1), reason="x"
            ),
        }
        with pytest.raises(ValidationError) as refused:
            calls[step]()
        assert task.get_status_display() in refused.value.messages[0]
        task.refresh_from_db()
        assert task.status == status

    def test_cancel_needs_a_reason_and_is_final(self, org):
        task = services.task_cancel(task=assign(org), by=org.head_a, reason="Trùng việc")
        assert task.status == TaskStatus.CANCELLED


class TestWhoActs:
    def test_a_cadre_never_accepts_or_records_errors_on_their_own_task(self, org):
        task = services.task_submit(task=assign(org), by=org.staff_a, note="xong")
        with pytest.raises(PermissionDenied):
            services.task_accept(task=task, by=org.staff_a)
        with pytest.raises(PermissionDenied):
            services.task_record_error(task=task, by=org.staff_a, reason="x")

    def test_a_head_is_not_their_own_reviewer(self, org):
        ward_head = member(org.w1, role="head", code="HW1")
        task = assign(org, assigned_by=ward_head, assignee=org.head_a)
        task = services.task_submit(task=task, by=org.head_a, note="xong")
        with pytest.raises(PermissionDenied):
            services.task_accept(task=task, by=org.head_a)
        assert services.task_accept(task=task, by=ward_head).accepted

    def test_only_the_assignee_submits(self, org):
        task = assign(org)
        for other in (org.head_a, org.staff_a2):
            with pytest.raises(PermissionDenied):
                services.task_submit(task=task, by=other, note="x")

    def test_another_unit_head_or_a_leader_cannot_review(self, org):
        task = services.task_submit(task=assign(org), by=org.staff_a, note="xong")
        for outsider in (org.head_b, org.leader_w1, org.staff_a2):
            with pytest.raises(PermissionDenied):
                services.task_accept(task=task, by=outsider)
            with pytest.raises(PermissionDenied):
                services.task_record_delay(task=task, by=outsider, reason="x")

    def test_a_head_above_may_review(self, org):
        ward_head = member(org.w1, role="head", code="HW1")
        task = services.task_submit(task=assign(org), by=org.staff_a, note="xong")
        assert services.task_accept(task=task, by=ward_head).status == TaskStatus.ACCEPTED


class TestExtensions:
    def test_request_then_approve_moves_the_effective_deadline(self, org):
        task = assign(org)
        request = services.task_request_extension(
            task=task, by=org.staff_a, new_deadline=dt.date(2026, 11, 3), reason="Chờ số liệu"
        )
        assert services.pending_extension(task) == request
        task = services.task_approve_extension(task=task, by=org.head_a)
        assert task.effective_deadline == dt.date(2026, 11, 3)
        assert task.deadline == dt.date(2026, 10, 25)
        assert services.pending_extension(task) is None
        approved = task.events.get(kind=TaskEventKind.EXTENSION_APPROVED)
        assert (approved.target, approved.author) == (request, org.head_a)

    def test_the_approver_may_set_another_date(self, org):
        task = assign(org)
        services.task_request_extension(
            task=task, by=org.staff_a, new_deadline=dt.date(2026, 11, 3), reason="Chờ số liệu"
        )
        task = services.task_approve_extension(
            task=task, by=org.head_a, new_deadline=dt.date(2026, 10, 30)
        )
        assert task.effective_deadline == dt.date(2026, 10, 30)

    def test_refusal_keeps_the_deadline_and_allows_a_new_request(self, org):
        task = assign(org)
        services.task_request_extension(
            task=task, by=org.staff_a, new_deadline=dt.date(2026, 11, 3), reason="Chờ số liệu"
        )
        services.task_refuse_extension(task=task, by=org.head_a, reason="Không đủ căn cứ")
        task.refresh_from_db()
        assert task.effective_deadline == dt.date(2026, 10, 25)
        services.task_request_extension(
            task=task, by=org.staff_a, new_deadline=dt.date(2026, 10, 28), reason="Ốm"
        )

    def test_one_request_at_a_time_and_only_for_a_later_date(self, org):
        task = assign(org)
        with pytest.raises(ValidationError):
            services.task_request_extension(
                task=task, by=org.staff_a, new_deadline=dt.date(2026, 10, 25), reason="x"
            )
        services.task_request_extension(
            task=task, by=org.staff_a, new_deadline=dt.date(2026, 11, 3), reason="x"
        )
        with pytest.raises(ValidationError):
            services.task_request_extension(
                task=task, by=org.staff_a, new_deadline=dt.date(2026, 11, 9), reason="y"
            )

    def test_nothing_to_approve_without_a_request(self, org):
        with pytest.raises(ValidationError):
            services.task_approve_extension(task=assign(org), by=org.head_a)

    def test_the_assignee_cannot_approve_their_own_request(self, org):
        task = assign(org)
        services.task_request_extension(
            task=task, by=org.staff_a, new_deadline=dt.date(2026, 11, 3), reason="x"
        )
        with pytest.raises(PermissionDenied):
            services.task_approve_extension(task=task, by=org.staff_a)


class TestDelaysErrorsExemptions:
    def test_delay_and_error_need_a_reason_and_record_the_author(self, org):
        task = assign(org)
        with pytest.raises(ValidationError):
            services.task_record_delay(task=task, by=org.head_a, reason="")
        delay = services.task_record_delay(task=task, by=org.head_a, reason="Chậm tiến độ")
        error = services.task_record_error(task=task, by=org.head_a, reason="Sai căn cứ")
        assert (delay.kind, delay.author) == (TaskEventKind.DELAY, org.head_a)
        assert (error.kind, error.reason) == (TaskEventKind.MAJOR_ERROR, "Sai căn cứ")

    def test_errors_may_be_recorded_after_acceptance(self, org):
        task = done(make_task(org.staff_a, org.head_a), TODAY)
        assert services.task_record_error(task=task, by=org.head_a, reason="Phát hiện sai sót")

    def test_the_assigner_exempts_a_delay_for_an_objective_cause(self, org):
        task = services.task_submit(
            task=assign(org, deadline=dt.date(2026, 10, 15)), by=org.staff_a, note="xong"
        )
        delay = task.events.get(kind=DELAY)
        exemption = services.task_exempt(event=delay, by=org.head_a, reason="Mưa lớn ngập úng")
        delay.refresh_from_db()
        assert (delay.exempted, delay.exempted_by, delay.exemption_reason) == (
            True,
            org.head_a,
            "Mưa lớn ngập úng",
        )
        assert (exemption.kind, exemption.target) == (TaskEventKind.EXEMPTION, delay)

    def test_an_exemption_needs_a_reason_and_happens_once(self, org):
        delay = services.task_record_delay(task=assign(org), by=org.head_a, reason="Chậm")
        with pytest.raises(ValidationError):
            services.task_exempt(event=delay, by=org.head_a, reason="")
        services.task_exempt(event=delay, by=org.head_a, reason="Sự cố mạng")
        with pytest.raises(ValidationError):
            services.task_exempt(event=delay, by=org.head_a, reason="Sự cố mạng")

    def test_only_delays_and_errors_are_exempted(self, org):
        task = assign(org)
        with pytest.raises(ValidationError):
            services.task_exempt(event=task.events.get(), by=org.head_a, reason="x")

    def test_the_assignee_cannot_exempt_themself(self, org):
        delay = services.task_record_delay(task=assign(org), by=org.head_a, reason="Chậm")
        with pytest.raises(PermissionDenied):
            services.task_exempt(event=delay, by=org.staff_a, reason="Tôi bận")
        assert not TaskEvent.objects.filter(kind=TaskEventKind.EXEMPTION).exists()


def test_a_new_regulation_version_copies_the_criteria_and_supersedes(db):
    nd335 = Regulation.objects.get(code="ND335")
    copy = services.regulation_new_version(regulation=nd335)
    again = services.regulation_new_version(regulation=nd335)
    assert (copy.code, again.code) == ("ND335-v2", "ND335-v3")
    assert copy.supersedes == nd335
    assert copy.task_max == nd335.task_max
    old = list(nd335.criteria.values_list("code", "max_points", "group"))
    assert list(copy.criteria.values_list("code", "max_points", "group")) == old
    assert nd335.criteria.count() == len(old)
