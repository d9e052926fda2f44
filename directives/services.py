"""Writes of tasks: assignment with the five clear fields, the status flow and its events.

Every write is atomic, locks the task row, checks who acts (`directives.authority`) and the
status, then records a TaskEvent with its author and reason; events are never edited except
to mark a delay or error exempted.

Decisions where the issue left a choice:
- Flow: assigned → in progress → submitted → accepted | returned; a returned task goes back to
  in progress or is submitted again. Any task not yet accepted can be cancelled. Accepted and
  cancelled are final.
- Submitting sets `completed_on` to the day of submission. Submitting after the effective
  deadline records ONE delay by itself (author empty: recorded by FiveClear, reason “Result
  submitted after the deadline”), once per task however often it is resubmitted, because
  finishing after the effective deadline is one delay (docs/RULES.md §1). The assigner or a head or
  deputy above the assignee exempts it like any other delay.
- Returning a task clears `completed_on` and `accepted`: it is not done until submitted again.
- The lead assignee starts, submits and asks for extensions; the assigner, or a head or deputy
  above the assigner, who also outranks the assignee, accepts, returns, cancels, records delays
  and major errors, decides extensions and exemptions. Nobody reviews their own task
  (docs/RULES.md §3).
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directives.authority import may_review as reviewer_may_act
from directives.catalogue import services as catalogue
from directives.catalogue.models import CatalogueItem
from directives.models import Criterion, Regulation, Task, TaskEvent, TaskEventKind, TaskStatus
from directives.signals import tasks_written
from units.models import Cadre, code_validator
from units.scope import can_act_on_cadre, unit_of

S = TaskStatus
OPEN = (S.ASSIGNED, S.IN_PROGRESS, S.RETURNED)
NOT_FINAL = (*OPEN, S.SUBMITTED)
MAX_WEIGHT = catalogue.MAX_WEIGHT
MAX_ERRORS_AT_ONCE = 10
# Paths under /tasks/ that a task code must not shadow.
RESERVED_CODES = {"board", "import", "month"}

FIVE_CLEAR = {
    "assignee": gettext_lazy("Clear person: choose the lead assignee."),
    "title": gettext_lazy("Clear task: give the task a title."),
    "assigned_by": gettext_lazy("Clear responsibility: say who assigns the task."),
    "deadline": gettext_lazy("Clear time: set the deadline."),
    "expected_result": gettext_lazy("Clear result: describe the expected result or product."),
}

ACTIONS = {
    "start": gettext_lazy("start it"),
    "submit": gettext_lazy("submit its result"),
    "accept": gettext_lazy("accept it"),
    "return": gettext_lazy("return it"),
    "cancel": gettext_lazy("cancel it"),
    "request_extension": gettext_lazy("ask for an extension"),
    "decide_extension": gettext_lazy("decide on an extension"),
    "record_delay": gettext_lazy("record a delay"),
    "record_error": gettext_lazy("record a major error"),
}


def today() -> dt.date:
    return timezone.localdate()


def may_review(*, task: Task, by: Cadre | None, on: dt.date | None = None) -> bool:
    """The task's assigner or someone above the assigner, with authority over the assignee;
    never the assignee (`directives.authority`)."""
    return reviewer_may_act(actor=by, task=task, on=on or today())


# --- assignment ----------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    assigned_by: Cadre | None,
    assignee: Cadre | None,
    title: str | None,
    deadline: dt.date | None,
    expected_result: str | None,
    description: str = "",
    supporters: Iterable[Cadre] = (),
    weight: Decimal | int | str | None = None,
    assigned_on: dt.date | None = None,
    code: str | None = None,
    product: CatalogueItem | None = None,
    quantity: Decimal | int | str | None = None,
) -> Task:
    """Assign a task with the five clear fields; each missing one is refused by name. Its
    weight comes from the catalogue item and quantity, or is at most 1 (docs/RULES.md §6)."""
    title = (title or "").strip()
    expected_result = (expected_result or "").strip()
    given = {
        "assignee": assignee,
        "title": title,
        "assigned_by": assigned_by,
        "deadline": deadline,
        "expected_result": expected_result,
    }
    errors: dict[str, list[str | Promise]] = {
        field: [FIVE_CLEAR[field]] for field, value in given.items() if not value
    }
    if errors:
        raise ValidationError(errors)
    # Every missing field was refused just above; this tells the type checker so.
    assert assignee is not None and assigned_by is not None and deadline is not None
    assigned_on = assigned_on or today()
    supporters = list(supporters)

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if len(title) > 300:
        fail("title", _("At most %(n)s characters.") % {"n": 300})
    if deadline < assigned_on:
        fail(
            "deadline",
            _("The deadline cannot be before the assignment date (%(date)s).")
            % {"date": assigned_on.isoformat()},
        )
    weighing, weight_errors = catalogue.task_weight(
        product=product,
        quantity=None if quantity is None else Decimal(quantity),
        weight=None if weight is None else Decimal(weight),
        assignee=assignee,
        on=assigned_on,
    )
    for field, message in weight_errors.items():
        fail(field, message)
    if any(s.pk == assignee.pk for s in supporters):
        fail("supporters", _("The lead assignee cannot also be a supporting cadre."))
    unit = unit_of(assignee, assigned_on)
    if assigned_by.pk == assignee.pk:
        fail("assignee", _("Nobody assigns a task to themself: a head or deputy above assigns it."))
    elif unit is None:
        fail(
            "assignee",
            _("%(name)s belongs to no unit on %(date)s.")
            % {"name": assignee.full_name, "date": assigned_on.isoformat()},
        )
    elif not can_act_on_cadre(assigned_by, assignee, on=assigned_on, unit=unit):
        fail(
            "assignee",
            _(
                "%(assigner)s holds no head or deputy authority over %(name)s (%(unit)s) "
                "on %(date)s."
            )
            % {
                "assigner": assigned_by.full_name,
                "name": assignee.full_name,
                "unit": unit.name,
                "date": assigned_on.isoformat(),
            },
        )
    if code:
        problem = code_problem(code)
        if problem is None and Task.objects.filter(code=code).exists():
            problem = _("A task with code “%(code)s” already exists.") % {"code": code}
        if problem:
            fail("code", problem)
    if errors:
        raise ValidationError(errors)
    assert unit is not None  # an assignee without a unit was refused just above

    for attempt in range(3):
        try:
            with transaction.atomic():
                task = Task.objects.create(
                    code=code or _next_code(assigned_on),
                    title=title,
                    description=(description or "").strip(),
                    assignee=assignee,
                    assigned_by=assigned_by,
                    unit=unit,
                    assigned_on=assigned_on,
                    deadline=deadline,
                    effective_deadline=deadline,
                    expected_result=expected_result,
                    **weighing,
                )
            break
        except IntegrityError:
            if code or attempt == 2:  # a given code was taken meanwhile; or a real failure
                raise
    task.supporters.set(supporters)
    _event(task, TaskEventKind.STATUS, assigned_by, new_status=S.ASSIGNED)
    tasks_written([task])
    return task


def code_problem(code: str) -> str | None:
    """Why `code` cannot be a task code, or None."""
    if len(code) > 32:
        return _("At most %(n)s characters.") % {"n": 32}
    try:
        code_validator(code)
    except ValidationError:
        return _("“%(value)s” is not a valid code.") % {"value": code}
    if code.lower() in RESERVED_CODES:
        return _("“%(value)s” is a reserved word, not a task code.") % {"value": code}
    return None


def _next_code(on: dt.date) -> str:
    """NV + year and month of assignment + a sequence: NV202610-0001."""
    prefix = f"NV{on:%Y%m}-"
    number = Task.objects.filter(code__startswith=prefix).count() + 1
    while Task.objects.filter(code=f"{prefix}{number:04d}").exists():
        number += 1
    return f"{prefix}{number:04d}"


# --- the assignee's steps ------------------------------------------------------------------


@transaction.atomic
def task_start(*, task: Task, by: Cadre | None, reason: str = "") -> Task:
    task = _lock(task)
    _require_assignee(task, by, "start")
    _require_status(task, (S.ASSIGNED, S.RETURNED), "start")
    return _move(task, S.IN_PROGRESS, by, reason)


@transaction.atomic
def task_submit(
    *,
    task: Task,
    by: Cadre | None,
    result_link: str = "",
    result_file: UploadedFile | None = None,
    note: str = "",
) -> Task:
    """Submit the result: completed on the day of submission; late means one delay."""
    task = _lock(task)
    _require_assignee(task, by, "submit")
    _require_status(task, OPEN, "submit")
    result_link = (result_link or "").strip()
    note = (note or "").strip()
    if result_link:
        try:
            URLValidator(schemes=["http", "https"])(result_link)
        except ValidationError:
            raise ValidationError(
                {"result_link": _("Enter a web address starting with http:// or https://.")}
            ) from None
    if not (result_link or result_file or note):
        raise ValidationError(
            _("Clear result: give a link, a file or a note describing the result.")
        )
    submitted_on = today()
    task.completed_on = submitted_on
    task.accepted = False
    if result_link:
        task.result_link = result_link
    if result_file:
        task.result_file = result_file
    task = _move(task, S.SUBMITTED, by, note)
    late = submitted_on > task.effective_deadline
    already = task.events.filter(kind=TaskEventKind.DELAY, author__isnull=True).exists()
    if late and not already:
        _event(
            task,
            TaskEventKind.DELAY,
            None,
            reason=_("Result submitted after the deadline (%(deadline)s).")
            % {"deadline": task.effective_deadline.strftime("%d/%m/%Y")},
        )
    return task


@transaction.atomic
def task_request_extension(
    *, task: Task, by: Cadre | None, new_deadline: dt.date | None, reason: str
) -> TaskEvent:
    task = _lock(task)
    _require_assignee(task, by, "request_extension")
    _require_status(task, OPEN, "request_extension")
    reason = _require_reason(reason)
    if new_deadline is None or new_deadline <= task.effective_deadline:
        raise ValidationError(
            {
                "new_deadline": _("Ask for a date after the current deadline (%(date)s).")
                % {"date": task.effective_deadline.strftime("%d/%m/%Y")}
            }
        )
    if pending_extension(task) is not None:
        raise ValidationError(_("An extension request is already waiting for a decision."))
    return _event(
        task, TaskEventKind.EXTENSION_REQUESTED, by, reason=reason, new_deadline=new_deadline
    )


# --- the reviewer's steps ------------------------------------------------------------------


@transaction.atomic
def task_accept(
    *, task: Task, by: Cadre | None, errors: int | str | None = 0, reason: str = ""
) -> Task:
    """Accept the submitted result, recording any major errors found in it."""
    task = _lock(task)
    _require_reviewer(task, by)
    _require_status(task, (S.SUBMITTED,), "accept")
    errors = _error_count(errors)
    if errors and not (reason or "").strip():
        raise ValidationError({"reason": _("Describe the major errors.")})
    task.accepted = True
    task = _move(task, S.ACCEPTED, by, reason)
    _record_errors(task, by, errors, reason)
    return task


@transaction.atomic
def task_return(*, task: Task, by: Cadre | None, reason: str, errors: int | str | None = 0) -> Task:
    """Send the result back; it is not completed until submitted again."""
    task = _lock(task)
    _require_reviewer(task, by)
    _require_status(task, (S.SUBMITTED,), "return")
    reason = _require_reason(reason)
    errors = _error_count(errors)
    task.completed_on = None
    task.accepted = False
    task = _move(task, S.RETURNED, by, reason)
    _record_errors(task, by, errors, reason)
    return task


@transaction.atomic
def task_cancel(*, task: Task, by: Cadre | None, reason: str) -> Task:
    task = _lock(task)
    _require_reviewer(task, by)
    _require_status(task, NOT_FINAL, "cancel")
    return _move(task, S.CANCELLED, by, _require_reason(reason))


@transaction.atomic
def task_approve_extension(
    *, task: Task, by: Cadre | None, new_deadline: dt.date | None = None, reason: str = ""
) -> Task:
    """Approve the waiting request; its date (or the one given) becomes the effective deadline."""
    task = _lock(task)
    _require_reviewer(task, by)
    _require_status(task, NOT_FINAL, "decide_extension")
    request = _require_pending(task)
    new_deadline = new_deadline or request.new_deadline
    # A request is only recorded with its date (task_request_extension refuses it without one).
    assert new_deadline is not None
    if new_deadline <= task.effective_deadline:
        raise ValidationError(
            {
                "new_deadline": _("The new deadline must be after %(date)s.")
                % {"date": task.effective_deadline.strftime("%d/%m/%Y")}
            }
        )
    before = (task.unit_id, f"{task.effective_deadline:%Y-%m}")
    task.effective_deadline = new_deadline
    task.save(update_fields=["effective_deadline", "updated_at"])
    tasks_written([task], [before])
    _event(
        task,
        TaskEventKind.EXTENSION_APPROVED,
        by,
        reason=(reason or "").strip(),
        new_deadline=new_deadline,
        target=request,
    )
    return task


@transaction.atomic
def task_refuse_extension(*, task: Task, by: Cadre | None, reason: str) -> Task:
    task = _lock(task)
    _require_reviewer(task, by)
    request = _require_pending(task)
    _event(
        task,
        TaskEventKind.EXTENSION_REFUSED,
        by,
        reason=_require_reason(reason),
        target=request,
    )
    return task


def task_record_delay(*, task: Task, by: Cadre | None, reason: str) -> TaskEvent:
    return _record(task, by, reason, TaskEventKind.DELAY, "record_delay")


def task_record_error(*, task: Task, by: Cadre | None, reason: str) -> TaskEvent:
    return _record(task, by, reason, TaskEventKind.MAJOR_ERROR, "record_error")


@transaction.atomic
def _record(task: Task, by: Cadre | None, reason: str, kind: str, action: str) -> TaskEvent:
    """A delay or a major error recorded by a reviewer, on any task not cancelled."""
    task = _lock(task)
    _require_reviewer(task, by)
    _require_status(task, (*NOT_FINAL, S.ACCEPTED), action)
    return _event(task, kind, by, reason=_require_reason(reason))


@transaction.atomic
def task_exempt(*, event: TaskEvent, by: Cadre | None, reason: str) -> TaskEvent:
    """Exempt a delay or major error for an objective cause: it no longer counts in T
    (docs/RULES.md §1)."""
    event = TaskEvent.objects.select_for_update().get(pk=event.pk)
    task = event.task
    _require_reviewer(task, by)
    if event.kind not in (TaskEventKind.DELAY, TaskEventKind.MAJOR_ERROR):
        raise ValidationError(_("Only a delay or a major error can be exempted."))
    if event.exempted:
        raise ValidationError(_("This has already been exempted."))
    reason = _require_reason(reason)
    event.exempted = True
    event.exempted_by = by
    event.exemption_reason = reason
    event.save(update_fields=["exempted", "exempted_by", "exemption_reason"])
    return _event(task, TaskEventKind.EXEMPTION, by, reason=reason, target=event)


# --- regulations -------------------------------------------------------------------------


@transaction.atomic
def regulation_new_version(*, regulation: Regulation) -> Regulation:
    """Copy a regulation and its criteria under the next free code "<code>-vN"; the copy
    supersedes the original and is valid from today."""
    base = regulation.code
    number = 2
    while Regulation.objects.filter(code=f"{base}-v{number}").exists():
        number += 1
    criteria = list(regulation.criteria.all())
    copy = Regulation.objects.get(pk=regulation.pk)
    copy.pk = None
    copy.code = f"{base}-v{number}"[:32]
    copy.name = f"{regulation.name} ({_('version %(n)s') % {'n': number}})"[:200]
    copy.valid_from = timezone.localdate()
    copy.supersedes = regulation
    copy.save()
    for criterion in criteria:
        criterion.pk = None
        criterion.regulation = copy
    Criterion.objects.bulk_create(criteria)
    catalogue.catalogue_copy(source=regulation, target=copy)
    return copy


# --- helpers -------------------------------------------------------------------------------


def pending_extension(task: Task) -> TaskEvent | None:
    """The extension request that has no decision yet, if any."""
    decided = TaskEvent.objects.filter(
        task=task,
        kind__in=[TaskEventKind.EXTENSION_APPROVED, TaskEventKind.EXTENSION_REFUSED],
    ).values("target_id")
    return (
        TaskEvent.objects.filter(task=task, kind=TaskEventKind.EXTENSION_REQUESTED)
        .exclude(pk__in=decided)
        .order_by("-at", "-pk")
        .first()
    )


def _lock(task: Task) -> Task:
    return (
        Task.objects.select_for_update(of=("self",))
        .select_related("unit", "assignee", "assigned_by")
        .get(pk=task.pk)
    )


def _require_assignee(task: Task, by: Cadre | None, action: str) -> None:
    if by is None or by.pk != task.assignee_id:
        raise PermissionDenied(
            _("Only the lead assignee can %(action)s.") % {"action": ACTIONS[action]}
        )


def _require_reviewer(task: Task, by: Cadre | None) -> None:
    if by is not None and by.pk == task.assignee_id:
        raise PermissionDenied(
            _("Nobody reviews their own task: a head or deputy above you does it.")
        )
    if may_review(task=task, by=by):
        return
    if can_act_on_cadre(by, task.assignee, on=today(), unit=task.unit):
        raise PermissionDenied(
            _(
                "Only %(assigner)s, who assigned this task, or a head or deputy above them "
                "reviews it."
            )
            % {"assigner": task.assigned_by.full_name}
        )
    raise PermissionDenied(
        _("You hold no head or deputy authority over %(name)s in %(unit)s.")
        % {"name": task.assignee.full_name, "unit": task.unit.name}
    )


def _require_status(task: Task, allowed: Iterable[str], action: str) -> None:
    if task.status not in allowed:
        raise ValidationError(
            _("The task is “%(status)s”: you cannot %(action)s now.")
            % {"status": task.get_status_display(), "action": ACTIONS[action]}
        )


def _require_pending(task: Task) -> TaskEvent:
    request = pending_extension(task)
    if request is None:
        raise ValidationError(_("There is no extension request waiting for a decision."))
    return request


def _require_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("A reason is required.")})
    return reason


def _error_count(errors: int | str | None) -> int:
    errors = int(errors or 0)
    if not 0 <= errors <= MAX_ERRORS_AT_ONCE:
        raise ValidationError(
            {"errors": _("Between 0 and %(n)s major errors at once.") % {"n": MAX_ERRORS_AT_ONCE}}
        )
    return errors


def _record_errors(task: Task, by: Cadre | None, count: int, reason: str) -> None:
    TaskEvent.objects.bulk_create(
        TaskEvent(task=task, kind=TaskEventKind.MAJOR_ERROR, author=by, reason=reason.strip())
        for _i in range(count)
    )


def _move(task: Task, status: str, by: Cadre | None, reason: str) -> Task:
    old = task.status
    task.status = status
    task.save()
    tasks_written([task])
    _event(task, TaskEventKind.STATUS, by, reason=reason, old_status=old, new_status=status)
    return task


def _event(
    task: Task, kind: str, author: Cadre | None, *, reason: str = "", **fields: object
) -> TaskEvent:
    return TaskEvent.objects.create(
        task=task, kind=kind, author=author, reason=(reason or "").strip(), **fields
    )
