"""Forms of the month page: opening a month, stepping back, reopening a step (for the whole
month or for units), pools.

Dates are typed dd/mm/yyyy in plain text inputs, whatever the browser's language (a date input
would follow the browser's locale); money as people write it ("17.000.000"). Both are read by
`units.formats` through `units.fields`, the one place those formats are parsed.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from scoring.models import Period, ScorecardKind
from scoring.month.services.common import DATE_FIELDS
from units.fields import DayField, Form, VndField


class OpenForm(Form):
    """Open a month for a scope: the unit, the month, the regulation and the six dates."""

    scope = forms.ModelChoiceField(label=_("Scope"), queryset=None, to_field_name="code")
    month = forms.ChoiceField(label=_("Month"))
    regulation = forms.ModelChoiceField(label=_("Regulation"), queryset=None)

    def __init__(self, *args, scopes, months, regulations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].queryset = scopes
        self.fields["month"].choices = months
        self.fields["regulation"].queryset = regulations
        for name in DATE_FIELDS:
            self.fields[name] = DayField(label=Period._meta.get_field(name).verbose_name)

    def date_fields(self):
        return [self[name] for name in DATE_FIELDS]

    def dates(self) -> dict:
        return {name: self.cleaned_data[name] for name in DATE_FIELDS}


class StepBackForm(Form):
    until = DayField(
        label=_("New deadline of the step returned to"),
        required=False,
        help_text=_("Needed when its deadline has passed (dd/mm/yyyy)."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class ReopenUnitsForm(Form):
    kind = forms.ChoiceField(
        label=_("Step"),
        choices=[
            (ScorecardKind.SELF, _("Self-assessment")),
            (ScorecardKind.PEER, _("Cross-evaluation")),
            (ScorecardKind.SUPERVISOR, _("Supervisor review")),
        ],
    )
    whole = forms.BooleanField(
        label=_("The whole month: move the step's deadline for every unit"),
        required=False,
    )
    units = forms.MultipleChoiceField(
        label=_("Units"), widget=forms.CheckboxSelectMultiple, required=False
    )
    until = DayField(label=_("Open until (dd/mm/yyyy)"))
    reason = forms.CharField(label=_("Reason"), max_length=2000)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(u.code, f"{u.name} ({u.code})") for u in units]

    def clean(self):
        data = super().clean()
        if not data.get("whole") and not data.get("units") and "units" not in self.errors:
            self.add_error("units", _("Choose at least one unit, or the whole month."))
        return data


class PoolsForm(Form):
    """One pool per unit of the period, and its outstanding flag where the regulation has an
    outstanding quota rate."""

    def __init__(self, *args, rows, with_outstanding, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            code = row.unit.code
            self.fields[f"pool_{code}"] = VndField(
                label=_("Pool of %(unit)s (VND)") % {"unit": row.unit.name},
                required=False,
                initial=row.pool,
            )
            if with_outstanding:
                self.fields[f"outstanding_{code}"] = forms.BooleanField(
                    label=_("%(unit)s is an outstanding unit") % {"unit": row.unit.name},
                    required=False,
                    initial=row.outstanding,
                )

    def lines(self):
        """(period unit, pool field, outstanding field or None) for the template."""
        for row in self.rows:
            name = f"outstanding_{row.unit.code}"
            yield row, self[f"pool_{row.unit.code}"], self[name] if name in self.fields else None

    def pools(self) -> dict:
        return {row.unit: self.cleaned_data[f"pool_{row.unit.code}"] for row in self.rows}

    def outstanding(self) -> dict:
        return {
            row.unit: self.cleaned_data[f"outstanding_{row.unit.code}"]
            for row in self.rows
            if f"outstanding_{row.unit.code}" in self.fields
        }
