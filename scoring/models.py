import calendar
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from directives.models import Criterion, Regulation
from units.models import AuditLog, Cadre, Unit


class Phase(models.TextChoices):
    """The month, step by step (docs/RULES.md §2), in order."""

    DRAFT = "draft", _("Draft")
    SELF = "self", _("Self-assessment")
    PEER = "peer", _("Cross-evaluation")
    REVIEW = "review", _("Supervisor review")
    DECIDED = "decided", _("Decided")
    APPEALS = "appeals", _("Published, appeals open")
    LOCKED = "locked", _("Locked")


PHASE_ORDER = [p.value for p in Phase]


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of a "YYYY-MM" month."""
    year, number = (int(part) for part in month.split("-"))
    return dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])


class PeriodQuerySet(models.QuerySet):
    def covering(self, unit):
        """Periods whose scope is the unit or one of its ancestors."""
        return self.filter(scope__path__in=unit.ancestor_paths())


class Period(models.Model):
    """One month (YYYY-MM) of evaluation for a scope unit and its subtree."""

    month = models.CharField(_("month"), max_length=7, help_text="YYYY-MM")
    scope = models.ForeignKey(
        Unit, verbose_name=_("scope"), on_delete=models.PROTECT, related_name="periods"
    )
    regulation = models.ForeignKey(
        Regulation, verbose_name=_("regulation"), on_delete=models.PROTECT, related_name="periods"
    )
    phase = models.CharField(_("phase"), max_length=8, choices=Phase.choices, default=Phase.DRAFT)
    self_until = models.DateField(_("self-assessment until"))
    peer_until = models.DateField(_("cross-evaluation until"))
    review_until = models.DateField(_("supervisor review until"))
    publish_by = models.DateField(_("publish by"))
    appeals_until = models.DateField(_("appeals until"))
    lock_on = models.DateField(_("locks on"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # When the dashboards' summary rows of the period were last written with its results
    # (decide, a correction): part of the cached dashboards' key, so a correction shows at once.
    summarized_at = models.DateTimeField(
        _("summaries written at"), null=True, blank=True, editable=False
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["-month", "scope__code"]
        constraints = [
            models.UniqueConstraint(fields=["month", "scope"], name="period_month_scope_unique")
        ]

    def __str__(self):
        return f"{self.month} · {self.scope.code}"

    @property
    def first_day(self):
        return month_bounds(self.month)[0]

    @property
    def last_day(self):
        return month_bounds(self.month)[1]

    @property
    def is_frozen(self):
        """Decided, published or locked: scores, adjustments and pools no longer change."""
        return PHASE_ORDER.index(self.phase) >= PHASE_ORDER.index(Phase.DECIDED)

    def cross_evaluation_closed(self, today: dt.date) -> bool:
        """Whether no peer scorecard can reach the month on the web any more: the period is
        decided, or it is in supervisor review past the cross-evaluation's deadline.

        The one rule of what pages may show while peers rate (docs/RULES.md §3):
        until it holds, no page, fragment or export shows a peer part, nor a total, tier or
        rank that includes one (nor a leader's T, which depends on the staff's tiers).
        Watching a total move as each named colleague submits would give their score away.
        A peer step stays open in review until its deadline, and a head may reopen it
        (`selectors.step_refusal`), so the phase alone does not close it.
        """
        if self.is_frozen:
            return True
        return self.phase == Phase.REVIEW and today > self.peer_until


class PeriodUnit(models.Model):
    """A unit of the period's scope: its pool of additional income and its outstanding flag."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="units", verbose_name=_("period")
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    pool = models.BigIntegerField(_("pool (VND)"), default=0)
    outstanding = models.BooleanField(_("outstanding unit"), default=False)
    # A step reopened for this unit only: its members' cards of that step are taken until
    # this day, past the period's own deadline (`selectors.step_refusal`).
    self_until = models.DateField(_("self-assessment reopened until"), null=True, blank=True)
    peer_until = models.DateField(_("cross-evaluation reopened until"), null=True, blank=True)
    review_until = models.DateField(_("supervisor review reopened until"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit of a period")
        verbose_name_plural = _("units of a period")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="periodunit_unique"),
            models.CheckConstraint(condition=models.Q(pool__gte=0), name="periodunit_pool_gte_0"),
        ]

    def __str__(self):
        return f"{self.period} · {self.unit.code}"


class PeriodMember(models.Model):
    """A cadre's unit, job group and leadership in the period's month (snapshot at opening)."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="members", verbose_name=_("period")
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="period_memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    job_group = models.CharField(_("job group"), max_length=64)
    is_leader = models.BooleanField(_("head or deputy"), default=False)

    class Meta:
        verbose_name = _("member of a period")
        verbose_name_plural = _("members of a period")
        constraints = [
            models.UniqueConstraint(fields=["period", "cadre"], name="periodmember_unique")
        ]
        indexes = [models.Index(fields=["period", "unit"], name="periodmember_unit_idx")]

    def __str__(self):
        return f"{self.period} · {self.cadre.code}"


class ScorecardKind(models.TextChoices):
    SELF = "self", _("Self-assessment")
    PEER = "peer", _("Peer evaluation")
    SUPERVISOR = "supervisor", _("Supervisor")


class ScorecardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Scorecard(models.Model):
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="scorecards", verbose_name=_("period")
    )
    ratee = models.ForeignKey(
        Cadre, verbose_name=_("ratee"), on_delete=models.PROTECT, related_name="scorecards_received"
    )
    rater = models.ForeignKey(
        Cadre, verbose_name=_("rater"), on_delete=models.PROTECT, related_name="scorecards_given"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ScorecardKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ScorecardStatus.choices, default=ScorecardStatus.DRAFT
    )
    # Optimistic concurrency: a save must name the version it edited.
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "ratee", "rater", "kind"], name="scorecard_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["period", "ratee"], name="scorecard_ratee_idx"),
            models.Index(fields=["period", "rater"], name="scorecard_rater_idx"),
        ]

    def __str__(self):
        return f"{self.period} · {self.get_kind_display()} {self.rater.code}→{self.ratee.code}"


class ScoreLine(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="lines")
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("score line")
        verbose_name_plural = _("score lines")
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "criterion"], name="scoreline_unique"),
            models.CheckConstraint(condition=models.Q(points__gte=0), name="scoreline_gte_0"),
        ]

    def __str__(self):
        return f"{self.criterion.code}: {self.points}"

    def clean(self):
        if self.points is not None and self.points > self.criterion.max_points:
            raise ValidationError(
                {"points": _("At most %(max)s points.") % {"max": self.criterion.max_points}}
            )


class PeerAssignment(models.Model):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="peer_assignments")
    rater = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+")
    ratee = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("peer assignment")
        verbose_name_plural = _("peer assignments")
        constraints = [
            models.UniqueConstraint(fields=["period", "rater", "ratee"], name="peer_unique"),
            models.CheckConstraint(
                condition=~models.Q(rater=models.F("ratee")), name="peer_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.period} · {self.rater.code}→{self.ratee.code}"


class AdjustmentKind(models.TextChoices):
    BONUS = "bonus", _("Bonus")
    PENALTY = "penalty", _("Penalty")
    DISCIPLINE = "discipline", _("Discipline")
    LEAVE = "leave", _("Worked under half the month")


class Adjustment(models.Model):
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="adjustments", verbose_name=_("period")
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="adjustments"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AdjustmentKind.choices)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2, default=0)
    reason = models.TextField(_("reason"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        indexes = [models.Index(fields=["period", "cadre"], name="adjustment_cadre_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(points__gte=0), name="adjustment_gte_0")
        ]

    def __str__(self):
        return f"{self.period} · {self.cadre.code} {self.get_kind_display()} {self.points}"


class Tier(models.TextChoices):
    A = "A", _("A · Excellent")
    B = "B", _("B · Good")
    C = "C", _("C · Complete")
    D = "D", _("D · Not complete")


TIERS = tuple(Tier.values)  # "A" to "D", best first


# docs/RULES.md §3: a ratee sees their peer mean only from this many submitted peer scorecards on.
PEER_PARTS_MIN_SCORECARDS = 3


def peer_parts_visible(
    *, closed: bool, peer_count: int, ratee_id: int, viewer: Cadre | None
) -> bool:
    """Whether `viewer` may see the peer and supervisor parts of `ratee_id`'s month.

    `closed` is `Period.cross_evaluation_closed(today)`: while peers still rate, nobody sees a
    peer part (pages showing one are only those of a decided month), and the ratee sees none of
    their own parts, so that the count of peer scorecards changes nothing they see. Heads and
    leaders reading someone else see the supervisor's points throughout. Once it is closed the
    ratee sees both parts from PEER_PARTS_MIN_SCORECARDS submitted peer scorecards on; with
    fewer, self, general and the supervisor's points would give the peer mean back
    (general = w_self*self + w_peer*peer + w_sup*supervisor, docs/RULES.md §1).
    See docs/RULES.md §3.
    """
    own = viewer is not None and viewer.pk == ratee_id
    return not own or (closed and peer_count >= PEER_PARTS_MIN_SCORECARDS)


class Result(models.Model):
    """A cadre's decided month: every component, tiers, ranks, reward and the reasons.

    Written by `period_decide` from the engine's outcome; frozen once the period is locked.
    Shown values are the engine's, rounded once half up to 2 decimals.
    """

    # No index of their own for period and cadre: result_unique (period, cadre) and
    # result_cadre_idx (cadre, period) lead with them, and a month writes every index of its
    # results (seven indexes were two more to keep for nothing).
    period = models.ForeignKey(
        Period,
        on_delete=models.CASCADE,
        related_name="results",
        verbose_name=_("period"),
        db_index=False,
    )
    cadre = models.ForeignKey(
        Cadre,
        verbose_name=_("cadre"),
        on_delete=models.PROTECT,
        related_name="results",
        db_index=False,
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    job_group = models.CharField(_("job group"), max_length=64)
    is_leader = models.BooleanField(default=False, verbose_name=_("is leader"))
    decidable = models.BooleanField(default=True, verbose_name=_("decidable"))
    rated = models.BooleanField(default=True, verbose_name=_("rated"))
    self_score = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, verbose_name=_("self score")
    )
    peer_score = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, verbose_name=_("peer score")
    )
    peer_count = models.PositiveSmallIntegerField(default=0, verbose_name=_("peer count"))
    supervisor_score = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, verbose_name=_("supervisor score")
    )
    general = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, verbose_name=_("general criteria")
    )
    task = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, verbose_name=_("task result")
    )
    task_source = models.CharField(max_length=8, blank=True, verbose_name=_("task score source"))
    qn = models.DecimalField(
        max_digits=6, decimal_places=4, null=True, blank=True, verbose_name=_("Qn (quantity)")
    )
    ql = models.DecimalField(
        max_digits=6, decimal_places=4, null=True, blank=True, verbose_name=_("Ql (quality)")
    )
    pg = models.DecimalField(
        max_digits=6, decimal_places=4, null=True, blank=True, verbose_name=_("Pg (on time)")
    )
    bonus = models.DecimalField(max_digits=6, decimal_places=2, default=0, verbose_name=_("bonus"))
    penalty = models.DecimalField(
        max_digits=6, decimal_places=2, default=0, verbose_name=_("penalty")
    )
    total = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, verbose_name=_("total")
    )
    tier_before_quota = models.CharField(
        max_length=1, choices=Tier.choices, blank=True, verbose_name=_("tier before quota")
    )
    tier = models.CharField(max_length=1, choices=Tier.choices, blank=True, verbose_name=_("tier"))
    rank_in_unit = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("rank in unit")
    )
    rank_in_scope = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("rank in scope")
    )
    reward = models.BigIntegerField(default=0, verbose_name=_("reward"))
    reward_equal = models.BigIntegerField(default=0, verbose_name=_("equal part of the reward"))
    reward_merit = models.BigIntegerField(default=0, verbose_name=_("merit part of the reward"))
    equal_split = models.BigIntegerField(null=True, blank=True, verbose_name=_("equal split"))
    reasons = models.JSONField(
        default=list, blank=True, verbose_name=_("reasons")
    )  # [{"code", "params"}]: scoring/reasons.py
    computed_at = models.DateTimeField(auto_now=True, verbose_name=_("computed at"))

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [models.UniqueConstraint(fields=["period", "cadre"], name="result_unique")]
        indexes = [
            models.Index(fields=["period", "unit"], name="result_unit_idx"),
            models.Index(fields=["cadre", "period"], name="result_cadre_idx"),
        ]

    def __str__(self):
        return f"{self.period} · {self.cadre.code} {self.total} {self.tier}"


class PeriodUnitResult(models.Model):
    """A unit's pool outcome at decision: distributed and undistributed money."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="unit_results", verbose_name=_("period")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    pool = models.BigIntegerField(default=0, verbose_name=_("pool"))
    rated = models.PositiveIntegerField(default=0, verbose_name=_("rated"))
    distributed = models.BigIntegerField(default=0, verbose_name=_("distributed"))
    undistributed = models.BigIntegerField(default=0, verbose_name=_("undistributed"))
    equal_split = models.BigIntegerField(null=True, blank=True, verbose_name=_("equal split"))

    class Meta:
        verbose_name = _("unit's pool result")
        verbose_name_plural = _("units' pool results")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="periodunitresult_unique")
        ]

    def __str__(self):
        return f"{self.period} · {self.unit.code}"


class RaterFlag(models.Model):
    """A rater-bias flag of a decided period: a lenient rater or a reciprocal pair.

    Both read every peer scorecard of the period (a city's 600,000), so `period_decide` works
    them out once, with the pure functions of `scoring.dashboards.flags`, and the dashboards read
    these
    rows. `values` are the numbers the flag's sentence shows (decimals as text, exact).
    """

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="rater_flags", verbose_name=_("period")
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16)
    reason = models.CharField(max_length=16, verbose_name=_("reason"))
    rater = models.ForeignKey(
        Cadre, verbose_name=_("rater"), on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        Cadre,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    values = models.JSONField(default=dict, encoder=DjangoJSONEncoder, verbose_name=_("values"))

    class Meta:
        verbose_name = _("rater flag")
        verbose_name_plural = _("rater flags")
        indexes = [models.Index(fields=["period", "unit"], name="raterflag_unit_idx")]

    def __str__(self):
        return f"{self.period} · {self.kind} · {self.rater.code}"


class MonthFigures(models.Model):
    """The summed columns of a month's summary row (`scoring.dashboards.summaries.SUMMED`)."""

    results = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0, verbose_name=_("rated"))
    total_sum = models.DecimalField(max_digits=20, decimal_places=4, default=0)
    total_sq = models.DecimalField(max_digits=20, decimal_places=4, default=0)
    tier_a = models.PositiveIntegerField(default=0)
    tier_b = models.PositiveIntegerField(default=0)
    tier_c = models.PositiveIntegerField(default=0)
    tier_d = models.PositiveIntegerField(default=0)
    gap_sum = models.DecimalField(max_digits=20, decimal_places=4, default=0)
    gap_count = models.PositiveIntegerField(default=0)
    # Tasks due in the month (cancelled ones aside) and dossiers handled in it, of a unit of the
    # period's scope, with or without members (the body's on-time rate counts those with).
    tasks_due = models.PositiveIntegerField(default=0)
    tasks_on_time = models.PositiveIntegerField(default=0)
    output_on_time = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    output_late = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    output_not_completed = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    dossiers = models.PositiveIntegerField(default=0)
    dossiers_on_time = models.PositiveIntegerField(default=0)
    dossiers_satisfied = models.PositiveIntegerField(default=0)
    pool = models.BigIntegerField(default=0, verbose_name=_("pool"))
    distributed = models.BigIntegerField(default=0, verbose_name=_("distributed"))
    undistributed = models.BigIntegerField(default=0, verbose_name=_("undistributed"))
    flags_equalization = models.PositiveIntegerField(default=0)
    flags_leniency = models.PositiveIntegerField(default=0)
    flags_self_inflation = models.PositiveIntegerField(default=0)
    flags_reciprocal = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class UnitMonthSummary(MonthFigures):
    """What the dashboards show of one unit's own members in one decided period: counts and sums
    of its results, its tasks due and on time, its pool and its warning signs by kind.

    A city's dashboard would otherwise add up seven months of results and tasks (700,000 rows
    at 100,000 cadres) on its first view. Written by `scoring.dashboards.summaries` in the same
    transaction as every write of the period's results (decide, a correction decided) and of a
    decided month's tasks; the dashboards read them added up per subtree (`SubtreeMonthSummary`).
    """

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="unit_summaries", verbose_name=_("period")
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.CharField(_("month"), max_length=7)  # the period's, to filter without a join
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("unit's month summary")
        verbose_name_plural = _("units' month summaries")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="unitmonthsummary_unique")
        ]
        indexes = [models.Index(fields=["month", "unit"], name="unitmonthsummary_month_idx")]

    def __str__(self):
        return f"{self.period} · {self.unit_id}"


class SubtreeMonthSummary(MonthFigures):
    """A unit's `UnitMonthSummary` rows of one period added up: those of its whole subtree
    (`own` false), or its own members' row again (`own` true), so that a dashboard reads one row
    per subunit and month (a city of 100,000 cadres: its 770 rows, not the 6,000 rows of its
    units grouped in SQL on every first view). Every unit holding a summary row has both rows,
    each of its ancestors the subtree row, whether or not the period's scope covers it.

    Rewritten with the summary rows, in the same transaction, and for a moved unit's old and new
    ancestors when it moves (`units.signals.unit_moved`), so it counts under its new parent at
    once.
    """

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="+", verbose_name=_("period")
    )
    # Indexed with the month (Meta.indexes), as the parent.
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit"), db_index=False
    )
    # The unit's parent, kept when it moves: a dashboard reads its subunits' rows by index,
    # not by joining every unit's row to the units.
    parent = models.ForeignKey(
        Unit,
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("parent unit"),
        db_index=False,
    )
    month = models.CharField(_("month"), max_length=7)  # the period's, to filter without a join
    own = models.BooleanField()
    # What the dashboard's body adds up besides the sums: the tasks of the units with members
    # (whose month the decision covered) and the units with a warning sign.
    member_tasks_due = models.PositiveIntegerField(default=0)
    member_tasks_on_time = models.PositiveIntegerField(default=0)
    flagged_units = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("subtree's month summary")
        verbose_name_plural = _("subtrees' month summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit", "own"], name="subtreemonthsummary_unique"
            )
        ]
        indexes = [
            models.Index(fields=["unit", "month"], name="subtreemonthsummary_unit_idx"),
            models.Index(
                fields=["parent", "month"],
                condition=models.Q(own=False),
                name="subtreemonthsummary_parent_idx",
            ),
        ]

    def __str__(self):
        return f"{self.period} · {self.unit_id} · {'own' if self.own else 'subtree'}"


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", pgettext_lazy("appeal", "Accepted")
    REJECTED = "rejected", _("Rejected")


class Appeal(models.Model):
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="appeals", verbose_name=_("period")
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="appeals"
    )
    text = models.TextField(_("appeal"))
    status = models.CharField(
        _("status"), max_length=8, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("answered at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.period} · {self.cadre.code} · {self.get_status_display()}"


class Correction(models.Model):
    """An accepted appeal reopens the appellant's own inputs of a published month
    (docs/RULES.md §2).

    While it is open (no `closed_at`), the appellant's supervisor scorecard and adjustments may
    be changed by their own supervisor; every other input of the period stays frozen and the
    published results stay as they are. Deciding again closes it with a `Revision`
    (docs/RULES.md §2).
    """

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("period")
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="corrections"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )  # the cadre's unit in the month: who may read the correction
    appeal = models.OneToOneField(
        Appeal, verbose_name=_("appeal"), on_delete=models.CASCADE, related_name="correction"
    )
    reason = models.TextField(_("reason"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "cadre"],
                condition=models.Q(closed_at__isnull=True),
                name="correction_one_open_per_cadre",
            )
        ]

    def __str__(self):
        return f"{self.period} · {self.cadre.code}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Revision(models.Model):
    """A published month decided again after a correction: the results that changed."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("period")
    )
    correction = models.OneToOneField(
        Correction, on_delete=models.CASCADE, related_name="revision", verbose_name=_("correction")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-decided_at", "-pk"]

    def __str__(self):
        return f"{self.period} · {self.correction.cadre.code} · {self.decided_at:%Y-%m-%d}"


# The parts of a result a revision compares and lists, before and after.
REVISED_FIELDS = ("total", "tier", "rank_in_unit", "rank_in_scope", "reward")


class RevisionChange(models.Model):
    """One result changed by a revision: its shown parts before and after (`REVISED_FIELDS`,
    totals as text with 2 decimals, tier "" for not rated)."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="changes")
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="revisions"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))

    class Meta:
        verbose_name = _("revised result")
        verbose_name_plural = _("revised results")
        constraints = [
            models.UniqueConstraint(fields=["revision", "cadre"], name="revisionchange_unique")
        ]
        indexes = [models.Index(fields=["cadre", "revision"], name="revisionchange_cadre_idx")]

    def __str__(self):
        return f"{self.revision} · {self.cadre.code}"


class ReminderSent(models.Model):
    """A reminder emailed to a cadre about a period, at most one a day (`run_schedule` and the
    month page's buttons both skip whoever was reminded today)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="reminders")
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="+"
    )
    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "cadre", "sent_on"], name="remindersent_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.period} · {self.cadre.code} · {self.sent_on}"


class AuditEntry(AuditLog):
    """Append-only record of every change of a score, adjustment, decision, publication,
    appeal and reopen: who, when, old, new, why."""

    period = models.ForeignKey(
        Period,
        verbose_name=_("period"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_entries",
    )
    object_id = models.CharField(max_length=64, blank=True, verbose_name=_("object id"))
