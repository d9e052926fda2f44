"""The head's score grid: the page, a row saved (htmx), an adjustment added or removed."""

from __future__ import annotations

import json

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scoring.errors import ScoringError, StaleScorecard
from scoring.models import Adjustment, PeriodMember, PeriodUnit
from scoring.month.forms import AdjustmentForm, GridUploadForm, ScoreForm
from scoring.month.grid import _grid_inputs, _grid_rows, _row_inputs, _unit_members
from scoring.month.selectors.rating import DECIDED_PHASES
from scoring.month.services.adjustments import adjustment_add, adjustment_remove
from scoring.month.services.grid import grid_criteria, supervisor_row_save
from scoring.month.views.common import SUPERVISOR, _get_period_unit, _step_problem, _today
from units.models import Unit
from units.scope import get_scope


def grid(request, pk, code, *, upload_failure=None, uploaded_name="", status=200):
    """The head's grid over one unit: a row per member, a column per criterion."""
    period, unit = _get_period_unit(request, pk, code)
    scope = get_scope(request)
    inputs = _grid_inputs(period, unit)
    general, task = grid_criteria(period)
    members = _unit_members(inputs, unit)
    rows = _grid_rows(request, period, unit, members, inputs, general, task)
    scored = sum(1 for row in rows if row.card is not None)
    corrected = [row for row in rows if row.correction is not None]
    in_period = PeriodUnit.objects.filter(period=period).values("unit_id")
    subunits = [
        u
        for u in Unit.objects.filter(parent=unit, pk__in=in_period).order_by("code")
        if scope.can_browse(u)
    ]
    return render(
        request,
        "scoring/month/grid.html",
        {
            "period": period,
            "unit": unit,
            "rows": rows,
            "general": general,
            "task": task,
            "scored": scored,
            "total": len(rows),
            "can_act": scope.can_act(unit),
            "problem": _step_problem(period, SUPERVISOR, unit_id=unit.pk),
            "decided": period.phase in DECIDED_PHASES,
            "figures_hidden": not period.cross_evaluation_closed(_today()),
            "subunits": subunits,
            "corrected": corrected,
            "upload_form": GridUploadForm(),
            "upload_failure": upload_failure,
            "uploaded_name": uploaded_name,
        },
        status=status,
    )


def _row_response(
    request, period, unit, member, *, typed=None, errors=None, state, message, allowed=()
):
    """The re-rendered row for htmx (with the unit's progress as an event), or a redirect.

    Only the row's own member is valued again (`_row_inputs`), not the whole unit; another
    row whose tier the quota moves shows it when the grid is next loaded, as before.
    `allowed`: see `_grid_rows` (a row just saved)."""
    if not request.htmx:
        level = messages.success if state == "saved" else messages.error
        level(request, f"{member.cadre.full_name}: {message}")
        return redirect("month:grid", period.pk, unit.code)
    inputs, progress = _row_inputs(period, member)
    general, task = grid_criteria(period)
    (row,) = _grid_rows(
        request,
        period,
        unit,
        [member],
        inputs,
        general,
        task,
        typed=typed,
        errors=errors,
        allowed=allowed,
    )
    row.state, row.message = state, message
    response = render(
        request,
        "scoring/month/grid.html#score-row",
        {"row": row, "period": period, "unit": unit, "general": general, "task": task},
    )
    response["HX-Trigger"] = json.dumps({"gridProgress": progress})
    return response


def _grid_member(period, unit, cadre_code) -> PeriodMember:
    return get_object_or_404(
        PeriodMember.objects.select_related("cadre", "unit"),
        period=period,
        unit=unit,
        cadre__code=cadre_code,
    )


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_POST
def grid_row(request, pk, code, cadre_code):
    """Save one row of the grid: the supervisor's points of one cadre, submitted."""
    period, unit = _get_period_unit(request, pk, code, write=True)
    member = _grid_member(period, unit, cadre_code)
    form = _row_form(request, period)
    row = {"request": request, "period": period, "unit": unit, "member": member}
    typed = {member.cadre.code: form.typed()}
    if not form.is_valid():
        errors = {member.cadre.code: _cell_errors(form)}
        message = _("Nothing was saved: correct the marked cells.")
        return _row_response(**row, typed=typed, errors=errors, state="invalid", message=message)
    try:
        supervisor_row_save(
            period=period,
            ratee=member.cadre,
            rater=get_scope(request).cadre,
            points=form.points(),
            seen_card_id=_int_or_none(request.POST.get("seen_card")),
            seen_version=_int_or_none(request.POST.get("seen_version")),
            user=request.user,
        )
    except StaleScorecard as refusal:
        mine = ", ".join(f"{k} {v}" for k, v in form.typed().items() if v) or "—"
        message = _("Not saved. %(why)s The row now shows their scores; yours were: %(mine)s.")
        return _row_response(
            **row, state="refused", message=message % {"why": refusal.message, "mine": mine}
        )
    except ScoringError as refusal:
        return _row_response(**row, typed=typed, state="refused", message=refusal.message)
    # The save found the rater the member's supervisor: the answer need not ask again.
    saved = {"state": "saved", "message": _("Saved."), "allowed": {member.cadre_id}}
    return _row_response(**row, **saved)


def _row_form(request, period) -> ScoreForm:
    """The row's points as posted: the general criteria, and T where the head types it."""
    general, task = grid_criteria(period)
    manual = task is not None and f"points_{task.code}" in request.POST
    return ScoreForm(
        request.POST,
        criteria=[*general, *([task] if manual else [])],
        kind=SUPERVISOR,
        require_all=True,
        with_comments=False,
    )


def _cell_errors(form) -> dict[str, list[str]]:
    """The form's errors by criterion code, for the cells of the row."""
    return {
        field.removeprefix("points_"): list(messages_)
        for field, messages_ in form.errors.items()
        if field.startswith("points_")
    }


@require_POST
def grid_adjust(request, pk, code, cadre_code):
    """Add a bonus, penalty, discipline or leave to a cadre of the grid, with its reason."""
    period, unit = _get_period_unit(request, pk, code, write=True)
    member = _grid_member(period, unit, cadre_code)
    form = AdjustmentForm(request.POST)
    if not form.is_valid():
        problems = [f"{form.fields[name].label}: {' '.join(e)}" for name, e in form.errors.items()]
        return _row_response(
            request, period, unit, member, state="refused", message=" ".join(problems)
        )
    try:
        adjustment_add(
            period=period,
            cadre=member.cadre,
            kind=form.cleaned_data["kind"],
            points=form.cleaned_data["points"],
            reason=form.cleaned_data["reason"],
            user=request.user,
        )
    except ScoringError as refusal:
        return _row_response(
            request, period, unit, member, state="refused", message=refusal.message
        )
    return _row_response(
        request, period, unit, member, state="saved", message=_("Adjustment recorded.")
    )


@require_POST
def grid_adjust_remove(request, pk, code, cadre_code, adjustment_id):
    period, unit = _get_period_unit(request, pk, code, write=True)
    member = _grid_member(period, unit, cadre_code)
    adjustment = get_object_or_404(
        Adjustment.objects.select_related("period", "cadre"),
        pk=adjustment_id,
        period=period,
        cadre=member.cadre,
    )
    try:
        adjustment_remove(adjustment=adjustment, user=request.user)
    except ScoringError as refusal:
        return _row_response(
            request, period, unit, member, state="refused", message=refusal.message
        )
    return _row_response(
        request, period, unit, member, state="saved", message=_("Adjustment removed.")
    )
