"""`manage.py run_schedule [--date YYYY-MM-DD] [--no-reminders]`: the month moving by itself.

Run it every few minutes from cron or a systemd timer (docs/DEPLOY.md). Each run moves every
period not yet locked as far as its dates say — draft to self-assessment on the month's first
day, on to cross-evaluation and supervisor review as their deadlines pass, locked once the
appeals are closed and answered on the lock date — and sends the reminders due that day, once a
day each (from `REMINDER_HOUR` o'clock), and the webhooks due (docs/API.md). Deciding and
publishing stay a head's acts: a period waiting for them is printed. Idempotent: a second run
the same day does nothing more.
"""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from scoring.api.webhooks import deliver_due
from scoring.months.schedule import schedule_run


class Command(BaseCommand):
    help = "Move every month whose dates have passed and send the reminders due today."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="run as on this day, YYYY-MM-DD, past the reminder hour (tests)"
        )
        parser.add_argument("--no-reminders", action="store_true", help="move periods only")

    def handle(self, *args, date, no_reminders, **options):
        if date:
            try:
                on = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date {date!r} is not a date (YYYY-MM-DD)") from None
            reminders = True
        else:
            now = timezone.localtime()
            on, reminders = now.date(), now.hour >= settings.REMINDER_HOUR
        with translation.override(settings.LANGUAGE_CODE):
            lines = schedule_run(
                on=on,
                reminders=reminders and not no_reminders,
                base_url=settings.SITE_URL.rstrip("/"),
            )
            lines += deliver_due()  # the webhooks due (docs/API.md), with their backoff
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"{on}: schedule done."))
