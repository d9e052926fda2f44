"""Task pages: my tasks, the unit task board, task detail and history, the heads' import.

Every view resolves its object through units.scope first: 404 for outsiders, 403 for read-only
users (leaders) and for cadres acting on tasks that are not theirs to act on. Status changes
are POSTs to `task_action`; from the board and "My tasks" they come through htmx and answer
with the re-rendered row or card (a named partial of the page's template).
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from directives import selectors, services
from directives.catalogue import selectors as catalogue_selectors
from directives.catalogue import services as catalogue_services
from directives.forms import (
    EXEMPTABLE,
    AcceptForm,
    ApproveExtensionForm,
    ApproveWeightForm,
    BoardFilterForm,
    ExemptForm,
    ExtensionRequestForm,
    NoteForm,
    ReasonForm,
    ReturnForm,
    SubmitForm,
    TaskAssignForm,
    TaskImportForm,
)
from directives.imports import TASK_COLUMNS, tasks_import
from directives.models import TaskStatus
from directives.samples import TASK_EXAMPLES
from units.import_page import import_page
from units.models import Cadre, Unit
from units.samples import listing, sample_response
from units.scope import get_scope, require_manager, unit_or_404

S = TaskStatus
BOARD_PAGE_SIZE = 100
SOURCES = ("board", "mine", "detail")


def _month_of(value, today):
    """("YYYY-MM", (first, last)) of a month parameter, the current month by default."""
    month = value if selectors.month_range(value or "") else f"{today:%Y-%m}"
    return month, selectors.month_range(month)


def _week_end(today):
    return today + dt.timedelta(days=6 - today.weekday())


# --- access --------------------------------------------------------------------------------


def _get_task_for_user(request, code):
    """The task with its counts, if the user may see it; 404 otherwise."""
    task = get_object_or_404(selectors.task_list(), code=code)
    scope = get_scope(request)
    if scope.is_self(task.assignee_id) or scope.is_self(task.assigned_by_id):
        return task
    if scope.can_browse(task.unit):
        return task
    if scope.cadre is not None and task.supporters.filter(pk=scope.cadre.pk).exists():
        return task
    raise Http404


# --- my tasks ------------------------------------------------------------------------------


def my_tasks(request):
    scope = get_scope(request)
    if scope.cadre is None:
        raise Http404
    today = services.today()
    month, (first, last) = _month_of(request.GET.get("month"), today)
    week_end = _week_end(today)
    overdue, this_week, later, of_month = [], [], [], []
    for task in selectors.my_tasks(cadre=scope.cadre, first_day=first, last_day=last):
        is_open = task.status in selectors.OPEN
        if is_open and task.effective_deadline < today:
            overdue.append(task)
        elif is_open and task.effective_deadline <= week_end:
            this_week.append(task)
        elif first <= task.effective_deadline <= last:
            of_month.append(task)
        else:
            later.append(task)
    context = {
        "month": month,
        "today": today,
        "week_end": week_end,
        "sections": [
            ("overdue", _("Overdue"), overdue),
            ("week", _("Due this week"), this_week),
            ("month", _("Other tasks of %(month)s") % {"month": f"{first:%m/%Y}"}, of_month),
            ("later", _("Later, or waiting for review"), later),
        ],
        "supported": selectors.supported_tasks(cadre=scope.cadre),
        "empty": not (overdue or this_week or of_month or later),
    }
    return render(request, "directives/my_tasks.html", context)


# --- the unit task board -------------------------------------------------------------------


def board_home(request):
    """The board of the highest unit the user acts on (or reads)."""
    scope = get_scope(request)
    paths = scope.act_paths or scope.read_paths
    if not paths:
        raise Http404
    unit = Unit.objects.filter(path__in=paths).order_by("depth", "code").first()
    return redirect("directives:board", unit.code)


def board(request, code):
    unit = unit_or_404(request, code, need="browse")
    scope = get_scope(request)
    today = services.today()
    month, month_range = _month_of(request.GET.get("month"), today)
    form = BoardFilterForm(
        request.GET or None,
        assignees=selectors.unit_members_in_month(unit=unit, month=month_range),
        products=catalogue_selectors.items_on_tasks(unit_path=unit.path),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    tasks = selectors.unit_tasks_for_board(
        unit=unit,
        status=filters.get("status") or "",
        assignee_id=filters.get("assignee"),
        month=month_range,
        product_id=filters.get("product"),
    )
    page = Paginator(tasks, BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "unit": unit,
        "form": form,
        "month": month,
        "page": page,
        "rows": selectors.mark_reviewable(
            page.object_list, actor=scope.cadre, actor_roles=scope.acting_role_paths, on=today
        ),
        "query": query.urlencode(),
        "today": today,
        **_board_side(scope, unit, month_range, filters.get("product"), today),
    }
    return render(request, "directives/board.html", context)


def _board_side(scope, unit, month_range, product_id, today) -> dict:
    """Beside the board's tasks: the assignees' output of the month, the overdue tasks, the
    extensions waiting (for who may act) and the unit switcher."""
    can_act = scope.can_act(unit)
    return {
        "can_act": can_act,
        "output": catalogue_selectors.output_of_assignees(
            unit_path=unit.path,
            first_day=month_range[0],
            last_day=month_range[1],
            product_id=product_id,
        ),
        "overdue": selectors.overdue_tasks(unit_path=unit.path, on=today)[:50],
        "extensions": selectors.waiting_extensions(unit_path=unit.path)[:50] if can_act else [],
        "units": _board_units(scope, unit),
    }


def _board_units(scope, unit):
    """For the unit switcher: the units of the user's roles and the board unit's children."""
    return Unit.objects.filter(Q(path__in=scope.read_paths) | Q(parent=unit)).order_by("path")


def task_assign(request, code):
    unit = unit_or_404(request, code, need="act")
    scope = get_scope(request)
    today = services.today()
    cadres = (
        Cadre.objects.filter(
            pk__in=selectors.members_of_subtree(unit=unit, on=today).values("cadre_id")
        )
        .exclude(pk=scope.cadre.pk)
        .order_by("full_name", "code")
    )
    products = catalogue_selectors.items_in_force(
        on=today, job_groups=cadres.values_list("job_group", flat=True)
    )
    form = TaskAssignForm(request.POST or None, cadres=cadres, products=products)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(assigned_by=scope.cadre, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Task %(code)s assigned to %(name)s.")
                % {"code": task.code, "name": task.assignee.full_name},
            )
            return redirect(reverse("directives:board", args=[unit.code]) + f"#task-{task.code}")
    return render(request, "directives/assign.html", {"unit": unit, "form": form})


# --- one task ------------------------------------------------------------------------------


def task_detail(request, code):
    task = _get_task_for_user(request, code)
    context = {
        "task": task,
        "history": selectors.task_history(task),
        "supporters": task.supporters.order_by("full_name"),
        "panel": _panel(request, task, source="detail"),
        "today": services.today(),
    }
    return render(request, "directives/task_detail.html", context)


def task_fragment(request, code):
    """A task's board row or "My tasks" card, with its actions panel open or closed."""
    task = _get_task_for_user(request, code)
    source = request.GET.get("from")
    if source not in ("board", "mine"):
        raise Http404
    panel = _panel(request, task, source=source) if request.GET.get("panel") else None
    return _render_fragment(request, task, source, panel=panel)


def task_result_file(request, code):
    task = _get_task_for_user(request, code)
    if not task.result_file:
        raise Http404
    return FileResponse(task.result_file.open("rb"), as_attachment=True)


@dataclass(frozen=True)
class Action:
    label: str
    who: str  # "assignee" or "reviewer"
    form: type
    done: str
    style: str = "outline-primary"


ACTIONS = {
    "start": Action(gettext_lazy("Start"), "assignee", NoteForm, gettext_lazy("Task started.")),
    "submit": Action(
        gettext_lazy("Submit the result"),
        "assignee",
        SubmitForm,
        gettext_lazy("Result submitted."),
        "primary",
    ),
    "extension": Action(
        gettext_lazy("Ask for an extension"),
        "assignee",
        ExtensionRequestForm,
        gettext_lazy("Extension requested."),
    ),
    "accept": Action(
        gettext_lazy("Accept"), "reviewer", AcceptForm, gettext_lazy("Task accepted."), "success"
    ),
    "return": Action(
        gettext_lazy("Return for rework"),
        "reviewer",
        ReturnForm,
        gettext_lazy("Task returned."),
        "warning",
    ),
    "approve": Action(
        gettext_lazy("Approve the extension"),
        "reviewer",
        ApproveExtensionForm,
        gettext_lazy("Extension approved."),
        "success",
    ),
    "refuse": Action(
        gettext_lazy("Refuse the extension"),
        "reviewer",
        ReasonForm,
        gettext_lazy("Extension refused."),
        "outline-danger",
    ),
    "delay": Action(
        gettext_lazy("Record a delay"),
        "reviewer",
        ReasonForm,
        gettext_lazy("Delay recorded."),
        "outline-danger",
    ),
    "error": Action(
        gettext_lazy("Record a major error"),
        "reviewer",
        ReasonForm,
        gettext_lazy("Major error recorded."),
        "outline-danger",
    ),
    "exempt": Action(
        gettext_lazy("Exempt for an objective cause"),
        "reviewer",
        ExemptForm,
        gettext_lazy("Exemption recorded."),
    ),
    "weight": Action(
        gettext_lazy("Approve a higher weight"),
        "reviewer",
        ApproveWeightForm,
        gettext_lazy("Higher weight approved."),
    ),
    "cancel": Action(
        gettext_lazy("Cancel the task"),
        "reviewer",
        ReasonForm,
        gettext_lazy("Task cancelled."),
        "outline-secondary",
    ),
}


def _available(task, name):
    """Whether an action fits the task's state (the service checks again)."""
    status = task.status
    return {
        "start": status in (S.ASSIGNED, S.RETURNED),
        "submit": status in selectors.OPEN,
        "extension": status in selectors.OPEN and not task.extension_pending,
        "accept": status == S.SUBMITTED,
        "return": status == S.SUBMITTED,
        "approve": task.extension_pending and status in services.NOT_FINAL,
        "refuse": task.extension_pending and status in services.NOT_FINAL,
        "delay": status != S.CANCELLED,
        "error": status != S.CANCELLED,
        "exempt": status != S.CANCELLED,
        "cancel": status in services.NOT_FINAL,
        "weight": task.product_id is None and status in catalogue_services.APPROVABLE,
    }[name]


def _who(request, task):
    """ "assignee", "reviewer", or None: who the user is for this task's actions."""
    scope = get_scope(request)
    if scope.cadre is None:
        return None
    if scope.cadre.pk == task.assignee_id:
        return "assignee"
    if scope.can_act(task.unit) and services.may_review(task=task, by=scope.cadre):
        return "reviewer"
    return None


def _exemptable(task):
    return list(task.events.filter(kind__in=EXEMPTABLE, exempted=False).order_by("at", "pk"))


def _make_form(name, task, data=None, files=None):
    action = ACTIONS[name]
    kwargs = {"auto_id": f"id_{task.code}_{name}_%s"}
    if action.form is ExemptForm:
        kwargs["events"] = _exemptable(task)
    if name == "approve" and data is None:
        request_event = services.pending_extension(task)
        kwargs["initial"] = {"new_deadline": request_event.new_deadline if request_event else None}
    return action.form(data, files, **kwargs)


def _panel(request, task, *, source, bound=None):
    """The forms the user may use on this task now: a list of (name, action, form)."""
    who = _who(request, task)
    if who is None:
        return None
    forms = []
    for name, action in ACTIONS.items():
        if action.who != who or not _available(task, name):
            continue
        is_bound = bound is not None and bound[0] == name
        form = bound[1] if is_bound else _make_form(name, task)
        if name == "exempt" and not form.events:
            continue
        if name == "weight" and not catalogue_services.may_approve_weight(
            task=task, by=get_scope(request).cadre, on=services.today()
        ):
            continue
        forms.append((name, action, form))
    return {"who": who, "forms": forms, "source": source, "open": bound[0] if bound else ""}


@require_POST
def task_action(request, code, action):
    task = _get_task_for_user(request, code)
    if action not in ACTIONS:
        raise Http404
    spec = ACTIONS[action]
    source = request.POST.get("from")
    source = source if source in SOURCES else "detail"
    if _who(request, task) != spec.who:
        raise PermissionDenied
    by = get_scope(request).cadre
    if action == "weight" and not catalogue_services.may_approve_weight(
        task=task, by=by, on=services.today()
    ):
        raise PermissionDenied
    form = _make_form(action, task, request.POST, request.FILES)
    form.user = request.user
    if form.is_valid():
        try:
            _run(action, task, by, form)
        except ValidationError as error:
            _add_errors(form, error)
    if form.errors:
        task = _get_task_for_user(request, code)
        panel = _panel(request, task, source=source, bound=(action, form))
        if request.htmx and source != "detail":
            return _render_fragment(request, task, source, panel=panel)
        messages.error(request, _("Nothing was changed: see the form below."))
        context = {
            "task": task,
            "history": selectors.task_history(task),
            "supporters": task.supporters.order_by("full_name"),
            "panel": panel,
            "today": services.today(),
        }
        return render(request, "directives/task_detail.html", context, status=200)
    task = _get_task_for_user(request, code)
    if request.htmx and source != "detail":
        return _render_fragment(request, task, source, flash=str(spec.done))
    messages.success(request, spec.done)
    return redirect(_next_url(request, task))


def _run(action, task, by, form):
    """The action's service, given who acts and the form's values (`form.user`: the account)."""
    data = form.cleaned_data
    reason = data.get("reason", "")
    acting = {"task": task, "by": by}
    if action == "start":
        services.task_start(**acting, reason=data["note"])
    elif action == "submit":
        submitted = {name: data[name] for name in ("result_link", "result_file", "note")}
        services.task_submit(**acting, **submitted)
    elif action == "extension":
        services.task_request_extension(**acting, new_deadline=data["new_deadline"], reason=reason)
    elif action == "accept":
        services.task_accept(**acting, errors=data["major_errors"], reason=reason)
    elif action == "return":
        services.task_return(**acting, errors=data["major_errors"], reason=reason)
    elif action == "approve":
        services.task_approve_extension(**acting, new_deadline=data["new_deadline"], reason=reason)
    elif action == "refuse":
        services.task_refuse_extension(**acting, reason=reason)
    elif action == "delay":
        services.task_record_delay(**acting, reason=reason)
    elif action == "error":
        services.task_record_error(**acting, reason=reason)
    elif action == "exempt":
        services.task_exempt(event=form.events[data["event"]], by=by, reason=reason)
    elif action == "cancel":
        services.task_cancel(**acting, reason=reason)
    elif action == "weight":
        on = services.today()
        catalogue_services.task_approve_weight(
            **acting, weight=data["weight"], reason=reason, user=form.user, on=on
        )


def _add_errors(form, error):
    """Put a service's ValidationError on the form: by field where the form has it."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _render_fragment(request, task, source, *, panel=None, flash=""):
    today = services.today()
    context = {"t": task, "panel": panel, "flash": flash, "today": today}
    if source == "board":
        scope = get_scope(request)
        selectors.mark_reviewable(
            [task], actor=scope.cadre, actor_roles=scope.acting_role_paths, on=today
        )
        return render(request, "directives/board.html#task-row", context)
    return render(request, "directives/my_tasks.html#task-card", context)


def _next_url(request, task):
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("directives:detail", args=[task.code])


# --- import --------------------------------------------------------------------------------


def task_import(request):
    """Heads import their own assignments in the units they manage; administrators import as
    on the command line (`directives.imports`, docs/RULES.md §3)."""
    scope = require_manager(request)
    within = None if scope.is_admin else scope.act_paths

    def run(data):
        return tasks_import(
            data=data["file"].read(),
            user=request.user,
            importer=scope.cadre,
            within_paths=within,
            file_name=data["file"].name,
        )

    sample = listing(_("Tasks"), TASK_COLUMNS, "directives:import_sample")
    return import_page(
        request,
        form_class=TaskImportForm,
        run=run,
        template="directives/import.html",
        done="directives:import",
        context={
            "samples": [sample],
            "own_assignments": within is not None,
            "importer": scope.cadre,
        },
    )


def task_import_sample(request, fmt):
    """The task import's sample file, for those who may import tasks."""
    require_manager(request)
    return sample_response("mau-nhiem-vu", TASK_COLUMNS, TASK_EXAMPLES, fmt)
