"""A unit's figures of a month (results, tasks, pools), added up over a subtree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from scoring.dashboards.flags import population_sd_from_sums
from scoring.dashboards.scope import _SUMS, FROZEN, RATED, TIERS, _rounded, tasks_due
from scoring.models import Result, month_bounds
from units.formats import percent
from units.models import Role, Unit

# --- additive statistics -------------------------------------------------------------------


@dataclass
class Stats:
    """Counts and sums of one unit in one month, or of several added up."""

    results: int = 0
    rated: int = 0
    total: Decimal = Decimal(0)
    total_sq: Decimal = Decimal(0)
    tiers: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TIERS, 0))
    gap_sum: Decimal = Decimal(0)
    gap_count: int = 0
    due: int = 0
    on_time: int = 0
    pool: int = 0
    distributed: int = 0
    undistributed: int = 0

    def add(self, other: Stats) -> None:
        for name in (
            "results",
            "rated",
            "total",
            "total_sq",
            "gap_sum",
            "gap_count",
            "due",
            "on_time",
            "pool",
            "distributed",
            "undistributed",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for tier in TIERS:
            self.tiers[tier] += other.tiers[tier]

    @classmethod
    def of_summaries(cls, row: dict) -> Stats:
        """From the sums of `SubtreeMonthSummary` columns (`scoring.dashboards.summaries`): the
        month's tasks of the units with members, whose month it decided."""
        return cls(
            results=row["results"],
            rated=row["rated"],
            total=Decimal(row["total_sum"]),
            total_sq=Decimal(row["total_sq"]),
            tiers={t: row[f"tier_{t.lower()}"] for t in TIERS},
            gap_sum=Decimal(row["gap_sum"]),
            gap_count=row["gap_count"],
            due=row["member_tasks_due"],
            on_time=row["member_tasks_on_time"],
            pool=row["pool"],
            distributed=row["distributed"],
            undistributed=row["undistributed"],
        )

    @property
    def not_rated(self) -> int:
        return self.results - self.rated

    @property
    def average(self) -> Decimal | None:
        return _rounded(self.total / self.rated) if self.rated else None

    @property
    def sd(self) -> Decimal | None:
        return _rounded(population_sd_from_sums(self.rated, self.total, self.total_sq))

    @property
    def on_time_rate(self) -> Decimal | None:
        return percent(self.on_time, self.due)

    def share(self, tier: str) -> Decimal | None:
        return percent(self.tiers[tier], self.rated)

    @property
    def shares(self) -> dict[str, Decimal | None]:
        return {tier: self.share(tier) for tier in TIERS}

    @property
    def tier_rows(self) -> list[tuple[str, int, Decimal | None]]:
        return [(tier, self.tiers[tier], self.share(tier)) for tier in TIERS]


def self_gap_counted() -> Q:
    """The results whose self-assessment gap counts. It leaves out heads, deputies and anyone
    holding a role: they read the dashboards, know everyone else's self and supervisor points,
    and could take their own supervisor's points (then their peer mean) out of the unit's
    average gap (docs/RULES.md §3)."""
    # NOT IN a subquery that reads no outer column: PostgreSQL hashes the role holders once,
    # where NOT EXISTS scanned the roles again for each result (46 ms of a 2,000-cadre decision's
    # summary rows). Role.cadre is never null, so NOT IN cannot turn into unknown.
    return Q(self_score__isnull=False, supervisor_score__isnull=False, is_leader=False) & ~Q(
        cadre_id__in=Role.objects.values("cadre_id")
    )


def _result_stats(unit: Unit, months: Sequence[str]) -> dict[tuple[str, int], Stats]:
    """One query: results grouped by month and unit (the self gap as `self_gap_counted`)."""
    both_parts = self_gap_counted()
    rows = (
        Result.objects.filter(
            period__phase__in=FROZEN, period__month__in=months, unit__path__startswith=unit.path
        )
        .values("period__month", "unit_id")
        .annotate(
            n=Count("pk"),
            n_rated=Count("pk", filter=RATED),
            total_sum=Sum("total", filter=RATED),
            total_sq=Sum(F("total") * F("total"), filter=RATED, output_field=_SUMS),
            gap_sum=Sum(
                F("self_score") - F("supervisor_score"), filter=both_parts, output_field=_SUMS
            ),
            gap_count=Count("pk", filter=both_parts),
            **{f"tier_{t}": Count("pk", filter=RATED & Q(tier=t)) for t in TIERS},
        )
        .order_by()
    )
    stats = {}
    for row in rows:
        stats[row["period__month"], row["unit_id"]] = Stats(
            results=row["n"],
            rated=row["n_rated"],
            total=row["total_sum"] or Decimal(0),
            total_sq=row["total_sq"] or Decimal(0),
            tiers={t: row[f"tier_{t}"] for t in TIERS},
            gap_sum=row["gap_sum"] or Decimal(0),
            gap_count=row["gap_count"],
        )
    return stats


def _add_task_stats(unit: Unit, months: Sequence[str], stats: dict) -> None:
    """One query: tasks due in the months grouped by month and unit, for the (month, unit)
    pairs already decided (those with results in `stats`): a sub-scope whose month is still
    running has no decided result that month, and its tasks do not count yet."""
    decided = set(stats)
    first, _last = month_bounds(months[0])
    _first, last = month_bounds(months[-1])
    wanted = set(months)
    for due_month, unit_id, due, on_time in tasks_due(unit, first, last, "unit_id"):
        month = f"{due_month:%Y-%m}"
        if month in wanted and (month, unit_id) in decided:
            entry = stats[month, unit_id]
            entry.due, entry.on_time = due, on_time
