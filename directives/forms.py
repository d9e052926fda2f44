from decimal import Decimal
from pathlib import Path

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives.catalogue.services import MAX_QUANTITY, shown
from directives.models import TaskEventKind, TaskStatus
from directives.services import FIVE_CLEAR, MAX_ERRORS_AT_ONCE, MAX_WEIGHT
from units.fields import DayField, Form, positive_decimal
from units.forms import UploadForm

RESULT_FILE_MAX_BYTES = 20 * 1024 * 1024
RESULT_FILE_TYPES = {
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".odt",
    ".ods",
    ".txt",
    ".csv",
    ".jpg",
    ".jpeg",
    ".png",
    ".zip",
}


REASON = _("Reason")


class ResultFileField(forms.FileField):
    """An optional file of the kinds a task's result takes (PDF, office files, images, ZIP) and
    at most 20 MB: a task's result file, an inspection finding's evidence."""

    def __init__(self, *, label):
        accept = ",".join(sorted(RESULT_FILE_TYPES))
        super().__init__(
            label=label,
            required=False,
            help_text=_("PDF, Word, Excel, images or ZIP, at most 20 MB."),
            widget=forms.ClearableFileInput(attrs={"accept": accept}),
        )

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            if upload.size > RESULT_FILE_MAX_BYTES:
                raise forms.ValidationError(_("The file is larger than 20 MB."))
            if Path(upload.name).suffix.lower() not in RESULT_FILE_TYPES:
                raise forms.ValidationError(_("This kind of file is not accepted."))
        return upload


def _reason(required=True, label=REASON):
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ProductSelect(forms.Select):
    """Options that carry their coefficient and job group, so the page shows the weight."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        item = getattr(value, "instance", None)
        if item is not None:
            option["attrs"]["data-coefficient"] = str(item.coefficient)
            option["attrs"]["data-job-group"] = item.job_group
        return option


class TaskAssignForm(Form):
    assignee = forms.ModelChoiceField(
        label=_("Lead assignee (clear person)"),
        queryset=None,
        error_messages={"required": FIVE_CLEAR["assignee"]},
    )
    supporters = forms.ModelMultipleChoiceField(
        label=_("Supporting cadres"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    title = forms.CharField(
        label=_("Task (clear task)"),
        max_length=300,
        error_messages={"required": FIVE_CLEAR["title"]},
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    assigned_on = DayField(label=_("Assigned on"))
    deadline = DayField(
        label=_("Deadline (clear time)"),
        error_messages={"required": FIVE_CLEAR["deadline"]},
    )
    expected_result = forms.CharField(
        label=_("Expected result or product (clear result)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": FIVE_CLEAR["expected_result"]},
    )
    product = forms.ModelChoiceField(
        label=_("Standard product (catalogue)"),
        queryset=None,
        required=False,
        empty_label=_("— Outside the catalogue —"),
        widget=ProductSelect,
        help_text=_("Only the products of the assignee's job group count."),
    )
    quantity = positive_decimal(_("Quantity"), MAX_QUANTITY, required=False, initial=Decimal("1"))
    weight = positive_decimal(
        _("Converted product weight"),
        MAX_WEIGHT,
        required=False,
        # Empty means 1 outside the catalogue and the computed weight from it, so a page
        # without script never sends a weight beside a product.
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "1"}
        ),
        help_text=_(
            "Outside the catalogue: at most 1 (a higher weight needs the approval of your own "
            "superior). From the catalogue: coefficient × quantity, computed."
        ),
    )

    def __init__(self, *args, cadres, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = cadres
        self.fields["supporters"].queryset = cadres
        self.fields["assignee"].label_from_instance = _cadre_label
        self.fields["supporters"].label_from_instance = _cadre_label
        self.fields["assigned_on"].initial = timezone.localdate()
        self.fields["product"].queryset = products
        self.fields["product"].label_from_instance = _product_label


def _cadre_label(cadre):
    return f"{cadre.full_name} ({cadre.code})"


def _product_label(item):
    return (
        f"{item.job_group} · {item.code} · {item.name} ({item.unit_of_measure}, "
        f"{_('coefficient')} {shown(item.coefficient)})"
    )


class ApproveWeightForm(Form):
    weight = positive_decimal(_("Approved weight"), MAX_WEIGHT)
    reason = _reason()


class NoteForm(Form):
    note = _reason(required=False, label=_("Note"))


class SubmitForm(Form):
    result_link = forms.URLField(
        label=_("Link to the result"), required=False, assume_scheme="https"
    )
    result_file = ResultFileField(label=_("Result file"))
    note = _reason(required=False, label=_("Note on the result"))

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(f) for f in ("result_link", "result_file", "note")):
            raise forms.ValidationError(
                _("Clear result: give a link, a file or a note describing the result.")
            )
        return data


class ExtensionRequestForm(Form):
    new_deadline = DayField(label=_("New deadline asked for"))
    reason = _reason()


class ReasonForm(Form):
    reason = _reason()


class AcceptForm(Form):
    major_errors = forms.IntegerField(
        label=_("Major errors found"),
        min_value=0,
        max_value=MAX_ERRORS_AT_ONCE,
        initial=0,
    )
    reason = _reason(required=False, label=_("Comment (required with errors)"))


class ReturnForm(Form):
    reason = _reason(label=_("What must be redone"))
    major_errors = forms.IntegerField(
        label=_("Major errors found"),
        min_value=0,
        max_value=MAX_ERRORS_AT_ONCE,
        initial=0,
    )


class ApproveExtensionForm(Form):
    new_deadline = DayField(
        label=_("New deadline"),
        required=False,
        help_text=_("Empty: the date asked for."),
    )
    reason = _reason(required=False, label=_("Comment"))


class ExemptForm(Form):
    event = forms.TypedChoiceField(label=_("Delay or error to exempt"), coerce=int)
    reason = _reason(label=_("Objective cause"))

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.events = {e.pk: e for e in events}
        self.fields["event"].choices = [
            (e.pk, f"{e.get_kind_display()} · {e.at:%d/%m/%Y} · {e.reason[:60]}") for e in events
        ]


class BoardFilterForm(Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *TaskStatus.choices],
    )
    assignee = forms.TypedChoiceField(label=_("Assignee"), required=False, coerce=int)
    month = forms.RegexField(
        label=_("Month (deadline)"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )
    product = forms.TypedChoiceField(label=_("Catalogue item"), required=False, coerce=int)

    def __init__(self, *args, assignees, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", _("Any product"))] + [
            (item.pk, f"{item.code} · {item.name}") for item in products
        ]
        self.fields["assignee"].choices = [("", _("Everyone"))] + [
            (cadre.pk, f"{cadre.full_name} ({cadre.code})") for cadre in assignees
        ]


class TaskImportForm(UploadForm):
    pass


EXEMPTABLE = (TaskEventKind.DELAY, TaskEventKind.MAJOR_ERROR)
