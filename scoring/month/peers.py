"""Peer assignment of docs/RULES.md §2, pure and reproducible from the period.

The unit's members sit on a circle in an order fixed by a hash of the unit and its members;
rater i evaluates the members at k distinct offsets from i. Every offset set gives each member
exactly k raters, and each month takes another offset set, so consecutive months always differ.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence

PEERS_PER_CADRE = 4
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def assign_peers(
    period: str, unit_code: str, members: Sequence[str], k: int = PEERS_PER_CADRE
) -> dict[str, tuple[str, ...]]:
    """The ratees of each rater (member code) of one unit in one period (YYYY-MM)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    month = _month_index(period)
    codes = sorted(set(members))
    n = len(codes)
    if n <= k + 1:
        return {rater: tuple(c for c in codes if c != rater) for rater in codes}

    circle = sorted(codes, key=lambda code: _digest(unit_code, code))
    offsets = _offsets(n, k, month, _digest(unit_code, *codes))
    return {
        rater: tuple(sorted(circle[(i + offset) % n] for offset in offsets))
        for i, rater in enumerate(circle)
    }


def _month_index(period: str) -> int:
    match = _PERIOD.match(period)
    if match is None:
        raise ValueError(f"period must be YYYY-MM, got {period!r}")
    return int(match[1]) * 12 + int(match[2]) - 1


def _digest(*parts: str) -> int:
    # hashlib, not hash(): Python salts str hashes per process, which would break reproducibility.
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:8], "big")


def _offsets(n: int, k: int, month: int, seed: int) -> tuple[int, ...]:
    """A k-subset of 1..n-1 that changes every month (n > k + 1 so there are at least 2)."""
    count = math.comb(n - 1, k)
    # A step coprime with the count visits every subset before repeating; near the golden ratio
    # of the count it jumps far, so next month shares few offsets with this one.
    step = max(1, count * 618_034 // 1_000_000)
    while math.gcd(step, count) != 1:
        step += 1
    return _unrank((seed + month * step) % count, n - 1, k)


def _unrank(index: int, size: int, k: int) -> tuple[int, ...]:
    """The index-th k-subset of 1..size in lexicographic order."""
    chosen = []
    candidate = 1
    for remaining in range(k, 0, -1):
        while True:
            with_candidate = math.comb(size - candidate, remaining - 1)
            if index < with_candidate:
                chosen.append(candidate)
                candidate += 1
                break
            index -= with_candidate
            candidate += 1
    return tuple(chosen)
