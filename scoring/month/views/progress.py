"""The progress of heads and leaders, the manage and decisions pages, the banner of work due."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from scoring.models import Appeal, AppealStatus, Period, PeriodMember, Scorecard, ScorecardStatus
from scoring.month.reminders import period_work, work_due_for
from scoring.month.views.common import (
    OPEN_PHASES,
    PEER,
    SELF,
    SUPERVISOR,
    _get_period_for_reader,
    _periods_covering,
    _step_problem,
    _today,
    _under,
)
from scoring.month.views.decide import _path_q
from units.models import Unit
from units.scope import get_scope

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
