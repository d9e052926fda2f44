from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Cadre, Unit


class Rating(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


SATISFIED_RATINGS = (Rating.VERY_SATISFIED, Rating.SATISFIED)


class DossierRating(models.Model):
    """One administrative dossier handled for a person or a business, and how they rated it
    (docs/RULES.md §7). Written by the import and the API only; a month already decided for
    the unit never changes."""

    code = models.CharField(_("dossier code"), max_length=64)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="dossier_ratings"
    )
    cadre = models.ForeignKey(
        Cadre,
        verbose_name=_("handling cadre"),
        on_delete=models.PROTECT,
        related_name="dossier_ratings",
    )
    handled_on = models.DateField(_("handled on"))
    on_time = models.BooleanField(_("on time"))
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    verified = models.BooleanField(
        _("verified complaint"),
        default=False,
        help_text=_(
            "An “unsatisfied” rating found justified: a penalty where the regulation "
            "turns the satisfaction points on."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("dossier rating")
        verbose_name_plural = _("dossier ratings")
        ordering = ["handled_on", "code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="dossier_unit_code_unique"),
            models.CheckConstraint(
                condition=~models.Q(verified=True) | models.Q(rating="unsatisfied"),
                name="dossier_verified_unsatisfied",
            ),
        ]
        indexes = [
            models.Index(fields=["cadre", "handled_on"], name="dossier_cadre_idx"),
            models.Index(fields=["unit", "handled_on"], name="dossier_unit_idx"),
        ]

    def __str__(self):
        return f"{self.code} · {self.get_rating_display()}"

    @property
    def satisfied(self) -> bool:
        return self.rating in SATISFIED_RATINGS
