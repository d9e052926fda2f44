"""Saving a scorecard (self, peer, supervisor): who may rate whom, points within each
criterion's maximum, the optimistic version against a stale save."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TypedDict, overload

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.models import Criterion, CriterionGroup
from directives.selectors import task_facts
from scoring.errors import InvalidInput, NotAllowed, PhaseClosed, StaleScorecard
from scoring.io.formats import points_text
from scoring.models import AuditEntry, Period, Scorecard, ScorecardKind, ScorecardStatus, ScoreLine
from scoring.month.corrections import answer_refusal
from scoring.month.selectors.inputs import regulation_criteria
from scoring.month.selectors.rating import rating_rules, step_refusal
from scoring.month.services.common import (
    TypedNumber,
    _audit,
    _decimal,
    _lock,
    _name,
    _refuse_frozen,
    _refuse_frozen_inputs,
    _text,
    today,
)
from units.models import Cadre

# --- scorecards ----------------------------------------------------------------------------


def points_refusal(
    criterion: Criterion, points: Decimal, *, kind: str, has_tasks: bool
) -> str | None:
    """Why `points` cannot be given for `criterion` on a `kind` scorecard; None when fine."""
    if criterion.group == CriterionGroup.BONUS:
        return _("Bonus points are entered as a bonus adjustment, not on a scorecard.")
    if criterion.group == CriterionGroup.TASK:
        if kind != ScorecardKind.SUPERVISOR:
            return _("%(code)s is entered only by the supervisor.") % {"code": criterion.code}
        if has_tasks:
            return _(
                "The cadre has tasks this month: %(code)s is computed from them, not entered."
            ) % {"code": criterion.code}
    if points < 0 or points > criterion.max_points:
        return _("%(code)s: %(points)s is outside 0–%(max)s.") % {
            "code": criterion.code,
            "points": points_text(points, trim=True),
            "max": points_text(criterion.max_points, trim=True),
        }
    if points != points.quantize(Decimal("0.01")):
        return _("%(code)s: at most 2 decimal places.") % {"code": criterion.code}
    return None


def has_tasks_in_month(period: Period, cadre_id: int) -> bool:
    facts = task_facts(cadre_ids=[cadre_id], first_day=period.first_day, last_day=period.last_day)
    return bool(facts.get(cadre_id))


class ScorecardState(TypedDict):
    """A scorecard as its audit entries keep it: points as text, by criterion code."""

    status: str
    version: int
    points: dict[str, str]


@overload
def scorecard_state(card: Scorecard, lines: Mapping[str, Decimal]) -> ScorecardState: ...
@overload
def scorecard_state(card: None, lines: Mapping[str, Decimal]) -> None: ...
def scorecard_state(card: Scorecard | None, lines: Mapping[str, Decimal]) -> ScorecardState | None:
    if card is None:
        return None
    return {
        "status": card.status,
        "version": card.version,
        "points": {code: f"{points:.2f}" for code, points in sorted(lines.items())},
    }


def stale_message(card: Scorecard | None) -> str:
    if card is None:  # the form named a version of a scorecard that no longer exists
        return _("This scorecard changed after you opened it. Reload it, then save again.")
    saved_at = timezone.localtime(card.updated_at).strftime("%d/%m/%Y %H:%M")
    return _(
        "%(who)s saved this scorecard at %(when)s, after you opened it. Reload it to see "
        "their changes, then save again."
    ) % {"who": _name(card.updated_by), "when": saved_at}


@transaction.atomic
def scorecard_save(
    *,
    period: Period,
    ratee: Cadre,
    rater: Cadre,
    kind: str,
    points: Mapping[str, TypedNumber | None],
    comments: Mapping[str, str | None] | None = None,
    submit: bool = False,
    expected_version: int | None = None,
    user: User | None,
    enforce_phase: bool = True,
    period_locked: bool = False,
) -> Scorecard:
    """Save (and with `submit`, submit) `rater`'s `kind` scorecard of `ratee`.

    `points` maps criterion codes to points (None removes a line); codes not given keep their
    line. `expected_version` is the version the form was loaded with (0 for a new scorecard);
    a newer save by anyone raises `StaleScorecard` instead of overwriting it. None skips the
    check (imports). On the web a user saves only their own scorecards, in the step's window,
    and a submitted scorecard has every general criterion. `period_locked`: the caller has
    already locked the period row (`_lock`) in this transaction and passes that period.
    """
    if not period_locked:
        period = _lock(period)
    correction = None
    if kind == ScorecardKind.SUPERVISOR:
        correction = _refuse_frozen_inputs(period, cadre=ratee)
    else:
        _refuse_frozen(period)
    if kind not in ScorecardKind.values:
        raise InvalidInput(_("“%(kind)s” is not a kind of scorecard.") % {"kind": kind})
    if enforce_phase:
        if user is not None and rater.user_id != user.pk:
            raise NotAllowed(_("You can only save your own scorecards."))
        refusal = None if correction else step_refusal(period, kind, today(), ratee_id=ratee.pk)
        if refusal:
            raise PhaseClosed(refusal)
    if correction is not None:
        refusal = answer_refusal(period, ratee, rater)
        if refusal:
            raise NotAllowed(refusal)
    rules = rating_rules(period, cadre_ids=[ratee.pk, rater.pk])
    rules.names |= {ratee.pk: ratee.code, rater.pk: rater.code}
    refusal = rules.refusal(kind, rater.pk, ratee.pk, assigned_only=enforce_phase)
    if refusal:
        raise NotAllowed(refusal)

    criteria = {c.code: c for c in regulation_criteria(period)}
    comments = comments or {}
    unknown = sorted(set(points) - set(criteria)) + sorted(set(comments) - set(criteria))
    if unknown:
        raise InvalidInput(
            _("Unknown criteria for %(regulation)s: %(codes)s.")
            % {"regulation": period.regulation.code, "codes": ", ".join(unknown)}
        )
    given: dict[str, Decimal | None] = {}
    problems = []
    needs_tasks = any(
        criteria[code].group == CriterionGroup.TASK and value is not None
        for code, value in points.items()
    )
    has_tasks = needs_tasks and has_tasks_in_month(period, ratee.pk)
    for code, value in points.items():
        if value is None:
            given[code] = None
            continue
        parsed = _decimal(value, code)
        problem = points_refusal(criteria[code], parsed, kind=kind, has_tasks=has_tasks)
        if problem:
            problems.append(problem)
        given[code] = parsed
    if problems:
        raise InvalidInput(" ".join(problems))

    card = (
        Scorecard.objects.select_for_update(of=("self",))
        .filter(period=period, ratee=ratee, rater=rater, kind=kind)
        .select_related("updated_by")
        .first()
    )
    if expected_version is not None and expected_version != (card.version if card else 0):
        raise StaleScorecard(stale_message(card))
    existing: dict[str, ScoreLine] = {}
    if card is not None:
        existing = {line.criterion.code: line for line in card.lines.select_related("criterion")}
    old_points = {code: line.points for code, line in existing.items()}
    new_points = dict(old_points)
    for code, number in given.items():
        if number is None:
            new_points.pop(code, None)
        else:
            new_points[code] = number
    submitted = submit or (card is not None and card.status == ScorecardStatus.SUBMITTED)
    if submitted and enforce_phase:
        missing = [
            code
            for code, c in criteria.items()
            if c.group == CriterionGroup.GENERAL and code not in new_points
        ]
        if missing:
            raise InvalidInput(
                _("Give points for every criterion before submitting: %(codes)s is missing.")
                % {"codes": ", ".join(missing)}
            )
    old_state = scorecard_state(card, old_points)
    now = timezone.now()
    if card is None:
        card = Scorecard(period=period, ratee=ratee, rater=rater, kind=kind, version=0)
    card.version += 1
    card.updated_by = user
    if submitted:
        card.status = ScorecardStatus.SUBMITTED
        card.submitted_at = card.submitted_at or now
    card.save()
    # The lines written at once: one INSERT for the new, one UPDATE for the changed.
    created: list[ScoreLine] = []
    changed: dict[str, ScoreLine] = {}
    for code, number in given.items():
        line = existing.get(code)
        if number is None:
            if line is not None:
                line.delete()
            continue
        comment = _text(comments.get(code)) if code in comments else None
        if line is None:
            created.append(
                ScoreLine(
                    scorecard=card, criterion=criteria[code], points=number, comment=comment or ""
                )
            )
        elif line.points != number or (comment is not None and comment != line.comment):
            line.points = number
            if comment is not None:
                line.comment = comment
            changed[code] = line
    for code in set(comments) - set(given):
        line = existing.get(code)
        if line is not None:
            line.comment = _text(comments[code])
            changed[code] = line
    ScoreLine.objects.bulk_create(created)
    if changed:
        # The comments only when some were given: each column written is a CASE over the lines.
        fields = ["points", "comment"] if comments else ["points"]
        ScoreLine.objects.bulk_update(list(changed.values()), fields)
    _audit(
        user=user,
        actor=AuditEntry.actor_of(user, rater),
        action="scorecard.submit" if submit else "scorecard.save",
        period=period,
        obj=card,
        old=old_state,
        new={
            "ratee": ratee.code,
            "rater": rater.code,
            "kind": kind,
            **scorecard_state(card, new_points),
        },
    )
    return card
