"""The month in the browser (docs/RULES.md §2–§3): the cadre's self-assessment, peer evaluations and
result with its appeal; the head's score grid, decision, publication and appeals inbox; the
progress page of heads and leaders, and the banner of work due soon.

Every view resolves its objects through the scope first (`units.scope`): 404 for anyone the
period or unit is not theirs to see, 403 on a write for a read-only leader. Writes go through
`scoring.services` (and `scoring.services_month` for the grid); scores, totals and tiers come
from the engine (`selectors.period_inputs(...).decide()`) before the decision and from the stored
`Result` rows after it, never from here.
"""

from __future__ import annotations

import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from directives.dossiers.selectors import ServiceFigures, cadre_figures
from directives.models import Task
from directives.selectors import with_counts
from scoring import beside, engine
from scoring.corrections import answer_refusal, open_corrections, revision_plan, supervisors_of
from scoring.errors import ScoringError, StaleScorecard
from scoring.formats import points_text
from scoring.forms_month import (
    AdjustmentForm,
    AppealAnswerForm,
    AppealForm,
    GridUploadForm,
    ScoreForm,
    shown_points,
)
from scoring.models import (
    Adjustment,
    Appeal,
    AppealStatus,
    Correction,
    PeerAssignment,
    Period,
    PeriodMember,
    PeriodUnit,
    PeriodUnitResult,
    Phase,
    Result,
    Revision,
    RevisionChange,
    Scorecard,
    ScorecardKind,
    ScorecardStatus,
    peer_parts_visible,
)
from scoring.reasons import reason_text
from scoring.reminders import period_work, work_due_for
from scoring.selectors import (
    DECIDED_PHASES,
    MEMBER_FIELDS,
    period_inputs,
    rating_rules,
    step_refusal,
)
from scoring.services import (
    adjustment_add,
    adjustment_remove,
    appeal_answer,
    appeal_answer_check,
    appeal_file,
    correction_decide,
    period_decide,
    period_publish,
    scorecard_save,
)
from scoring.services_month import (
    grid_criteria,
    latest_supervisor_cards,
    supervisor_grid_import,
    supervisor_row_save,
)
from units.models import Unit
from units.scope import get_scope
from units.spreadsheets import format_numbers
from units.tabular import ImportFailed, neutralise

SELF, PEER, SUPERVISOR = ScorecardKind.SELF, ScorecardKind.PEER, ScorecardKind.SUPERVISOR
PUBLISHED = (Phase.APPEALS, Phase.LOCKED)
MANUAL_TASK = (engine.TaskSource.MANUAL, engine.TaskSource.MISSING)
OPEN_PHASES = (Phase.DRAFT, Phase.SELF, Phase.PEER, Phase.REVIEW)


def _today():
    return timezone.localdate()


# --- access --------------------------------------------------------------------------------


def _get_period(pk) -> Period:
    return get_object_or_404(Period.objects.select_related("scope", "regulation"), pk=pk)


def _get_membership(request, pk) -> tuple[Period, PeriodMember]:
    """The period and the user's own place in it; 404 for anyone not scored in it."""
    cadre = get_scope(request).cadre
    if cadre is None:
        raise Http404
    member = (
        PeriodMember.objects.select_related(
            "period__scope", "period__regulation", "unit__parent", "cadre"
        )
        .filter(period_id=pk, cadre=cadre)
        .first()
    )
    if member is None:
        raise Http404
    return member.period, member


def _get_period_unit(request, pk, code, *, write=False) -> tuple[Period, Unit]:
    """The period and a unit of its scope that the user has a role over (404 otherwise);
    a write needs a head or deputy role over it (403 for a read-only leader)."""
    period = _get_period(pk)
    unit = get_object_or_404(Unit, code=code)
    scope = get_scope(request)
    if not unit.path.startswith(period.scope.path) or not scope.can_browse(unit):
        raise Http404
    if write and not scope.can_act(unit):
        raise PermissionDenied
    return period, unit


def _paths_in(period, paths) -> list[str]:
    """The parts of the period's scope covered by role paths."""
    scope_path = period.scope.path
    found = set()
    for path in paths:
        if path.startswith(scope_path):
            found.add(path)
        elif scope_path.startswith(path):
            found.add(scope_path)
    return sorted(found)


def _get_period_for_reader(request, pk) -> tuple[Period, list[str]]:
    """The period and the paths of its scope the user reads (a role or admin); else 404."""
    period = _get_period(pk)
    scope = get_scope(request)
    paths = [period.scope.path] if scope.is_admin else _paths_in(period, scope.read_paths)
    if not paths:
        raise Http404
    return period, paths


def _require_scope_head(request, period) -> None:
    """Deciding and publishing is for a head or deputy of the period's scope (docs/RULES.md §3)."""
    if not get_scope(request).can_act(period.scope):
        raise PermissionDenied


def _under(path, paths) -> bool:
    return any(path.startswith(p) for p in paths)


def _ancestor_paths(path) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _periods_covering(paths):
    """Periods whose scope contains one of the paths or lies under one of them."""
    if not paths:
        return Period.objects.none()
    condition = Q(scope__path__in={a for p in paths for a in _ancestor_paths(p)})
    for path in paths:
        condition |= Q(scope__path__startswith=path)
    return Period.objects.filter(condition)


def _step_problem(period, kind, **unit) -> str | None:
    """Why the step cannot be worked on today (frozen, not started or late), or None; with
    `unit_id` or `ratee_id`, a step reopened for that unit counts (`selectors.step_refusal`)."""
    if period.is_frozen:
        return _("The period %(period)s is decided: scores no longer change.") % {"period": period}
    return step_refusal(period, kind, _today(), **unit)


def _initial(card) -> dict:
    """Form initial values from a scorecard's lines."""
    initial = {"version": card.version if card else 0}
    if card is not None:
        for line in card.lines.all():
            initial[f"points_{line.criterion.code}"] = shown_points(line.points)
            initial[f"comment_{line.criterion.code}"] = line.comment
    return initial


# --- cadre: the month, self-assessment, peers ---------------------------------------------


def my_month(request):
    """The cadre's months: the open one with its steps and deadlines, and published results."""
    cadre = get_scope(request).cadre
    if cadre is None:
        raise Http404
    today = _today()
    memberships = list(
        PeriodMember.objects.filter(cadre=cadre)
        .select_related("period__scope", "unit")
        .order_by("-period__month")[:12]
    )
    period_ids = [m.period_id for m in memberships]
    self_cards = {
        card.period_id: card
        for card in Scorecard.objects.filter(
            period_id__in=period_ids, ratee=cadre, rater=cadre, kind=SELF
        )
    }
    assigned = Counter(
        PeerAssignment.objects.filter(period_id__in=period_ids, rater=cadre).values_list(
            "period_id", flat=True
        )
    )
    peers_done = Counter(
        Scorecard.objects.filter(
            period_id__in=period_ids,
            rater=cadre,
            kind=PEER,
            status=ScorecardStatus.SUBMITTED,
            ratee_id__in=PeerAssignment.objects.filter(
                period_id=OuterRef("period_id"), rater=cadre
            ).values("ratee_id"),
        ).values_list("period_id", flat=True)
    )
    results = {r.period_id: r for r in Result.objects.filter(period_id__in=period_ids, cadre=cadre)}
    months = []
    for member in memberships:
        period = member.period
        months.append(
            {
                "period": period,
                "unit": member.unit,
                "self_card": self_cards.get(period.pk),
                "self_problem": _step_problem(period, SELF, unit_id=member.unit_id),
                "peer_total": assigned[period.pk],
                "peer_done": peers_done[period.pk],
                "peer_problem": _step_problem(period, PEER, unit_id=member.unit_id),
                "result": results.get(period.pk) if period.phase in PUBLISHED else None,
                "open": not period.is_frozen,
            }
        )
    return render(request, "scoring/month/mine.html", {"months": months, "today": today})


def _score_page(request, *, period, ratee, rater, kind, template, context, done_url):
    """GET and POST of a self or peer scorecard; a refusal is shown on the form."""
    general, _task = grid_criteria(period)
    card = (
        Scorecard.objects.filter(period=period, ratee=ratee, rater=rater, kind=kind)
        .prefetch_related("lines__criterion")
        .first()
    )
    problem = _step_problem(period, kind, ratee_id=ratee.pk)
    submit = request.method == "POST" and request.POST.get("action") == "submit"
    form = ScoreForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(card),
        criteria=general,
        kind=kind,
        require_all=submit,
    )
    # "Save draft" on a submitted card would change the submitted scores at once (a submitted
    # card stays submitted): nothing is saved, the form says so and asks to submit the changes.
    confirm_submitted = (
        request.method == "POST"
        and not submit
        and card is not None
        and card.status == ScorecardStatus.SUBMITTED
    )
    if request.method == "POST" and form.is_valid() and not confirm_submitted:
        try:
            scorecard_save(
                period=period,
                ratee=ratee,
                rater=rater,
                kind=kind,
                points=form.points(),
                comments=form.comments(),
                submit=submit,
                expected_version=form.cleaned_data["version"],
                user=request.user,
            )
        except ScoringError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Submitted. Thank you.") if submit else _("Draft saved."))
            return redirect(done_url)
    return render(
        request,
        template,
        {
            **context,
            "period": period,
            "form": form,
            "card": card,
            "problem": problem,
            "confirm_submitted": confirm_submitted and form.is_valid(),
            "deadline": getattr(period, {SELF: "self_until", PEER: "peer_until"}[kind]),
        },
    )


def self_assessment(request, pk):
    period, member = _get_membership(request, pk)
    return _score_page(
        request,
        period=period,
        ratee=member.cadre,
        rater=member.cadre,
        kind=SELF,
        template="scoring/month/self.html",
        context={"member": member},
        done_url=reverse("month:mine"),
    )


def peer_list(request, pk):
    """The cadre's peer evaluations of the month, with progress (never who rates them)."""
    period, member = _get_membership(request, pk)
    ratees = list(
        PeerAssignment.objects.filter(period=period, rater=member.cadre)
        .select_related("ratee")
        .order_by("ratee__full_name", "ratee__code")
    )
    cards = {
        card.ratee_id: card
        for card in Scorecard.objects.filter(period=period, rater=member.cadre, kind=PEER)
    }
    rows = [(a.ratee, cards.get(a.ratee_id)) for a in ratees]
    done = sum(1 for _r, card in rows if card and card.status == ScorecardStatus.SUBMITTED)
    return render(
        request,
        "scoring/month/peers.html",
        {
            "period": period,
            "member": member,
            "rows": rows,
            "done": done,
            "total": len(rows),
            "problem": _step_problem(period, PEER, unit_id=member.unit_id),
        },
    )


def peer_form(request, pk, code):
    period, member = _get_membership(request, pk)
    assignment = get_object_or_404(
        PeerAssignment.objects.select_related("ratee"),
        period=period,
        rater=member.cadre,
        ratee__code=code,
    )
    return _score_page(
        request,
        period=period,
        ratee=assignment.ratee,
        rater=member.cadre,
        kind=PEER,
        template="scoring/month/peer_form.html",
        context={"member": member, "ratee": assignment.ratee},
        done_url=reverse("month:peers", args=[period.pk]),
    )


# --- the head's grid -----------------------------------------------------------------------


@dataclass
class Cell:
    criterion: object
    value: str
    errors: list = field(default_factory=list)
    self_points: object = None  # the cadre's self-assessment, beside (scoring/beside.py)
    peer_mean: object = None  # the cross-evaluations' mean, once it may be shown

    @property
    def code(self):
        return self.criterion.code


@dataclass
class GridRow:
    member: PeriodMember
    result: engine.CadreResult | Result | None  # the preview, or the stored decision
    card: Scorecard | None
    cells: list
    task_cell: Cell | None  # the manual T, for a cadre with no task in the month
    editable: bool
    refusal: str
    adjustments: list
    parts_hidden: bool = False  # the viewer's own row, see peer_parts_visible (docs/RULES.md §3)
    correction: Correction | None = None  # open for this cadre after an accepted appeal
    # While peers still rate: no total, tier or leader's T (Period.cross_evaluation_closed).
    figures_hidden: bool = False
    state: str = ""  # "", "saved", "invalid" or "refused"
    message: str = ""
    service: ServiceFigures | None = None  # the month's rated dossiers (scoring/beside.py)

    @property
    def cadre(self):
        return self.member.cadre

    @property
    def code(self):
        return self.member.cadre.code

    @property
    def saved_by(self) -> str:
        """Who saved the scorecard shown (its rater when the command line saved it)."""
        user = self.card.updated_by
        if user is None:
            return self.card.rater.full_name
        cadre = getattr(user, "cadre", None)
        return cadre.full_name if cadre else user.get_username()

    @property
    def demoted(self):
        r = self.result
        return r is not None and bool(r.tier) and r.tier != r.tier_before_quota

    @property
    def task_hidden(self):
        """A leader's T hangs on whether a staff member is D (docs/RULES.md §1), so on the peers."""
        r = self.result
        return self.figures_hidden and r is not None and r.task_source == engine.TaskSource.LEADER


@dataclass
class GridInputs:
    """What the grid shows of a unit's members besides their scorecards.

    Before the decision, the engine's preview of the unit; from the decision on, the stored
    `Result` rows, without the engine (docs/RULES.md §2: a decided month never changes, whatever
    happens to its tasks afterwards).
    """

    members: dict[str, PeriodMember]  # by cadre code, with cadre and unit loaded
    results: dict  # by cadre code: an engine.CadreResult before the decision, then a Result
    peer_counts: dict[str, int]  # submitted peer scorecards, by cadre code


def _grid_inputs(period, unit) -> GridInputs:
    if period.phase in DECIDED_PHASES:
        return _stored_grid_inputs(period, unit)
    inputs = period_inputs(period, unit)
    return GridInputs(
        members=inputs.members,
        results={r.code: r for r in inputs.decide().cadres},
        peer_counts=inputs.peer_counts,
    )


def _stored_grid_inputs(period, unit) -> GridInputs:
    """The unit's members and their decided results: two queries, whatever the unit's size."""
    members = {
        m.cadre.code: m
        for m in PeriodMember.objects.filter(period=period, unit=unit)
        .select_related("cadre", "unit")
        .only(*MEMBER_FIELDS)
    }
    code_of = {m.cadre_id: code for code, m in members.items()}
    results = {
        code_of[r.cadre_id]: r
        for r in Result.objects.filter(period=period, cadre_id__in=list(code_of))
    }
    return GridInputs(
        members=members,
        results=results,
        peer_counts={code: r.peer_count for code, r in results.items()},
    )


def _grid_rows(
    request, period, unit, members, inputs, general, task, *, typed=None, errors=None
) -> list[GridRow]:
    """Rows of the grid for `members`, valued by `inputs` (the preview, or the decision)."""
    scope = get_scope(request)
    results = inputs.results
    ids = [m.cadre_id for m in members]
    cards = latest_supervisor_cards(period, ids)
    adjustments = defaultdict(list)
    for adjustment in Adjustment.objects.filter(period=period, cadre_id__in=ids).order_by(
        "created_at", "pk"
    ):
        adjustments[adjustment.cadre_id].append(adjustment)
    me = scope.cadre
    closed = period.cross_evaluation_closed(_today())
    step_open = (
        scope.can_act(unit)
        and me is not None
        and _step_problem(period, SUPERVISOR, unit_id=unit.pk) is None
    )
    rules = rating_rules(period, cadre_ids=[*ids, me.pk]) if step_open else None
    # A published month: only a cadre under correction (an accepted appeal) is writable, by
    # their own supervisor (docs/RULES.md §2).
    corrections = {c.cadre_id: c for c in open_corrections(period).filter(cadre_id__in=ids)}
    correctors = supervisors_of(period, list(corrections)) if corrections else {}
    typed = typed or {}
    errors = errors or {}
    rows = []
    for member in members:
        code = member.cadre.code
        card = cards.get(member.cadre_id)
        parts_hidden = not peer_parts_visible(
            closed=closed,
            peer_count=inputs.peer_counts.get(code, 0),
            ratee_id=member.cadre_id,
            viewer=me,
        )
        lines = card.lines.all() if card is not None and not parts_hidden else ()
        values = {line.criterion.code: shown_points(line.points) for line in lines}
        values |= typed.get(code, {})
        row_errors = errors.get(code, {})
        result = results.get(code)
        refusal = ""
        if rules is not None:
            refusal = rules.refusal(SUPERVISOR, me.pk, member.cadre_id) or ""
        correction = corrections.get(member.cadre_id)
        corrects = (
            correction is not None
            and me is not None
            and me.pk in correctors.get(member.cadre_id, ())
            and scope.can_act(unit)
        )
        manual = task is not None and result is not None and result.task_source in MANUAL_TASK
        rows.append(
            GridRow(
                member=member,
                result=result,
                card=card,
                cells=[
                    Cell(c, values.get(c.code, ""), row_errors.get(c.code, [])) for c in general
                ],
                task_cell=(
                    Cell(task, values.get(task.code, ""), row_errors.get(task.code, []))
                    if manual
                    else None
                ),
                editable=(step_open and not refusal) or corrects,
                refusal=refusal,
                adjustments=adjustments[member.cadre_id],
                parts_hidden=parts_hidden,
                correction=correction,
                figures_hidden=not closed,
            )
        )
    beside.attach_to_grid(period, rows, closed=closed)
    return rows


def _unit_members(inputs, unit):
    """The unit's members in the period: heads and deputies first, then by name."""
    return sorted(
        (m for m in inputs.members.values() if m.unit_id == unit.pk),
        key=lambda m: (not m.is_leader, m.cadre.full_name, m.cadre.code),
    )


def _scored_count(period, unit) -> int:
    return (
        Scorecard.objects.filter(
            period=period,
            kind=SUPERVISOR,
            status=ScorecardStatus.SUBMITTED,
            ratee__period_memberships__period=period,
            ratee__period_memberships__unit=unit,
        )
        .values("ratee_id")
        .distinct()
        .count()
    )


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


def _row_response(request, period, unit, member, *, typed=None, errors=None, state, message):
    """The re-rendered row for htmx (with the unit's progress as an event), or a redirect."""
    if not request.htmx:
        level = messages.success if state == "saved" else messages.error
        level(request, f"{member.cadre.full_name}: {message}")
        return redirect("month:grid", period.pk, unit.code)
    inputs = _grid_inputs(period, unit)
    general, task = grid_criteria(period)
    (row,) = _grid_rows(
        request, period, unit, [member], inputs, general, task, typed=typed, errors=errors
    )
    row.state, row.message = state, message
    response = render(
        request,
        "scoring/month/grid.html#score-row",
        {"row": row, "period": period, "unit": unit, "general": general, "task": task},
    )
    response["HX-Trigger"] = json.dumps(
        {
            "gridProgress": {
                "scored": _scored_count(period, unit),
                "total": len(_unit_members(inputs, unit)),
            }
        }
    )
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
    general, task = grid_criteria(period)
    manual = task is not None and f"points_{task.code}" in request.POST
    form = ScoreForm(
        request.POST,
        criteria=[*general, *([task] if manual else [])],
        kind=SUPERVISOR,
        require_all=True,
        with_comments=False,
    )
    typed = {member.cadre.code: form.typed()}
    if not form.is_valid():
        errors = {
            field.removeprefix("points_"): list(messages_)
            for field, messages_ in form.errors.items()
            if field.startswith("points_")
        }
        return _row_response(
            request,
            period,
            unit,
            member,
            typed=typed,
            errors={member.cadre.code: errors},
            state="invalid",
            message=_("Nothing was saved: correct the marked cells."),
        )
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
        mine = ", ".join(f"{k} {v}" for k, v in form.typed().items() if v)
        return _row_response(
            request,
            period,
            unit,
            member,
            state="refused",
            message=_("Not saved. %(why)s The row now shows their scores; yours were: %(mine)s.")
            % {"why": refusal.message, "mine": mine or "—"},
        )
    except ScoringError as refusal:
        return _row_response(
            request, period, unit, member, typed=typed, state="refused", message=refusal.message
        )
    return _row_response(request, period, unit, member, state="saved", message=_("Saved."))


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


def grid_excel(request, pk, code):
    """The grid as an Excel template: cadre codes, one column per criterion, current points.

    It holds every member but the viewer (nobody scores themself), and uploads back unchanged:
    a row still holding the points shown saves nothing (`supervisor_grid_import`)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    period, unit = _get_period_unit(request, pk, code)
    viewer = get_scope(request).cadre
    inputs = _grid_inputs(period, unit)
    general, task = grid_criteria(period)
    members = [m for m in _unit_members(inputs, unit) if viewer is None or m.cadre_id != viewer.pk]
    results = inputs.results
    cards = latest_supervisor_cards(period, [m.cadre_id for m in members])

    book = Workbook()
    sheet = book.active
    sheet.title = _("Scores")
    columns = [*general, *([task] if task else [])]
    sheet.append(["cadre_code", "full_name", *[c.code for c in columns]])
    for index, criterion in enumerate(columns, start=3):
        cell = sheet.cell(row=1, column=index)
        most = _("at most %(max)s") % {"max": points_text(criterion.max_points, trim=True)}
        cell.comment = Comment(f"{criterion.name} ({most})", "FiveClear")
        validation = DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2=shown_points(criterion.max_points),
            allow_blank=True,
            showErrorMessage=True,
            error=_("From 0 to %(max)s.") % {"max": points_text(criterion.max_points, trim=True)},
        )
        sheet.add_data_validation(validation)
        letter = cell.column_letter
        validation.add(f"{letter}2:{letter}{len(members) + 1}")
    grey = PatternFill("solid", fgColor="DDDDDD")
    viewer = get_scope(request).cadre
    closed = period.cross_evaluation_closed(_today())
    for member in members:
        card = cards.get(member.cadre_id)
        shown = card is not None and peer_parts_visible(
            closed=closed,
            peer_count=inputs.peer_counts.get(member.cadre.code, 0),
            ratee_id=member.cadre_id,
            viewer=viewer,
        )
        points = {line.criterion.code: line.points for line in card.lines.all()} if shown else {}
        result = results.get(member.cadre.code)
        manual = result is not None and result.task_source in MANUAL_TASK
        values = [points.get(c.code) for c in general]
        if task:
            values.append(points.get(task.code) if manual else None)
        sheet.append([member.cadre.code, neutralise(member.cadre.full_name), *values])
        if task and not manual:
            sheet.cell(row=sheet.max_row, column=len(columns) + 2).fill = grey
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 30
    sheet.freeze_panes = "C2"

    guide = book.create_sheet(_("Guide"))
    guide.append([_("Criterion"), _("Criterion name"), _("Maximum")])
    for criterion in columns:
        guide.append([criterion.code, neutralise(criterion.name), criterion.max_points])
    guide.append([])
    guide.append([_("Fill in the points of each cadre, then upload the file on the grid page.")])
    if task:
        guide.append(
            [
                _("%(code)s only for a cadre with no task in the month (grey cells stay empty).")
                % {"code": task.code}
            ]
        )
    guide.append([_("A row left empty is skipped; a row with some points needs them all.")])

    format_numbers(sheet)
    format_numbers(guide)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"cham-diem-{period.month}-{unit.code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
def grid_upload(request, pk, code):
    """The filled-in template back: all rows saved, or none with every error listed."""
    period, unit = _get_period_unit(request, pk, code, write=True)
    form = GridUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        too_large = form.has_error("file", "too_large")
        messages.error(
            request, form.errors["file"][0] if too_large else _("Choose a file to upload.")
        )
        return redirect("month:grid", period.pk, unit.code)
    try:
        counts = supervisor_grid_import(
            period=period,
            unit=unit,
            rater=get_scope(request).cadre,
            data=form.cleaned_data["file"].read(),
            user=request.user,
        )
    except ImportFailed as failure:
        name = form.cleaned_data["file"].name
        return grid(request, pk, code, upload_failure=failure, uploaded_name=name, status=400)
    except ScoringError as refusal:
        messages.error(request, refusal.message)
        return redirect("month:grid", period.pk, unit.code)
    messages.success(
        request,
        _(
            "Uploaded: %(saved)s rows saved, %(unchanged)s rows unchanged, %(skipped)s empty "
            "rows skipped."
        )
        % counts,
    )
    return redirect("month:grid", period.pk, unit.code)


def cadre_tasks(request, pk, code):
    """The tasks of a cadre that count in the month's T (docs/RULES.md §1)."""
    period = _get_period(pk)
    member = get_object_or_404(
        PeriodMember.objects.select_related("cadre", "unit"), period=period, cadre__code=code
    )
    scope = get_scope(request)
    own = scope.is_self(member.cadre_id)
    if not scope.can_see_cadre(member.cadre_id, unit=member.unit):
        raise Http404
    tasks = (
        with_counts(Task.objects.filter(assignee=member.cadre))
        .due_in_month(period.first_day, period.last_day)
        .order_by("effective_deadline", "code")
    )
    return render(
        request,
        "scoring/month/tasks.html",
        {"period": period, "member": member, "tasks": tasks, "own": own},
    )


# --- decision, publication, appeals --------------------------------------------------------


@dataclass
class QuotaGroup:
    """One unit × job group of the preview: what the quota does there."""

    unit: Unit
    job_group: str
    rows: list = field(default_factory=list)  # (member, CadreResult)

    @property
    def candidates(self):
        return sum(1 for _m, r in self.rows if r.tier_before_quota == engine.Tier.A)

    @property
    def kept(self):
        return sum(1 for _m, r in self.rows if r.tier == engine.Tier.A)

    @property
    def demoted(self):
        return [(m, r) for m, r in self.rows if r.tier != r.tier_before_quota and r.tier]

    @property
    def rated(self):
        return sum(1 for _m, r in self.rows if r.tier is not None)


def decide(request, pk):
    """Before the decision: provisional tiers and what the quota will do; then the results."""
    period, paths = _get_period_for_reader(request, pk)
    scope = get_scope(request)
    if request.method == "POST":
        _require_scope_head(request, period)
        try:
            period_decide(period=period, user=request.user)
        except ScoringError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("The period is decided. Publish it to show the results."))
        return redirect("month:decide", period.pk)

    closed = period.cross_evaluation_closed(_today())
    context = {
        "period": period,
        "can_decide": scope.can_act(period.scope),
        "decided": period.is_frozen,
        "figures_hidden": not closed,
    }
    if period.is_frozen:
        results = list(
            Result.objects.filter(period=period)
            .filter(_path_q("unit__path", paths))
            .select_related("cadre", "unit")
            .order_by("unit__path", "rank_in_unit", "cadre__full_name")
        )
        context["results"] = results
        context["tiers"] = _tier_counts(r.tier for r in results)
        context["revisions"] = _revisions(period, paths)
        context["corrections"] = list(
            open_corrections(period).filter(_path_q("unit__path", paths)).order_by("opened_at")
        )
    elif closed:  # while peers rate, the preview would move with each peer scorecard
        inputs = period_inputs(period)
        outcome = inputs.decide()
        groups = {}
        undecidable, tiers = [], []
        for result in outcome.cadres:
            member = inputs.members[result.code]
            if not _under(member.unit.path, paths):
                continue
            if not result.decidable:
                undecidable.append((member, result))
                continue
            tiers.append(result.tier)
            key = (member.unit.path, result.job_group)
            if key not in groups:
                groups[key] = QuotaGroup(unit=member.unit, job_group=result.job_group)
            groups[key].rows.append((member, result))
        for group in groups.values():
            group.rows.sort(
                key=lambda mr: (mr[1].total is None, -(mr[1].total.exact if mr[1].total else 0))
            )
        context.update(
            groups=[groups[k] for k in sorted(groups)],
            undecidable=sorted(
                undecidable, key=lambda mr: (mr[0].unit.path, mr[0].cadre.full_name)
            ),
            tiers=_tier_counts(tiers),
            demoted=sum(len(g.demoted) for g in groups.values()),
        )
    return render(request, "scoring/month/decide.html", context)


def _revisions(period, paths) -> list[Revision]:
    """The month's revisions, newest first, each with the changed results the viewer reads
    (`shown_changes`) and whether they read the appellant (`shows_appellant`): two queries."""
    revisions = list(
        Revision.objects.filter(period=period).select_related(
            "correction__cadre", "correction__unit", "decided_by__cadre"
        )
    )
    changes = defaultdict(list)
    for change in (
        RevisionChange.objects.filter(revision__period=period)
        .filter(_path_q("unit__path", paths))
        .select_related("cadre", "unit")
        .order_by("unit__path", "cadre__full_name", "cadre__code")
    ):
        changes[change.revision_id].append(change)
    for revision in revisions:
        revision.shown_changes = changes[revision.pk]
        revision.shows_appellant = _under(revision.correction.unit.path, paths)
    return [r for r in revisions if r.shown_changes or r.shows_appellant]


def _tier_counts(tiers) -> list[tuple[str, int]]:
    """[(tier, count)] in order A, B, C, D, then "" for not rated."""
    counts = Counter(str(tier or "") for tier in tiers)
    return sorted(counts.items(), key=lambda item: (item[0] == "", item[0]))


def _path_q(field_name, paths):
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field_name}__startswith": path})
    return condition


@require_POST
def publish(request, pk):
    period, _paths = _get_period_for_reader(request, pk)
    _require_scope_head(request, period)
    try:
        period_publish(period=period, user=request.user)
    except ScoringError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Published: every cadre now sees their result."))
    return redirect("month:decide", period.pk)


def appeals(request, pk):
    """The appeals of the cadres the user reads, newest first, with the answer form."""
    period, paths = _get_period_for_reader(request, pk)
    scope = get_scope(request)
    members = PeriodMember.objects.filter(period=period).filter(_path_q("unit__path", paths))
    rows = list(
        Appeal.objects.filter(period=period, cadre_id__in=members.values("cadre_id"))
        .select_related("cadre", "answered_by__cadre", "correction__revision")
        .order_by("status", "-created_at")
    )
    waiting = [a.cadre_id for a in rows if a.status == AppealStatus.OPEN]
    # Only the appellant's own supervisor answers (docs/RULES.md §3).
    supervisors = supervisors_of(period, waiting) if waiting and scope.cadre else {}
    for appeal in rows:
        appeal.can_answer = (
            appeal.status == AppealStatus.OPEN
            and scope.cadre is not None
            and scope.cadre.pk in supervisors.get(appeal.cadre_id, ())
        )
        appeal.opened = getattr(appeal, "correction", None)
    return render(
        request,
        "scoring/month/appeals.html",
        {
            "period": period,
            "appeals": rows,
            "open": sum(1 for a in rows if a.status == AppealStatus.OPEN),
            "answer_form": AppealAnswerForm(),
        },
    )


@require_POST
def appeal_reply(request, pk, appeal_id):
    """Answer an appeal. Accepting is asked again on a page that says what it opens (nothing
    is written until that page is confirmed); rejecting is answered at once."""
    period, paths = _get_period_for_reader(request, pk)
    appeal = get_object_or_404(
        Appeal.objects.select_related("cadre", "period"), pk=appeal_id, period=period
    )
    member = get_object_or_404(
        PeriodMember.objects.select_related("unit"), period=period, cadre_id=appeal.cadre_id
    )
    if not _under(member.unit.path, paths):
        raise Http404
    scope = get_scope(request)
    if not scope.can_act(member.unit):
        raise PermissionDenied
    form = AppealAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the answer to the appeal."))
        return redirect("month:appeals", period.pk)
    accept = form.cleaned_data["decision"] == "accept"
    if accept and not form.cleaned_data["confirm"]:
        try:
            appeal_answer_check(appeal=appeal, user=request.user)
        except ScoringError as refusal:
            messages.error(request, refusal.message)
            return redirect("month:appeals", period.pk)
        return render(
            request,
            "scoring/month/appeal_accept.html",
            {
                "period": period,
                "appeal": appeal,
                "member": member,
                "result": Result.objects.filter(period=period, cadre=appeal.cadre).first(),
                "answer": form.cleaned_data["answer"],
            },
        )
    try:
        appeal_answer(
            appeal=appeal,
            accept=accept,
            answer=form.cleaned_data["answer"],
            confirmed=accept,
            user=request.user,
        )
    except ScoringError as refusal:
        messages.error(request, refusal.message)
    else:
        correction = Correction.objects.filter(appeal=appeal).first() if accept else None
        if correction is not None:
            messages.success(
                request,
                _(
                    "Appeal accepted: a correction is open for %(name)s alone. Correct their "
                    "supervisor scores or adjustments in the grid, then decide the month again "
                    "on the correction page."
                )
                % {"name": appeal.cadre.full_name},
            )
            return redirect("month:correction", period.pk, correction.pk)
        messages.success(request, _("Answer sent.") if not accept else _("Appeal accepted."))
    return redirect("month:appeals", period.pk)


def _get_correction(request, pk, correction_id) -> tuple[Period, list[str], Correction]:
    """The period, the paths the user reads, and a correction of a cadre they read; else 404."""
    period, paths = _get_period_for_reader(request, pk)
    correction = get_object_or_404(
        Correction.objects.select_related("cadre", "unit", "appeal", "opened_by__cadre"),
        pk=correction_id,
        period=period,
    )
    if not _under(correction.unit.path, paths):
        raise Http404
    return period, paths, correction


def correction_detail(request, pk, correction_id):
    """An accepted appeal's correction: the appellant's row to correct, what deciding again
    would change (before and after), and the button; once decided, the revision."""
    period, paths, correction = _get_correction(request, pk, correction_id)
    scope = get_scope(request)
    may_decide = scope.can_act(period.scope) or (
        scope.cadre is not None and answer_refusal(period, correction.cadre, scope.cadre) is None
    )
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied
        try:
            revision = correction_decide(correction=correction, user=request.user)
        except ScoringError as refusal:
            messages.error(request, refusal.message)
            return redirect("month:correction", period.pk, correction.pk)
        changed = revision.changes.count()
        messages.success(
            request,
            ngettext(
                "Decided again: %(n)s result changed; the people concerned are notified.",
                "Decided again: %(n)s results changed; the people concerned are notified.",
                changed,
            )
            % {"n": changed},
        )
        return redirect(reverse("month:decide", args=[period.pk]) + "#revisions")

    context = {"period": period, "correction": correction, "may_decide": may_decide}
    if correction.is_open and period.phase == Phase.APPEALS:
        plan = revision_plan(period, correction.cadre)
        members = {
            m.cadre_id: m
            for m in PeriodMember.objects.filter(
                period=period, cadre_id__in=[row.cadre_id for row in plan.listed]
            ).select_related("cadre", "unit")
        }
        context["changes"] = [
            SimpleNamespace(
                cadre=members[row.cadre_id].cadre,
                unit=members[row.cadre_id].unit,
                before=row.before,
                after=row.after,
            )
            for row in plan.listed
            if _under(members[row.cadre_id].unit.path, paths)
        ]
    else:
        revision = Revision.objects.filter(correction=correction).first()
        context["revision"] = revision
        context["changes"] = (
            list(
                revision.changes.filter(_path_q("unit__path", paths))
                .select_related("cadre", "unit")
                .order_by("unit__path", "cadre__full_name")
            )
            if revision
            else []
        )
    return render(request, "scoring/month/correction.html", context)


# --- the cadre's result --------------------------------------------------------------------


def result(request, pk, code=None):
    """A published result with every component (never the raters), and the appeal form."""
    scope = get_scope(request)
    if code is None:
        period, member = _get_membership(request, pk)
    else:
        period = _get_period(pk)
        member = get_object_or_404(
            PeriodMember.objects.select_related("cadre", "unit__parent"),
            period=period,
            cadre__code=code,
        )
    own = scope.is_self(member.cadre_id)
    if not scope.can_see_cadre(member.cadre_id, unit=member.unit):
        raise Http404
    # The cadre sees their result once published; a head or leader as soon as it is decided.
    visible = period.phase in PUBLISHED or (not own and period.is_frozen)
    context = {"period": period, "member": member, "own": own}
    row = (
        Result.objects.filter(period=period, cadre=member.cadre).select_related("unit").first()
        if visible
        else None
    )
    if row is not None:
        difference = row.reward - row.equal_split if row.equal_split is not None else None
        counts = Result.objects.filter(period=period, rated=True).aggregate(
            scope=Count("pk"), unit=Count("pk", filter=Q(unit=row.unit))
        )
        context.update(
            result=row,
            parts_visible=peer_parts_visible(
                closed=period.cross_evaluation_closed(_today()),
                peer_count=row.peer_count,
                ratee_id=member.cadre_id,
                viewer=scope.cadre,
            ),
            rated_in_unit=counts["unit"],
            rated_in_scope=counts["scope"],
            unit_result=PeriodUnitResult.objects.filter(period=period, unit=row.unit).first(),
            adjustments=Adjustment.objects.filter(period=period, cadre=member.cadre).order_by(
                "created_at"
            ),
            tasks=with_counts(Task.objects.filter(assignee=member.cadre))
            .due_in_month(period.first_day, period.last_day)
            .order_by("effective_deadline", "code"),
            appeals=Appeal.objects.filter(period=period, cadre=member.cadre).order_by(
                "-created_at"
            ),
            reward_difference=difference,
            reward_gap=abs(difference or 0),
            demoted_reason=next(
                (reason_text(r) for r in row.reasons if r.get("code") == "quota_demoted"), ""
            ),
            other_reasons=[r for r in row.reasons if r.get("code") != "quota_demoted"],
        )
        context["service"] = cadre_figures(
            [member.cadre_id], period.first_day, period.last_day
        ).get(member.cadre_id)
        context["criteria_lines"], context["weights"] = beside.result_lines(
            period, period.regulation, member.cadre, parts_visible=context["parts_visible"]
        )
        window_open = period.phase == Phase.APPEALS and _today() <= period.appeals_until
        context["appeal_form"] = AppealForm() if own and window_open else None
        context["appeal_kept"] = request.session.pop(f"appeal_text_{period.pk}", "") if own else ""
        context["appeal_waiting"] = any(a.status == AppealStatus.OPEN for a in context["appeals"])
        # Revisions after accepted appeals: what changed in this result (never whose appeal).
        context["revised"] = list(
            RevisionChange.objects.filter(revision__period=period, cadre=member.cadre)
            .select_related("revision")
            .order_by("-revision__decided_at", "-pk")
        )
        context["correcting"] = (
            open_corrections(period).filter(cadre=member.cadre).exists()
            if period.phase == Phase.APPEALS
            else False
        )
    return render(request, "scoring/month/result.html", context)


@require_POST
def appeal_new(request, pk):
    period, member = _get_membership(request, pk)
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write what the appeal is about."))
        return redirect("month:result", period.pk)
    try:
        appeal_file(
            period=period, cadre=member.cadre, text=form.cleaned_data["text"], user=request.user
        )
    except ScoringError as refusal:
        messages.error(request, refusal.message)
        # The text typed is not lost: the result page shows it again (once).
        request.session[f"appeal_text_{period.pk}"] = form.cleaned_data["text"]
    else:
        messages.success(request, _("Your appeal was sent to the head of your unit."))
    return redirect("month:result", period.pk)


# --- progress, lists, banner ---------------------------------------------------------------


def progress(request, pk):
    """Who has not submitted what, per step, over the units the user reads (or one of them).

    Of the peer step only counts: per rater how many they still owe, per ratee how many are
    in; never who rates whom (docs/RULES.md §3).
    """
    period, paths = _get_period_for_reader(request, pk)
    unit = None
    if request.GET.get("unit"):
        unit = get_object_or_404(Unit, code=request.GET["unit"])
        if not _under(unit.path, paths):
            raise Http404
        paths = [unit.path]
    work = period_work(period, paths=paths)
    peers = sorted(
        ((work.names[rater_id], owed.remaining) for rater_id, owed in work.peer_owed.items()),
        key=_by_member_name,
    )
    receiving = sorted(
        ((work.names[ratee_id], count) for ratee_id, count in work.peer_received.items()),
        key=_by_member_name,
    )
    supervisors = sorted(
        (_full_name(work.names[cadre_id]), owed) for cadre_id, owed in work.supervisors_owed.items()
    )
    total = len(work.members)
    return render(
        request,
        "scoring/month/progress.html",
        {
            "period": period,
            "unit": unit,
            "work": work,
            "total": total,
            "self_done": total - len(work.self_missing),
            "peers": peers,
            "receiving": receiving,
            "peer_done": work.peer_raters - len(work.peer_owed),
            "supervisors": supervisors,
            "supervisor_done": total - len(work.supervisor_missing),
            "steps": {kind: _step_problem(period, kind) for kind in (SELF, PEER, SUPERVISOR)},
        },
    )


def _by_member_name(pair):
    member = pair[0]
    return member.cadre.full_name, member.cadre.code


def _full_name(person) -> str:
    """The name of a period member, or of a cadre who is not one (a supervisor above)."""
    return getattr(person, "cadre", person).full_name


def manage(request):
    """The head's periods before their decision and the units to score in each, with how
    many are scored (decided months are on the decisions page)."""
    scope = get_scope(request)
    if not scope.act_paths:
        raise Http404
    periods = list(
        _periods_covering(scope.act_paths)
        .filter(phase__in=OPEN_PHASES)
        .select_related("scope")
        .order_by("-month", "scope__code")[:6]
    )
    scored = Exists(
        Scorecard.objects.filter(
            period_id=OuterRef("period_id"),
            ratee_id=OuterRef("cadre_id"),
            kind=SUPERVISOR,
            status=ScorecardStatus.SUBMITTED,
        )
    )
    counts = (
        PeriodMember.objects.filter(period__in=periods)
        .filter(_path_q("unit__path", scope.act_paths))
        .annotate(is_scored=scored)
        .values_list("period_id", "unit__code", "unit__name", "unit__path", "is_scored")
    )
    units = defaultdict(dict)
    for period_id, code, name, path, is_scored in counts:
        entry = units[period_id].setdefault(
            path, {"code": code, "name": name, "members": 0, "scored": 0}
        )
        entry["members"] += 1
        entry["scored"] += bool(is_scored)
    rows = [
        {
            "period": period,
            "units": [units[period.pk][path] for path in sorted(units[period.pk])],
            "problem": _step_problem(period, SUPERVISOR),
        }
        for period in periods
    ]
    return render(request, "scoring/month/manage.html", {"rows": rows})


def decisions(request):
    """Periods the user reads: phase, dates, open appeals, and links to decide and follow.

    A period over the ward lists for a department's head only the open appeals of cadres
    whose unit in the period he reads, as the appeals inbox does."""
    scope = get_scope(request)
    if not (scope.read_paths or scope.is_admin):
        raise Http404
    periods = Period.objects.all() if scope.is_admin else _periods_covering(scope.read_paths)
    periods = list(
        periods.select_related("scope")
        .annotate(open_appeals=_open_appeals(None if scope.is_admin else scope.read_paths))
        .order_by("-month", "scope__code")[:12]
    )
    for period in periods:
        period.can_decide = scope.can_act(period.scope)
    return render(request, "scoring/month/decisions.html", {"periods": periods})


def _open_appeals(paths):
    """The number of open appeals of the outer period by cadres whose unit in the period lies
    under one of `paths` (None: every appeal), as a subquery."""
    appeals = Appeal.objects.filter(period=OuterRef("pk"), status=AppealStatus.OPEN)
    if paths is not None:
        members = PeriodMember.objects.filter(
            period=OuterRef("period"), cadre=OuterRef("cadre")
        ).filter(_path_q("unit__path", paths))
        appeals = appeals.filter(Exists(members))
    counted = appeals.order_by().values("period").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def due(request):
    """The banner of work due within two days (loaded by every page after it is shown)."""
    owed = work_due_for(get_scope(request).cadre, today=_today())
    return render(request, "scoring/month/due.html", {"owed": owed, "today": _today()})
