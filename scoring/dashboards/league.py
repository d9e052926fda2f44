"""The league table of units and the raters flagged in a month."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, OuterRef, Q, Subquery, Value

from scoring.dashboards.flags import (
    Flag,
    FlagKind,
    Person,
    equalization_flags,
    flag_label,
    self_inflation_flag,
)
from scoring.dashboards.scope import FROZEN, TIERS
from scoring.dashboards.stats import Stats
from scoring.dashboards.summaries import FLAG_FIELDS, TIER_FIELDS, result_figures
from scoring.models import RaterFlag, UnitMonthSummary
from units.models import Unit

# --- flags ---------------------------------------------------------------------------------


def _rater_flag(row: tuple) -> Flag:
    kind, unit_id, reason, values, rater_code, rater_name, partner_code, partner_name = row
    return Flag(
        FlagKind(kind),
        unit_id,
        reason,
        # Decimals are stored as text, exactly; counts as numbers.
        {key: Decimal(v) if isinstance(v, str) else v for key, v in values.items()},
        tuple(
            Person(code, name)
            for code, name in ((rater_code, rater_name), (partner_code, partner_name))
            if code is not None
        ),
    )


def _under(paths: Iterable[str]) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(unit__path__startswith=path)
    return condition


def month_flags(
    month: str, paths: Iterable[str], *, viewer_code: str | None = None
) -> tuple[list[Flag], dict[int, Unit]]:
    """Two queries: every warning sign of the month on the units under `paths`, and those
    units (code, name, path). Equal scoring and self-inflation come from the summary rows that
    counted one (`scoring.dashboards.summaries`), the lenient raters and reciprocal pairs as
    `period_decide` stored them, in the order found; names are read now, so a renamed cadre
    shows under the new name. A reciprocal pair is never shown to one of its two cadres: it
    would tell them that the other one rated them."""
    paths = list(paths)
    units: dict[int, Unit] = {}
    flags: list[Flag] = []
    if not paths:
        return flags, units
    frozen = Q(month=month, period__phase__in=FROZEN) & _under(paths)
    summaries = UnitMonthSummary.objects.filter(
        frozen, Q(flags_equalization__gt=0) | Q(flags_self_inflation__gt=0)
    ).values(
        "unit_id",
        "unit__code",
        "unit__name",
        "unit__path",
        "gap_count",
        "gap_sum",
        *(["rated", "total_sum", "total_sq", *TIER_FIELDS.values()]),
    )
    for row in summaries:
        unit_id = row["unit_id"]
        units[unit_id] = Unit(
            pk=unit_id, code=row["unit__code"], name=row["unit__name"], path=row["unit__path"]
        )
        flags += equalization_flags(unit_id, **result_figures(row))
        inflation = self_inflation_flag(unit_id, count=row["gap_count"], gap_sum=row["gap_sum"])
        if inflation:
            flags.append(inflation)
    stored = (
        RaterFlag.objects.filter(period__month=month, period__phase__in=FROZEN)
        .filter(_under(paths))
        .order_by("pk")
        .values_list(*RATER_FLAG_COLUMNS, "unit__code", "unit__name", "unit__path")
    )
    for *row, code, name, path in stored:
        flag = _rater_flag(tuple(row))
        if flag.kind == FlagKind.RECIPROCAL and viewer_code in {p.code for p in flag.people}:
            continue
        units[flag.unit_id] = Unit(pk=flag.unit_id, code=code, name=name, path=path)
        flags.append(flag)
    return flags, units


RATER_FLAG_COLUMNS = (
    "kind",
    "unit_id",
    "reason",
    "values",
    "rater__code",
    "rater__full_name",
    "partner__code",
    "partner__full_name",
)


def reciprocals_of(unit: Unit, month: str, viewer_code: str | None) -> list[tuple[str, int]]:
    """One query (none without a viewer): the reciprocal pairs of the month under `unit` that
    hold the viewer, as (the flagged unit's path, its warning signs in all): the counts read
    from the summary rows leave them out for this viewer."""
    if viewer_code is None:
        return []
    own = UnitMonthSummary.objects.filter(period=OuterRef("period"), unit=OuterRef("unit"))
    total = sum((F(name) for name in FLAG_FIELDS.values()), Value(0))
    return list(
        RaterFlag.objects.filter(
            period__month=month,
            period__phase__in=FROZEN,
            unit__path__startswith=unit.path,
            kind=FlagKind.RECIPROCAL,
        )
        .filter(Q(rater__code=viewer_code) | Q(partner__code=viewer_code))
        .values_list("unit__path", Subquery(own.annotate(n=total).values("n")[:1]))
    )


# --- the dashboard -------------------------------------------------------------------------


FLAGS_SHOWN = 10  # a row's flags listed on the dashboard; its own dashboard lists them all


@dataclass
class LeagueRow:
    """The unit's own members (level 0) or a direct subunit with its whole subtree (level 1)."""

    unit: Unit
    level: int
    stats: Stats
    # The warning signs of the unit's own members, or of every unit of the subunit's subtree:
    # how many of each kind, and the flags themselves once read (the rows the page lists).
    counts: dict[FlagKind, int] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    flagged_names: dict[int, str] = field(default_factory=dict)  # flagged unit id -> name
    previous: Stats | None = None  # the same row in the previous decided month, if it had one

    @property
    def flag_total(self) -> int:
        return sum(self.counts.values())

    @property
    def change(self) -> Decimal | None:
        """The average total's change from the previous decided month (None without both)."""
        before = self.previous.average if self.previous else None
        now = self.stats.average
        return None if before is None or now is None else now - before

    @property
    def change_size(self) -> Decimal | None:
        return None if self.change is None else abs(self.change)

    @property
    def flag_counts(self) -> list[tuple[FlagKind, str, int]]:
        """(kind, label, how many) of the row's flags, kinds in a fixed order."""
        return [(kind, flag_label(kind), n) for kind, n in sorted(self.counts.items()) if n]

    @property
    def flags_shown(self) -> list[tuple[Flag, str]]:
        """The first flags with the name of the unit flagged when it is below the row's."""
        return [
            (flag, "" if flag.unit_id == self.unit.pk else self.flagged_names[flag.unit_id])
            for flag in self.flags[:FLAGS_SHOWN]
        ]

    @property
    def flags_hidden(self) -> int:
        return max(0, self.flag_total - FLAGS_SHOWN)


LEAGUE_SORTS: dict[str, Callable[[LeagueRow], object]] = {
    "unit": lambda r: r.unit.path,
    "results": lambda r: r.stats.results,
    "rated": lambda r: r.stats.rated,
    "average": lambda r: r.stats.average,
    "change": lambda r: r.change,
    "sd": lambda r: r.stats.sd,
    **{f"share_{t.lower()}": (lambda r, t=t: r.stats.share(t)) for t in TIERS},
    "on_time": lambda r: r.stats.on_time_rate,
    "undistributed": lambda r: r.stats.undistributed,
    "flags": lambda r: r.flag_total,
}


def league_sort(sort: str | None) -> str:
    """The sort asked for if it names a column ("average", "-average", ...), else "unit"."""
    return sort if (sort or "").removeprefix("-") in LEAGUE_SORTS else "unit"


def sort_league(rows: list[LeagueRow], sort: str | None) -> tuple[list[LeagueRow], str]:
    """Rows sorted by a whitelisted column ("average", "-average", ...); empty values last."""
    sort = league_sort(sort)
    key = sort.removeprefix("-")
    if sort == "unit":
        return sorted(rows, key=lambda r: r.unit.path), "unit"
    get = LEAGUE_SORTS[key]
    present = [r for r in rows if get(r) is not None]
    missing = [r for r in rows if get(r) is None]
    present.sort(key=lambda r: (get(r), r.unit.path), reverse=(sort or "").startswith("-"))
    return present + sorted(missing, key=lambda r: r.unit.path), sort
