"""The month in the browser (docs/RULES.md §2–§3): the cadre's self-assessment, peer evaluations and
result with its appeal; the head's score grid, decision, publication and appeals inbox; the
progress page of heads and leaders, and the banner of work due soon.

Every view resolves its objects through the scope first (`units.scope`): 404 for anyone the
period or unit is not theirs to see, 403 on a write for a read-only leader. Writes go through
`scoring.month.services` (its `grid` module for the grid); scores, totals and tiers come
from the engine (`scoring.month.selectors.period_inputs(...).decide()`) before the decision
and from the stored `Result` rows after it, never from here.
"""
