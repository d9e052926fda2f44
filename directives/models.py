from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from directives.regulation_defaults import DEFAULTS
from units.models import AuditLog, Cadre, Unit


class QuotaBase(models.TextChoices):
    GOOD = "good", _("Rated good (A and B)")
    RATED = "rated", _("All rated")


def _one_to(most: int, label, default: int, **options) -> models.PositiveSmallIntegerField:
    """A whole number from 1 to `most`: a day of the month, a number of months or days."""
    return models.PositiveSmallIntegerField(
        label,
        default=default,
        validators=[MinValueValidator(1), MaxValueValidator(most)],
        **options,
    )


class Regulation(models.Model):
    """A versioned scoring profile (quy chế): criteria and every parameter of docs/RULES.md §1.

    Field names match `scoring.engine.Regulation`. A regulation pinned by a decided period is
    frozen: a change is made as a new regulation that supersedes it.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    weight_self = models.DecimalField(
        _("self weight"), max_digits=4, decimal_places=3, default=DEFAULTS["weight_self"]
    )
    weight_peer = models.DecimalField(
        _("peer weight"), max_digits=4, decimal_places=3, default=DEFAULTS["weight_peer"]
    )
    weight_supervisor = models.DecimalField(
        _("supervisor weight"),
        max_digits=4,
        decimal_places=3,
        default=DEFAULTS["weight_supervisor"],
    )
    peer_trim_min = models.PositiveSmallIntegerField(
        _("peer scores needed to trim highest and lowest"), default=DEFAULTS["peer_trim_min"]
    )
    task_max = models.DecimalField(
        _("task points"), max_digits=5, decimal_places=2, default=DEFAULTS["task_max"]
    )
    error_step = models.DecimalField(
        _("deduction per major error"),
        max_digits=4,
        decimal_places=3,
        default=DEFAULTS["error_step"],
    )
    delay_step = models.DecimalField(
        _("deduction per delay"), max_digits=4, decimal_places=3, default=DEFAULTS["delay_step"]
    )
    leader_lambda = models.DecimalField(
        _("leader weight of the unit's results (λ)"),
        max_digits=4,
        decimal_places=3,
        default=DEFAULTS["leader_lambda"],
    )
    leader_factor = models.DecimalField(
        _("leader factor when a staff member is D"),
        max_digits=4,
        decimal_places=3,
        default=DEFAULTS["leader_factor"],
    )
    bonus_cap = models.DecimalField(
        _("bonus cap"), max_digits=5, decimal_places=2, default=DEFAULTS["bonus_cap"]
    )
    total_max = models.DecimalField(
        _("maximum total"), max_digits=5, decimal_places=2, default=DEFAULTS["total_max"]
    )
    tier_a_min = models.DecimalField(
        _("minimum for A"), max_digits=5, decimal_places=2, default=DEFAULTS["tier_a_min"]
    )
    tier_b_min = models.DecimalField(
        _("minimum for B"), max_digits=5, decimal_places=2, default=DEFAULTS["tier_b_min"]
    )
    tier_c_min = models.DecimalField(
        _("minimum for C"), max_digits=5, decimal_places=2, default=DEFAULTS["tier_c_min"]
    )
    quota_rate = models.DecimalField(
        _("A quota rate"), max_digits=4, decimal_places=3, default=DEFAULTS["quota_rate"]
    )
    quota_base = models.CharField(
        _("A quota base"), max_length=8, choices=QuotaBase.choices, default=DEFAULTS["quota_base"]
    )
    quota_rate_outstanding = models.DecimalField(
        _("A quota rate of an outstanding unit"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
    )
    equal_share = models.DecimalField(
        _("equal share of the pool"),
        max_digits=4,
        decimal_places=3,
        default=DEFAULTS["equal_share"],
    )
    coefficient_a = models.DecimalField(
        _("reward coefficient A"), max_digits=4, decimal_places=2, default=DEFAULTS["coefficient_a"]
    )
    coefficient_b = models.DecimalField(
        _("reward coefficient B"), max_digits=4, decimal_places=2, default=DEFAULTS["coefficient_b"]
    )
    money_unit = models.PositiveIntegerField(
        _("rewards rounded down to (VND)"), default=DEFAULTS["money_unit"]
    )
    min_rated_months = models.PositiveSmallIntegerField(
        _("rated months needed for a year"), default=DEFAULTS["min_rated_months"]
    )
    # People's satisfaction (docs/RULES.md §1): optional points, off by default.
    satisfaction_points = models.BooleanField(
        _("satisfaction of people gives points"),
        default=DEFAULTS["satisfaction_points"],
        help_text=_(
            "When on, a cadre's rated dossiers of the month give a bonus when the satisfaction "
            "index reaches the threshold, and a penalty for each verified complaint."
        ),
    )
    satisfaction_threshold = models.DecimalField(
        _("satisfaction index for the bonus (%)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULTS["satisfaction_threshold"],
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    satisfaction_min_ratings = models.PositiveSmallIntegerField(
        _("ratings needed for the satisfaction bonus"),
        default=DEFAULTS["satisfaction_min_ratings"],
        validators=[MinValueValidator(1)],
    )
    satisfaction_bonus = models.DecimalField(
        _("satisfaction bonus (points)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULTS["satisfaction_bonus"],
        validators=[MinValueValidator(0)],
    )
    complaint_penalty = models.DecimalField(
        _("penalty per verified complaint (points)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULTS["complaint_penalty"],
        validators=[MinValueValidator(0)],
    )
    # Work on time (the leaders' dashboard): the share each unit is held to.
    on_time_target = models.DecimalField(
        _("on-time target (%)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULTS["on_time_target"],
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The share of tasks and dossiers done on time each unit is held to."),
    )
    # The radar of cadres who do not meet their tasks.
    radar_consecutive_months = _one_to(
        12,
        _("radar: lowest tier in consecutive months"),
        DEFAULTS["radar_consecutive_months"],
        help_text=_("A cadre rated in the lowest tier this many months in a row is shown."),
    )
    radar_months_of_12 = _one_to(
        12,
        _("radar: lowest tier in months of the last 12"),
        DEFAULTS["radar_months_of_12"],
        help_text=_("A cadre rated in the lowest tier this many of the last 12 months is shown."),
    )
    # The month's dates (docs/RULES.md §2), prefilled when a month is opened; each period keeps
    # its own.
    self_day = _one_to(31, _("self-assessment until (day of the month)"), 25)
    peer_day = _one_to(31, _("cross-evaluation until (day of the month)"), 27)
    publish_day = _one_to(28, _("publish by (day of the next month)"), 3)
    appeal_days = _one_to(20, _("days of appeals after publication"), 5)
    lock_day = _one_to(28, _("locks on (day of the next month)"), 10)

    # docs/RULES.md §3 (publicity): once a month is published, each cadre sees the whole unit's
    # published results (names, tiers, ranks, rewards), not only their own.
    results_public = models.BooleanField(
        _("published results are public within the unit"),
        default=False,
        help_text=_(
            "Once a month is published, every cadre of a unit sees the unit's results (names, "
            "tiers, ranks and rewards), never the raters or the scores behind them."
        ),
    )

    class Meta:
        verbose_name = _("regulation")
        verbose_name_plural = _("regulations")
        ordering = ["-valid_from", "code"]

    def __str__(self):
        return f"{self.code} · {self.name}"


class CriterionGroup(models.TextChoices):
    GENERAL = "general", _("General criteria")
    TASK = "task", _("Task results")
    BONUS = "bonus", _("Bonus")


class Criterion(models.Model):
    regulation = models.ForeignKey(
        Regulation,
        verbose_name=_("regulation"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    code = models.CharField(_("code"), max_length=16)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    group = models.CharField(_("group"), max_length=8, choices=CriterionGroup.choices)
    max_points = models.DecimalField(_("maximum points"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["regulation", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["regulation", "code"], name="criterion_code_unique")
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"

    @property
    def name(self):
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")


class TaskQuerySet(models.QuerySet):
    def due_in_month(self, first_day, last_day):
        """Tasks whose effective (last approved) deadline falls in the month: docs/RULES.md §1."""
        return self.filter(
            effective_deadline__gte=first_day, effective_deadline__lte=last_day
        ).exclude(status=TaskStatus.CANCELLED)


class Task(models.Model):
    """One assignment with the five clear fields: person, task, responsibility, time, result."""

    # Not a column: set on the board's tasks by `directives.selectors.mark_reviewable`.
    can_review: bool

    code = models.CharField(_("code"), max_length=32, unique=True)
    title = models.CharField(_("task"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    assignee = models.ForeignKey(
        Cadre, verbose_name=_("lead assignee"), on_delete=models.PROTECT, related_name="tasks"
    )
    supporters = models.ManyToManyField(
        Cadre, verbose_name=_("supporting cadres"), blank=True, related_name="supported_tasks"
    )
    assigned_by = models.ForeignKey(
        Cadre,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        related_name="assigned_tasks",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="tasks",
        help_text=_("The assignee's unit when the task was assigned."),
    )
    assigned_on = models.DateField(_("assigned on"))
    deadline = models.DateField(_("original deadline"))
    effective_deadline = models.DateField(_("deadline"), db_index=True)
    expected_result = models.TextField(_("expected result or product"))
    weight = models.DecimalField(
        _("converted product weight"), max_digits=6, decimal_places=2, default=Decimal("1")
    )
    # Assigned from the catalogue (docs/RULES.md §6): weight = coefficient × quantity, with the
    # item's coefficient of the day kept here so a later catalogue never moves it.
    product = models.ForeignKey(
        "directives.CatalogueItem",
        verbose_name=_("catalogue item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    coefficient = models.DecimalField(
        _("conversion coefficient"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    accepted = models.BooleanField(_("accepted"), default=False)
    result_link = models.URLField(_("result link"), blank=True)
    result_file = models.FileField(_("result file"), upload_to="results/%Y/%m/", blank=True)
    # Counts from `import tasks`, already net of exemptions (docs/RULES.md §5); tasks managed in the
    # web record each error and delay as an event instead.
    imported_errors = models.PositiveSmallIntegerField(_("major errors (imported)"), default=0)
    imported_delays = models.PositiveSmallIntegerField(_("delays (imported)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["effective_deadline", "code"]
        indexes = [
            models.Index(fields=["assignee", "effective_deadline"], name="task_assignee_idx"),
            models.Index(fields=["unit", "effective_deadline"], name="task_unit_idx"),
        ]

    def __str__(self):
        return f"{self.code} · {self.title}"


class TaskEventKind(models.TextChoices):
    STATUS = "status", _("Status change")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_REFUSED = "extension_refused", _("Extension refused")
    DELAY = "delay", _("Delay")
    MAJOR_ERROR = "major_error", _("Major error")
    EXEMPTION = "exemption", _("Objective-cause exemption")
    COMMENT = "comment", _("Comment")
    IMPORTED = "imported", _("Imported from a file")
    WEIGHT_APPROVED = "weight_approved", _("Higher weight approved")


class TaskEvent(models.Model):
    """The history of a task, kept for ever. Delays and major errors count in docs/RULES.md §1
    unless the assigner exempted them for an objective cause."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TaskEventKind.choices)
    author = models.ForeignKey(
        Cadre,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A default rather than auto_now_add, so generated history (the demo) can carry its own
    # dates; services never pass it.
    at = models.DateTimeField(_("at"), default=timezone.now, editable=False)
    reason = models.TextField(_("reason"), blank=True)
    old_status = models.CharField(
        max_length=12, choices=TaskStatus.choices, blank=True, verbose_name=_("old status")
    )
    new_status = models.CharField(
        max_length=12, choices=TaskStatus.choices, blank=True, verbose_name=_("new status")
    )
    new_deadline = models.DateField(_("new deadline"), null=True, blank=True)
    # For delay and major_error events: set when the assigner decides an objective cause.
    exempted = models.BooleanField(_("exempted"), default=False)
    exempted_by = models.ForeignKey(
        Cadre,
        verbose_name=_("exempted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    exemption_reason = models.TextField(_("exemption reason"), blank=True)
    # An exemption event points at the delay or error it exempts.
    target = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("target"),
    )

    class Meta:
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["task", "kind"], name="taskevent_task_idx")]

    def __str__(self):
        return f"{self.task.code}: {self.get_kind_display()}"


class AuditEntry(AuditLog):
    """Append-only record of the task side's bulk changes (a task import): who, when, what.

    One task's own steps are its TaskEvents; this log holds what touches many tasks at once,
    with its counts. Imports point `scoring → directives`, so the month's log cannot be used.
    """

    object_id = models.CharField(max_length=255, blank=True, verbose_name=_("object id"))


# The catalogue's models live in their capability package; imported here so Django registers them.
from directives.catalogue.models import CatalogueItem  # noqa: E402, F401
from directives.dossiers.models import DossierRating  # noqa: E402, F401
