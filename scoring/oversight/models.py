"""Inspections with their findings, personnel review cases and their audit (docs/RULES.md §8)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import AuditLog, Cadre, Unit


class InspectionScope(models.TextChoices):
    PROCEDURES = "procedures", _("Administrative procedures")
    CONDUCT = "conduct", _("Code of conduct")
    DISCIPLINE = "discipline", _("Discipline")


class Inspection(models.Model):
    """One inspection of a unit on a date, announced or a surprise."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="inspections"
    )
    on = models.DateField(_("date"))
    scope = models.CharField(_("scope"), max_length=12, choices=InspectionScope.choices)
    surprise = models.BooleanField(_("surprise inspection"), default=True)
    summary = models.TextField(_("summary"), blank=True)
    reference = models.CharField(
        _("reference"),
        max_length=32,
        blank=True,
        help_text=_("the inspection's number, once per unit and year (given by an import)"),
    )
    recorded_by = models.ForeignKey(
        Cadre,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["unit", "on"], name="inspection_unit_on_idx")]

    def __str__(self):
        return f"{self.unit.code} {self.on:%d/%m/%Y} {self.get_scope_display()}"


class Handling(models.TextChoices):
    REMIND = "remind", _("Remind")
    PENALTY = "penalty", _("Penalty points")
    DISCIPLINE = "discipline", _("Discipline")


class Finding(models.Model):
    """What an inspection found, against one cadre or against the unit (no cadre), with its
    evidence and the proposed handling. A penalty or discipline against a cadre becomes an
    adjustment of their month when their supervisor confirms it (`adjustment`)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="findings"
    )
    cadre = models.ForeignKey(
        Cadre,
        verbose_name=_("cadre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    text = models.TextField(_("finding"))
    handling = models.CharField(_("proposed handling"), max_length=10, choices=Handling.choices)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2, default=0)
    evidence = models.FileField(_("evidence"), upload_to="inspections/%Y/%m/", blank=True)
    adjustment = models.OneToOneField(
        "scoring.Adjustment",
        verbose_name=_("adjustment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="finding",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection", "pk"]

    def __str__(self):
        return f"{self.inspection} · {self.cadre.code if self.cadre else '-'}"


class CaseKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    TRANSFER = "transfer", _("Transfer")
    ROTATION = "rotation", _("Rotation")
    REPLACEMENT = "replacement", _("Replacement")


class ReviewCase(models.Model):
    """A personnel review case opened from the radar, and its decision."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="review_cases"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="review_cases",
        help_text=_("the cadre's unit when the case was opened"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=CaseKind.choices)
    grounds = models.TextField(_("grounds"))
    opened_by = models.ForeignKey(
        Cadre, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    target_unit = models.ForeignKey(
        Unit,
        verbose_name=_("new unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        Cadre,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("personnel review case")
        verbose_name_plural = _("personnel review cases")
        ordering = ["-opened_at", "-pk"]

    def __str__(self):
        return f"{self.cadre.code} · {self.get_kind_display()}"

    @property
    def decided(self) -> bool:
        return self.decision_date is not None


class OversightEntry(AuditLog):
    """The audit of inspections, confirmations and cases."""

    object_id = models.CharField(max_length=64, blank=True, verbose_name=_("object id"))
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(AuditLog.Meta):
        verbose_name = _("oversight audit entry")
        verbose_name_plural = _("oversight audit log")
