from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from scoring.demo.ward import DEMO_LOGINS, DEMO_PASSWORD, build_demo
from units.models import Unit


class Command(BaseCommand):
    help = (
        "Create the demo ward (units, people, roles), seven months of tasks, six months decided "
        "and the current month open, and the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cadres", type=int, default=120, help="number of cadres (default 120)"
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-empty", action="store_true", help="do nothing if units exist")
        parser.add_argument("--force", action="store_true", help="allow with DEBUG=False")

    def handle(self, *args, cadres, seed, if_empty, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo refuses to run with DEBUG=False; add --force to insist.")
        if Unit.objects.exists():
            if if_empty:
                self.stdout.write("The database already has units: demo data not loaded.")
                return
            raise CommandError("The database already has units: seed_demo needs an empty one.")
        if cadres < 20:
            raise CommandError("--cadres must be at least 20.")
        summary = build_demo(cadres=cadres, seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {summary.units} units, {summary.cadres} cadres, "
                f"{summary.tasks} tasks, {summary.periods} periods."
            )
        )
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for username, description in DEMO_LOGINS:
            self.stdout.write(f"  {username:<12} {description}")
