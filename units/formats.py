"""Vietnamese formats in: the one place typed or imported text becomes a number, an amount of
money, a date or a key (docs/RULES.md §5, office formats).

Every form field (`units.fields`) and every import (`units.tabular.RowChecker`) reads through
these functions, so "0,5" means the same thing in a task's weight, a score cell, an adjustment,
a CSV or an .xlsx text cell. What cannot be read one way only is refused with an example, never
guessed: a value is never changed silently. Pure functions: no database.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

from django.utils.formats import get_format
from django.utils.translation import gettext as _

DECIMAL_EXAMPLE = "0,5"
VND_EXAMPLE = "17.000.000"
DATE_EXAMPLE = "25/11/2026"


class FormatError(ValueError):
    """Text that is not one value of the asked kind; `message` says how to write it."""

    def __init__(self, text, message: str):
        super().__init__(text)
        self.text = text
        self.message = message

    def __str__(self):
        return self.message


def clean_text(value) -> str:
    """Text as it is stored: Unicode NFC and trimmed, so "Chuyên viên" typed with combining
    accents and the same word typed precomposed are one job group."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


# --- decimals: points, weights, rates --------------------------------------------------------

# A decimal is written with one decimal mark, a comma (as Vietnamese write it) or a point (as
# machines and the interface's cells write it), and no thousands separator.
_DECIMAL = re.compile(r"^(-?)(\d+)(?:[.,](\d+))?$", re.ASCII)
_SEPARATORS = re.compile(r"[.,\u00a0\u202f ]")


def parse_decimal(text) -> Decimal | None:
    """A number as people type it: "5", "0,5" or "0.5"; None when blank.

    Raises FormatError for anything else, and for text that reads two ways: "1.234,5" and
    "1,234.5" (a thousands separator beside a decimal mark), "1.5,0", "1.234.567".
    """
    value = clean_text(text)
    if not value:
        return None
    match = _DECIMAL.match(value)
    if match is None:
        digits = re.sub(r"^-", "", value)
        if _SEPARATORS.sub("", digits).isdigit() and len(_SEPARATORS.findall(digits)) > 1:
            raise FormatError(
                text,
                _(
                    "“%(value)s” can be read more than one way: write a number without thousands "
                    "separators and with one decimal comma, for example %(example)s."
                )
                % {"value": value, "example": "1234,5"},
            )
        raise FormatError(
            text,
            _("“%(value)s” is not a number: write it like %(example)s.")
            % {"value": value, "example": DECIMAL_EXAMPLE},
        )
    sign, whole, fraction = match.groups()
    return Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")


def decimal_text(value, *, separator: str | None = None) -> str:
    """A decimal as people type it back: 0.50 → "0,5" (vi) or "0.5" (en), 10.00 → "10",
    never a thousands separator nor an exponent; "" when missing."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    text = format(number.normalize(), "f") if number else "0"
    return text.replace(".", separator or get_format("DECIMAL_SEPARATOR"))


# --- money: whole VND ------------------------------------------------------------------------

# Thousands written with dots or spaces (a no-break space too), or no separator at all.
_VND_GROUPED = re.compile(r"^\d{1,3}(?:([. \u00a0\u202f])\d{3})?(?:\1\d{3})*$", re.ASCII)
_VND_PLAIN = re.compile(r"^\d+$", re.ASCII)


def parse_vnd(text) -> int:
    """An amount of VND as people type it: "17.000.000", "17 000 000" or "17000000".

    A trailing "đ", "₫" or "VND" is allowed. Raises FormatError for anything else — a decimal
    part, a comma, mixed or misplaced separators, a negative amount — rather than guess.
    """
    value = clean_text(text)
    for suffix in ("vnđ", "vnd", "₫", "đ"):
        if value.lower().endswith(suffix):
            value = value[: -len(suffix)].rstrip()
            break
    if not value or not (_VND_PLAIN.match(value) or _VND_GROUPED.match(value)):
        raise FormatError(
            text,
            _(
                "“%(value)s” is not an amount of VND: write it like %(example)s "
                "(or 17 000 000, or 17000000), without decimals."
            )
            % {"value": clean_text(text), "example": VND_EXAMPLE},
        )
    return int(re.sub(r"\D", "", value))


def vnd_text(amount: int | Decimal | None) -> str:
    """Whole VND with dots between thousands, as offices write it in either language (English
    pages too): 17000000 → "17.000.000", -4000 → "-4.000"; "" when missing. The one writing of
    money: the forms, the `vnd` filter of every page, the documents and the month's history."""
    if amount is None or amount == "":
        return ""
    return f"{int(amount):,}".replace(",", ".")


# --- shown figures ---------------------------------------------------------------------------


def percent(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` (counts) in percent with one decimal, rounded once, half up, as the
    scoring rules round what a page shows (docs/RULES.md §1): 5 of 16 → 31.3, 1 of 8 → 12.5;
    None when `whole` is 0. The one rounding of every rate, so the dossier figures and the
    dashboard never show 31,2 and 31,3 for one count. In integers: the exact share, no quotient
    rounded on the way."""
    if not whole:
        return None
    tenths = (2 * 1000 * part + whole) // (2 * whole)  # floor(1000·part/whole + 1/2)
    return Decimal(tenths).scaleb(-1)


# --- dates -----------------------------------------------------------------------------------

_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", re.ASCII)
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)


def parse_date(text, *, iso: bool = True) -> dt.date:
    """A date written dd/mm/yyyy ("5/1/2027" too) as Vietnamese offices do, or with `iso` also
    yyyy-mm-dd as machines write it (imports; a form's field takes dd/mm/yyyy only). Raises
    FormatError, naming the forms expected, for anything else: "01/12/26" (which century?),
    "12/31/2026", "31/02/2026"."""
    value = clean_text(text)
    day_first = _DAY_MONTH_YEAR.match(value)
    machine = _ISO.match(value) if iso else None
    try:
        if day_first:
            day, month, year = (int(part) for part in day_first.groups())
            return dt.date(year, month, day)
        if machine:
            year, month, day = (int(part) for part in machine.groups())
            return dt.date(year, month, day)
    except ValueError:
        pass
    if iso:
        message = _(
            "“%(value)s” is not a date: write it dd/mm/yyyy (for example %(example)s) or "
            "yyyy-mm-dd."
        )
    else:
        message = _("“%(value)s” is not a date: write it dd/mm/yyyy, for example %(example)s.")
    raise FormatError(text, message % {"value": value, "example": DATE_EXAMPLE})


def date_text(value: dt.date | None) -> str:
    """dd/mm/yyyy, the interface's date; "" when missing."""
    return value.strftime("%d/%m/%Y") if value else ""


def month_text(month: str) -> str:
    """mm/yyyy, a month as the documents and the dashboards write it: "2026-11" → "11/2026"."""
    year, number = month.split("-")
    return f"{number}/{year}"
