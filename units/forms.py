from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from units.fields import Form


class ImportFileField(forms.FileField):
    """A file to import (CSV UTF-8 or .xlsx), refused before it is read when over
    settings.IMPORT_MAX_BYTES (the importers refuse it too, but only once it is in memory)."""

    def validate(self, value):
        super().validate(value)
        limit = settings.IMPORT_MAX_BYTES
        if value and value.size > limit:
            raise ValidationError(
                gettext("The file is larger than %(mb)s MB.") % {"mb": limit // 2**20},
                code="too_large",
            )


class UploadForm(Form):
    """One import file. A file input cannot be refilled: a page answering an upload with errors
    shows `uploaded_name` beside the input, so the user knows which file to correct."""

    file = ImportFileField(
        label=_("File (CSV UTF-8 or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    @property
    def uploaded_name(self) -> str:
        upload = self.files.get("file")
        return upload.name if upload else ""


class ImportForm(UploadForm):
    KINDS = [("units", _("Units")), ("cadres", _("Cadres"))]

    kind = forms.ChoiceField(label=_("What to import"), choices=KINDS)
    field_order = ["kind", "file"]


class PasswordLinkForm(Form):
    """Issuing a set-password link; for an account that has a password, the issuer confirms
    that the link replaces it."""

    replace = forms.BooleanField(required=False)

    def __init__(self, *args, cadre, replaces, **kwargs):
        super().__init__(*args, **kwargs)
        self.replaces = replaces
        if replaces:
            self.fields["replace"].required = True
            self.fields["replace"].label = gettext(
                "%(name)s already has a password: I confirm that the link replaces it once "
                "it is used."
            ) % {"name": cadre.full_name}
            self.fields["replace"].error_messages["required"] = gettext(
                "Tick the box to confirm that the current password is replaced: no link was issued."
            )
        else:
            del self.fields["replace"]


class UnlockForm(Form):
    username = forms.CharField(max_length=255)
    ip_address = forms.GenericIPAddressField(required=False)
