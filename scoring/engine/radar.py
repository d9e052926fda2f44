"""The radar's rules (docs/RULES.md §8): which run of months puts a cadre or a leader on it.

Pure functions over months written "YYYY-MM" in order, each with a flag or a figure; each
answers with the months that put the person there (empty: not on the radar).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal


def month_shift(month: str, n: int) -> str:
    """The month `n` calendar months after `month` (before it for a negative `n`)."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def next_month(month: str) -> str:
    return month_shift(month, 1)


def last_months(month: str, count: int) -> tuple[str, ...]:
    """The `count` calendar months ending with `month`, oldest first."""
    return tuple(month_shift(month, -n) for n in range(count - 1, -1, -1))


def _consecutive_run(months: Sequence[str], flagged: set[str], length: int) -> tuple[str, ...]:
    """The latest run of at least `length` calendar months in a row, all flagged."""
    best: tuple[str, ...] = ()
    run: list[str] = []
    for month in months:
        if month in flagged:
            run.append(month)
            if len(run) >= length:
                best = tuple(run)
        else:
            run = []
    return best


def low_months(
    window: Sequence[str], low: Mapping[str, bool], *, consecutive: int, of_window: int
) -> tuple[str, ...]:
    """A cadre rated the lowest tier in `consecutive` months in a row, or in `of_window` of the
    months of `window` (the last 12): the months that count, oldest first; () otherwise.
    A month without a decided result breaks a run and does not count."""
    flagged = {m for m in window if low.get(m)}
    if consecutive > 0:
        run = _consecutive_run(window, flagged, consecutive)
        if run:
            return tuple(m for m in window if m in flagged) if len(flagged) >= of_window else run
    if of_window > 0 and len(flagged) >= of_window:
        return tuple(m for m in window if m in flagged)
    return ()


def not_completed_years(tiers: Mapping[int, str | None], *, lowest: str = "D") -> tuple[int, ...]:
    """Two years in a row rated `lowest` ("not completed"): the latest such pair; ()."""
    found: tuple[int, ...] = ()
    for year in sorted(tiers):
        if tiers[year] == lowest and tiers.get(year - 1) == lowest:
            found = (year - 1, year)
    return found


def falling_months(
    window: Sequence[str], values: Mapping[str, Decimal | None], *, months: int = 3
) -> tuple[str, ...]:
    """A figure lower than the month before in `months` months in a row (calendar months, each
    with a figure): the month it fell from and those it fell in, oldest first; ()."""
    best: tuple[str, ...] = ()
    run: list[str] = []
    previous: str | None = None
    for month in window:
        value = values.get(month)
        if value is None:
            run, previous = [], None
            continue
        before = values.get(previous) if previous is not None else None
        if before is not None and value < before:
            run = [*run, month] if run else [previous, month]  # type: ignore[list-item]
            if len(run) - 1 >= months:
                best = tuple(run)
        else:
            run = []
        previous = month
    return best


def below_target_months(
    window: Sequence[str],
    rates: Mapping[str, Decimal | None],
    *,
    target: Decimal,
    months: int,
) -> tuple[str, ...]:
    """A rate below `target` in `months` calendar months in a row (a month without a rate breaks
    the run): the latest such run, oldest first; ()."""
    flagged = {m for m in window if rates.get(m) is not None and rates[m] < target}  # type: ignore[operator]
    return _consecutive_run(window, flagged, months) if months > 0 else ()
