"""The form fields of Vietnamese formats and the base form (docs/RULES.md §5): numbers typed
"0,5", dates dd/mm/yyyy in text inputs whatever the browser's language, money "17.000.000",
every text NFC. No database."""

import datetime as dt
import unicodedata
from decimal import Decimal

import pytest
from django import forms
from django.http import QueryDict
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from units.fields import DayField, DecimalField, Form, VndField


class Sample(Form):
    weight = DecimalField(
        min_value=Decimal("0.1"), max_value=Decimal("100"), decimal_places=2, required=False
    )
    day = DayField(required=False)
    pool = VndField(required=False)
    name = forms.CharField(required=False)


def cleaned(**data):
    form = Sample(data)
    assert form.is_valid(), form.errors
    return form.cleaned_data


def errors(**data):
    form = Sample(data)
    assert not form.is_valid()
    return {name: " ".join(messages) for name, messages in form.errors.items()}


@pytest.mark.parametrize("typed", ["0,5", "0.5", " 0,50 "])
def test_a_weight_of_one_half_is_one_half(typed):
    assert cleaned(weight=typed)["weight"] == Decimal("0.5")


@pytest.mark.parametrize("typed", ["1.234,5", "1,234.5", "1.5,0"])
def test_an_ambiguous_number_is_refused_with_an_example(typed):
    with translation.override("vi"):
        message = errors(weight=typed)["weight"]
    assert typed in message and "1234,5" in message


@pytest.mark.parametrize(
    ("typed", "code"),
    [("0,05", "min_value"), ("100,5", "max_value"), ("1,234", "max_decimal_places"), ("x", "")],
)
def test_a_number_out_of_range_or_too_precise_is_refused_never_rounded(typed, code):
    form = Sample({"weight": typed})
    assert not form.is_valid()
    if code:
        assert form.has_error("weight", code)


def test_a_decimal_is_shown_back_as_vietnamese_write_it():
    with translation.override("vi"):
        field = Sample(initial={"weight": Decimal("0.50")})["weight"]
        assert 'value="0,5"' in str(field)
        assert 'inputmode="decimal"' in str(field) and 'type="text"' in str(field)


@given(st.decimals(min_value=Decimal("0.1"), max_value=Decimal("100"), places=2))
def test_what_a_field_shows_it_reads_back(number):
    with translation.override("vi"):
        shown = Sample.base_fields["weight"].prepare_value(number)
        assert Sample({"weight": shown}).is_valid()
        assert cleaned(weight=shown)["weight"] == number


def test_a_date_is_day_month_year_in_a_text_input():
    assert cleaned(day="5/1/2027")["day"] == dt.date(2027, 1, 5)
    field = str(Sample(initial={"day": dt.date(2027, 1, 5)})["day"])
    assert 'type="text"' in field and 'value="05/01/2027"' in field
    assert 'placeholder="dd/mm/yyyy"' in field and 'type="date"' not in field


@pytest.mark.parametrize("typed", ["2027-01-05", "01/05/27", "31/02/2027", "1/5"])
def test_another_date_form_is_refused_with_an_example(typed):
    with translation.override("en"):
        message = errors(day=typed)["day"]
    assert "dd/mm/yyyy" in message and "25/11/2026" in message


def test_money_is_read_with_its_thousands_separators():
    assert cleaned(pool="17.000.000")["pool"] == 17_000_000
    assert "17.000.000" in str(Sample(initial={"pool": 17_000_000})["pool"])
    assert "pool" in errors(pool="17.000.000,5")


def test_every_text_a_form_receives_is_nfc():
    decomposed = unicodedata.normalize("NFD", "Chuyên viên")
    assert cleaned(name=f" {decomposed} ")["name"] == "Chuyên viên"
    query = QueryDict(mutable=True)
    query.setlist("name", [decomposed])
    form = Sample(query)
    assert form.is_valid() and form.cleaned_data["name"] == "Chuyên viên"
    assert not form.data._mutable
