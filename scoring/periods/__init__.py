"""A period's own pages (its dates and members)."""
