"""Form fields for Vietnamese formats, and the base every form of the app derives from
(docs/RULES.md §5, office formats).

Numbers, money and dates are plain text inputs read by `units.formats`, whatever the browser's
language: a number or date input would show and send what the browser's locale decides
("0,5" typed in an English browser's number input arrives as something else).
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _

from units.formats import (
    FormatError,
    clean_text,
    date_text,
    decimal_text,
    parse_date,
    parse_decimal,
    parse_vnd,
    vnd_text,
)


def _normalised(data):
    """A copy of a form's data with every text NFC (files and non-text values as they are)."""
    if isinstance(data, QueryDict):
        copy = data.copy()
        for key, values in data.lists():
            copy.setlist(key, [_nfc(v) for v in values])
        copy._mutable = False
        return copy
    if isinstance(data, dict):
        return {
            k: [_nfc(x) for x in v] if isinstance(v, list) else _nfc(v) for k, v in data.items()
        }
    return data


def _nfc(value):
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


class Form(forms.Form):
    """A form whose text arrives NFC-normalised (and is trimmed by its CharFields), so a name or
    a job group typed with combining accents is the same text as one typed precomposed."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(_normalised(data), *args, **kwargs)


class DecimalField(forms.Field):
    """A number typed "0,5" or "0.5" (`units.formats.parse_decimal`), shown back "0,5" in
    Vietnamese; ambiguous text ("1.234,5") is refused with an example, never guessed."""

    MAX_LENGTH = 24

    def __init__(self, *, min_value=None, max_value=None, decimal_places=None, **kwargs):
        self.min_value, self.max_value, self.decimal_places = min_value, max_value, decimal_places
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "inputmode": "decimal",
                    "autocomplete": "off",
                    "maxlength": self.MAX_LENGTH,
                }
            ),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return decimal_text(value) if isinstance(value, Decimal | int) else value

    def to_python(self, value):
        if value is None or isinstance(value, Decimal):
            return value
        if len(str(value)) > self.MAX_LENGTH:
            raise forms.ValidationError(
                _("At most %(n)s characters.") % {"n": self.MAX_LENGTH}, code="max_length"
            )
        try:
            return parse_decimal(value)
        except FormatError as error:
            raise forms.ValidationError(error.message, code="invalid") from None

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            raise forms.ValidationError(
                _("Must be at least %(n)s.") % {"n": decimal_text(self.min_value)}, code="min_value"
            )
        if self.max_value is not None and value > self.max_value:
            raise forms.ValidationError(
                _("Must be at most %(n)s.") % {"n": decimal_text(self.max_value)}, code="max_value"
            )
        if self.decimal_places is not None and value != round(value, self.decimal_places):
            raise forms.ValidationError(
                _("At most %(n)s decimal places.") % {"n": self.decimal_places},
                code="max_decimal_places",
            )


def positive_decimal(label, maximum, **kwargs) -> DecimalField:
    """A number above 0 with at most two decimals, up to `maximum`: a quantity, a weight, points."""
    return DecimalField(
        label=label, min_value=Decimal("0.01"), max_value=maximum, decimal_places=2, **kwargs
    )


class DayField(forms.CharField):
    """A date typed dd/mm/yyyy in a text input, shown dd/mm/yyyy, whatever the browser's
    language."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "placeholder": "dd/mm/yyyy",
                    "pattern": r"\d{1,2}/\d{1,2}/\d{4}",
                    "maxlength": 10,
                    "autocomplete": "off",
                }
            ),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return date_text(value) if hasattr(value, "strftime") else value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_date(value, iso=False)
        except FormatError as error:
            raise forms.ValidationError(error.message, code="invalid") from None


# A pool above a thousand trillion VND is a typing slip (and past what the database keeps).
MAX_VND = 10**15


class VndField(forms.CharField):
    """An amount of VND typed "17.000.000", "17 000 000" or "17000000"; empty is 0."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 24}),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return vnd_text(value) if isinstance(value, int) else value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return 0
        try:
            amount = parse_vnd(value)
        except FormatError as error:
            raise forms.ValidationError(error.message, code="invalid") from None
        if amount > MAX_VND:
            raise forms.ValidationError(
                _("%(value)s VND is more than a unit's pool can be."),
                params={"value": clean_text(value)},
            )
        return amount
