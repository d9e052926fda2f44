"""Strings of Django itself that its Vietnamese catalogue lacks, listed so that `make messages`
carries them into ours (locale/vi) and the interface never falls back to English.

Django 5.2 words the too-short password error with "%d" where its Vietnamese catalogue still has
the older "%(min_length)d" message; tests/units/test_password_rules.py checks every password
rule in both languages, so a future gap shows there.
"""

from django.utils.translation import ngettext_lazy

PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)
