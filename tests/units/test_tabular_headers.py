"""Issue 14 item 7: imports read Vietnamese headers and values as well as the English ones.

A header is matched after NFC normalisation, trimming and case folding, with or without its
diacritics; every cell's text is NFC and trimmed; dates are dd/mm/yyyy or ISO; a role may be
written nhân viên / cấp phó / cấp trưởng (docs/RULES.md, imports).
"""

import datetime as dt
import unicodedata
from collections import defaultdict

import pytest

from directives.imports import TASK_COLUMNS, tasks_import
from directives.models import Task
from tests.factories import xlsx
from units.models import Cadre, Role, Unit
from units.services import CADRE_COLUMNS, UNIT_COLUMNS, cadres_import, units_import
from units.tabular import HEADERS, ImportFailed, loose_key, read_table

pytestmark = pytest.mark.django_db


def nfd(text):
    return unicodedata.normalize("NFD", text)


def test_no_header_names_two_columns():
    columns_of = defaultdict(set)
    for column, names in HEADERS.items():
        for name in (column, *names):
            columns_of[loose_key(name)].add(column)
    assert {key: cs for key, cs in columns_of.items() if len(cs) > 1} == {}


@pytest.mark.parametrize(
    "header",
    [
        "Mã,Tên,Loại,Mã đơn vị cha",
        "  MÃ , TÊN,loại, mã ĐƠN vị cha ",
        "ma,ten,loai,ma don vi cha",
        nfd("Mã,Tên đơn vị,Loại đơn vị,Đơn vị cha"),
        "code,name,kind,parent_code",
        "Code,Name,Kind,Parent code",
    ],
)
def test_a_units_header_in_vietnamese_or_english_in_any_case_or_form(header):
    data = f"{header}\nHN,Hà Nội,city,\nW1,Phường Một,ward,HN\n".encode()
    assert units_import(data=data)["created"] == 2
    assert Unit.objects.get(code="W1").parent.code == "HN"


def test_the_same_column_named_twice_in_two_languages_is_refused():
    with pytest.raises(ImportFailed) as failure:
        read_table("Mã,code,Tên,Loại,Mã đơn vị cha\n".encode(), UNIT_COLUMNS)
    assert [(e.row, e.column) for e in failure.value.errors] == [(1, "code")]
    assert "Mã (code)" in failure.value.errors[0].message


def test_a_missing_column_is_named_in_both_languages():
    with pytest.raises(ImportFailed) as failure:
        read_table("Mã,Tên,Loại\n".encode(), UNIT_COLUMNS)
    assert [e.message for e in failure.value.errors] == [
        "Dòng tiêu đề thiếu cột “Mã đơn vị cha (parent_code)”."
    ]


def test_cadres_in_vietnamese_with_vietnamese_roles(org):
    data = (
        "Mã,Họ và tên,Đơn vị,Nhóm chức danh,Vai trò,Email\n"
        "CB1,Trần Văn Một,W1-B,Lãnh đạo,Cấp phó,\n"
        "CB2,Lê Thị Hai,W1-B,Chuyên viên,nhan vien,hai@example.vn\n"
        "CB3,Phạm Văn Ba,W2,Lãnh đạo,TRƯỞNG,\n"
    ).encode()
    assert cadres_import(data=data)["created"] == 3
    roles = dict(
        Role.objects.filter(cadre__code__in=["CB1", "CB3"]).values_list("cadre__code", "role")
    )
    assert roles == {"CB1": "deputy", "CB3": "head"}
    assert not Role.objects.filter(cadre__code="CB2").exists()


def test_a_bad_role_lists_the_english_and_vietnamese_names(org):
    data = "Mã,Họ và tên,Mã đơn vị,Nhóm vị trí việc làm,Vai trò,Email\nCB1,A,W1-B,x,sếp,\n"
    with pytest.raises(ImportFailed) as failure:
        cadres_import(data=data.encode())
    (error,) = failure.value.errors
    assert (error.row, error.column, error.label) == (2, "role", "Vai trò")
    assert "deputy (cấp phó, phó)" in error.message
    assert str(error) == f"Dòng 2, cột Vai trò: {error.message}"


def test_an_error_names_the_column_as_the_file_does(org):
    header = ",".join(CADRE_COLUMNS)
    with pytest.raises(ImportFailed) as failure:
        cadres_import(data=f"{header}\nCB1,A,NOPE,x,staff,\n".encode())
    assert [e.label for e in failure.value.errors] == ["unit_code"]


def test_text_is_stored_nfc_and_trimmed_from_csv_and_xlsx(org):
    name = "Nguyễn Thị Ánh"
    data = (
        f"Mã,Họ và tên,Mã đơn vị,Nhóm chức danh,Vai trò,Email\n CB1 ,  {nfd(name)} ,W1-B,x,staff,\n"
    )
    cadres_import(data=data.encode())
    cadres_import(data=xlsx([CADRE_COLUMNS, ["CB2", f"\t{nfd(name)} ", "W1-B", "x", "staff"]]))
    stored = list(Cadre.objects.filter(code__in=["CB1", "CB2"]).values_list("full_name", flat=True))
    assert stored == [name, name]
    assert all(unicodedata.is_normalized("NFC", s) for s in stored)


def test_tasks_with_vietnamese_headers_dates_and_booleans(org):
    header = (
        "Mã,Tiêu đề,Người thực hiện,Người giao,Ngày giao,Hạn,Kết quả dự kiến,Trọng số,"
        "Ngày hoàn thành,Đạt yêu cầu,Lỗi nghiêm trọng,Chậm muộn"
    )
    data = (
        f"{header}\n"
        'NV1,Báo cáo,SA,HA,01/10/2026,09/10/2026,Báo cáo tháng,"0,5",08/10/2026,Đạt,0,1\n'
        "NV2,Rà soát,SA,HA,2026-10-01,2026-10-20,Danh sách,1,,không,0,0\n"
    ).encode()
    assert tasks_import(data=data)["created"] == 2
    task = Task.objects.get(code="NV1")
    assert (task.assigned_on, task.deadline, task.completed_on) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 9),
        dt.date(2026, 10, 8),
    )
    assert (str(task.weight), task.accepted, task.imported_delays) == ("0.50", True, 1)
    assert Task.objects.get(code="NV2").accepted is False
    assert len(TASK_COLUMNS) == len(header.split(","))


@pytest.mark.parametrize("value", ["31/02/2026", "1/13/2026", "2026-02-30", "02.10.2026"])
def test_an_impossible_date_is_a_row_error_in_both_forms(org, value):
    header = ",".join(TASK_COLUMNS)
    data = f"{header}\nNV1,X,SA,HA,{value},2026-10-20,Y,1,,,0,0\n".encode()
    with pytest.raises(ImportFailed) as failure:
        tasks_import(data=data)
    assert [(e.row, e.column) for e in failure.value.errors] == [(2, "assigned_on")]
    assert "dd/mm/yyyy" in failure.value.errors[0].message
