"""Issue 12 item 7: an import never attaches an existing account to an imported cadre.

A cadres file whose code equals an existing username (the superuser `admin`, or any account)
used to link that account to the new cadre — or, when the account was already linked, answer
500. Now such a row is an error with its row number, on the web and on the command line, and
nothing is written (docs/RULES.md, imports).
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests.factories import UserFactory
from tests.security.matrix import snapshot
from units.models import Cadre
from units.services import cadres_import
from units.tabular import ImportFailed

pytestmark = pytest.mark.django_db

HEADER = "code,full_name,unit_code,job_group,role,email\n"


def cadres_file(*codes):
    return (HEADER + "".join(f"{c},Người Mới {c},W1-A,clerk,staff,\n" for c in codes)).encode()


def test_a_cadres_import_never_attaches_an_existing_account(org):
    superuser = UserFactory(username="admin", is_superuser=True, is_staff=True)
    password = superuser.password
    before = snapshot()
    with pytest.raises(ImportFailed) as failure:
        cadres_import(data=cadres_file("NEW1", "admin"))
    assert [(e.row, e.column) for e in failure.value.errors] == [(3, "code")]
    assert "admin" in failure.value.errors[0].message
    assert snapshot() == before
    superuser.refresh_from_db()
    assert (superuser.password, superuser.is_superuser) == (password, True)
    assert not Cadre.objects.filter(user=superuser).exists()


def test_a_code_equal_to_an_account_already_linked_is_a_row_error_not_a_500(login, org):
    """As in the demo, head HA signs in as `truongphong`: a new cadre coded `truongphong` made
    the import attach that linked account again (an IntegrityError, answered 500). `sa` is
    staff SA's username `SA` in other letters."""
    get_user_model().objects.filter(pk=org.head_a.user_id).update(username="truongphong")
    before = snapshot()
    response = login(org.admin).post(
        reverse("units:import"),
        {
            "kind": "cadres",
            "file": SimpleUploadedFile("can-bo.csv", cadres_file("truongphong", "sa", "NEW2")),
        },
    )
    assert response.status_code == 200
    failure = response.context["failure"]
    assert [(e.row, e.column) for e in failure.errors] == [(2, "code"), (3, "code")]
    page = response.content.decode()
    assert 'data-error-row="2" data-error-column="code"' in page
    assert "truongphong" in failure.errors[0].message and "SA" in failure.errors[1].message
    assert snapshot() == before


def test_the_command_line_refuses_an_existing_account_with_its_row(org, tmp_path):
    UserFactory(username="ketoan")  # an account with no cadre
    path = tmp_path / "can-bo.csv"
    path.write_bytes(cadres_file("NEW3", "NEW4", "KETOAN"))
    before = snapshot()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "cadres", str(path), stderr=err)
    assert "can-bo.csv: Dòng 4, cột code:" in err.getvalue()
    assert "ketoan" in err.getvalue()
    assert snapshot() == before


def test_imported_cadres_get_their_own_accounts_without_a_usable_password(org):
    cadres_import(data=cadres_file("NEW5"))
    user = Cadre.objects.select_related("user").get(code="NEW5").user
    assert user.username == "NEW5"
    assert not user.has_usable_password()
    assert not (user.is_staff or user.is_superuser)


def test_a_known_cadre_without_an_account_gets_a_new_one_never_an_existing_one(org):
    Cadre.objects.create(code="OLD1", full_name="Người Cũ", job_group="clerk")
    assert cadres_import(data=cadres_file("OLD1"))["updated"] == 1
    user = Cadre.objects.get(code="OLD1").user
    assert (user.username, user.has_usable_password()) == ("OLD1", False)

    Cadre.objects.create(code="OLD2", full_name="Người Cũ", job_group="clerk")
    UserFactory(username="OLD2")
    with pytest.raises(ImportFailed) as failure:
        cadres_import(data=cadres_file("OLD2"))
    assert [(e.row, e.column) for e in failure.value.errors] == [(2, "code")]
    assert Cadre.objects.get(code="OLD2").user is None
    assert not Cadre.objects.filter(user__username="OLD2").exists()
