"""Warning signs in a decided month: equal scoring and rater bias (issue 6).

Pure functions over plain values: no database, no request. Equal scoring and self-inflation
come from the units' result aggregates each dashboard reads (`scoring.dashboards`); lenient
raters and reciprocal pairs read every peer scorecard of the month, so `period_decide` works
them out once and stores them (`RaterFlag`). Each flag keeps the numbers behind it and says
why in a sentence, translated when it is shown.

Flags are for leaders, heads and administrators only. A leniency or reciprocal flag names
raters: the dashboards never show it to a cadre, and never say whom a rater rated.

Definitions (every threshold is a module constant, named below):

- Equalization ("cào bằng"), per unit, over its rated members' totals (final tiers), for a unit
  with at least `EQUAL_MIN_RATED` rated members: the population standard deviation of the
  totals is under `EQUAL_SD_LIMIT` (3 points), or `EQUAL_TIER_SHARE` (90%) or more of them
  share one tier. Both can fire; each is its own flag.
- Leniency, per unit, over the submitted peer scorecards of its members (a scorecard's points
  are the sum of its general-criterion lines). For a ratee with at least two peer scorecards,
  the consensus seen by rater r is the mean of the OTHER raters' points for that ratee, and r's
  deviation is r's points minus that consensus. SD is the population standard deviation of
  every such deviation in the unit (all raters, all ratees), taken as at least
  `LENIENCY_MIN_SD` (1 point) so that a unit agreeing to a fraction of a point does not flag
  trivial differences. A rater with deviations on at least `LENIENCY_MIN_RATEES` ratees is
  lenient when the mean of their deviations exceeds `LENIENCY_Z` (1.5) × SD. With only two
  raters per ratee the deviations mirror each other and leniency cannot be told from
  harshness: such units rarely fire, by design.
- Self-inflation, per unit, over members with both a self and a supervisor part: the mean of
  (self - supervisor) general points is above `SELF_GAP_LIMIT` (5 points), with at least
  `SELF_MIN_MEMBERS` such members.
- Reciprocal pair: two cadres whose peer scorecards on each other both reach `TOP_SHARE` (95%)
  of the general maximum, while each one's mean points to the other ratees they scored is at
  least `GAP_SHARE` (10%) of the general maximum lower (3 points of ND335's 30) than what they
  gave their partner. A cadre who scored nobody else gives no evidence and is not flagged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import NamedTuple

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext, pgettext

from scoring.models import TIERS

EQUAL_SD_LIMIT = Decimal("3")
EQUAL_TIER_SHARE = Decimal("0.9")
EQUAL_MIN_RATED = 5
LENIENCY_Z = Decimal("1.5")
LENIENCY_MIN_SD = Decimal("1")
LENIENCY_MIN_RATEES = 2
SELF_GAP_LIMIT = Decimal("5")
SELF_MIN_MEMBERS = 3
TOP_SHARE = Decimal("0.95")
GAP_SHARE = Decimal("0.10")


class FlagKind(StrEnum):
    EQUALIZATION = "equalization"
    LENIENCY = "leniency"
    SELF_INFLATION = "self_inflation"
    RECIPROCAL = "reciprocal"


class Person(NamedTuple):
    code: str
    name: str

    def __str__(self):
        return f"{self.name} ({self.code})"


class PeerCard(NamedTuple):
    """One submitted peer scorecard: its general points and the general maximum."""

    unit_id: int
    rater: Person
    ratee: Person
    points: Decimal
    max_points: Decimal


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    unit_id: int
    reason: str
    values: Mapping[str, object] = field(default_factory=dict)
    people: tuple[Person, ...] = ()

    @property
    def label(self) -> str:
        return flag_label(self.kind)

    @property
    def message(self) -> str:
        """The sentence saying why, in the active language, numbers as it writes them."""
        v = {
            key: _number(value, ROUNDING.get(key, ROUND_HALF_UP))
            if isinstance(value, Decimal)
            else value
            for key, value in self.values.items()
        }
        if self.kind == FlagKind.EQUALIZATION and self.reason == "sd":
            return (
                gettext(
                    "Standard deviation of totals %(sd)s < %(limit)s points: signs of equal scoring"
                )
                % v
            )
        if self.kind == FlagKind.EQUALIZATION:
            return (
                gettext(
                    "%(share)s%% of rated members are in tier %(tier)s (%(count)s of %(rated)s): "
                    "signs of equal scoring"
                )
                % v
            )
        if self.kind == FlagKind.LENIENCY:
            return ngettext(
                "%(rater)s scored %(ratees)s colleague %(excess)s points above the other raters "
                "on average (1.5 standard deviations = %(limit)s points): possibly lenient",
                "%(rater)s scored %(ratees)s colleagues %(excess)s points above the other "
                "raters on average (1.5 standard deviations = %(limit)s points): possibly lenient",
                self.values["ratees"],
            ) % {**v, "rater": str(self.people[0])}
        if self.kind == FlagKind.SELF_INFLATION:
            return (
                ngettext(
                    "Self-assessments exceed the supervisor's general points by %(gap)s points on "
                    "average over %(count)s member (limit %(limit)s): possible self-inflation",
                    "Self-assessments exceed the supervisor's general points by %(gap)s points on "
                    "average over %(count)s members (limit %(limit)s): possible self-inflation",
                    self.values["count"],
                )
                % v
            )
        return gettext(
            "%(first)s and %(second)s gave each other %(first_gave)s and %(second_gave)s of "
            "%(max)s points, but %(first_others)s and %(second_others)s on average to the "
            "others they scored: possible reciprocal marking"
        ) % {**v, "first": str(self.people[0]), "second": str(self.people[1])}


def flag_label(kind: FlagKind) -> str:
    return {
        FlagKind.EQUALIZATION: pgettext("flag", "Equal scoring"),
        FlagKind.LENIENCY: pgettext("flag", "Lenient rater"),
        FlagKind.SELF_INFLATION: pgettext("flag", "Self-inflation"),
        FlagKind.RECIPROCAL: pgettext("flag", "Reciprocal pair"),
    }[kind]


# A value shown beside its limit keeps its side of it: an SD of 2.999 reads 2,99 (< 3), never 3.
ROUNDING = {"sd": ROUND_FLOOR, "excess": ROUND_CEILING, "gap": ROUND_CEILING}


def _number(value: Decimal, rounding: str = ROUND_HALF_UP) -> str:
    """At most 2 decimals, no trailing zeros, in the active language's notation (vi: 1,8)."""
    shown = value.quantize(Decimal("0.01"), rounding=rounding).normalize()
    places = max(0, -shown.as_tuple().exponent)
    return number_format(shown, decimal_pos=places)


def _mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def population_sd(values: Sequence[Decimal]) -> Decimal:
    mean = _mean(values)
    return (sum(((x - mean) ** 2 for x in values), Decimal(0)) / len(values)).sqrt()


def population_sd_from_sums(count: int, total: Decimal, total_sq: Decimal) -> Decimal | None:
    """SD from the count, sum and sum of squares a GROUP BY returns (None below 1 value)."""
    if not count:
        return None
    mean = total / count
    variance = total_sq / count - mean * mean
    return max(variance, Decimal(0)).sqrt()


def equalization_flags(
    unit_id: int,
    *,
    rated: int,
    total: Decimal,
    total_sq: Decimal,
    tiers: Mapping[str, int],
) -> list[Flag]:
    """Equal scoring in a unit from its rated members' count, sum and sum of squares of totals
    and its count per final tier."""
    if rated < EQUAL_MIN_RATED:
        return []
    flags = []
    sd = population_sd_from_sums(rated, total, total_sq)
    if sd < EQUAL_SD_LIMIT:
        flags.append(
            Flag(FlagKind.EQUALIZATION, unit_id, "sd", {"sd": sd, "limit": EQUAL_SD_LIMIT})
        )
    tier, count = max(((t, tiers.get(t, 0)) for t in TIERS), key=lambda item: item[1])
    if count >= EQUAL_TIER_SHARE * rated:
        share = Decimal(100 * count) / rated
        flags.append(
            Flag(
                FlagKind.EQUALIZATION,
                unit_id,
                "tier",
                {"share": share, "tier": tier, "count": count, "rated": rated},
            )
        )
    return flags


def self_inflation_flag(unit_id: int, *, count: int, gap_sum: Decimal) -> Flag | None:
    """Self above supervisor general points by more than the limit on average in a unit."""
    if count < SELF_MIN_MEMBERS:
        return None
    gap = gap_sum / count
    if gap <= SELF_GAP_LIMIT:
        return None
    return Flag(
        FlagKind.SELF_INFLATION,
        unit_id,
        "gap",
        {"gap": gap, "count": count, "limit": SELF_GAP_LIMIT},
    )


def _by_unit(cards: Iterable[PeerCard]) -> dict[int, list[PeerCard]]:
    units: dict[int, list[PeerCard]] = defaultdict(list)
    for card in cards:
        units[card.unit_id].append(card)
    return units


def leniency_flags(cards: Iterable[PeerCard]) -> list[Flag]:
    """Raters whose points exceed the other raters' consensus by more than 1.5 SD."""
    flags = []
    for unit_id, unit_cards in sorted(_by_unit(cards).items()):
        by_ratee: dict[str, list[PeerCard]] = defaultdict(list)
        for card in unit_cards:
            by_ratee[card.ratee.code].append(card)
        deviations: dict[Person, list[Decimal]] = defaultdict(list)
        for ratee_cards in by_ratee.values():
            if len(ratee_cards) < 2:
                continue
            points_sum = sum((c.points for c in ratee_cards), Decimal(0))
            for card in ratee_cards:
                consensus = (points_sum - card.points) / (len(ratee_cards) - 1)
                deviations[card.rater].append(card.points - consensus)
        every = [d for ds in deviations.values() for d in ds]
        if not every:
            continue
        sd = max(population_sd(every), LENIENCY_MIN_SD)
        limit = LENIENCY_Z * sd
        for rater, ds in sorted(deviations.items()):
            if len(ds) < LENIENCY_MIN_RATEES:
                continue
            excess = _mean(ds)
            if excess > limit:
                flags.append(
                    Flag(
                        FlagKind.LENIENCY,
                        unit_id,
                        "excess",
                        {"excess": excess, "limit": limit, "sd": sd, "ratees": len(ds)},
                        (rater,),
                    )
                )
    return flags


def reciprocal_flags(cards: Iterable[PeerCard]) -> list[Flag]:
    """Pairs giving each other top marks while giving the others they score less."""
    cards = list(cards)
    given = {(c.rater.code, c.ratee.code): c for c in cards}
    by_rater: dict[str, list[PeerCard]] = defaultdict(list)
    for card in cards:
        by_rater[card.rater.code].append(card)
    flags = []
    for (a, b), ab in sorted(given.items()):
        ba = given.get((b, a))
        if a >= b or ba is None:
            continue
        if ab.points < TOP_SHARE * ab.max_points or ba.points < TOP_SHARE * ba.max_points:
            continue
        a_others = [c.points for c in by_rater[a] if c.ratee.code != b]
        b_others = [c.points for c in by_rater[b] if c.ratee.code != a]
        if not a_others or not b_others:
            continue
        a_mean, b_mean = _mean(a_others), _mean(b_others)
        if ab.points - a_mean < GAP_SHARE * ab.max_points:
            continue
        if ba.points - b_mean < GAP_SHARE * ba.max_points:
            continue
        flags.append(
            Flag(
                FlagKind.RECIPROCAL,
                ab.unit_id,
                "pair",
                {
                    "first_gave": ab.points,
                    "second_gave": ba.points,
                    "max": ab.max_points,
                    "first_others": a_mean,
                    "second_others": b_mean,
                },
                (ab.rater, ba.rater),
            )
        )
    return flags
