from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    KINDS = [("units", _("Units")), ("cadres", _("Cadres"))]

    kind = forms.ChoiceField(label=_("What to import"), choices=KINDS)
    file = forms.FileField(
        label=_("File (CSV UTF-8 or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
