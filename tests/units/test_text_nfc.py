"""Text is stored NFC and trimmed (docs/RULES.md §5): a job group typed with combining accents
is the same job group (one quota group), whether it comes from a form, an import or the admin.
Rows stored before the rule were normalised by a data migration, since squashed into
units 0001_squashed_0004: `clean_text` is what it applied."""

import unicodedata

import pytest

from tests.factories import member
from units.formats import clean_text
from units.models import Cadre
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


def test_the_normalisation_makes_text_typed_decomposed_or_padded_the_stored_text():
    """What the data migration applied to the rows stored before the rule."""
    typed = (f" {DECOMPOSED}", DECOMPOSED, unicodedata.normalize("NFD", "Phòng Một "))
    assert tuple(map(clean_text, typed)) == (GROUP, GROUP, "Phòng Một")
