from django import forms
from django.utils.translation import gettext_lazy as _

from directives.forms import ResultFileField
from scoring.month.services.common import MAX_PENALTY
from scoring.oversight.models import CaseKind, Handling, InspectionScope
from units.fields import DayField, Form, positive_decimal


class InspectionForm(Form):
    on = DayField(label=_("Date of the inspection"))
    scope = forms.ChoiceField(label=_("Scope"), choices=InspectionScope.choices)
    surprise = forms.TypedChoiceField(
        label=_("Announced or surprise"),
        choices=[("1", _("Surprise")), ("0", _("Announced"))],
        coerce=lambda v: v == "1",
        initial="1",
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class FindingForm(Form):
    cadre = forms.ChoiceField(label=_("Against"), required=False)
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}))
    handling = forms.ChoiceField(label=_("Proposed handling"), choices=Handling.choices)
    points = positive_decimal(_("Penalty points"), MAX_PENALTY, required=False)
    evidence = ResultFileField(label=_("Evidence"))

    def __init__(self, *args, cadres=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].choices = [("", _("The unit (no one person)"))] + [
            (c.code, f"{c.full_name} ({c.code})") for c in cadres
        ]


class CaseForm(Form):
    kind = forms.ChoiceField(label=_("Kind of case"), choices=CaseKind.choices)
    grounds = forms.CharField(label=_("Grounds"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(Form):
    number = forms.CharField(label=_("Decision number"), max_length=64)
    decided_on = DayField(label=_("Decision date"))
    effective_on = DayField(label=_("Takes effect on"), required=False)
    target_unit = forms.ChoiceField(label=_("New unit"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_unit"].choices = [("", "—")] + [
            (u.code, f"{u.name} ({u.code})") for u in units
        ]
