"""Points as people read them, in the active language's notation (vi: decimal comma), and
money and dates as people type them (docs/RULES.md §5).

The one place a score becomes text for a page or a message; values typed back into a cell or an
Excel formula keep the machine notation of `forms_month.shown_points`. Pure functions: no
database.
"""

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format

MISSING = "—"
CENT = Decimal("0.01")


def points_text(value, *, trim: bool = False) -> str:
    """A score with its 2 decimals: 92.9 → "92,90" (vi), "92.90" (en); "—" when missing.

    With `trim`, a limit or a typed value without trailing zeros: a maximum of 10.00 reads "10"
    (never "1E+1"), 2.50 reads "2,5". Text that is no number comes back as it was typed.
    """
    number = _decimal(value)
    if number is None:
        return MISSING if value is None or value == "" else str(value)
    if trim:
        exponent = number.normalize().as_tuple().exponent
        return number_format(number, decimal_pos=max(0, -exponent))
    return number_format(number.quantize(CENT, rounding=ROUND_HALF_UP), decimal_pos=2)


def _decimal(value) -> Decimal | None:
    value = getattr(value, "shown", value)  # an engine Value
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    else:
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            return None
    return number if number.is_finite() else None


# --- typed back: money and dates as people write them (docs/RULES.md §5) -------------------

# Thousands written with dots or spaces (a no-break space too), or no separator at all.
_VND_GROUPED = re.compile(r"^\d{1,3}(?:([. \u00a0\u202f])\d{3})?(?:\1\d{3})*$")
_VND_PLAIN = re.compile(r"^\d+$")
VND_EXAMPLE = "17.000.000"
DATE_EXAMPLE = "25/11/2026"
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_vnd(text: str) -> int:
    """An amount of VND as people type it: "17.000.000", "17 000 000" or "17000000".

    A trailing "đ", "₫" or "VND" is allowed. Raises ValueError for anything else — a decimal
    part, a comma, mixed or misplaced separators, a negative amount — rather than guess.
    """
    value = unicodedata.normalize("NFC", str(text or "")).strip()
    for suffix in ("vnđ", "vnd", "₫", "đ"):
        if value.lower().endswith(suffix):
            value = value[: -len(suffix)].rstrip()
            break
    if not value or not (_VND_PLAIN.match(value) or _VND_GROUPED.match(value)):
        raise ValueError(text)
    return int(re.sub(r"\D", "", value))


def parse_date(text: str) -> dt.date:
    """A date as the interface writes it, dd/mm/yyyy ("5/1/2027" too). Raises ValueError."""
    match = _DATE.match(str(text or "").strip())
    if not match:
        raise ValueError(text)
    day, month, year = (int(part) for part in match.groups())
    return dt.date(year, month, day)


def date_text(value: dt.date | None) -> str:
    """dd/mm/yyyy, the interface's date; "" when missing."""
    return value.strftime("%d/%m/%Y") if value else ""
