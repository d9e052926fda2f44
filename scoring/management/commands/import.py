"""`manage.py import KIND [YYYY-MM] FILE`: the command-line side of every import
(docs/RULES.md §4, §5)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from directives.dossiers.imports import dossiers_import
from directives.imports import tasks_import
from scoring.io.imports import adjustments_import, pools_import, scores_import
from units.services import cadres_import, units_import
from units.tabular import ImportFailed

# kind -> (importer taking data=bytes, whether it takes a period month first)
IMPORTERS = {
    "units": (units_import, False),
    "cadres": (cadres_import, False),
    "tasks": (tasks_import, False),
    "dossiers": (dossiers_import, False),
    "scores": (scores_import, True),
    "adjustments": (adjustments_import, True),
    "pools": (pools_import, True),
}
# Importers whose audit entry records the file's name.
NAMED = {"tasks", "dossiers"}


class Command(BaseCommand):
    help = "Import a CSV (UTF-8) or .xlsx file, all or nothing: " + ", ".join(IMPORTERS)

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("rest", nargs="+", metavar="[YYYY-MM] FILE")

    def handle(self, *args, kind, rest, **options):
        importer, needs_month = IMPORTERS[kind]
        expected = 2 if needs_month else 1
        if len(rest) != expected:
            usage = f"import {kind} YYYY-MM FILE" if needs_month else f"import {kind} FILE"
            raise CommandError(f"usage: manage.py {usage}")
        path = Path(rest[-1])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        with path.open("rb") as file:  # past the limit the importer refuses it: read no more
            kwargs = {"data": file.read(settings.IMPORT_MAX_BYTES + 1)}
        if needs_month:
            kwargs["month"] = rest[0]
        if kind in NAMED:
            kwargs["file_name"] = path.name
        try:
            counts = importer(**kwargs)
        except ImportFailed as failure:
            for line in failure.lines():  # the first errors, the rest counted
                self.stderr.write(f"{path.name}: {line}")
            raise CommandError(
                f"{len(failure.errors)} error(s) in {path.name}: nothing was imported."
            ) from None
        summary = ", ".join(f"{value} {key}" for key, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"{path.name}: {summary}."))
