"""`manage.py send_reminders [--date YYYY-MM-DD] [--days N] [--dry-run]`: for cron, daily.

Emails every person with work due within two days (self-assessment, peer evaluations,
supervisor scoring), one email each, in Vietnamese; the in-app banner shows the same. Nobody is
reminded twice of a month on one day: `run_schedule` sends the same reminders, and either may
run as often as it likes (`scoring.months.services.reminders_send_due`).
"""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from scoring.models import AuditEntry
from scoring.month.reminders import REMIND_DAYS
from scoring.months.services import reminders_send_due


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
        with translation.override(settings.LANGUAGE_CODE):
            report = reminders_send_due(
                on=today,
                days=days,
                dry_run=dry_run,
                base_url=settings.SITE_URL.rstrip("/"),
                actor=AuditEntry.COMMAND_LINE,
            )
        for code in report.no_address:
            self.stderr.write(f"{code}: no email address")
        if dry_run:
            for code, items in report.sent:
                self.stdout.write(f"{code}: {items} item(s)")
        verb = "would send" if dry_run else "sent"
        self.stdout.write(
            self.style.SUCCESS(
                f"{today}: {verb} {len(report.sent)} reminder(s); {len(report.no_address)} "
                f"without an address; {len(report.already)} reminded today already."
            )
        )
