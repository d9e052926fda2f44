"""What the month's pages share: finding the period, the unit and the membership through the
scope (404 for an outsider), the step's problem, the form's initial points."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from scoring.models import Period, PeriodMember, ScorecardKind
from scoring.month.forms import shown_points
from scoring.month.selectors.rating import step_problem
from units.models import Unit
from units.scope import cadre_or_404, get_scope

SELF, PEER, SUPERVISOR = ScorecardKind.SELF, ScorecardKind.PEER, ScorecardKind.SUPERVISOR


def _today():
    return timezone.localdate()


# --- access --------------------------------------------------------------------------------


def _get_period(pk) -> Period:
    return get_object_or_404(Period.objects.select_related("scope", "regulation"), pk=pk)


def _get_membership(request, pk) -> tuple[Period, PeriodMember]:
    """The period and the user's own place in it; 404 for anyone not scored in it."""
    cadre = cadre_or_404(request, None)
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


def _step_problem(period, kind, **unit) -> str | None:
    """`step_problem` today; with `unit_id` or `ratee_id`, a step reopened for that unit
    counts."""
    return step_problem(period, kind, _today(), **unit)


def _initial(card) -> dict:
    """Form initial values from a scorecard's lines."""
    initial = {"version": card.version if card else 0}
    if card is not None:
        for line in card.lines.all():
            initial[f"points_{line.criterion.code}"] = shown_points(line.points)
            initial[f"comment_{line.criterion.code}"] = line.comment
    return initial
