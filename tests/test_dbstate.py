"""The one-query snapshot the refused-write checks compare sees every kind of change."""

import pytest
from django.apps import apps

from tests.dbstate import rows_of
from units.models import Cadre, Unit

pytestmark = pytest.mark.django_db


def every_model():
    return [
        m
        for label in ("units", "directives", "scoring")
        for m in apps.get_app_config(label).get_models()
    ]


def test_it_names_every_model_and_changes_with_an_insert_an_update_and_a_delete(org):
    before = rows_of(every_model())
    assert set(before) == {m._meta.label for m in every_model()}
    assert before == rows_of(every_model())  # the same rows read the same

    Unit.objects.create(code="NEW", name="Phòng Mới", parent=org.w1)
    after_insert = rows_of(every_model())
    assert after_insert["units.Unit"] != before["units.Unit"]
    assert after_insert["units.Cadre"] == before["units.Cadre"]

    Cadre.objects.filter(pk=org.staff_a.pk).update(full_name="Nguyễn Văn Đổi")
    after_update = rows_of(every_model())
    assert after_update["units.Cadre"] != after_insert["units.Cadre"]
    assert "Nguyễn Văn Đổi" in after_update["units.Cadre"]

    Unit.objects.filter(code="NEW").delete()
    assert rows_of(every_model())["units.Unit"] == before["units.Unit"]


def test_emptying_a_name_is_a_change(org):
    unit = Unit.objects.get(code="W1-A")
    before = rows_of([Unit])
    Unit.objects.filter(pk=unit.pk).update(name="")
    assert rows_of([Unit]) != before
