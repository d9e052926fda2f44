"""Hypothesis profiles: `ci` (the default) and `thorough`, chosen by HYPOTHESIS_PROFILE.

`ci` is what `make test` and CI run: no deadline (a slow machine never fails a property),
derandomized so a run is the same on every machine and day, and no example database on disk.
`thorough` (`make test-thorough`) runs ten times the examples with fresh random draws, kept in
the example database so a failure found once is tried first next time.
"""

import os

from hypothesis import settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
FACTOR = {"ci": 1, "thorough": 10}

settings.register_profile("ci", deadline=None, derandomize=True, database=None, print_blob=True)
settings.register_profile("thorough", deadline=None, max_examples=1000, print_blob=True)
settings.load_profile(PROFILE)


def examples(n: int) -> int:
    """`n` examples under `ci`, ten times as many under `thorough`."""
    return n * FACTOR.get(PROFILE, 1)
