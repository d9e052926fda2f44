"""Reads behind the leader dashboards (issue 6): a scope's decided months at a glance.

Everything here READS results the decide service wrote; no score is recomputed (the rules live
in `scoring.engine`). Each page costs a fixed number of queries whatever the size of the scope:
results, tasks and pools are grouped by (month, unit) in SQL with plain aggregates (no window
functions, the same on SQLite and PostgreSQL), and the per-unit sums are added up in Python
for the scope's summary and the trends' roll-up, which is exact because every statistic is
kept as counts and sums.

Definitions:
- scope: a unit the user may browse (`units.scope`) and its whole subtree; a result belongs
  to it when its unit (the cadre's unit in that month) lies in the subtree.
- decided month: a month with a period in phase decided, appeals (published) or locked whose
  scope covers the unit or lies in its subtree.
- rated: a result with a tier (leave and undecidable cadres are counted apart).
- on-time rate: tasks whose effective deadline falls in the month (cancelled ones aside)
  completed on or before that deadline, over those tasks; a task belongs to the unit it was
  assigned in (`Task.unit`). Only decided months count: a unit's tasks count in a month when
  the unit has results of a decided period that month, so a sub-scope whose month is still
  running adds nothing to the scope's rate.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from directives.models import Task
from scoring.flags import (
    Flag,
    FlagKind,
    Person,
    equalization_flags,
    flag_label,
    population_sd_from_sums,
    self_inflation_flag,
)
from scoring.models import (
    Adjustment,
    Period,
    PeriodUnitResult,
    Phase,
    RaterFlag,
    Result,
    month_bounds,
)
from units.models import Role, Unit

FROZEN = (Phase.DECIDED, Phase.APPEALS, Phase.LOCKED)
TIERS = ("A", "B", "C", "D")
RATED = Q(rated=True, tier__in=TIERS)
ON_TIME = Q(completed_on__isnull=False, completed_on__lte=F("effective_deadline"))
TREND_MONTHS = 12
TREND_SERIES = 12  # subunits drawn in the trend charts, the largest first
RANKING_PAGE_SIZE = 50
NOT_RATED = "none"  # the ranking's tier filter for results without a tier

_SUMS = DecimalField(max_digits=20, decimal_places=4)
_CENT = Decimal("0.01")


def _rounded(value: Decimal | None, places: Decimal = _CENT) -> Decimal | None:
    return None if value is None else value.quantize(places, rounding=ROUND_HALF_UP)


def _percent(part: int, whole: int) -> Decimal | None:
    return _rounded(Decimal(100 * part) / whole, Decimal("0.1")) if whole else None


# --- scope and months ----------------------------------------------------------------------


def dashboard_unit(scope, code: str | None) -> Unit | None:
    """The unit asked for when the user may read it (else None); without a code, the highest
    unit they may read (the first in tree order among the shallowest)."""
    if code:
        unit = Unit.objects.filter(code=code).first()
        return unit if unit is not None and scope.can_browse(unit) else None
    if scope.is_admin:
        return Unit.objects.order_by("depth", "path").first()
    return min((r.unit for r in scope.roles), key=lambda u: (u.depth, u.path), default=None)


def picker_units(scope, unit: Unit) -> list[Unit]:
    """The unit picker, small at any size: the user's highest units, the way down to `unit`
    and its subunits, in tree order, indented by depth (one query)."""
    tops = Q(depth=0) if scope.is_admin else Q(path__in=scope.read_paths)
    near = Q(path__in=unit.ancestor_paths()) | Q(parent_id=unit.pk)
    units = [
        u
        for u in Unit.objects.filter(tops | near)
        .only("code", "name", "path", "depth", "parent_id")
        .order_by("path")
        if scope.can_browse(u)
    ]
    top = min((u.depth for u in units), default=0)
    for u in units:
        u.indent = "\u00a0\u00a0\u00a0" * (u.depth - top)
    return units


def decided_months(unit: Unit) -> list[str]:
    """Months with a decided, published or locked period over the unit, newest first."""
    return months_and_stamp(unit)[0]


def months_and_stamp(unit: Unit) -> tuple[list[str], str]:
    """The unit's decided months and a stamp that changes whenever one of them is decided
    again, reopened or newly decided: what the cached dashboard pages depend on (one query)."""
    rows = (
        Period.objects.filter(phase__in=FROZEN)
        .filter(Q(scope__path__in=unit.ancestor_paths()) | Q(scope__path__startswith=unit.path))
        .values_list("month", "pk", "decided_at")
        .order_by("-month", "pk")
    )
    months: list[str] = []
    stamp = []
    for month, pk, decided_at in rows:
        if not months or months[-1] != month:
            months.append(month)
        stamp.append(f"{pk}@{decided_at.timestamp() if decided_at else ''}")
    return months, ",".join(stamp)


def trend_window(months: Sequence[str], month: str) -> list[str]:
    """The last `TREND_MONTHS` decided months up to `month`, oldest first."""
    return sorted(m for m in months if m <= month)[-TREND_MONTHS:]


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
        return _percent(self.on_time, self.due)

    def share(self, tier: str) -> Decimal | None:
        return _percent(self.tiers[tier], self.rated)

    @property
    def shares(self) -> dict[str, Decimal | None]:
        return {tier: self.share(tier) for tier in TIERS}

    @property
    def tier_rows(self) -> list[tuple[str, int, Decimal | None]]:
        return [(tier, self.tiers[tier], self.share(tier)) for tier in TIERS]


def _result_stats(unit: Unit, months: Sequence[str]) -> dict[tuple[str, int], Stats]:
    """One query: results grouped by month and unit.

    The self-assessment gap leaves out heads, deputies and anyone holding a role: they read the
    dashboards, know everyone else's self and supervisor points, and could take their own
    supervisor's points (then their peer mean) out of the unit's average gap (docs/RULES.md §3).
    """
    both_parts = Q(
        self_score__isnull=False, supervisor_score__isnull=False, is_leader=False
    ) & ~Exists(Role.objects.filter(cadre=OuterRef("cadre")))
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
    rows = (
        Task.objects.due_in_month(first, last)
        .filter(unit__path__startswith=unit.path)
        .annotate(due_month=TruncMonth("effective_deadline"))
        .values("due_month", "unit_id")
        .annotate(due=Count("pk"), on_time=Count("pk", filter=ON_TIME))
        .order_by()
    )
    wanted = set(months)
    for row in rows:
        month = f"{row['due_month']:%Y-%m}"
        if month in wanted and (month, row["unit_id"]) in decided:
            entry = stats[month, row["unit_id"]]
            entry.due, entry.on_time = row["due"], row["on_time"]


def _add_pool_stats(unit: Unit, month: str, stats: dict) -> None:
    """One query: the month's pools, distributed and undistributed money per unit."""
    rows = (
        PeriodUnitResult.objects.filter(
            period__phase__in=FROZEN, period__month=month, unit__path__startswith=unit.path
        )
        .values("unit_id")
        .annotate(p=Sum("pool"), d=Sum("distributed"), u=Sum("undistributed"))
        .order_by()
    )
    for row in rows:
        entry = stats.setdefault((month, row["unit_id"]), Stats())
        entry.pool, entry.distributed, entry.undistributed = row["p"], row["d"], row["u"]


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
FLAGGED_ROWS_SHOWN = 10  # rows whose flags are listed; the others show their counts only


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


@dataclass
class Dashboard:
    unit: Unit
    month: str
    months: list[str]
    summary: Stats
    league: list[LeagueRow]
    sort: str
    flags: list[Flag]
    trend: dict | None = None
    previous_month: str | None = None  # the decided month the league's changes are against

    @property
    def flagged_units(self) -> int:
        return len({flag.unit_id for flag in self.flags})

    @property
    def flagged_rows(self) -> list[LeagueRow]:
        """The league's rows with flags, in tree order: the flags section's groups (at most
        FLAGGED_ROWS_SHOWN, most flags first; a city has a hundred wards)."""
        flagged = sorted((r for r in self.league if r.flags), key=lambda r: -len(r.flags))
        return sorted(flagged[:FLAGGED_ROWS_SHOWN], key=lambda r: r.unit.path)

    @property
    def flagged_rows_hidden(self) -> list[LeagueRow]:
        shown = {r.unit.pk for r in self.flagged_rows}
        return [r for r in self.league if r.flags and r.unit.pk not in shown]


def dashboard_data(
    unit: Unit,
    month: str,
    months: Sequence[str],
    units: Sequence[Unit] | None = None,
    *,
    sort: str | None = None,
    viewer_code: str | None = None,
    with_trend: bool = True,
) -> Dashboard:
    """The scope's month: summary, league table with flags and 12-month trends.

    Five queries: results by month and unit, tasks by month and unit, pools of the month, the
    rater flags stored at decision; and the subtree's units when `units` is not given.
    """
    window = trend_window(months, month) if with_trend else [month]
    stats = _result_stats(unit, window)
    _add_task_stats(unit, window, stats)
    _add_pool_stats(unit, month, stats)
    if units is None:
        units = Unit.objects.subtree_of(unit.path).only("code", "name", "path", "depth")
    by_id = {u.pk: u for u in units}

    current = {uid: s for (m, uid), s in stats.items() if m == month}
    flags = month_flags(current, rater_flags(unit, month), viewer_code=viewer_code)
    flags.sort(key=lambda f: (by_id[f.unit_id].path, f.kind, f.reason))

    # A row per direct subunit (its whole subtree added up) and one for the unit's own
    # members: a city's dashboard compares its wards, each ward's its departments.
    series_of = _series_of(unit, by_id)
    rows: dict[int, LeagueRow] = {}
    summary = Stats()
    for unit_id, unit_stats in current.items():
        summary.add(unit_stats)
        target = series_of[unit_id]
        if target.pk not in rows:
            rows[target.pk] = LeagueRow(target, 0 if target.pk == unit.pk else 1, Stats(), [])
        rows[target.pk].stats.add(unit_stats)
    # Each row's change from the previous decided month of the window (no further query).
    previous_month = window[-2] if len(window) > 1 and window[-1] == month else None
    for (m, unit_id), unit_stats in stats.items():
        row = rows.get(series_of[unit_id].pk) if m == previous_month else None
        if row is not None:
            row.previous = row.previous or Stats()
            row.previous.add(unit_stats)
    for flag in flags:
        row = rows[series_of[flag.unit_id].pk]
        row.flags.append(flag)
        row.flagged_names[flag.unit_id] = by_id[flag.unit_id].name
    league, sort = sort_league(list(rows.values()), sort)
    dashboard = Dashboard(unit, month, window, summary, league, sort, flags)
    dashboard.previous_month = previous_month
    if with_trend:
        dashboard.trend = _trend(unit, window, stats, by_id)
    return dashboard


def _series_of(unit: Unit, units: dict[int, Unit]) -> dict[int, Unit]:
    """Each unit of the scope mapped to the trend series it adds to: the scope unit itself (its
    own members) or the direct subunit whose subtree holds it."""
    by_path = {u.path: u for u in units.values()}
    series = {}
    for unit_id, member_unit in units.items():
        if not member_unit.path.startswith(unit.path):
            continue
        rest = member_unit.path[len(unit.path) :]
        series[unit_id] = by_path[unit.path + rest.split("/", 1)[0] + "/"] if rest else unit
    return series


def _point(value: Decimal | None) -> float | None:
    # Chart.js wants numbers; the page's tables show the Decimal values.
    return None if value is None else float(value)


def _series_json(label: str, code: str, per_month: list[Stats]) -> dict:
    return {
        "label": label,
        "code": code,
        "average": [_point(s.average) for s in per_month],
        "on_time": [_point(s.on_time_rate) for s in per_month],
        "tiers": {t: [_point(s.share(t)) for s in per_month] for t in TIERS},
        "rated": [s.rated for s in per_month],
    }


def _trend(unit: Unit, window: list[str], stats: dict, units: dict[int, Unit]) -> dict:
    """The trend charts' data: one series per direct subunit (its whole subtree) and one for
    the scope unit's own members, plus the whole scope."""
    series_of = _series_of(unit, units)
    per_series: dict[int, dict[str, Stats]] = {}
    whole = {m: Stats() for m in window}
    for (month, unit_id), unit_stats in stats.items():
        target = series_of[unit_id]
        per_series.setdefault(target.pk, {m: Stats() for m in window})[month].add(unit_stats)
        whole[month].add(unit_stats)

    # A chart of a city's 150 wards reads as nothing: the unit's own members and its
    # TREND_SERIES largest subunits (by members rated over the window) get a line each.
    def rated(pk):
        return sum(s.rated for s in per_series[pk].values())

    largest = sorted((pk for pk in per_series if pk != unit.pk), key=rated, reverse=True)
    kept = {unit.pk, *largest[:TREND_SERIES]}
    ordered = sorted((pk for pk in per_series if pk in kept), key=lambda pk: units[pk].path)
    return {
        "months": window,
        "left_out": max(0, len(largest) - TREND_SERIES),
        "series": [
            _series_json(
                _("%(unit)s (own members)") % {"unit": units[pk].name}
                if pk == unit.pk
                else units[pk].name,
                units[pk].code,
                [per_series[pk][m] for m in window],
            )
            for pk in ordered
        ],
        "whole": _series_json(unit.name, unit.code, [whole[m] for m in window]),
        "labels": {
            "month": _("Month"),
            "average": _("Average total (points)"),
            "on_time": _("Tasks on time (%)"),
            "share": _("Share of rated members (%)"),
            "tiers": {t: _("Tier %(tier)s") % {"tier": t} for t in TIERS},
        },
    }


# --- the ranking ---------------------------------------------------------------------------

# Vietnamese letters with diacritics (lower case); their upper case is added below.
VIETNAMESE = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"


def fold(text: str) -> str:
    """Lower case without diacritics: "Đặng Thị Ánh" → "dang thi anh"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _letter_variants() -> dict[str, str]:
    variants: dict[str, set[str]] = {}
    for letter in VIETNAMESE + VIETNAMESE.upper():
        base = fold(letter)
        variants.setdefault(base, {base, base.upper()}).add(letter)
    return {base: "".join(sorted(letters)) for base, letters in variants.items()}


LETTER_VARIANTS = _letter_variants()


def name_pattern(word: str) -> str:
    """A regular expression matching `word` in a name whatever its accents and case:
    "dang" → "[dDđĐ][aAàáạ…][nN][gG]". Character classes behave the same in SQLite (Django's
    REGEXP is Python's re) and PostgreSQL, with no extension and no folding of the column."""
    parts = []
    for char in fold(word):
        if char in LETTER_VARIANTS:
            parts.append(f"[{LETTER_VARIANTS[char]}]")
        elif char.isalpha():
            parts.append(f"[{char}{char.upper()}]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


_TOTAL_DESC = F("total").desc(nulls_last=True)
RANKING_SORTS = {
    "total": [_TOTAL_DESC, "cadre__code"],
    "name": ["cadre__full_name", "cadre__code"],
    "code": ["cadre__code"],
    "unit": ["unit__path", _TOTAL_DESC, "cadre__code"],
    "tier": [
        Case(When(tier="", then=Value(1)), default=Value(0)),
        "tier",
        _TOTAL_DESC,
        "cadre__code",
    ],
}


def month_results(unit: Unit, month: str) -> QuerySet[Result]:
    return Result.objects.filter(
        period__phase__in=FROZEN, period__month=month, unit__path__startswith=unit.path
    )


def ranking(
    unit: Unit,
    month: str,
    *,
    job_group: str = "",
    tier: str = "",
    q: str = "",
    sort: str = "total",
) -> QuerySet[Result]:
    """Every cadre of the scope in the month with total, tier, ranks, unit and job group.

    `q` matches every word in the code or, accents aside, in the name.
    """
    results = month_results(unit, month).select_related("cadre", "unit")
    if job_group:
        results = results.filter(job_group=job_group)
    if tier == NOT_RATED:
        results = results.exclude(RATED)
    elif tier in TIERS:
        results = results.filter(RATED, tier=tier)
    for word in unicodedata.normalize("NFC", q).split():
        results = results.filter(
            Q(cadre__code__icontains=word) | Q(cadre__full_name__regex=name_pattern(word))
        )
    return results.order_by(*RANKING_SORTS.get(sort, RANKING_SORTS["total"]))


def job_groups(unit: Unit, month: str) -> list[str]:
    return list(
        month_results(unit, month)
        .values_list("job_group", flat=True)
        .distinct()
        .order_by("job_group")
    )


# --- one cadre -----------------------------------------------------------------------------


def cadre_results(cadre, scope) -> list[Result]:
    """The cadre's decided months whose unit the user may browse, oldest first."""
    results = Result.objects.filter(cadre=cadre, period__phase__in=FROZEN)
    if not scope.is_admin:
        within = Q()
        for path in scope.read_paths:
            within |= Q(unit__path__startswith=path)
        results = results.filter(within) if scope.read_paths else results.none()
    return list(results.select_related("period", "unit").order_by("period__month"))


def tasks_behind(cadre, month: str) -> QuerySet[Task]:
    """The tasks that count in the cadre's T for the month (docs/RULES.md §1: lead assignee,
    effective deadline in the month)."""
    first, last = month_bounds(month)
    return (
        Task.objects.due_in_month(first, last)
        .filter(assignee=cadre)
        .order_by("effective_deadline", "code")
    )


def adjustments_of(result: Result) -> QuerySet[Adjustment]:
    return Adjustment.objects.filter(period_id=result.period_id, cadre_id=result.cadre_id).order_by(
        "created_at", "pk"
    )
