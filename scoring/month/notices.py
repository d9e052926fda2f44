"""Telling people that their published result changed (docs/RULES.md §2, appeals).

When a month is decided again after a correction, every person whose total, tier, rank or
reward changed gets an email, as the reminders are sent (`send_reminders`): in Vietnamese, with
a link to their result; the appellant is told even when nothing changed. The result page shows
the same change (`scoring.month.views.appeals.result`). Other people's appeals are never named.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from scoring.io.formats import points_text
from scoring.models import Revision, RevisionChange
from scoring.templatetags.month_tags import month_label, vnd
from units.models import Cadre

log = logging.getLogger(__name__)


def change_lines(before: dict, after: dict) -> list[str]:
    """One line per shown part that changed: "Total: 82,50 → 85,00"."""
    lines = []
    for label, name, shown in (
        (_("Total"), "total", points_text),
        (_("Tier"), "tier", lambda tier: tier or _("Not rated")),
        (_("Rank in unit"), "rank_in_unit", lambda rank: rank or "—"),
        (_("Rank in scope"), "rank_in_scope", lambda rank: rank or "—"),
        (_("Reward (VND)"), "reward", vnd),
    ):
        if before.get(name) != after.get(name):
            lines.append(f"{label}: {shown(before.get(name))} → {shown(after.get(name))}")
    return lines


def revision_message(cadre, revision, change, base_url="") -> tuple[str, str]:
    """Subject and body of the email to one person concerned by a revision."""
    period = revision.period
    month = month_label(period.month)
    day = timezone.localtime(revision.decided_at).strftime("%d/%m/%Y")
    subject = _("FiveClear: your result for %(month)s was revised") % {"month": month}
    lines = [_("Hello %(name)s,") % {"name": cadre.full_name}, ""]
    if change is None:
        lines.append(
            _(
                "Your appeal for %(month)s was examined and the month decided again on "
                "%(date)s: your result did not change."
            )
            % {"month": month, "date": day}
        )
    else:
        lines += [
            _(
                "The results of %(month)s were decided again on %(date)s, after an appeal was "
                "accepted. Your result changed:"
            )
            % {"month": month, "date": day},
            *[f"- {line}" for line in change_lines(change.before, change.after)],
        ]
    url = base_url + reverse("month:result", args=[period.pk])
    lines += ["", _("See your result: %(url)s") % {"url": url}]
    return subject, "\n".join(lines)


def send_revision_notices(revision_id: int) -> int:
    """Email every person concerned by the revision who has an address; how many were sent.

    Run after the revision is committed; a failing mail server is logged, never undoes it.
    """
    revision = Revision.objects.select_related("period", "correction").get(pk=revision_id)
    changes = {
        c.cadre_id: c for c in RevisionChange.objects.filter(revision=revision).order_by("pk")
    }
    ids = {*changes, revision.correction.cadre_id}
    base_url = settings.SITE_URL.rstrip("/")
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for cadre in Cadre.objects.filter(pk__in=ids).select_related("user").order_by("code"):
            address = cadre.email or (cadre.user.email if cadre.user else "")
            if not address:
                continue
            subject, body = revision_message(cadre, revision, changes.get(cadre.pk), base_url)
            try:
                send_mail(subject, body, None, [address])
            except OSError:
                log.exception("revision %s: the notice to %s was not sent", revision_id, cadre.code)
                continue
            sent += 1
    return sent
