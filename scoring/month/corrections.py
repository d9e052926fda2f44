"""Reads of an accepted appeal's correction (docs/RULES.md §2 and §3): who is the
appellant's own supervisor, which corrections are open, and what deciding again would change.

The writes (accepting an appeal, correcting, deciding again) are in `scoring.month.services`; this
module never writes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from scoring import engine
from scoring.models import (
    REVISED_FIELDS,
    Correction,
    PeriodMember,
    PeriodUnitResult,
    Phase,
    Result,
)
from scoring.month.selectors.inputs import (
    PeriodInputs,
    engine_regulation,
    period_inputs,
    period_unit_rows,
)
from scoring.reasons import reason_json
from units.models import Role, RoleKind, ancestor_paths

ACTING_ROLES = (RoleKind.HEAD, RoleKind.DEPUTY)


# --- the appellant's own supervisor ---------------------------------------------------------


def appeal_supervisors(period, cadre_id) -> set[int]:
    """The cadre ids of the appellant's own supervisors in `period` (see `supervisors_of`)."""
    return supervisors_of(period, [cadre_id]).get(cadre_id, set())


def supervisors_of(period, cadre_ids) -> dict[int, set[int]]:
    """Each appellant's own supervisors in `period`, by cadre id: two queries.

    Roles are those valid on the month's last day, as for supervisor scoring. A staff member's
    supervisors are the head and deputies of their unit; a deputy's, the head of the unit (a
    fellow deputy is a peer); a head's, the head and deputies of the parent unit. Where that
    unit has nobody in post, the nearest unit above that has someone answers. Never the
    appellant, never a peer, never a head further up while a nearer one is in post.
    """
    members = list(
        PeriodMember.objects.filter(period=period, cadre_id__in=list(cadre_ids)).values_list(
            "cadre_id", "unit__path"
        )
    )
    paths = {path: ancestor_paths(path) for _id, path in members}
    by_path = defaultdict(set)
    for who, path, role in (
        Role.objects.valid_on(period.last_day)
        .filter(role__in=ACTING_ROLES, unit__path__in={p for up in paths.values() for p in up})
        .values_list("cadre_id", "unit__path", "role")
    ):
        by_path[path].add((who, role))
    found = {}
    for cadre_id, own_path in members:
        own_roles = {role for who, role in by_path[own_path] if who == cadre_id}
        found[cadre_id] = set()
        for path in reversed(paths[own_path]):
            people = {(who, role) for who, role in by_path[path] if who != cadre_id}
            if path == own_path:
                if RoleKind.HEAD in own_roles:
                    continue
                if RoleKind.DEPUTY in own_roles:
                    people = {(who, role) for who, role in people if role == RoleKind.HEAD}
            if people:
                found[cadre_id] = {who for who, _role in people}
                break
    return found


def answer_refusal(period, cadre, acting) -> str | None:
    """Why the cadre `acting` may not answer (or correct) `cadre`'s appeal; None when they are
    the appellant's own supervisor. `acting` None: a user who is no cadre."""
    if acting is not None and acting.pk == cadre.pk:
        return _("Nobody answers or corrects their own appeal.")
    if acting is None or acting.pk not in appeal_supervisors(period, cadre.pk):
        return _(
            "Only the supervisor of %(cadre)s (a head or deputy of their unit, or of the unit "
            "above for a head) answers their appeal and corrects their result."
        ) % {"cadre": cadre.code}
    return None


def open_correction(period, cadre_id) -> Correction | None:
    """The correction open for the cadre in a published period, if any."""
    if period.phase != Phase.APPEALS:
        return None
    return Correction.objects.filter(period=period, cadre_id=cadre_id, closed_at=None).first()


def open_corrections(period):
    """The corrections open in a published period, with their cadre."""
    if period.phase != Phase.APPEALS:
        return Correction.objects.none()
    return Correction.objects.filter(period=period, closed_at=None).select_related("cadre")


# --- deciding again -------------------------------------------------------------------------


def shown_parts(row) -> dict:
    """The parts of a result that a revision lists (`REVISED_FIELDS`), as stored in JSON."""
    total = row["total"] if isinstance(row, dict) else row.total
    values = {
        name: (row[name] if isinstance(row, dict) else getattr(row, name))
        for name in REVISED_FIELDS
    }
    values["total"] = None if total is None else f"{Decimal(total):.2f}"
    values["tier"] = values["tier"] or ""
    return values


@dataclass(frozen=True)
class RevisedRow:
    """One result as deciding again would leave it."""

    cadre_id: int
    unit_id: int
    before: dict  # shown_parts of the stored result
    after: dict
    fields: dict  # every stored field that changes, with its new value

    @property
    def listed(self) -> bool:
        """Whether a shown part changes: such a row is listed in the revision."""
        return self.before != self.after


@dataclass(frozen=True)
class RevisionPlan:
    """What deciding again after a correction would write; `period_inputs` of the
    appellant's unit and the appellant's result from the engine before the rules."""

    inputs: PeriodInputs
    fresh: engine.CadreResult
    rows: tuple[RevisedRow, ...]  # every result with a changed field, the appellant first
    units: dict[int, dict]  # unit id -> PeriodUnitResult fields that change

    @property
    def listed(self) -> list[RevisedRow]:
        return [row for row in self.rows if row.listed]


# Stored fields the rules set (the appellant's own scores are written from the engine).
RULE_FIELDS = (
    "tier",
    "rank_in_unit",
    "rank_in_scope",
    "reward",
    "reward_equal",
    "reward_merit",
    "equal_split",
    "reasons",
)
STANDING_FIELDS = (
    "cadre_id",
    "cadre__code",
    "unit_id",
    "unit__code",
    "job_group",
    "total",
    "tier_before_quota",
    "supervisor_score",
    "pg",
    "penalty",
    "reasons",
    *REVISED_FIELDS,
    "reward_equal",
    "reward_merit",
    "equal_split",
)
QUOTA = "quota_demoted"


def _tier(value) -> engine.Tier | None:
    return engine.Tier(value) if value else None


def _reasons(reasons, placing: engine.Placing, requota: bool) -> list[dict]:
    """The stored reasons with the quota's replaced where the quota was applied again."""
    if not requota:
        return list(reasons)
    kept = [r for r in reasons if r.get("code") != QUOTA]
    if placing.quota_reason is not None:
        # The same regulation and unit give the same quota reason: a result decided before
        # reasons were codes keeps its own, so that it does not read as changed.
        stored = next((r for r in reasons if r.get("code") == QUOTA), None)
        kept.append(stored if stored is not None else reason_json(placing.quota_reason))
    return kept


def revision_plan(period, cadre) -> RevisionPlan:
    """What deciding `period` again after `cadre`'s correction would change.

    The appellant's own result is computed anew by the engine from their inputs as they are
    now (their unit's inputs, `selectors.period_inputs`). Everyone else keeps their own total
    and tier before the quota as decided; they move only through the rules (`engine.apply_rules`):
    the quota of the appellant's unit and job group, ranks, and the pools. Queries: the inputs
    of the unit (eight), the period's results, its units' pools and their stored outcomes.
    """
    member = PeriodMember.objects.select_related("unit").get(period=period, cadre=cadre)
    inputs = period_inputs(period, member.unit)
    fresh = inputs.decide().cadre(cadre.code)
    stored = {
        row["cadre_id"]: row
        for row in Result.objects.filter(period=period).values(*STANDING_FIELDS)
    }
    standings = []
    for cadre_id, row in stored.items():
        if cadre_id == cadre.pk:
            standings.append(
                engine.Standing(
                    code=row["cadre__code"],
                    unit_code=row["unit__code"],
                    job_group=row["job_group"],
                    total=fresh.total.shown if fresh.total else None,
                    tier_before=fresh.tier_before_quota,
                    tier=fresh.tier_before_quota,
                    supervisor_general=fresh.supervisor_score.exact
                    if fresh.supervisor_score
                    else 0,
                    pg=fresh.pg.exact if fresh.pg else 0,
                    penalty=fresh.penalty.exact,
                )
            )
            continue
        standings.append(
            engine.Standing(
                code=row["cadre__code"],
                unit_code=row["unit__code"],
                job_group=row["job_group"],
                total=row["total"],
                tier_before=_tier(row["tier_before_quota"]),
                tier=_tier(row["tier"]),
                supervisor_general=row["supervisor_score"] or 0,
                pg=row["pg"] or 0,
                penalty=row["penalty"],
            )
        )
    units = period_unit_rows(period)
    requota = {(member.unit.code, fresh.job_group)}
    placings, outcomes = engine.apply_rules(
        engine_regulation(period.regulation),
        standings,
        [engine.UnitInput(code=code, pool=pool, outstanding=out) for _id, code, pool, out in units],
        requota=requota,
    )
    rows = []
    for cadre_id, row in stored.items():
        placing = placings[row["cadre__code"]]
        appellant = cadre_id == cadre.pk
        new = {
            "tier": placing.tier.value if placing.tier else "",
            "rank_in_unit": placing.rank_in_unit,
            "rank_in_scope": placing.rank_in_scope,
            "reward": placing.reward,
            "reward_equal": placing.reward_equal,
            "reward_merit": placing.reward_merit,
            "equal_split": placing.equal_split,
            "reasons": _reasons(
                [reason_json(r) for r in fresh.reasons] if appellant else row["reasons"],
                placing,
                (row["unit__code"], row["job_group"]) in requota,
            ),
        }
        if appellant:
            new["total"] = fresh.total.shown if fresh.total else None
            fields = new
        else:
            fields = {name: value for name, value in new.items() if row[name] != value}
            if not fields:
                continue
        after = shown_parts({**row, **new})
        rows.append(RevisedRow(cadre_id, row["unit_id"], shown_parts(row), after, fields))
    rows.sort(key=lambda r: r.cadre_id != cadre.pk)
    return RevisionPlan(
        inputs=inputs, fresh=fresh, rows=tuple(rows), units=_unit_changes(period, units, outcomes)
    )


def _unit_changes(period, units, outcomes) -> dict[int, dict]:
    """The stored pool outcomes (`PeriodUnitResult`) that the rules change, by unit id."""
    ids = {code: unit_id for unit_id, code, _pool, _out in units}
    stored = {
        row["unit_id"]: row
        for row in PeriodUnitResult.objects.filter(period=period).values(
            "unit_id", "pool", "rated", "distributed", "undistributed", "equal_split"
        )
    }
    changes = {}
    for outcome in outcomes:
        unit_id = ids.get(outcome.code)
        row = stored.get(unit_id)
        if row is None:
            continue
        new = {
            "pool": outcome.pool,
            "rated": outcome.rated,
            "distributed": outcome.distributed,
            "undistributed": outcome.undistributed,
            "equal_split": outcome.equal_split,
        }
        fields = {name: value for name, value in new.items() if row[name] != value}
        if fields:
            changes[unit_id] = fields
    return changes
