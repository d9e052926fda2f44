"""Exact arithmetic of the rules: ``Fraction`` throughout, rounded once, half up, at the end."""

from __future__ import annotations

import decimal
import functools
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

Number = Decimal | Fraction | int

ZERO = Fraction(0)
ONE = Fraction(1)


def exact(x: Number) -> Fraction:
    if type(x) is Fraction:
        return x
    if type(x) is Decimal or type(x) is int:  # the stored points: no isinstance on a hot path
        return _fraction_of(x)
    # A float would smuggle binary rounding (0.1 != 1/10) into an exact computation.
    if isinstance(x, bool | float):
        raise TypeError(f"expected Decimal, Fraction or int, got {type(x).__name__}")
    return _fraction_of(x)


@functools.lru_cache(maxsize=4096)
def _fraction_of(x: Decimal | int) -> Fraction:
    # A month holds few distinct points (0..max in steps of 0.25 or so) but hundreds of
    # thousands of them: converting each value once keeps a city's decision fast.
    return Fraction(x)


def round_half_up(x: Fraction, places: int = 2) -> Decimal:
    """Same result as ``Decimal.quantize(..., ROUND_HALF_UP)`` on the exact value."""
    x = exact(x)
    scale = 10**places
    # floor(|n/d| * scale + 1/2) in integers: the Fraction operators cost 10x more.
    magnitude = (2 * abs(x.numerator) * scale + x.denominator) // (2 * x.denominator)
    return Decimal(-magnitude if x.numerator < 0 else magnitude).scaleb(-places)


def floor_to(x: Fraction, unit: int) -> int:
    return math.floor(x / unit) * unit


# Decimal addition is exact until a sum needs more digits than the context holds; this context
# raises instead of rounding, so a sum computed in it is the exact sum or nothing.
_EXACT_DECIMALS = decimal.Context(prec=decimal.MAX_PREC, traps=[decimal.Inexact, decimal.Rounded])


def exact_sum(values: Iterable[Number]) -> Fraction:
    """The exact sum; stored points (Decimals and whole numbers) are added as Decimals, ten
    times faster than as Fractions."""
    values = list(values)
    total = Decimal(0)
    add = _EXACT_DECIMALS.add
    for value in values:
        if type(value) is Decimal or type(value) is int:
            total = add(total, value)
        else:  # a Fraction (or a bad value: exact says which)
            return _fraction_sum([exact(v) for v in values])
    return exact(total)


def exact_mean(values: Sequence[Number]) -> Fraction:
    """The exact mean of some values (at least one), made in one step: the sum's numerator
    and denominator with the count, one reduction (a Fraction divided by the count makes
    two)."""
    total = exact_sum(values)
    return Fraction(total.numerator, total.denominator * len(values))


def _fraction_sum(fractions: list[Fraction]) -> Fraction:
    """The sum over the least common denominator, in integers: one reduction at the end instead
    of one per addition (what makes adding Fractions one by one slow)."""
    denominator = math.lcm(*(f.denominator for f in fractions))
    return Fraction(
        sum(f.numerator * (denominator // f.denominator) for f in fractions), denominator
    )
