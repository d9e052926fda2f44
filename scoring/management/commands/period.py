"""`manage.py period ACTION YYYY-MM --scope UNIT`: the month's steps from the command line.

The command line acts as an administrator (docs/RULES.md §2, §5): it decides a period in any
phase before the decision and may lock before the appeals window ends.
"""

from django.core.management.base import BaseCommand, CommandError

from directives.models import Regulation
from scoring.errors import ScoringError
from scoring.models import Phase
from scoring.month.selectors.inputs import is_month
from scoring.month.selectors.periods import period_for
from scoring.month.services import common as services_common
from scoring.month.services import decide as services_decide
from scoring.month.services import opening as services_opening
from units.models import Unit

ACTIONS = ["open", "advance", "refresh", "decide", "publish", "lock", "reopen"]


class Command(BaseCommand):
    help = (
        "Open, advance, refresh, decide, publish, lock or reopen the period of a month for a "
        "scope unit: period ACTION YYYY-MM --scope UNIT"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=ACTIONS)
        parser.add_argument("month", metavar="YYYY-MM")
        parser.add_argument("--scope", required=True, metavar="UNIT_CODE")
        parser.add_argument("--regulation", default="ND335", help="open: regulation code")
        parser.add_argument(
            "--to",
            choices=[p.value for p in services_common.PRE_DECISION],
            help="advance: the phase",
        )
        parser.add_argument("--reason", default="", help="reopen: why (required)")

    def handle(self, *args, action, month, scope, regulation, to, reason, **options):
        if not is_month(month):
            raise CommandError(f"“{month}” is not a month (YYYY-MM).")
        unit = Unit.objects.filter(code=scope).first()
        if unit is None:
            raise CommandError(f"Unknown unit “{scope}”.")
        try:
            if action == "open":
                self._open(month, unit, regulation)
                return
            period = period_for(month=month, scope_code=scope)
            if period is None:
                raise CommandError(f"No period of {month} for {scope}: open it first.")
            if action == "advance":
                if not to:
                    raise CommandError("period advance needs --to PHASE.")
                period = services_opening.period_advance(period=period, phase=to, user=None)
            elif action == "refresh":
                summary = services_opening.period_refresh_members(period=period, user=None)
                self.stdout.write(
                    ", ".join(f"{key}: {' '.join(codes) or '-'}" for key, codes in summary.items())
                )
            elif action == "decide":
                period = services_decide.period_decide(
                    period=period, user=None, enforce_phase=False
                )
                self._decided(period)
                return
            elif action == "publish":
                period = services_decide.period_publish(period=period, user=None)
            elif action == "lock":
                period = services_decide.period_lock(period=period, user=None, enforce_phase=False)
            elif action == "reopen":
                period = services_decide.period_reopen(period=period, reason=reason, user=None)
        except ScoringError as refusal:
            raise CommandError(refusal.message) from None
        self.stdout.write(
            self.style.SUCCESS(f"{period}: {Phase(period.phase).label} ({period.phase}).")
        )

    def _open(self, month, unit, code):
        regulation = Regulation.objects.filter(code=code).first()
        if regulation is None:
            raise CommandError(f"Unknown regulation “{code}”.")
        period = services_opening.period_open(
            month=month, scope=unit, regulation=regulation, user=None
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{period} opened with {regulation.code}: {period.members.count()} cadres in "
                f"{period.units.count()} units; self-assessment until "
                f"{period.self_until:%Y-%m-%d}, lock on {period.lock_on:%Y-%m-%d}."
            )
        )

    def _decided(self, period):
        results = period.results.all()
        tiers = dict.fromkeys("ABCD", 0)
        not_rated = undecidable = 0
        for tier, decidable in results.values_list("tier", "decidable"):
            if tier:
                tiers[tier] += 1
            elif decidable:
                not_rated += 1
            else:
                undecidable += 1
        spread = ", ".join(f"{t} {n}" for t, n in tiers.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"{period} decided: {len(results)} cadres ({spread}; not rated {not_rated}; "
                f"not decidable {undecidable})."
            )
        )
