"""The month of a unit: its pages, forms, grid, services and urls (docs/RULES.md §2)."""
