"""The dossiers handled for people and businesses and their ratings (docs/RULES.md §7): the
model, the import, the figures per cadre and unit and month, the pages and the demo."""
