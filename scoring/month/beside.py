"""What the head sees beside their own scores: the cadre's self-assessment and, once it may be
shown, the mean of the cross-evaluations, per general criterion, and the cadre's rated dossiers
of the month (handled, on time, satisfaction); and the result page's table
of the head's score per criterion with the regulation's weights.

The peer mean follows the peer-visibility rule (docs/RULES.md §3, `peer_parts_visible`): only
after `Period.cross_evaluation_closed(today)`, with enough cross-evaluation scorecards, and
never on the viewer's own row. A fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg

from directives.dossiers.selectors import cadre_figures
from directives.models import Criterion, CriterionGroup
from scoring.models import ScorecardKind, ScorecardStatus, ScoreLine
from units.compiled import CompiledRows


def self_points_of(period, cadre_ids) -> dict[int, dict[str, Decimal]]:
    """Each cadre's submitted self-assessment, by criterion code: one query."""
    found: dict[int, dict[str, Decimal]] = defaultdict(dict)
    lines = ScoreLine.objects.filter(
        scorecard__period=period,
        scorecard__kind=ScorecardKind.SELF,
        scorecard__status=ScorecardStatus.SUBMITTED,
        scorecard__ratee_id__in=list(cadre_ids),
    ).values_list("scorecard__ratee_id", "criterion__code", "points")
    for ratee_id, code, points in lines:
        found[ratee_id][code] = points
    return found


def peer_means(period, cadre_ids) -> dict[int, dict[str, Decimal]]:
    """The mean of the submitted cross-evaluations, by cadre and criterion: one query (none for
    no cadre). Callers pass only the cadres whose peer figures may be shown."""
    cadre_ids = list(cadre_ids)
    if not cadre_ids:
        return {}
    found: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for ratee_id, code, mean in _peer_means.rows(period.pk, cadre_ids):
        found[ratee_id][code] = mean
    return found


def _peer_mean_rows(period_id, cadre_ids):
    return (
        ScoreLine.objects.filter(
            scorecard__period_id=period_id,
            scorecard__kind=ScorecardKind.PEER,
            scorecard__status=ScorecardStatus.SUBMITTED,
            scorecard__ratee_id__in=cadre_ids,
        )
        .values("scorecard__ratee_id", "criterion__code")
        .annotate(mean=Avg("points"))
        .order_by()
        .values_list("scorecard__ratee_id", "criterion__code", "mean")
    )


# Each grid row's save shows its member's peer means (docs/PERFORMANCE.md).
_peer_means = CompiledRows(ScoreLine, _peer_mean_rows)


def attach_to_grid(period, rows, *, closed: bool, self_points=None) -> None:
    """Set each grid cell's `self_points` and `peer_mean`, and each row's `service`: the
    cadre's rated dossiers of the month (docs/RULES.md §7), None without one. Three queries at
    most, two when the caller read the self-assessments already (`self_points`, as
    `self_points_of` gives them)."""
    ids = [row.member.cadre_id for row in rows]
    service = cadre_figures(ids, period.first_day, period.last_day) if ids else {}
    own = self_points_of(period, ids) if self_points is None else self_points
    shown = [row.member.cadre_id for row in rows if closed and not row.parts_hidden]
    peers = peer_means(period, shown)
    for row in rows:
        cadre_id = row.member.cadre_id
        row.service = service.get(cadre_id)
        for cell in row.cells:
            cell.self_points = own.get(cadre_id, {}).get(cell.code)
            cell.peer_mean = peers.get(cadre_id, {}).get(cell.code)


@dataclass
class CriterionLine:
    criterion: object
    self_points: Decimal | None
    head_points: Decimal | None


def weight_text(weight: Decimal) -> str:
    """A regulation weight as Vietnamese write it: 0.500 → "0,5"."""
    text = format(Decimal(weight).normalize(), "f")
    return text.replace(".", ",")


def result_lines(period, regulation, cadre, *, parts_visible: bool):
    """The result page's table: per general criterion, its maximum, the cadre's self-assessment
    and the head's points (only where the supervisor's score may be shown, docs/RULES.md §3),
    with the regulation's weights. Two queries: the criteria, the lines of the scorecards."""
    general = list(
        Criterion.objects.filter(
            regulation_id=regulation.pk, group=CriterionGroup.GENERAL
        ).order_by("order", "code")
    )
    kinds = [ScorecardKind.SELF, *([ScorecardKind.SUPERVISOR] if parts_visible else [])]
    lines = ScoreLine.objects.filter(
        scorecard__period=period,
        scorecard__ratee=cadre,
        scorecard__status=ScorecardStatus.SUBMITTED,
        scorecard__kind__in=kinds,
    ).order_by("scorecard__updated_at", "scorecard_id")
    cards: dict[str, dict[int, dict[str, Decimal]]] = defaultdict(dict)
    for kind, card_id, code, points in lines.values_list(
        "scorecard__kind", "scorecard_id", "criterion__code", "points"
    ):
        cards[kind].setdefault(card_id, {})[code] = points

    def last(kind):  # the scorecard that counts: submitted, saved last
        found = cards.get(kind, {})
        return found[list(found)[-1]] if found else {}

    own, head = last(ScorecardKind.SELF), last(ScorecardKind.SUPERVISOR)
    rows = [CriterionLine(c, own.get(c.code), head.get(c.code)) for c in general]
    weights = {
        "self": weight_text(regulation.weight_self),
        "peer": weight_text(regulation.weight_peer),
        "supervisor": weight_text(regulation.weight_supervisor),
    }
    return rows, weights
