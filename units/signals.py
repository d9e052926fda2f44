"""Signals the units send for the layers above them (units <- directives <- scoring)."""

from django.dispatch import Signal

# Sent with `unit=` (saved, with its new path) and `old_path=` when a unit's path changed: placed
# under another parent, or its code changed (its descendants' paths already follow). What was
# added up per subtree must be added up again (scoring's dashboards count it under its new
# parent).
unit_moved = Signal()
