"""Nothing stays English in the Vietnamese interface: Django's password rules and the admin's
labels are translated in both languages (issue 15, item 13; the engine's reasons are in
tests/scoring/test_reasons.py)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.functional import Promise

from tests.scoring.test_reasons import _vietnamese

BAD_PASSWORDS = ("123", "12345678", "password", "nguyenvan")


def _errors(password: str) -> list[str]:
    user = User(username="nguyenvan", first_name="Nguyen", last_name="Van")
    try:
        password_validation.validate_password(password, user)
    except ValidationError as refused:
        return list(refused.messages)
    return []


@pytest.mark.parametrize("password", BAD_PASSWORDS)
def test_every_password_rule_refuses_in_vietnamese(password):
    with translation.override("vi"):
        errors = _errors(password)
    assert errors
    for error in errors:
        assert _vietnamese(error), error


def test_the_too_short_password_error_reads_in_vietnamese_and_in_english():
    with translation.override("vi"):
        assert "Mật khẩu quá ngắn. Mật khẩu phải có ít nhất 8 ký tự." in _errors("1a")
    with translation.override("en"):
        assert any(e.startswith("This password is too short.") for e in _errors("1a"))


def test_the_password_rules_are_explained_in_each_language():
    with translation.override("vi"):
        rules = password_validation.password_validators_help_texts()
    assert rules and all(_vietnamese(rule) for rule in rules)
    with translation.override("en"):
        rules = password_validation.password_validators_help_texts()
    assert rules and not any(_vietnamese(rule) for rule in rules)


def _our_admin_models():
    return [
        model
        for model in admin.site._registry
        if model._meta.app_label in ("units", "directives", "scoring")
    ]


@pytest.mark.parametrize("model", _our_admin_models(), ids=lambda m: m.__name__)
def test_every_admin_label_is_translated(model):
    meta = model._meta
    labels = [("model", meta.verbose_name), ("models", meta.verbose_name_plural)]
    labels += [
        (field.name, field.verbose_name)
        for field in meta.get_fields()
        if isinstance(field, models.Field) and not field.auto_created
    ]
    for name, label in labels:
        assert isinstance(label, Promise), f"{meta.label}.{name}: {label!r} is not translated"
        with translation.override("vi"):
            vietnamese = str(label)
        with translation.override("en"):
            english = str(label)
        assert vietnamese != english, f"{meta.label}.{name}: {english!r} has no Vietnamese"
