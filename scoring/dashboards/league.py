"""The league table of units and the raters flagged in a month."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

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
from scoring.models import RaterFlag
from units.models import Unit

# --- flags ---------------------------------------------------------------------------------


def rater_flags(unit: Unit, month: str) -> list[Flag]:
    """One query: the lenient raters and reciprocal pairs `period_decide` stored for the
    month's decided periods on units of the scope, in the order they were found. Names are
    read now, so a renamed cadre shows under the new name."""
    rows = (
        RaterFlag.objects.filter(
            period__month=month, period__phase__in=FROZEN, unit__path__startswith=unit.path
        )
        .order_by("pk")
        .values_list(
            "kind",
            "unit_id",
            "reason",
            "values",
            "rater__code",
            "rater__full_name",
            "partner__code",
            "partner__full_name",
        )
    )
    return [
        Flag(
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
        for (
            kind,
            unit_id,
            reason,
            values,
            rater_code,
            rater_name,
            partner_code,
            partner_name,
        ) in rows
    ]


def month_flags(
    unit_stats: dict[int, Stats], stored: Iterable[Flag], *, viewer_code: str | None = None
) -> list[Flag]:
    """Every flag of the month: equal scoring and self-inflation from the units' results, the
    rater flags as stored at decision. A reciprocal pair is never shown to one of its two
    cadres: it would tell them that the other one rated them."""
    flags: list[Flag] = []
    for unit_id, stats in unit_stats.items():
        flags += equalization_flags(
            unit_id,
            rated=stats.rated,
            total=stats.total,
            total_sq=stats.total_sq,
            tiers=stats.tiers,
        )
        inflation = self_inflation_flag(unit_id, count=stats.gap_count, gap_sum=stats.gap_sum)
        if inflation:
            flags.append(inflation)
    flags += [
        flag
        for flag in stored
        if flag.kind != FlagKind.RECIPROCAL
        or viewer_code not in {person.code for person in flag.people}
    ]
    return flags


# --- the dashboard -------------------------------------------------------------------------


FLAGS_SHOWN = 10  # a row's flags listed on the dashboard; its own dashboard lists them all


@dataclass
class LeagueRow:
    """The unit's own members (level 0) or a direct subunit with its whole subtree (level 1)."""

    unit: Unit
    level: int
    stats: Stats
    flags: list[Flag]  # of the unit's own members, or of every unit of the subunit's subtree
    flagged_names: dict[int, str] = field(default_factory=dict)  # flagged unit id -> name
    previous: Stats | None = None  # the same row in the previous decided month, if it had one

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
        counts: dict[FlagKind, int] = {}
        for flag in self.flags:
            counts[flag.kind] = counts.get(flag.kind, 0) + 1
        return [(kind, flag_label(kind), n) for kind, n in sorted(counts.items())]

    @property
    def flags_shown(self) -> list[tuple[Flag, str]]:
        """The first flags with the name of the unit flagged when it is below the row's."""
        return [
            (flag, "" if flag.unit_id == self.unit.pk else self.flagged_names[flag.unit_id])
            for flag in self.flags[:FLAGS_SHOWN]
        ]

    @property
    def flags_hidden(self) -> int:
        return max(0, len(self.flags) - FLAGS_SHOWN)


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
    "flags": lambda r: len(r.flags),
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
