"""Reads behind the leader dashboards (issue 6): a scope's decided months at a glance.

Everything here READS results the decide service wrote; no score is recomputed (the rules live
in `scoring.engine`). Each page costs a fixed number of queries whatever the size of the scope:
results, tasks and pools are grouped by (month, unit) in SQL with plain aggregates (no window
functions, the same on SQLite and PostgreSQL), and the per-unit sums are added up in Python
for the scope's summary and the trends' roll-up, which is exact because every statistic is
kept as counts and sums.

Definitions:
- scope: a unit the user may browse (`units.scope`) and its whole subtree; a result belongs
  to it when its unit (the cadre's unit in that month) lies in the subtree.
- decided month: a month with a period in phase decided, appeals (published) or locked whose
  scope covers the unit or lies in its subtree.
- rated: a result with a tier (leave and undecidable cadres are counted apart).
- on-time rate: tasks whose effective deadline falls in the month (cancelled ones aside)
  completed on or before that deadline, over those tasks; a task belongs to the unit it was
  assigned in (`Task.unit`). Only decided months count: a unit's tasks count in a month when
  the unit has results of a decided period that month, so a sub-scope whose month is still
  running adds nothing to the scope's rate.
"""
