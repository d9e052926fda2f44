"""Template helpers of the month pages: month and tier labels, points, the home card."""

from django import template
from django.utils.translation import gettext as _

from scoring.io.formats import MISSING, points_text
from scoring.models import (
    PEER_PARTS_MIN_SCORECARDS,
    PeerAssignment,
    PeriodMember,
    Phase,
    Result,
    Scorecard,
    ScorecardKind,
    ScorecardStatus,
    Tier,
)
from scoring.reasons import reason_text
from units.formats import vnd_text

register = template.Library()

TIER_STYLE = {"A": "success", "B": "primary", "C": "warning", "D": "danger"}


@register.simple_tag
def peer_parts_min():
    """The submitted peer scorecards from which a ratee sees their peer and supervisor parts."""
    return PEER_PARTS_MIN_SCORECARDS


@register.filter
def month_label(month):
    """ "2026-11" → "tháng 11/2026"."""
    try:
        year, number = str(month).split("-")
    except ValueError:
        return month
    return _("month %(number)s/%(year)s") % {"number": number, "year": year}


@register.filter
def month_labels(months, separator=", "):
    """("2026-10", "2026-11") → "tháng 10/2026, tháng 11/2026"."""
    return separator.join(month_label(month) for month in months)


@register.filter
def points(value):
    """A score with its 2 decimals in the active language: 92.9 → "92,90" (vi); "—" when missing."""
    return points_text(value)


@register.filter
def points_limit(value):
    """A maximum as written, without trailing zeros: 10.00 → "10", 2.50 → "2,5"."""
    return points_text(value, trim=True)


@register.filter
def reason(value):
    """An engine's or a stored reason in words, in the active language."""
    return reason_text(value)


@register.filter
def tier_label(tier):
    tier = getattr(tier, "value", tier)
    if not tier:
        return _("Not rated")
    return Tier(tier).label


@register.filter
def tier_style(tier):
    return TIER_STYLE.get(getattr(tier, "value", tier) or "", "secondary")


@register.filter
def vnd(amount):
    """Whole VND with dot thousands in either language: 1428000 → "1.428.000"; "—" when
    missing. Every page's money, the dashboards' too."""
    return vnd_text(amount) or MISSING


@register.filter
def rate(value):
    """A quota rate as a percentage: 0.40 → "40%", 0.125 → "12,5%"."""
    if value is None:
        return "—"
    return f"{points_text(value * 100, trim=True)}%"


@register.filter
def percent(part, whole):
    try:
        return round(100 * int(part) / int(whole)) if int(whole) else 0
    except (TypeError, ValueError):
        return 0


@register.inclusion_tag("scoring/month/home_card.html", takes_context=True)
def month_home_cards(context):
    """The home card of the month: the cadre's steps and last result; the head's links."""
    scope = context.get("scope")
    if scope is None:
        return {"show": False}
    card = {"show": False, "scope": scope}
    cadre = scope.cadre
    if cadre is not None:
        member = (
            PeriodMember.objects.filter(cadre=cadre)
            .select_related("period")
            .order_by("-period__month")
            .first()
        )
        if member is not None:
            period = member.period
            card.update(show=True, period=period)
            if not period.is_frozen:
                card["self_card"] = Scorecard.objects.filter(
                    period=period, ratee=cadre, rater=cadre, kind=ScorecardKind.SELF
                ).first()
                assigned = PeerAssignment.objects.filter(period=period, rater=cadre)
                card["peer_total"] = assigned.count()
                card["peer_done"] = Scorecard.objects.filter(
                    period=period,
                    rater=cadre,
                    kind=ScorecardKind.PEER,
                    status=ScorecardStatus.SUBMITTED,
                    ratee_id__in=assigned.values("ratee_id"),
                ).count()
            last = (
                Result.objects.filter(cadre=cadre, period__phase__in=[Phase.APPEALS, Phase.LOCKED])
                .select_related("period")
                .order_by("-period__month")
                .first()
            )
            card["last_result"] = last
    if scope.act_paths or scope.read_paths:
        card.update(show=True, manager=bool(scope.act_paths), reader=bool(scope.read_paths))
    return card
