"""Money and dates typed as Vietnamese offices write them (docs/RULES.md §5): pure, no database."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.formats import date_text, parse_date, parse_vnd


@pytest.mark.parametrize(
    "text",
    [
        "17.000.000",
        "17 000 000",
        "17000000",
        " 17.000.000 ",
        "17\u00a0000\u00a0000",
        "17.000.000 đ",
    ],
)
def test_seventeen_million_is_read_however_it_is_written(text):
    assert parse_vnd(text) == 17_000_000


@pytest.mark.parametrize(
    ("text", "amount"),
    [("0", 0), ("999", 999), ("1.000", 1000), ("250 000", 250_000), ("5000000 VND", 5_000_000)],
)
def test_small_and_plain_amounts(text, amount):
    assert parse_vnd(text) == amount


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "17,000,000",  # a comma is a decimal comma in Vietnamese: ambiguous, refused
        "17.000,5",
        "1.7",
        "17.00.000",
        "17.000 000",  # two kinds of separator
        "-5.000",
        "abc",
        "17 triệu",
        "1e6",
        "1000.",
    ],
)
def test_anything_else_is_refused_not_guessed(text):
    with pytest.raises(ValueError):
        parse_vnd(text)


@given(st.integers(min_value=0, max_value=10**12))
def test_an_amount_written_with_dots_spaces_or_nothing_reads_back(amount):
    dotted = f"{amount:,}".replace(",", ".")
    assert parse_vnd(dotted) == parse_vnd(dotted.replace(".", " ")) == parse_vnd(str(amount))
    assert parse_vnd(dotted) == amount


@pytest.mark.parametrize(
    ("text", "day"),
    [("25/11/2026", dt.date(2026, 11, 25)), ("5/1/2027", dt.date(2027, 1, 5))],
)
def test_dates_are_day_month_year(text, day):
    assert parse_date(text) == day
    assert parse_date(date_text(day)) == day


@pytest.mark.parametrize("text", ["2026-11-25", "11/25/2026", "31/02/2026", "25/11/26", "", "x"])
def test_other_date_forms_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)
