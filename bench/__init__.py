"""Benchmarks (`make bench`): each script runs as `python bench/<name>.py` from the repository."""

import os


def django_setup(settings: str = "config.settings") -> None:
    """Make this script's process a Django one with `settings` (unless DJANGO_SETTINGS_MODULE
    names others); the script has put the repository on sys.path first."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()
