"""The reminder email: one per person, listing the work of the month they still owe."""

from django.urls import reverse
from django.utils.translation import gettext as _

from scoring.templatetags.month_tags import month_label


def _line(owed) -> str:
    month = month_label(owed.period.month)
    date = owed.deadline.strftime("%d/%m/%Y")
    if owed.kind == "self":
        return _("Your self-assessment for %(month)s, by %(date)s.") % {
            "month": month,
            "date": date,
        }
    if owed.kind == "peer":
        return _("%(left)s of your %(total)s peer evaluations for %(month)s, by %(date)s.") % {
            "left": owed.remaining,
            "total": owed.total,
            "month": month,
            "date": date,
        }
    return _("%(left)s cadres still to score for %(month)s, by %(date)s.") % {
        "left": owed.remaining,
        "month": month,
        "date": date,
    }


def reminder_message(cadre, owed, base_url="") -> tuple[str, str]:
    """Subject and body of one person's reminder."""
    subject = _("FiveClear: monthly evaluation work due soon")
    lines = [
        _("Hello %(name)s,") % {"name": cadre.full_name},
        "",
        _("This work of the monthly evaluation is due soon:"),
        *[f"- {_line(item)}" for item in owed],
        "",
        _("Open FiveClear to do it: %(url)s") % {"url": base_url + reverse("month:mine")},
        "",
        _("Late work is refused unless the head of the unit reopens the step."),
    ]
    return subject, "\n".join(lines)


def address_of(cadre) -> str:
    return cadre.email or (cadre.user.email if cadre.user_id else "")
