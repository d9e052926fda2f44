import datetime as dt
from decimal import Decimal

from django import template
from django.utils import timezone

from directives import selectors
from directives.catalogue.services import shown

register = template.Library()


@register.filter
def overdue(task, today):
    """Still open after its effective deadline."""
    return task.status in selectors.OPEN and task.effective_deadline < today


@register.inclusion_tag("directives/home_card.html", takes_context=True)
def task_home_cards(context):
    """Home cards: a cadre's tasks due this week and overdue; a head's results to review."""
    scope = context.get("scope")
    if scope is None:
        return {"show": False}
    today = timezone.localdate()
    week_end = today + dt.timedelta(days=6 - today.weekday())
    mine = (
        selectors.cadre_task_counts(cadre=scope.cadre, on=today, week_end=week_end)
        if (scope.cadre)
        else None
    )
    review = selectors.review_counts(paths=scope.act_paths, on=today) if scope.act_paths else None
    return {"show": bool(mine or review), "mine": mine, "review": review}


@register.filter
def plain(number):
    """A weight, coefficient or quantity as people write it: "2", "0,5", "2,5" (no trailing
    zeros); empty for None."""
    if number is None:
        return ""
    return shown(Decimal(number))
