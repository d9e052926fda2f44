"""A regulation's defaults have one source (directives/regulation_defaults.py, docs/RULES.md §1)."""

import dataclasses

import pytest

from directives.models import Regulation
from directives.regulation_defaults import CODE, DEFAULTS
from scoring import engine
from scoring.month.selectors.inputs import engine_regulation


def test_the_defaults_name_every_engine_parameter_but_the_code():
    names = {f.name for f in dataclasses.fields(engine.Regulation)}
    assert names == set(DEFAULTS) | {"code"}


def test_the_engine_defaults_are_the_modules():
    regulation = engine.Regulation()
    assert regulation.code == CODE
    for name, value in DEFAULTS.items():
        assert getattr(regulation, name) == value, name
    assert isinstance(regulation.quota_base, engine.QuotaBase)


def test_the_model_defaults_are_the_modules():
    for name, value in DEFAULTS.items():
        assert Regulation._meta.get_field(name).get_default() == value, name


def test_a_new_stored_regulation_scores_like_the_engine_defaults():
    stored = Regulation(code=CODE, name="x")
    assert engine_regulation(stored) == engine.ND335


@pytest.mark.django_db
def test_the_seeded_regulations_are_the_engines_nd335_and_hn3814():
    seeded = {
        r.code: engine_regulation(r)
        for r in Regulation.objects.filter(code__in=["ND335", "HN3814"])
    }
    assert seeded == {"ND335": engine.ND335, "HN3814": engine.HN3814}
