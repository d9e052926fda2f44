"""The Months area (docs/RULES.md §2): a head of a period's scope, or an administrator, runs the
month in the browser — open it, move it on or back, reopen a step for named units, refresh its
members, pools and outstanding units, reminders, decide, publish, lock — each confirmed on a
page that previews it. Leaders over the scope read the same pages and act on none.

Every view resolves the period through `_get_period` first: 404 for anyone without a role
over the period's scope (a head of a unit inside it included: their part of the month is on
the grid and progress pages), 403 on a write for a reader who may not act. Writes go through
`scoring.month.services` and `scoring.months.services`, which check again and audit.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scoring.errors import ScoringError, on_form
from scoring.models import PHASE_ORDER, Period, PeriodMember, Phase
from scoring.month.selectors.rating import BEFORE_DECISION
from scoring.month.services.decide import period_decide, period_lock, period_publish
from scoring.month.services.opening import (
    period_advance,
    period_open,
    period_refresh_members,
    period_reopen_step,
)
from scoring.months import history, previews, selectors
from scoring.months.forms import OpenForm, PoolsForm, ReopenUnitsForm, StepBackForm
from scoring.months.services import (
    STEP_BACK,
    period_pools_set,
    period_reopen_units,
    period_step_back,
    reminder_send,
    reminder_summary,
)
from scoring.templatetags.month_tags import month_label
from units.formats import date_text
from units.models import Unit
from units.scope import get_scope, require_unit


def _today():
    return timezone.localdate()


# --- access --------------------------------------------------------------------------------


def _get_period(request, pk, *, write=False) -> tuple[Period, bool]:
    """The period and whether the user may run it. 404 unless the user may see its scope unit;
    403 unless they read it in full (a role over it); on a write, 403 unless they head or
    deputise it (or a unit above it) or are an administrator."""
    period = get_object_or_404(Period.objects.select_related("scope", "regulation"), pk=pk)
    scope = require_unit(request, period.scope, need="browse")
    can_run = scope.is_admin or scope.can_act(period.scope)
    if write and not can_run:
        raise PermissionDenied
    return period, can_run


def _require_opener(request):
    """Opening a month: heads and deputies (of the unit opened) and administrators; a leader
    is refused (403), anyone without a role sees nothing here (404)."""
    scope = get_scope(request)
    if scope.is_admin or scope.act_paths:
        return scope
    if scope.read_paths:
        raise PermissionDenied
    raise Http404


def _back(period):
    return redirect("months:month", period.pk)


def _page(request, name: str, period, can_run: bool, title: str, **context):
    """The page `name` of the month (on the layout of scoring/months/page.html) under `title`,
    with its `heading` where that is longer."""
    context.update(period=period, can_run=can_run, title=title)
    return render(request, f"scoring/months/{name}.html", context)


def _refused(request, refusal: ScoringError):
    messages.error(request, refusal.message)


# --- the list and opening a month ----------------------------------------------------------


def index(request):
    """The months the user reads in full, newest first, and the units they may open one for."""
    scope = get_scope(request)
    if not (scope.is_admin or scope.read_paths):
        raise Http404
    periods = list(selectors.month_periods(scope)[:36])
    for period in periods:
        period.can_run = scope.is_admin or scope.can_act(period.scope)
    openable = list(selectors.scopes_to_open(scope)) if scope.is_admin or scope.act_paths else []
    return render(request, "scoring/months/index.html", {"periods": periods, "openable": openable})


def open_month(request):
    """Choose the scope, month and regulation; see what opening creates; confirm."""
    scope = _require_opener(request)
    posted = request.POST if request.method == "POST" else None
    choice = selectors.open_choice(scope, request.GET if posted is None else posted, _today())
    if choice is None:
        raise Http404
    month, unit = choice.month, choice.unit
    context = {"unit": unit, "scopes": choice.scopes, "months": choice.months, "month": month}
    if month is None:
        return render(request, "scoring/months/open.html", context)
    form = OpenForm(
        posted,
        initial=selectors.open_initial(unit, month, choice.regulation),
        scopes=choice.scopes,
        months=[(m, month_label(m)) for m in choice.months],
        regulations=choice.regulations,
    )
    if posted is not None and form.is_valid() and (period := _open(request, form)) is not None:
        return _back(period)
    context.update(
        form=form,
        regulation=choice.regulation,
        regulations=choice.regulations,
        preview=selectors.open_preview(month=month, scope=unit),
    )
    return render(request, "scoring/months/open.html", context)


def _open(request, form) -> Period | None:
    """Open the month as the form says; None, with the refusal on the form, when it may not."""
    data = form.cleaned_data
    period = on_form(
        form,
        lambda: period_open(
            month=data["month"],
            scope=data["scope"],
            regulation=data["regulation"],
            dates=form.dates(),
            user=request.user,
        ),
    )
    if period is None:
        return None
    messages.success(
        request,
        _("%(month)s is open for %(scope)s. Start the self-assessment when ready.")
        % {"month": month_label(period.month).capitalize(), "scope": period.scope.name},
    )
    return period


# --- the month's page ----------------------------------------------------------------------


def month(request, pk):
    """The month: timeline, what each unit still owes, the actions, the history."""
    period, can_run = _get_period(request, pk)
    today = _today()
    stages, today_at = selectors.timeline(period, today)
    rows = list(selectors.period_units(period))
    index = PHASE_ORDER.index(period.phase)
    context = {
        "period": period,
        "can_run": can_run,
        "today": today,
        "stages": stages,
        "today_at": today_at,
        "units": rows,
        "before_decision": period.phase in BEFORE_DECISION,
        "next_phase": Phase(PHASE_ORDER[index + 1]) if period.phase in Phase.values[:3] else None,
        "back_phase": _back_phase(period, today),
        "steps": selectors.steps_open(period, today),
        "history": history.history(period),
        "outstanding_rate": period.regulation.quota_rate_outstanding,
    }
    if period.phase in BEFORE_DECISION:
        progress = selectors.unit_progress(period, rows, today)
        context.update(
            progress=progress,
            members=sum(p.members for p in progress),
            can_remind=can_run and any(context["steps"].values()),
        )
    else:
        context["open_appeals"] = previews.open_appeals(period)
    return render(request, "scoring/months/month.html", context)


def _back_phase(period, today):
    """The phase the month could step back to today (draft only before the month begins)."""
    back = STEP_BACK.get(period.phase)
    if back == Phase.DRAFT and today >= period.first_day:
        return None
    return back


def advance(request, pk):
    """Move the month one phase on (draft → self → cross-evaluation → review), confirmed."""
    period, can_run = _get_period(request, pk, write=request.method == "POST")
    if period.phase not in (Phase.DRAFT, Phase.SELF, Phase.PEER):
        messages.error(
            request,
            _("At “%(phase)s” the month moves on by being decided, published or locked.")
            % {"phase": period.get_phase_display()},
        )
        return _back(period)
    following = Phase(PHASE_ORDER[PHASE_ORDER.index(period.phase) + 1])
    if request.method == "POST":
        try:
            period = period_advance(period=period, phase=following, user=request.user)
        except ScoringError as refusal:
            _refused(request, refusal)
        else:
            messages.success(
                request, _("The month is now at “%(phase)s”.") % {"phase": following.label}
            )
        return _back(period)
    return _page(request, "advance", period, can_run, _("Move on"), following=following)


def step_back(request, pk):
    """Send the month back one phase, with a reason (and a new deadline when needed)."""
    period, can_run = _get_period(request, pk, write=request.method == "POST")
    back = STEP_BACK.get(period.phase)
    if back is None:
        messages.error(
            request,
            _("At “%(phase)s” the month cannot step back.") % {"phase": period.get_phase_display()},
        )
        return _back(period)
    form = StepBackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        moved = on_form(
            form,
            lambda: period_step_back(
                period=period, reason=data["reason"], until=data["until"], user=request.user
            ),
        )
        if moved is not None:
            messages.success(
                request, _("The month is back at “%(phase)s”.") % {"phase": Phase(back).label}
            )
            return _back(moved)
    return _page(request, "step_back", period, can_run, _("Step back"), back=Phase(back), form=form)


def reopen(request, pk):
    """Reopen one step until a date, with a reason: for the whole month (its deadline moves) or
    for named units (docs/RULES.md §2)."""
    period, can_run = _get_period(request, pk, write=request.method == "POST")
    units = [row.unit for row in selectors.period_units(period)]
    form = ReopenUnitsForm(request.POST if request.method == "POST" else None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = set(data["units"])
        step = {
            "kind": data["kind"],
            "until": data["until"],
            "reason": data["reason"],
            "user": request.user,
        }
        if data["whole"]:
            reopened = on_form(form, lambda: period_reopen_step(period=period, **step))
            done = _("The step is reopened for the whole month until %(date)s.") % {
                "date": date_text(data["until"])
            }
        else:
            reopened = on_form(
                form,
                lambda: period_reopen_units(
                    period=period, units=[u for u in units if u.code in chosen], **step
                ),
            )
            done = _("The step is reopened for the units chosen.")
        if reopened is not None:
            messages.success(request, done)
            return _back(period)
    return _page(
        request,
        "reopen",
        period,
        can_run,
        _("Reopen a step"),
        heading=_("Reopen a step"),
        form=form,
        frozen=period.is_frozen,
    )


def refresh(request, pk):
    """Preview, then take the members again: joiners and movers join, cards are kept."""
    period, can_run = _get_period(request, pk, write=request.method == "POST")
    if request.method == "POST":
        try:
            summary = period_refresh_members(period=period, user=request.user)
        except ScoringError as refusal:
            _refused(request, refusal)
        else:
            messages.success(
                request,
                _("Members refreshed: %(added)s joined, %(removed)s left, %(changed)s changed.")
                % {key: len(codes) for key, codes in summary.items()},
            )
        return _back(period)
    change = None if period.is_frozen else previews.members_preview(period)
    if change is not None:
        moved = [*change.added, *change.removed, *change.changed]
        units = Unit.objects.in_bulk({m.unit_id for m in moved})
        for member in moved:
            member.unit_name = units[member.unit_id].name
    return _page(request, "refresh", period, can_run, _("Refresh members"), change=change)


def pools(request, pk):
    """Each unit's pool, typed as people write money, and its outstanding flag (where the
    regulation has an outstanding quota rate, shown beside it)."""
    period, can_run = _get_period(request, pk, write=request.method == "POST")
    rows = list(selectors.period_units(period))
    rate = period.regulation.quota_rate_outstanding
    form = PoolsForm(
        request.POST if request.method == "POST" else None,
        rows=rows,
        with_outstanding=rate is not None,
    )
    if request.method == "POST" and form.is_valid():
        changed = on_form(
            form,
            lambda: period_pools_set(
                period=period,
                pools=form.pools(),
                outstanding=form.outstanding(),
                user=request.user,
            ),
        )
        if changed is not None:
            messages.success(request, _("Pools saved: %(n)s changes.") % {"n": changed})
            return _back(period)
    return _page(
        request,
        "pools",
        period,
        can_run,
        _("Pools"),
        heading=_("Pools and outstanding units"),
        form=form,
        rate=rate,
        quota_rate=period.regulation.quota_rate,
        frozen=period.is_frozen,
    )


@require_POST
def remind(request, pk):
    """Email a reminder to one person (`cadre`) or to everyone owing work in a unit (`unit`)."""
    period, _can_run = _get_period(request, pk, write=True)
    members = PeriodMember.objects.filter(period=period).select_related("cadre__user")
    if request.POST.get("cadre"):
        members = members.filter(cadre__code=request.POST["cadre"])
    elif request.POST.get("unit"):
        members = members.filter(unit__code=request.POST["unit"])
    else:
        raise Http404
    cadres = [m.cadre for m in members]
    if not cadres:
        raise Http404
    try:
        report = reminder_send(
            period=period,
            cadres=cadres,
            user=request.user,
            base_url=settings.SITE_URL.rstrip("/"),
        )
    except ScoringError as refusal:
        _refused(request, refusal)
    else:
        level = messages.SUCCESS if report.sent else messages.WARNING
        messages.add_message(request, level, reminder_summary(report))
    return _back(period)


# --- decide, publish, lock -----------------------------------------------------------------


def decide(request, pk):
    done = _("The month is decided. Publish it to show the results.")
    return _decision(request, pk, "decide", period_decide, _("Decide"), done)


def publish(request, pk):
    done = _("Published: every cadre now sees their result.")
    return _decision(request, pk, "publish", period_publish, _("Publish"), done)


def lock(request, pk):
    return _decision(request, pk, "lock", period_lock, _("Lock"), _("The month is locked."))


def _decision(request, pk, action: str, write, title: str, done: str):
    """Decide, publish or lock (`action`, through the service `write`) on POST; before, the
    page that confirms it, with why it cannot be done today and what it decides."""
    period, can_run = _get_period(request, pk, write=request.method == "POST")
    if request.method == "POST":
        try:
            write(period=period, user=request.user)
        except ScoringError as refusal:
            _refused(request, refusal)
            return redirect(f"months:{action}", period.pk)
        messages.success(request, done)
        return _back(period)
    page = previews.decision_page(period, action, _today())
    return _page(request, "decision", period, can_run, title, action=action, **page)
