"""The blocks a printed page has and the screen does not: the unit heading with the national
motto, and the signature block of the unit's head (static/css/print.css shows them)."""

import datetime as dt

from django import template
from django.conf import settings
from django.utils import timezone

from scoring.office.documents import TITLE_OF_HEAD, Head, head_of
from scoring.office.pdf import MOTTO, MOTTO_SUB, vn_date_line

HEAD = "THỦ TRƯỞNG ĐƠN VỊ"

register = template.Library()


@register.inclusion_tag("scoring/office/_print_heading.html")
def print_heading(unit, title, subtitle=""):
    return {
        "unit": unit,
        "title": title,
        "subtitle": subtitle,
        "motto": MOTTO,
        "motto_sub": MOTTO_SUB,
    }


@register.inclusion_tag("scoring/office/_print_signature.html")
def print_signature(unit, on=None, named=True):
    """The unit's head on the day (today by default) signs; one query. Unnamed (a dotted line
    for the name, no query) on a cadre's own result: the head may be one of their peer raters,
    whose names that page never shows (docs/RULES.md §3)."""
    day = on if isinstance(on, dt.date) else timezone.localdate()
    head = head_of(unit, day) if named else Head(title=TITLE_OF_HEAD.get(unit.kind, HEAD), name="")
    return {
        "head": head,
        "date_line": vn_date_line(settings.DOCUMENT_PLACE, day),
    }
