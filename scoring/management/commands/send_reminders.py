"""`manage.py send_reminders [--date YYYY-MM-DD] [--days N] [--dry-run]`: for cron, daily.

Emails every person with work due within two days (self-assessment, peer evaluations,
supervisor scoring), one email each, in Vietnamese; the in-app banner shows the same.
"""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from scoring.reminders import REMIND_DAYS, reminders_due
from scoring.templatetags.month_tags import month_label
from units.models import Cadre


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


class Command(BaseCommand):
    help = "Email each person with monthly evaluation work due within two days."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="today, YYYY-MM-DD (default: today)")
        parser.add_argument("--days", type=int, default=REMIND_DAYS)
        parser.add_argument("--dry-run", action="store_true", help="list, send nothing")

    def handle(self, *args, date, days, dry_run, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date {date!r} is not a date (YYYY-MM-DD)") from None
        due = reminders_due(today=today, days=days)
        cadres = Cadre.objects.filter(pk__in=due).select_related("user").order_by("code")
        base_url = settings.SITE_URL.rstrip("/")
        sent = without_address = 0
        with translation.override(settings.LANGUAGE_CODE):
            for cadre in cadres:
                address = cadre.email or (cadre.user.email if cadre.user else "")
                if not address:
                    without_address += 1
                    self.stderr.write(f"{cadre.code}: no email address")
                    continue
                subject, body = reminder_message(cadre, due[cadre.pk], base_url)
                if dry_run:
                    self.stdout.write(f"{cadre.code} <{address}>: {len(due[cadre.pk])} item(s)")
                else:
                    send_mail(subject, body, None, [address])
                sent += 1
        verb = "would send" if dry_run else "sent"
        self.stdout.write(
            self.style.SUCCESS(
                f"{today}: {verb} {sent} reminder(s); {without_address} without an address."
            )
        )
