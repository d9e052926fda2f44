"""`import scores | adjustments | pools YYYY-MM FILE` (docs/RULES.md §4, §5): all or nothing.

The command line acts as an administrator: it imports into a period in any phase before the
decision, and a peer row may come from any member of the ratee's unit. Every other rule is the
web's (`scoring.month.services`): who may rate whom, points within each criterion's maximum, T only
for a cadre without tasks, no bonus where the regulation has none. Each cadre (or unit) is
found in the period of the month whose scope holds them; periods of a month never overlap.
Rows are validated first, every bad row reported; then everything is written in bulk, with an
audit entry per changed scorecard, adjustment and pool.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.models import Criterion, CriterionGroup
from directives.selectors import task_facts
from scoring.models import (
    Adjustment,
    AdjustmentKind,
    AuditEntry,
    Period,
    PeriodMember,
    PeriodUnit,
    Scorecard,
    ScorecardKind,
    ScorecardStatus,
    ScoreLine,
)
from scoring.month.selectors.inputs import engine_regulation, is_month
from scoring.month.selectors.rating import rating_rules
from scoring.month.services.adjustments import adjustment_refusal, adjustment_state
from scoring.month.services.common import audit_entry
from scoring.month.services.scorecards import points_refusal, scorecard_state
from units.models import Cadre, Unit
from units.tabular import ImportFailed, RowChecker, RowError, read_table

SCORE_COLUMNS = ["ratee_code", "rater_code", "kind", "criterion_code", "points"]
ADJUSTMENT_COLUMNS = ["cadre_code", "kind", "points", "reason"]
POOL_COLUMNS = ["unit_code", "amount"]


def _check_month(month):
    if not is_month(month):
        raise ImportFailed(
            [RowError(0, "", _("“%(month)s” is not a month (YYYY-MM).") % {"month": month})]
        )


def _locked_periods(ids) -> dict[int, Period]:
    return {
        p.pk: p
        for p in Period.objects.select_for_update(of=("self",))
        .select_related("scope", "regulation")
        .filter(pk__in=ids)
        .order_by("pk")
    }


def _member_periods(month, cadre_ids) -> dict[int, Period]:
    """The (locked) period of the month in which each cadre is scored."""
    rows = dict(
        PeriodMember.objects.filter(period__month=month, cadre_id__in=cadre_ids).values_list(
            "cadre_id", "period_id"
        )
    )
    periods = _locked_periods(set(rows.values()))
    return {cadre_id: periods[period_id] for cadre_id, period_id in rows.items()}


def _frozen_message(period):
    return _("The period %(period)s is decided: nothing more can be imported into it.") % {
        "period": period
    }


def _cadre(check, column, cadres):
    code = check.text(column, max_length=32)
    if code is None:
        return None
    cadre = cadres.get(code)
    if cadre is None:
        check.fail(column, _("Unknown cadre “%(code)s”.") % {"code": code})
    return cadre


def _scored_in(check, column, cadre, periods, month):
    """The cadre's period of the month, or None with the row's error."""
    period = periods.get(cadre.pk)
    if period is None:
        check.fail(
            column,
            _("“%(code)s” is not scored in any period of %(month)s.")
            % {"code": cadre.code, "month": month},
        )
        return None
    if period.is_frozen:
        check.fail(column, _frozen_message(period))
        return None
    return period


# --- scores --------------------------------------------------------------------------------


@transaction.atomic
def scores_import(*, data: bytes, month: str) -> dict:
    """Scorecards of the month, one row per criterion; each scorecard is saved submitted."""
    _check_month(month)
    rows = read_table(data, SCORE_COLUMNS)
    codes = {row[c] for row in rows for c in ("ratee_code", "rater_code") if row[c]}
    cadres = {c.code: c for c in Cadre.objects.filter(code__in=codes)}
    ratee_ids = {cadres[row["ratee_code"]].pk for row in rows if row["ratee_code"] in cadres}
    periods = _member_periods(month, ratee_ids)
    rules = {pk: rating_rules(p) for pk, p in {p.pk: p for p in periods.values()}.items()}
    names = {c.pk: c.code for c in cadres.values()}
    for rule in rules.values():
        rule.names |= names
    criteria = defaultdict(dict)
    for criterion in Criterion.objects.filter(
        regulation_id__in={p.regulation_id for p in periods.values()}
    ):
        criteria[criterion.regulation_id][criterion.code] = criterion
    task_codes = {
        c.code
        for by_code in criteria.values()
        for c in by_code.values()
        if c.group == CriterionGroup.TASK
    }
    with_t = {
        cadres[row["ratee_code"]].pk
        for row in rows
        if row["criterion_code"] in task_codes and row["ratee_code"] in cadres
    }
    have_tasks = _cadres_with_tasks(month, with_t, periods)

    errors, seen = [], {}
    groups = defaultdict(dict)  # (period id, ratee id, rater id, kind) -> {criterion: points}
    for row in rows:
        check = RowChecker(errors, row)
        ratee = _cadre(check, "ratee_code", cadres)
        rater = _cadre(check, "rater_code", cadres)
        kind = check.choice("kind", ScorecardKind.values)
        code = check.text("criterion_code", max_length=16)
        points = check.decimal("points")
        period = ratee and _scored_in(check, "ratee_code", ratee, periods, month)
        if period is None:
            continue
        criterion = criteria[period.regulation_id].get(code) if code else None
        if code and criterion is None:
            check.fail(
                "criterion_code",
                _("Unknown criterion “%(code)s” in the regulation %(regulation)s.")
                % {"code": code, "regulation": period.regulation.code},
            )
        if rater is None or kind is None:
            continue
        refusal = rules[period.pk].refusal(kind, rater.pk, ratee.pk, assigned_only=False)
        if refusal:
            check.fail("rater_code", refusal)
        if criterion is None or points is None:
            continue
        problem = points_refusal(criterion, points, kind=kind, has_tasks=ratee.pk in have_tasks)
        if problem:
            check.fail(
                "points" if criterion.group == CriterionGroup.GENERAL else "criterion_code", problem
            )
            continue
        key = (period.pk, ratee.pk, rater.pk, kind)
        if (key, code) in seen:
            check.fail(
                "criterion_code",
                _("The same score already appears in row %(row)s.") % {"row": seen[key, code]},
            )
            continue
        seen[key, code] = row.number
        groups[key][criterion] = points
    if errors:
        raise ImportFailed(errors)
    return _write_scorecards(groups, {p.pk: p for p in periods.values()}, cadres)


def _cadres_with_tasks(month, cadre_ids, periods) -> set[int]:
    if not cadre_ids:
        return set()
    some_period = next(iter(periods.values()), None)
    if some_period is None:
        return set()
    facts = task_facts(
        cadre_ids=list(cadre_ids),
        first_day=some_period.first_day,
        last_day=some_period.last_day,
    )
    return {cadre_id for cadre_id, tasks in facts.items() if tasks}


def _write_scorecards(groups, periods, cadres) -> dict:
    now = timezone.now()
    code_of = {c.pk: c.code for c in cadres.values()}
    cards = {
        (c.period_id, c.ratee_id, c.rater_id, c.kind): c
        for c in Scorecard.objects.filter(period_id__in=periods)
    }
    lines = defaultdict(dict)
    for line in ScoreLine.objects.filter(scorecard__period_id__in=periods).select_related(
        "criterion"
    ):
        lines[line.scorecard_id][line.criterion.code] = line

    new_cards, changed_cards, states = [], [], {}
    for key, points in groups.items():
        card = cards.get(key)
        old_lines = lines.get(card.pk, {}) if card else {}
        old_points = {code: line.points for code, line in old_lines.items()}
        new_points = old_points | {c.code: p for c, p in points.items()}
        unchanged = new_points == old_points
        if card is not None and card.status == ScorecardStatus.SUBMITTED and unchanged:
            continue
        old_state = scorecard_state(card, old_points)
        if card is None:
            period_id, ratee_id, rater_id, kind = key
            card = Scorecard(
                period_id=period_id,
                ratee_id=ratee_id,
                rater_id=rater_id,
                kind=kind,
                version=0,
            )
            new_cards.append(card)
            cards[key] = card
        else:
            changed_cards.append(card)
        card.version += 1
        card.status = ScorecardStatus.SUBMITTED
        card.submitted_at = card.submitted_at or now
        card.updated_at = now
        card.updated_by = None
        states[key] = (old_state, new_points)
    Scorecard.objects.bulk_create(new_cards, batch_size=2000)
    Scorecard.objects.bulk_update(
        changed_cards, ["version", "status", "submitted_at", "updated_at", "updated_by"]
    )

    new_lines, changed_lines, entries = [], [], []
    for key, (old_state, new_points) in states.items():
        card = cards[key]
        existing = lines.get(card.pk, {})
        for criterion, points in groups[key].items():
            line = existing.get(criterion.code)
            if line is None:
                new_lines.append(ScoreLine(scorecard=card, criterion=criterion, points=points))
            elif line.points != points:
                line.points = points
                changed_lines.append(line)
        period = periods[key[0]]
        entries.append(
            audit_entry(
                user=None,
                actor=AuditEntry.COMMAND_LINE,
                action="scorecard.import",
                period=period,
                obj=card,
                old=old_state,
                new={
                    "ratee": code_of[card.ratee_id],
                    "rater": code_of[card.rater_id],
                    "kind": card.kind,
                    **scorecard_state(card, new_points),
                },
            )
        )
    ScoreLine.objects.bulk_create(new_lines, batch_size=5000)
    ScoreLine.objects.bulk_update(changed_lines, ["points"], batch_size=2000)
    _save_entries(entries)
    created = len(new_cards)
    return {
        "created": created,
        "updated": len(changed_cards),
        "unchanged": len(groups) - created - len(changed_cards),
    }


def _save_entries(entries):
    AuditEntry.objects.bulk_create(entries, batch_size=2000)


# --- adjustments ---------------------------------------------------------------------------


@transaction.atomic
def adjustments_import(*, data: bytes, month: str) -> dict:
    """Bonus, penalty, discipline and leave of the month. A row equal to an adjustment already
    recorded (same cadre, kind, points and reason) is that adjustment, so importing the same
    file twice adds nothing."""
    _check_month(month)
    rows = read_table(data, ADJUSTMENT_COLUMNS)
    cadres = {c.code: c for c in Cadre.objects.filter(code__in={row["cadre_code"] for row in rows})}
    periods = _member_periods(month, [c.pk for c in cadres.values()])
    errors, wanted = [], []
    for row in rows:
        check = RowChecker(errors, row)
        cadre = _cadre(check, "cadre_code", cadres)
        kind = check.choice("kind", AdjustmentKind.values)
        quiet = kind in (AdjustmentKind.DISCIPLINE, AdjustmentKind.LEAVE)
        points = check.decimal("points", required=not quiet)
        reason = check.text("reason")
        period = cadre and _scored_in(check, "cadre_code", cadre, periods, month)
        if period is None or kind is None or (points is None and not quiet):
            continue
        if quiet:
            points = Decimal(0)
        problem = adjustment_refusal(period.regulation, kind, points)
        if problem:
            no_bonus = (
                kind == AdjustmentKind.BONUS
                and not engine_regulation(period.regulation).allows_bonus
            )
            check.fail("kind" if no_bonus else "points", problem)
            continue
        if reason:
            wanted.append((period, cadre, kind, points, reason))
    if errors:
        raise ImportFailed(errors)

    recorded = Counter(
        Adjustment.objects.filter(period_id__in={p.pk for p in periods.values()}).values_list(
            "period_id", "cadre_id", "kind", "points", "reason"
        )
    )
    new = []
    for period, cadre, kind, points, reason in wanted:
        key = (period.pk, cadre.pk, kind, points, reason)
        if recorded[key] > 0:
            recorded[key] -= 1
            continue
        new.append(Adjustment(period=period, cadre=cadre, kind=kind, points=points, reason=reason))
    Adjustment.objects.bulk_create(new, batch_size=2000)
    _save_entries(
        [
            audit_entry(
                user=None,
                actor=AuditEntry.COMMAND_LINE,
                action="adjustment.import",
                period=a.period,
                obj=a,
                new=adjustment_state(a),
                reason=a.reason,
            )
            for a in new
        ]
    )
    return {"created": len(new), "unchanged": len(wanted) - len(new)}


# --- pools ---------------------------------------------------------------------------------


@transaction.atomic
def pools_import(*, data: bytes, month: str) -> dict:
    """Each unit's pool of additional income for the month, in VND (replaces the amount)."""
    _check_month(month)
    rows = read_table(data, POOL_COLUMNS)
    units = {u.code: u for u in Unit.objects.filter(code__in={row["unit_code"] for row in rows})}
    period_units = {
        pu.unit_id: pu
        for pu in PeriodUnit.objects.filter(period__month=month, unit__in=units.values())
    }
    periods = _locked_periods({pu.period_id for pu in period_units.values()})
    errors, seen, changes = [], {}, []
    for row in rows:
        check = RowChecker(errors, row)
        code = check.text("unit_code", max_length=32)
        amount = check.money("amount")
        unit = units.get(code) if code else None
        if code and unit is None:
            check.fail("unit_code", _("Unknown unit “%(code)s”.") % {"code": code})
            continue
        if unit is None:
            continue
        if code in seen:
            check.fail(
                "unit_code",
                _("“%(code)s” already appears in row %(row)s.") % {"code": code, "row": seen[code]},
            )
            continue
        seen[code] = row.number
        row_unit = period_units.get(unit.pk)
        if row_unit is None:
            check.fail(
                "unit_code",
                _("“%(code)s” is in no period of %(month)s.") % {"code": code, "month": month},
            )
            continue
        period = periods[row_unit.period_id]
        if period.is_frozen:
            check.fail("unit_code", _frozen_message(period))
            continue
        if amount is not None:
            changes.append((row_unit, unit, period, amount))
    if errors:
        raise ImportFailed(errors)

    changed, entries = [], []
    for row_unit, unit, period, amount in changes:
        if row_unit.pool == amount:
            continue
        entries.append(
            audit_entry(
                user=None,
                actor=AuditEntry.COMMAND_LINE,
                action="pool.import",
                period=period,
                obj=row_unit,
                old={"unit": unit.code, "pool": row_unit.pool},
                new={"unit": unit.code, "pool": amount},
            )
        )
        row_unit.pool = amount
        changed.append(row_unit)
    PeriodUnit.objects.bulk_update(changed, ["pool"])
    _save_entries(entries)
    return {"updated": len(changed), "unchanged": len(changes) - len(changed)}
