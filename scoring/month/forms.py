"""Forms of the month in the browser: a scorecard (self, peer or a grid row), an adjustment,
an appeal and its answer, the grid's Excel upload.

A scorecard form checks every cell with the service's own rule (`services.points_refusal`), so
the browser shows each refused value beside its cell; the service checks again when it saves.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from scoring.io.formats import points_text
from scoring.models import AdjustmentKind
from scoring.month.services.scorecards import points_refusal
from units.fields import Form
from units.formats import FormatError, parse_decimal
from units.forms import ImportFileField

# A typed number: "4", "4.5" or "4,5"; None when blank; FormatError (a ValueError) with an
# example for anything else, ambiguous text ("1.234,5") included (docs/RULES.md §5).
parse_points = parse_decimal


def cell_refusal(criterion, number: Decimal, *, kind, has_tasks=False) -> str | None:
    """Why `number` cannot be given for `criterion`, as the cell shows it; None when fine.

    The range is said with the maximum as written ("from 0 to 10"); every other rule is the
    service's own (`services.points_refusal`)."""
    if number < 0 or number > criterion.max_points:
        return _("From 0 to %(max)s.") % {"max": points_text(criterion.max_points, trim=True)}
    return points_refusal(criterion, number, kind=kind, has_tasks=has_tasks)


def shown_points(value) -> str:
    """Points as typed back into a cell: 4.50 → "4.5", 5.00 → "5"."""
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


class ScoreForm(Form):
    """Points for the scored criteria of a period, with an optional comment for each.

    `criteria` are the Criterion rows to score (general ones, plus T for a supervisor when the
    cadre has no task in the month). With `require_all`, every criterion needs points (a
    submitted scorecard needs them all).
    """

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, criteria, kind, require_all=False, with_comments=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.kind = kind
        self.require_all = require_all
        for criterion in self.criteria:
            self.fields[self.points_name(criterion)] = forms.CharField(
                label=criterion.name,
                required=False,
                max_length=12,
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "decimal",
                        "autocomplete": "off",
                        "data-max": format(criterion.max_points.normalize(), "f"),
                    }
                ),
            )
            if with_comments:
                self.fields[self.comment_name(criterion)] = forms.CharField(
                    label=_("Comment on %(code)s") % {"code": criterion.code},
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 1}),
                )

    @staticmethod
    def points_name(criterion) -> str:
        return f"points_{criterion.code}"

    @staticmethod
    def comment_name(criterion) -> str:
        return f"comment_{criterion.code}"

    def rows(self):
        """(criterion, points field, comment field or None) for the template."""
        for criterion in self.criteria:
            comment = self.comment_name(criterion)
            yield (
                criterion,
                self[self.points_name(criterion)],
                self[comment] if comment in self.fields else None,
            )

    def clean(self):
        cleaned = super().clean()
        for criterion in self.criteria:
            name = self.points_name(criterion)
            if name not in cleaned:
                continue  # already refused by the field (too long)
            try:
                number = parse_points(cleaned[name])
            except FormatError as error:
                self.add_error(name, error.message)
                continue
            if number is None:
                if self.require_all:
                    self.add_error(name, _("Give the points."))
                cleaned[name] = None
                continue
            problem = cell_refusal(criterion, number, kind=self.kind)
            if problem:
                self.add_error(name, problem)
            cleaned[name] = number
        return cleaned

    def points(self) -> dict:
        return {c.code: self.cleaned_data.get(self.points_name(c)) for c in self.criteria}

    def comments(self) -> dict:
        return {
            c.code: self.cleaned_data.get(self.comment_name(c), "")
            for c in self.criteria
            if self.comment_name(c) in self.fields
        }

    def typed(self) -> dict:
        """What was typed in each cell, as typed (to show it back after a refusal)."""
        return {
            c.code: (self.data.get(self.add_prefix(self.points_name(c))) or "").strip()
            for c in self.criteria
        }


class AdjustmentForm(Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AdjustmentKind.choices)
    points = forms.CharField(
        label=_("Points"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000)

    def clean_points(self):
        try:
            return parse_points(self.cleaned_data["points"])
        except FormatError as error:
            raise forms.ValidationError(error.message) from None


class AppealForm(Form):
    text = forms.CharField(
        label=_("What is wrong in this result, and why"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AppealAnswerForm(Form):
    answer = forms.CharField(
        label=_("Answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("reject", _("Reject")), ("accept", _("Accept and correct the scores"))],
        widget=forms.HiddenInput,
    )
    # Accepting is asked again on a page that says what it opens (docs/RULES.md §2, appeals).
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class GridUploadForm(Form):
    file = ImportFileField(label=_("Filled-in Excel file (.xlsx) or CSV"))
