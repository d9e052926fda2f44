"""Number formats of the dashboard pages."""

from django import template
from django.utils.formats import get_format

register = template.Library()


@register.filter
def vnd(value):
    """Money grouped by thousands in the active language: 1500000 → "1.500.000" (vi).

    Django's Vietnamese formats define no NUMBER_GROUPING, so `intcomma` would not group.
    """
    if value is None or value == "":
        return "—"
    return f"{int(value):,}".replace(",", get_format("THOUSAND_SEPARATOR"))
