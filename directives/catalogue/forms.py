from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from directives.catalogue.models import MAX_COEFFICIENT, CatalogueItem
from directives.models import Regulation
from units.forms import UploadForm


class CatalogueItemForm(forms.ModelForm):
    coefficient = forms.DecimalField(
        label=_("Conversion coefficient"),
        min_value=Decimal("0.01"),
        max_value=MAX_COEFFICIENT,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )

    class Meta:
        model = CatalogueItem
        fields = [
            "job_group",
            "code",
            "name_vi",
            "name_en",
            "unit_of_measure",
            "coefficient",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class CatalogueImportForm(UploadForm):
    regulation = forms.ModelChoiceField(
        label=_("Regulation"), queryset=Regulation.objects.order_by("-valid_from", "code")
    )
    field_order = ["regulation", "file"]
