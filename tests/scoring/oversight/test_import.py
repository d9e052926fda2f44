"""The inspections import (docs/RULES.md §8): inspections with their findings from a file with
Vietnamese headers, all or nothing, under the rules of the inspection's page."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scoring.oversight.imports import SAMPLE_COLUMNS, SAMPLE_ROWS, inspections_import
from scoring.oversight.models import Finding, Inspection, OversightEntry
from tests.factories import member, xlsx
from units.models import Cadre
from units.samples import CADRE_EXAMPLES, UNIT_EXAMPLES, sample_file
from units.services import cadres_import, units_import
from units.tabular import ImportFailed

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
IMPORT = reverse("oversight:inspections_import")
HEADER = (
    "Số cuộc kiểm tra,Ngày kiểm tra,Mã đơn vị,Phạm vi kiểm tra,Hình thức kiểm tra,Tóm tắt,"
    "Mã cán bộ vi phạm,Nội dung phát hiện,Hướng xử lý đề xuất,Điểm trừ"
)
GOOD_ROWS = [
    "01/KT,05/10/2026,W1-A,Quy tắc ứng xử,Đột xuất,Kiểm tra giờ giấc,SA,Đi muộn 30 phút,"
    'Điểm trừ,"1,5"',
    "01/KT,05/10/2026,W1-A,Quy tắc ứng xử,Đột xuất,,SA2,Không đeo thẻ,Kỷ luật,",
    "01/KT,05/10/2026,W1-A,Quy tắc ứng xử,Đột xuất,,,Chưa niêm yết lịch tiếp dân,Nhắc nhở,",
    "02/KT,2026-10-20,W1-A,Thủ tục hành chính,Theo kế hoạch,Hồ sơ một cửa,,,,",
]


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def table(*rows, header=HEADER) -> bytes:
    return "\n".join([header, *rows]).encode()


def nothing_written():
    return not (
        Inspection.objects.exists() or Finding.objects.exists() or OversightEntry.objects.exists()
    )


# --- a good file ------------------------------------------------------------------------------


def test_a_good_file_records_the_inspections_and_their_findings(org):
    counts = inspections_import(data=table(*GOOD_ROWS), user=org.head_a.user, file_name="kt.csv")
    assert counts == {"inspections": 2, "findings": 3}
    first, second = Inspection.objects.order_by("on")
    assert (first.reference, first.unit, first.on, first.scope, first.surprise) == (
        "01/KT",
        org.a,
        dt.date(2026, 10, 5),
        "conduct",
        True,
    )
    assert first.summary == "Kiểm tra giờ giấc" and first.recorded_by == org.head_a
    assert (second.reference, second.scope, second.surprise) == ("02/KT", "procedures", False)
    assert not second.findings.exists()
    findings = list(first.findings.order_by("pk"))
    assert [(f.cadre, f.handling, f.points) for f in findings] == [
        (org.staff_a, "penalty", Decimal("1.5")),
        (org.staff_a2, "discipline", Decimal(0)),
        (None, "remind", Decimal(0)),
    ]
    assert not any(f.evidence for f in findings)
    actions = list(OversightEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions.count("inspection.record") == 2 and actions.count("finding.add") == 3
    entry = OversightEntry.objects.get(action="inspection.import")
    assert entry.user == org.head_a.user and entry.unit == org.a
    assert entry.new == {
        "file": "kt.csv",
        "rows": 4,
        "units": ["W1-A"],
        "inspections": 2,
        "findings": 3,
    }


def test_a_workbook_with_english_headers_and_date_cells(org):
    header = "inspection_ref inspected_on unit_code scope surprise finding against_code handling"
    row = ["7", dt.date(2026, 9, 1), "W1-B", "discipline", "surprise", "Vắng", "SB", "penalty", 2]
    data = xlsx([[*header.split(), "penalty_points"], row])
    assert inspections_import(data=data, user=org.leader_w1.user) == {
        "inspections": 1,
        "findings": 1,
    }
    finding = Finding.objects.get()
    assert finding.inspection.on == dt.date(2026, 9, 1) and finding.points == Decimal(2)


def test_the_same_number_in_another_year_or_unit_is_another_inspection(org):
    rows = [
        "01/KT,05/10/2026,W1-A,Kỷ luật,Đột xuất,,,,,",
        "01/KT,05/10/2025,W1-A,Kỷ luật,Đột xuất,,,,,",
        "01/KT,05/10/2026,W1-B,Kỷ luật,Đột xuất,,,,,",
    ]
    inspections_import(data=table(*rows), user=org.leader_w1.user)
    assert Inspection.objects.count() == 3


# --- bad rows: each named, nothing written -----------------------------------------------------

GOOD = GOOD_ROWS[0]


@pytest.mark.parametrize(
    ("bad", "header", "words"),
    [
        ("03/KT,05/12/2026,W1-A,Kỷ luật,Đột xuất,,SA,Vắng,Nhắc nhở,", "Ngày kiểm tra", "hôm nay"),
        ("03/KT,05/10/26,W1-A,Kỷ luật,Đột xuất,,SA,Vắng,Nhắc nhở,", "Ngày kiểm tra", "dd/mm/yyyy"),
        ("03/KT,05/10/2026,NOWHERE,Kỷ luật,Đột xuất,,,Vắng,Nhắc nhở,", "Mã đơn vị", "NOWHERE"),
        ("03/KT,05/10/2026,W1-B,Kỷ luật,Đột xuất,,,Vắng,Nhắc nhở,", "Mã đơn vị", "W1-B"),
        ("03/KT,05/10/2026,W1-A,Thi đua,Đột xuất,,,Vắng,Nhắc nhở,", "Phạm vi kiểm tra", "Thi đua"),
        ("03/KT,05/10/2026,W1-A,Kỷ luật,Bất chợt,,,Vắng,Nhắc nhở,", "Hình thức kiểm tra", "Bất"),
        ("03/KT,05/10/2026,W1-A,Kỷ luật,Đột xuất,,SA,Vắng,Điểm trừ,", "Điểm trừ", "lớn hơn 0"),
        ("03/KT,05/10/2026,W1-A,Kỷ luật,Đột xuất,,SA,Vắng,Điểm trừ,101", "Điểm trừ", "100"),
        ("03/KT,05/10/2026,W1-A,Kỷ luật,Đột xuất,,SA,Vắng,Nhắc nhở,2", "Điểm trừ", "để trống"),
        ("03/KT,05/10/2026,W1-A,Kỷ luật,Đột xuất,,,Vắng,Kỷ luật,", "Hướng xử lý", "một cán bộ"),
        ("03/KT,05/10/2026,W1-A,Kỷ luật,Đột xuất,,SB,Vắng,Nhắc nhở,", "Mã cán bộ vi phạm", "SB"),
        ("03/KT,05/10/2026,W1-A,Kỷ luật,Đột xuất,,NOBODY,Vắng,Nhắc nhở,", "Mã cán bộ", "NOBODY"),
        ("03/KT,05/10/2026,W1-A,Kỷ luật,Đột xuất,,SA,,Nhắc nhở,", "Nội dung phát hiện", "Bắt buộc"),
        ("03/KT,05/10/2026,W1-A,Kỷ luật,Đột xuất,,SA,Vắng,Khiển trách,", "Hướng xử lý", "Khiển"),
        (",05/10/2026,W1-A,Kỷ luật,Đột xuất,,SA,Vắng,Nhắc nhở,", "Số cuộc kiểm tra", "Bắt buộc"),
        # the second row of 01/KT on another date
        (
            "01/KT,06/10/2026,W1-A,Quy tắc ứng xử,Đột xuất,,SA,Vắng,Nhắc nhở,",
            "Ngày kiểm tra",
            "dòng 2",
        ),
        ("01/KT,05/10/2026,W1-A,Kỷ luật,Đột xuất,,SA,Vắng,Nhắc nhở,", "Phạm vi", "dòng 2"),
        (
            "01/KT,05/10/2026,W1-A,Quy tắc ứng xử,Đột xuất,Khác,SA,Vắng,Nhắc nhở,",
            "Tóm tắt",
            "dòng 2",
        ),
    ],
)
def test_each_bad_row_is_named_and_nothing_is_written(org, bad, header, words):
    with pytest.raises(ImportFailed) as refused:
        inspections_import(data=table(GOOD, bad), user=org.head_a.user)
    [error] = refused.value.errors
    assert error.row == 3 and error.label.startswith(header), str(error)
    assert words in str(error)
    assert nothing_written()


def test_a_number_already_recorded_for_the_unit_that_year_is_refused(org):
    inspections_import(data=table(GOOD), user=org.head_a.user)
    before = OversightEntry.objects.count()
    with pytest.raises(ImportFailed) as refused:
        inspections_import(
            data=table("02/KT,01/10/2026,W1-A,Kỷ luật,Đột xuất,,,,,", GOOD), user=org.head_a.user
        )
    [error] = refused.value.errors
    assert (error.row, error.label) == (3, "Số cuộc kiểm tra") and "01/KT" in str(error)
    assert Inspection.objects.count() == 1 and OversightEntry.objects.count() == before


def test_every_bad_row_is_listed_at_once(org):
    rows = [
        GOOD,
        "03/KT,05/12/2026,W1-A,Kỷ luật,Đột xuất,,,,,",
        "04/KT,05/10/2026,W1-A,Kỷ luật,Đột xuất,,HA,Vắng,Nhắc nhở,",
        "05/KT,05/10/2026,W1-A,Kỷ luật,Đột xuất,,SA,Vắng,Điểm trừ,x",
    ]
    with pytest.raises(ImportFailed) as refused:
        inspections_import(data=table(*rows), user=org.head_a.user)
    assert [(e.row, e.column) for e in refused.value.errors] == [
        (3, "inspected_on"),
        (4, "against_code"),
        (5, "penalty_points"),
    ]
    assert nothing_written()


def test_a_missing_column_is_named(org):
    header = (
        "Số cuộc kiểm tra,Ngày kiểm tra,Mã đơn vị,Phạm vi kiểm tra,Nội dung phát hiện,"
        "Hướng xử lý đề xuất"
    )
    with pytest.raises(ImportFailed) as refused:
        inspections_import(data=table(header=header), user=org.head_a.user)
    assert "Hình thức kiểm tra" in str(refused.value)


# --- a finding never names the importer, a peer or someone above ---------------------------


def _finding_against(code, unit="W1-A"):
    return f"09/KT,05/10/2026,{unit},Quy tắc ứng xử,Đột xuất,,{code},Vắng,Điểm trừ,1"


def test_a_finding_never_names_the_importer_a_peer_or_someone_above(org):
    member(org.a, role="head", code="HA2", job_group="leader")
    inspector = member(org.w1, role="inspector", code="IW1", job_group="leader")
    for user, row in [
        (org.head_a.user, _finding_against("HA")),  # oneself
        (org.head_a.user, _finding_against("HA2")),  # a peer head of the same unit
        (inspector.user, _finding_against("LW1", unit="W1")),  # the ward's leader, above
    ]:
        with pytest.raises(ImportFailed) as refused:
            inspections_import(data=table(row), user=user)
        [error] = refused.value.errors
        assert (error.row, error.column) == (2, "against_code")
        assert "chính mình, người cùng cấp hoặc cấp trên" in str(error)
    assert nothing_written()
    # the inspector of the ward reaches the head of a department below
    inspections_import(data=table(_finding_against("HA")), user=inspector.user)
    assert Finding.objects.get().cadre == org.head_a


# --- the page ---------------------------------------------------------------------------------


def _upload(*rows, name="kiem-tra.csv"):
    return {"file": SimpleUploadedFile(name, table(*rows))}


def test_who_opens_the_import_page(org, client, login):
    reader = member(org.w1, role="admin", code="AW1", job_group="leader")  # reads, never acts
    inspector = member(org.w1, role="inspector", code="IW1", job_group="leader")
    assert client.get(IMPORT).status_code == 302  # anonymous: the login page
    assert "login" in client.get(IMPORT).url
    for who in (org.staff_a, reader, org.admin):
        assert login(who).get(IMPORT).status_code == 403
        assert login(who).post(IMPORT, _upload(GOOD)).status_code == 403
    assert nothing_written()
    for who in (org.head_a, org.head_b, org.leader_w1, org.leader_w2, inspector):
        page = login(who).get(IMPORT)
        assert page.status_code == 200
        assert "Tệp minh chứng không được nhập" in page.content.decode()


def test_the_page_imports_and_refuses_an_outsiders_rows(org, client, login):
    outsider = login(org.leader_w2)  # a leader of the other ward
    page = outsider.post(IMPORT, _upload(GOOD))
    assert page.status_code == 200
    text = page.content.decode()
    assert "W1-A" in text and "Mã đơn vị" in text and "kiem-tra.csv" in text
    assert nothing_written()
    head = login(org.head_a)
    response = head.post(IMPORT, _upload(*GOOD_ROWS))
    assert response.status_code == 302 and response.url == IMPORT
    assert Inspection.objects.count() == 2 and Finding.objects.count() == 3
    assert "2 cuộc kiểm tra, 3 phát hiện" in head.get(IMPORT).content.decode()
    year = head.get(reverse("oversight:inspections", args=["W1-A", 2026])).content.decode()
    assert "(01/KT)" in year and "(02/KT)" in year
    first = Inspection.objects.get(reference="01/KT")
    page = head.get(reverse("oversight:inspection", args=[first.pk])).content.decode()
    assert "Số hiệu 01/KT" in page and "Đi muộn 30 phút" in page


def test_the_inspections_page_links_to_the_import(org, client, login):
    page = login(org.head_a).get(reverse("oversight:inspections", args=["W1-A", 2026]))
    assert IMPORT in page.content.decode()
    page = login(org.staff_a).get(reverse("oversight:inspections", args=["W1-A", 2026]))
    assert page.status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_sample_imports_as_it_is(org, client, login, fmt):
    response = login(org.head_a).get(reverse("oversight:inspections_import_sample", args=[fmt]))
    assert response.status_code == 200
    assert response.content == sample_file(SAMPLE_COLUMNS, SAMPLE_ROWS, fmt)
    assert (
        login(org.staff_a)
        .get(reverse("oversight:inspections_import_sample", args=[fmt]))
        .status_code
        == 403
    )
    units_import(data=sample_file(["code", "name", "kind", "parent_code"], UNIT_EXAMPLES, fmt))
    columns = ["code", "full_name", "unit_code", "job_group", "role", "email"]
    cadres_import(data=sample_file(columns, CADRE_EXAMPLES, fmt))
    head = Cadre.objects.get(code="CB900001")
    counts = inspections_import(data=response.content, user=head.user, file_name=f"mau.{fmt}")
    assert counts == {"inspections": 2, "findings": 2}
    assert Finding.objects.get(handling="penalty").cadre.code == "CB900002"
