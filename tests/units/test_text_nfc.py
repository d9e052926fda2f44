"""Text is stored NFC and trimmed (docs/RULES.md §5): a job group typed with combining accents
is the same job group (one quota group), whether it comes from a form, an import, the admin or
rows stored before the rule (the data migration)."""

import importlib
import unicodedata

import pytest
from django.apps import apps

from tests.factories import member
from units.models import Cadre, Unit
from units.services import cadres_import

pytestmark = pytest.mark.django_db

GROUP = "Chuyên viên"
DECOMPOSED = unicodedata.normalize("NFD", GROUP)


def test_the_two_forms_differ_before_normalising():
    assert DECOMPOSED != GROUP and unicodedata.normalize("NFC", DECOMPOSED) == GROUP


def test_a_cadre_saved_with_a_decomposed_job_group_joins_the_precomposed_group(org):
    typed = member(org.a, code="NFD1", full_name=f" {DECOMPOSED} ", job_group=f"{DECOMPOSED} ")
    member(org.a, code="NFC1", job_group=GROUP)
    typed.refresh_from_db()
    assert (typed.full_name, typed.job_group) == (GROUP, GROUP)
    both = Cadre.objects.filter(code__in=["NFD1", "NFC1"])
    assert set(both.values_list("job_group", flat=True)) == {GROUP}


def test_a_unit_saved_with_a_decomposed_name_is_stored_nfc(org):
    org.a.name = unicodedata.normalize("NFD", " Phòng Tư pháp ")
    org.a.save()
    org.a.refresh_from_db()
    assert org.a.name == "Phòng Tư pháp"


def test_a_cadres_import_stores_nfc(org):
    header = "code,full_name,unit_code,job_group,role,email"
    data = f"{header}\nNFD2,{DECOMPOSED},W1-A,{DECOMPOSED},staff,\n"
    cadres_import(data=data.encode())
    assert Cadre.objects.filter(code="NFD2", full_name=GROUP, job_group=GROUP).exists()


def test_the_data_migration_normalises_rows_stored_before(org):
    cadre = member(org.a, code="OLD1", job_group=GROUP)
    Cadre.objects.filter(pk=cadre.pk).update(job_group=f" {DECOMPOSED}", full_name=DECOMPOSED)
    Unit.objects.filter(pk=org.a.pk).update(name=unicodedata.normalize("NFD", "Phòng Một "))
    migration = importlib.import_module("units.migrations.0003_nfc_text")
    migration.normalise(apps, None)
    cadre.refresh_from_db()
    org.a.refresh_from_db()
    assert (cadre.job_group, cadre.full_name, org.a.name) == (GROUP, GROUP, "Phòng Một")
