"""The demo ward behind `manage.py seed_demo`: realistic Vietnamese units, people and roles,
seven months of tasks, six months scored and decided, and the current month open.

The decided months are what a leader's dashboards are for: totals spread around 75 with some
A, C and D, uneven reward pools, and in every ward the warning signs of `scoring.flags`: an
equalizing centre (DV), a self-inflating department (VHXH), a lenient peer in the office (VP),
a reciprocal pair in the economic department (KT)."""
