"""Points as people read them, in the active language's notation (vi: decimal comma)
(docs/RULES.md §5). Typed text is read back by `units.formats`.

The one place a score becomes text for a page or a message; values typed back into a cell or an
Excel formula keep the machine notation of `scoring.month.forms.shown_points`. Pure functions: no
database.
"""

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
