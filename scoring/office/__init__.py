"""Office-grade output (docs/RULES.md §6): the signed documents as PDF, the unit's public
results, a cadre's own year and the year's spreadsheets."""
