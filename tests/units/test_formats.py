"""Numbers, money, dates and text typed as Vietnamese offices write them (docs/RULES.md §5):
`units.formats`, pure, no database."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from units import formats


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
    assert formats.parse_vnd(text) == 17_000_000


@pytest.mark.parametrize(
    ("text", "amount"),
    [("0", 0), ("999", 999), ("1.000", 1000), ("250 000", 250_000), ("5000000 VND", 5_000_000)],
)
def test_small_and_plain_amounts(text, amount):
    assert formats.parse_vnd(text) == amount


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
        formats.parse_vnd(text)


@given(st.integers(min_value=0, max_value=10**12))
def test_an_amount_written_with_dots_spaces_or_nothing_reads_back(amount):
    dotted = f"{amount:,}".replace(",", ".")
    assert (
        formats.parse_vnd(dotted)
        == formats.parse_vnd(dotted.replace(".", " "))
        == formats.parse_vnd(str(amount))
    )
    assert formats.parse_vnd(dotted) == amount


@pytest.mark.parametrize(
    ("text", "day"),
    [("25/11/2026", dt.date(2026, 11, 25)), ("5/1/2027", dt.date(2027, 1, 5))],
)
def test_dates_are_day_month_year(text, day):
    assert formats.parse_date(text) == day
    assert formats.parse_date(formats.date_text(day)) == day


def test_an_iso_date_is_read_too_unless_only_dd_mm_yyyy_is_asked():
    assert formats.parse_date("2026-11-25") == dt.date(2026, 11, 25)
    assert formats.parse_date(" 2026-11-25 ") == dt.date(2026, 11, 25)
    with pytest.raises(formats.FormatError) as refused:
        formats.parse_date("2026-11-25", iso=False)
    assert "dd/mm/yyyy" in refused.value.message and "25/11/2026" in refused.value.message
    assert "yyyy-mm-dd" not in refused.value.message


@pytest.mark.parametrize(
    "text", ["11/25/2026", "31/02/2026", "25/11/26", "01/12/26", "2026-1-5", "", "x", "25.11.2026"]
)
def test_other_date_forms_are_refused_naming_the_expected_ones(text):
    with pytest.raises(formats.FormatError) as refused:
        formats.parse_date(text)
    assert "dd/mm/yyyy" in refused.value.message
    assert "yyyy-mm-dd" in refused.value.message


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_every_date_reads_back_from_both_forms(day):
    assert formats.parse_date(formats.date_text(day)) == day
    assert formats.parse_date(day.isoformat()) == day


# --- decimals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0,5", Decimal("0.5")),
        ("0.5", Decimal("0.5")),
        ("5", Decimal("5")),
        (" 4,75 ", Decimal("4.75")),
        ("10", Decimal("10")),
        ("-2,5", Decimal("-2.5")),
        ("1234,5", Decimal("1234.5")),
    ],
)
def test_a_decimal_comma_or_point_is_read(text, number):
    assert formats.parse_decimal(text) == number


def test_half_is_never_five():
    """The weight "0,5" was once saved as 5: the comma is the decimal mark."""
    assert formats.parse_decimal("0,5") == Decimal("0.5") != Decimal(5)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_blank_is_no_number(text):
    assert formats.parse_decimal(text) is None


@pytest.mark.parametrize("text", ["1.234,5", "1,234.5", "1.5,0", "1.234.567", "1,234,567"])
def test_text_that_reads_two_ways_is_refused_with_an_example(text):
    with pytest.raises(formats.FormatError) as refused:
        formats.parse_decimal(text)
    assert text in refused.value.message
    assert "1234,5" in refused.value.message


@pytest.mark.parametrize(
    "text", ["abc", "1e3", "NaN", "Infinity", "5đ", ",5", "5,", "--1", "½", "\u0663"]
)
def test_anything_else_is_not_a_number_and_says_how_to_write_one(text):
    with pytest.raises(formats.FormatError) as refused:
        formats.parse_decimal(text)
    assert "0,5" in refused.value.message


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_a_formatted_decimal_reads_back_in_both_notations(number):
    assert formats.parse_decimal(formats.decimal_text(number, separator=",")) == number
    assert formats.parse_decimal(formats.decimal_text(number, separator=".")) == number


def test_decimal_text_follows_the_language():
    with translation.override("vi"):
        assert formats.decimal_text(Decimal("0.50")) == "0,5"
        assert formats.decimal_text(Decimal("10.00")) == "10"
    with translation.override("en"):
        assert formats.decimal_text(Decimal("0.50")) == "0.5"
    assert formats.decimal_text(None) == ""


MONEY = [
    (17_000_000, "17.000.000"),
    (0, "0"),
    (999, "999"),
    (1000, "1.000"),
    (-1_500_000, "-1.500.000"),
    (10**15, "1.000.000.000.000.000"),
    (Decimal("2142000"), "2.142.000"),
]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(("amount", "text"), [*MONEY, (None, "")])
def test_money_is_written_as_offices_write_it_in_either_language(amount, text, language):
    with translation.override(language):
        assert formats.vnd_text(amount) == text


@given(st.integers(min_value=0, max_value=10**15))
def test_vnd_text_reads_back(amount):
    assert formats.parse_vnd(formats.vnd_text(amount)) == amount


# --- shown figures ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (1, 8, "12.5"),
        (5, 8, "62.5"),
        (1, 16, "6.3"),  # 6.25: half up, never to the even 6.2
        (5, 16, "31.3"),  # 31.25
        (3, 16, "18.8"),  # 18.75
        (1, 2000, "0.1"),  # 0.05
        (1, 3, "33.3"),
        (2, 3, "66.7"),
        (0, 7, "0.0"),
        (7, 7, "100.0"),
    ],
)
def test_a_percent_is_rounded_once_half_up_to_one_decimal(part, whole, shown):
    assert formats.percent(part, whole).to_eng_string() == shown


def test_a_percent_of_nothing_is_missing():
    assert formats.percent(0, 0) is None


@given(st.integers(min_value=1, max_value=10**9), st.data())
def test_a_percent_is_the_exact_share_rounded_half_up(whole, data):
    part = data.draw(st.integers(min_value=0, max_value=whole))
    with localcontext(prec=60):  # digits enough that no quotient is rounded onto a tie
        expected = (Decimal(100 * part) / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert formats.percent(part, whole) == expected


# --- text ------------------------------------------------------------------------------------


def test_text_is_nfc_and_trimmed():
    decomposed = "Chuye\u0302n vie\u0302n"  # "Chuyên viên" with combining circumflexes
    assert decomposed != "Chuyên viên"
    assert formats.clean_text(f"  {decomposed}\n") == "Chuyên viên"
    assert formats.clean_text(None) == ""


@given(st.text())
def test_clean_text_is_idempotent(text):
    assert formats.clean_text(formats.clean_text(text)) == formats.clean_text(text)
