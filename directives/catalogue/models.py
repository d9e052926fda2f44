from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

MAX_COEFFICIENT = Decimal("100")


class CatalogueItem(models.Model):
    """One standard product of a job group (sản phẩm quy chuẩn) in a regulation's catalogue: a
    task assigned from it weighs `coefficient` × its quantity (docs/RULES.md §6).

    The catalogue belongs to its regulation: a regulation pinned by a decided month keeps its
    catalogue, and a change is made in a new version of the regulation. A task keeps the
    coefficient it was assigned with, so no catalogue change ever moves a task's weight."""

    regulation = models.ForeignKey(
        "directives.Regulation",
        verbose_name=_("regulation"),
        on_delete=models.PROTECT,
        related_name="catalogue_items",
    )
    job_group = models.CharField(_("job group"), max_length=64)
    code = models.CharField(_("product code"), max_length=32)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=64)
    coefficient = models.DecimalField(
        _("conversion coefficient"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_COEFFICIENT)],
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        ordering = ["regulation", "job_group", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["regulation", "code"], name="catalogue_item_code_unique"
            )
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"

    @property
    def name(self):
        if (get_language() or "vi").startswith("en") and self.name_en:
            return self.name_en
        return self.name_vi
