"""`manage.py export results YYYY-MM|YYYY --scope UNIT --format csv|json|xlsx [--output FILE]`."""

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scoring.io.exports import FORMATS, render, results_table, year_table
from scoring.month.selectors.inputs import is_month
from scoring.month.selectors.periods import covering_periods
from units.models import Unit

YEAR_RE = re.compile(r"^\d{4}$")


class Command(BaseCommand):
    help = (
        "Export the decided results of a month (YYYY-MM) or the yearly table of a year (YYYY) "
        "for every cadre of a scope unit's subtree."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["results"])
        parser.add_argument("when", metavar="YYYY-MM|YYYY")
        parser.add_argument("--scope", required=True, metavar="UNIT_CODE")
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="csv")
        parser.add_argument("--output", metavar="FILE", help="write here instead of stdout")

    def handle(self, *args, what, when, scope, fmt, output, **options):
        unit = Unit.objects.filter(code=scope).first()
        if unit is None:
            raise CommandError(f"Unknown unit “{scope}”.")
        if is_month(when):
            if not covering_periods(month=when, unit=unit).exists():
                raise CommandError(f"No decided period of {when} covers {scope}.")
            table = results_table(month=when, scope=unit)
        elif YEAR_RE.match(when):
            table = year_table(year=int(when), scope=unit)
            if not table.rows:
                raise CommandError(f"No decided month of {when} covers {scope}.")
        else:
            raise CommandError(f"“{when}” is neither a month (YYYY-MM) nor a year (YYYY).")
        data = render(table, fmt)
        if output:
            Path(output).write_bytes(data)
            self.stderr.write(f"{output}: {len(table.rows)} rows.")
        elif fmt == "xlsx":
            raise CommandError("An .xlsx export needs --output FILE.")
        else:
            self.stdout.write(data.decode("utf-8"), ending="")
