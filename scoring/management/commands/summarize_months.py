"""`manage.py summarize_months [--month YYYY-MM]`: (re)build the dashboards' summary rows of
every decided, published or locked period (of one month with --month).

Deciding writes them, and `migrate` builds those of periods decided before they existed
(scoring.signals.summarize_the_unsummarized); run this after writing results or tasks behind
the application's back (a restore, a hand-made fix).
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from scoring.dashboards.scope import FROZEN
from scoring.dashboards.summaries import summarize
from scoring.models import Period


class Command(BaseCommand):
    help = "(Re)build the dashboards' summary rows of the decided periods."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="only the periods of this month, YYYY-MM")

    def handle(self, *args, month, **options):
        periods = Period.objects.filter(phase__in=FROZEN).order_by("month", "pk")
        if month:
            periods = periods.filter(month=month)
        count = 0
        for period in periods:
            with transaction.atomic():
                summarize(period)
            count += 1
        self.stdout.write(f"{count} periods summarized")
