import datetime as dt

import pytest

from tests.factories import error_cells, xlsx
from units.models import Cadre, Membership, Role, Unit
from units.services import cadres_import, units_import
from units.tabular import ImportFailed

pytestmark = pytest.mark.django_db

UNITS_CSV = """code,name,kind,parent_code
HN,Thành phố Hà Nội,city,
W1-VP,Văn phòng,office,W1
W1,Phường Thử Nghiệm,ward,HN
"""
CADRES_CSV = """code,full_name,unit_code,job_group,role,email
CB1,Trần Quang Huy,W1,leader,head,cb1@example.vn
CB2,Lê Thu Hà,W1-VP,clerk,staff,
CB3,Hoàng Xuân Trường,W1-VP,leader,deputy,cb3@example.vn
"""


def test_units_import_places_children_after_parents_in_any_row_order():
    counts = units_import(data=UNITS_CSV.encode())
    assert counts == {"created": 3, "updated": 0, "unchanged": 0}
    assert Unit.objects.get(code="W1-VP").path == "/HN/W1/W1-VP/"


def test_units_import_is_idempotent_and_updates_names():
    units_import(data=UNITS_CSV.encode())
    counts = units_import(data=UNITS_CSV.replace("Văn phòng", "Văn phòng UBND").encode())
    assert counts == {"created": 0, "updated": 1, "unchanged": 2}
    assert Unit.objects.get(code="W1-VP").name == "Văn phòng UBND"


def test_units_import_reads_xlsx_and_a_utf8_bom():
    units_import(
        data=xlsx([["code", "name", "kind", "parent_code"], ["HN", "Hà Nội", "city", None]])
    )
    units_import(data="\ufeffcode,name,kind,parent_code\nW1,Phường,ward,HN\n".encode())
    assert Unit.objects.get(code="W1").parent.code == "HN"


def test_three_bad_unit_rows_write_nothing_and_are_all_reported():
    data = (
        "code,name,kind,parent_code\n"
        "HN,Hà Nội,city,\n"
        "W1,,ward,HN\n"  # row 3: no name
        "W/2,Phường,ward,HN\n"  # row 4: bad code
        "W3,Phường,ward,NOPE\n"  # row 5: unknown parent
    ).encode()
    with pytest.raises(ImportFailed) as failure:
        units_import(data=data)
    assert error_cells(failure) == [(3, "name"), (4, "code"), (5, "parent_code")]
    assert not Unit.objects.exists()


def test_a_parent_cycle_inside_the_file_is_refused():
    data = b"code,name,kind,parent_code\nA,A,x,B\nB,B,x,A\n"
    with pytest.raises(ImportFailed) as failure:
        units_import(data=data)
    assert {e.row for e in failure.value.errors} == {2, 3}


def test_missing_columns_are_named_in_row_one():
    with pytest.raises(ImportFailed) as failure:
        units_import(data=b"code,name\nHN,x\n")
    assert error_cells(failure) == [(1, "kind"), (1, "parent_code")]


def test_a_non_utf8_file_gets_a_clear_message():
    with pytest.raises(ImportFailed) as failure:
        units_import(data="code,name,kind,parent_code\nHN,Hà Nam,city,\n".encode("latin-1"))
    assert "UTF-8" in str(failure.value)


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFailed) as failure:
        units_import(data=UNITS_CSV.encode() * 5)
    assert "MB" in str(failure.value)


def test_cadres_import_creates_accounts_memberships_and_roles():
    units_import(data=UNITS_CSV.encode())
    counts = cadres_import(data=CADRES_CSV.encode())
    assert counts["created"] == 3
    cb1 = Cadre.objects.get(code="CB1")
    assert cb1.user.username == "CB1"
    assert not cb1.user.has_usable_password()
    assert Membership.objects.get(cadre=cb1).unit.code == "W1"
    assert set(Role.objects.values_list("cadre__code", "role", "unit__code")) == {
        ("CB1", "head", "W1"),
        ("CB3", "deputy", "W1-VP"),
    }


def test_cadres_import_from_xlsx():
    units_import(data=UNITS_CSV.encode())
    rows = [line.split(",") for line in CADRES_CSV.strip().splitlines()]
    cadres_import(data=xlsx(rows))
    assert Cadre.objects.count() == 3


def test_a_moved_cadre_keeps_their_old_unit_for_earlier_months():
    units_import(data=UNITS_CSV.encode())
    cadres_import(data=CADRES_CSV.encode(), on=dt.date(2026, 10, 1))
    moved = CADRES_CSV.replace("CB2,Lê Thu Hà,W1-VP,clerk,staff", "CB2,Lê Thu Hà,W1,clerk,head")
    cadres_import(data=moved.encode(), on=dt.date(2026, 11, 1))
    history = Membership.objects.filter(cadre__code="CB2")
    assert history.valid_on(dt.date(2026, 10, 31)).get().unit.code == "W1-VP"
    assert history.valid_on(dt.date(2026, 11, 1)).get().unit.code == "W1"
    role = Role.objects.get(cadre__code="CB2")
    assert (role.role, role.unit.code, role.valid_from) == ("head", "W1", dt.date(2026, 11, 1))


def test_a_demoted_head_loses_the_role_from_the_import_date():
    units_import(data=UNITS_CSV.encode())
    cadres_import(data=CADRES_CSV.encode(), on=dt.date(2026, 10, 1))
    cadres_import(
        data=CADRES_CSV.replace("leader,head", "leader,staff").encode(), on=dt.date(2026, 11, 1)
    )
    roles = Role.objects.filter(cadre__code="CB1")
    assert roles.valid_on(dt.date(2026, 10, 31)).exists()
    assert not roles.valid_on(dt.date(2026, 11, 1)).exists()


def test_three_bad_cadre_rows_write_nothing():
    units_import(data=UNITS_CSV.encode())
    data = (
        "code,full_name,unit_code,job_group,role,email\n"
        "CB1,Trần Huy,W1,leader,head,\n"
        "CB2,Lê Hà,NOPE,clerk,staff,\n"  # unknown unit
        "CB3,Hoàng Trường,W1,leader,boss,\n"  # bad role
        "CB1,Trần Huy,W1,leader,head,not-an-email\n"  # duplicate code and bad email
    ).encode()
    with pytest.raises(ImportFailed) as failure:
        cadres_import(data=data)
    assert error_cells(failure) == [(3, "unit_code"), (4, "role"), (5, "code"), (5, "email")]
    assert not Cadre.objects.exists()
