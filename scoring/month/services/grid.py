"""Writes of the head's score grid that `scoring.month.services` does not have.

Both go through `services.scorecard_save`, which checks the rights and the phase, writes and
audits; these functions only add what a grid needs around it:
- `supervisor_row_save`: a row shows the supervisor scorecard that counts for the cadre (the
  one submitted last, by any head or deputy, as `selectors.period_inputs` picks it). Saving is
  refused when that scorecard changed after the grid was loaded, whoever changed it, so a head
  never silently overwrites a deputy's newer scores (nor their own from another tab).
- `supervisor_grid_import`: the grid's Excel file back, all or nothing, every bad cell named by
  its row and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TypedDict

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.models import Criterion, CriterionGroup
from directives.selectors import task_facts
from scoring.errors import PeriodFrozen, PhaseClosed, ScoringError, StaleScorecard
from scoring.models import (
    Period,
    PeriodMember,
    Scorecard,
    ScorecardKind,
    ScorecardStatus,
    ScoreLine,
)
from scoring.month.corrections import open_correction
from scoring.month.forms import cell_refusal, parse_points
from scoring.month.selectors.inputs import regulation_criteria
from scoring.month.selectors.rating import rating_rules, step_refusal
from scoring.month.services.common import TypedNumber, _lock, _refuse_frozen
from scoring.month.services.scorecards import scorecard_save, stale_message
from units.compiled import CompiledRows
from units.models import Cadre, Unit
from units.tabular import ImportFailed, Row, RowError, read_table

SUPERVISOR = ScorecardKind.SUPERVISOR


def latest_supervisor_cards(period: Period, ratee_ids: Iterable[int]) -> dict[int, Scorecard]:
    """The supervisor scorecard that counts for each ratee (submitted, saved last): one query."""
    cards = (
        Scorecard.objects.filter(
            period=period, kind=SUPERVISOR, status=ScorecardStatus.SUBMITTED, ratee_id__in=ratee_ids
        )
        .select_related("rater", "updated_by", "updated_by__cadre")
        .prefetch_related(Prefetch("lines", ScoreLine.objects.select_related("criterion")))
        .order_by("ratee_id", "updated_at", "pk")
    )
    return {card.ratee_id: card for card in cards}


def _ratee_supervisor_cards(period_id: int, ratee_id: int, rater_id: int) -> QuerySet:
    """The ratee's submitted supervisor scorecards and the rater's own, the latest first."""
    cards = Scorecard.objects.filter(period_id=period_id, ratee_id=ratee_id, kind=SUPERVISOR)
    return (
        cards.filter(Q(status=ScorecardStatus.SUBMITTED) | Q(rater_id=rater_id))
        .order_by("-updated_at", "-pk")
        .values_list("pk", "version", "status", "rater_id")
    )


# Read by every grid row's save (docs/PERFORMANCE.md).
_ratee_cards = CompiledRows(Scorecard, _ratee_supervisor_cards)


@transaction.atomic
def supervisor_row_save(
    *,
    period: Period,
    ratee: Cadre,
    rater: Cadre,
    points: Mapping[str, TypedNumber | None],
    comments: Mapping[str, str | None] | None = None,
    seen_card_id: int | None,
    seen_version: int | None,
    user: User | None,
) -> Scorecard:
    """Save and submit `rater`'s supervisor scores of `ratee` from a grid row.

    `seen_card_id` and `seen_version` name the scorecard the row showed (None for none). When
    another save came in between, `StaleScorecard` says who saved and when; nothing is written.
    """
    locked = _lock(period)
    # Every supervisor scorecard of the ratee submitted (the latest one counts) and the rater's
    # own, in any state, as (id, version, status, rater id): one query.
    cards = _ratee_cards.rows(locked.pk, ratee.pk, rater.pk)
    # A frozen period or a closed step is refused by scorecard_save with its own message; an
    # open correction (an accepted appeal) makes the appellant's row writable again.
    today = timezone.localdate()
    step_open = not locked.is_frozen and (
        step_refusal(locked, SUPERVISOR, today, ratee_id=ratee.pk) is None
    )
    if step_open or open_correction(locked, ratee.pk) is not None:
        latest = next((c for c in cards if c[2] == ScorecardStatus.SUBMITTED), None)
        shown = (seen_card_id, seen_version) if seen_card_id else None
        now = (latest[0], latest[1]) if latest else None
        if shown != now:
            if latest is None:
                raise StaleScorecard(
                    _("The supervisor scores of %(cadre)s changed after you opened the grid.")
                    % {"cadre": ratee.full_name}
                )
            card = Scorecard.objects.select_related("updated_by").get(pk=latest[0])
            raise StaleScorecard(stale_message(card))
    own = next((c for c in cards if c[3] == rater.pk), None)
    return scorecard_save(
        period=locked,
        ratee=ratee,
        rater=rater,
        kind=SUPERVISOR,
        points=points,
        comments=comments,
        submit=True,
        expected_version=own[1] if own else 0,
        user=user,
        period_locked=True,
    )


def grid_criteria(period: Period) -> tuple[list[Criterion], Criterion | None]:
    """The general criteria of the period's regulation in order, and its task criterion (T)."""
    criteria = regulation_criteria(period)
    general = [c for c in criteria if c.group == CriterionGroup.GENERAL]
    task = next((c for c in criteria if c.group == CriterionGroup.TASK), None)
    return general, task


class GridImport(TypedDict):
    """What an upload of the grid did, in rows."""

    saved: int
    unchanged: int
    skipped: int


@transaction.atomic
def supervisor_grid_import(
    *, period: Period, unit: Unit, rater: Cadre, data: bytes, user: User | None
) -> GridImport:
    """Save the supervisor scores of a unit's grid from a filled-in template, all or nothing.

    Columns: cadre_code, full_name (ignored), one per general criterion, and the task criterion
    for a cadre with no task in the month. A row left blank is skipped; a row with some points
    needs them all. A row holding the points the grid shows (the supervisor scorecard that
    counts, whoever saved it) is unchanged and saves nothing, so the template uploads back as
    it was downloaded. Outside the supervisor step nothing is read. Returns
    {"saved": n, "unchanged": n, "skipped": n}.
    """
    locked = (
        Period.objects.select_for_update(of=("self",))
        .select_related("scope", "regulation")
        .get(pk=period.pk)
    )
    _refuse_frozen(locked)  # the refusal every write of scoring.month.services gives
    refusal = step_refusal(locked, SUPERVISOR, timezone.localdate())
    if refusal:
        raise PhaseClosed(refusal)
    general, task = grid_criteria(period)
    columns = ["cadre_code", *[c.code.lower() for c in general]]
    optional = ["full_name", *([task.code.lower()] if task else [])]
    rows = read_table(data, columns, optional=optional)
    members = {
        m.cadre.code: m
        for m in PeriodMember.objects.filter(period=period, unit=unit).select_related("cadre")
    }
    ids = [m.cadre_id for m in members.values()]
    shown = {
        ratee_id: {line.criterion.code: line.points for line in card.lines.all()}
        for ratee_id, card in latest_supervisor_cards(period, ids).items()
    }
    rules = rating_rules(period)
    with_tasks = set(
        task_facts(cadre_ids=ids, first_day=period.first_day, last_day=period.last_day)
    )

    errors: list[RowError] = []
    parsed: list[tuple[Row, PeriodMember, dict[str, Decimal | None]]] = []
    seen: dict[str, int] = {}  # the row of each cadre code
    skipped = unchanged = 0
    for row in rows:
        code = row["cadre_code"]
        member = members.get(code)
        if member is None:
            errors.append(
                RowError(
                    row.number,
                    "cadre_code",
                    _("“%(code)s” is not scored in %(unit)s this month.")
                    % {"code": code, "unit": unit.code},
                )
            )
            continue
        if code in seen:
            errors.append(
                RowError(
                    row.number,
                    "cadre_code",
                    _("“%(code)s” already appears in row %(row)s.")
                    % {"code": code, "row": seen[code]},
                )
            )
            continue
        seen[code] = row.number
        cells = [(c, row[c.code.lower()]) for c in general]
        if task is not None and row[task.code.lower()]:
            cells.append((task, row[task.code.lower()]))
        if not any(text for _c, text in cells):
            skipped += 1
            continue
        # The rater's own row is never "as shown": the grid hides it from them (and their
        # guess must not be confirmed by an answer).
        if member.cadre_id != rater.pk and _as_shown(cells, shown.get(member.cadre_id)):
            unchanged += 1
            continue
        refusal = rules.refusal(SUPERVISOR, rater.pk, member.cadre_id)
        if refusal:
            errors.append(RowError(row.number, "cadre_code", refusal))
            continue
        points: dict[str, Decimal | None] = {}
        for criterion, text in cells:
            problem = None
            try:
                number = parse_points(text)
            except ValueError as error:
                number, problem = None, str(error)
            if problem is None and number is None:
                problem = _("A number is required.")
            elif number is not None:  # read, not yet checked
                problem = cell_refusal(
                    criterion,
                    number,
                    kind=SUPERVISOR,
                    has_tasks=member.cadre_id in with_tasks,
                )
            if problem:
                errors.append(RowError(row.number, criterion.code, problem))
            points[criterion.code] = number
        parsed.append((row, member, points))
    if errors:
        raise ImportFailed(errors)

    for row, member, points in parsed:
        try:
            scorecard_save(
                period=period,
                ratee=member.cadre,
                rater=rater,
                kind=SUPERVISOR,
                points=points,
                submit=True,
                user=user,
            )
        except (PeriodFrozen, PhaseClosed):
            raise
        except ScoringError as refused:
            errors.append(RowError(row.number, "", refused.message))
    if errors:
        raise ImportFailed(errors)
    return {"saved": len(parsed), "unchanged": unchanged, "skipped": skipped}


def _as_shown(cells: list[tuple[Criterion, str]], points: Mapping[str, Decimal] | None) -> bool:
    """Whether every cell of a row holds the points its scorecard has (None: no scorecard)."""
    if points is None:
        return False
    for criterion, text in cells:
        try:
            number = parse_points(text)
        except ValueError:
            return False
        if number is None or points.get(criterion.code) != number:
            return False
    return True
