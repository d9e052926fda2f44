"""Issue 14 item 7 on the heads' task import page: a sample file in each format, Vietnamese
headers accepted, errors above the form with their rows, the chosen file's name kept."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from directives.imports import TASK_COLUMNS
from directives.models import Task
from units.tabular import read_table

pytestmark = pytest.mark.django_db

VIETNAMESE = (
    "Mã,Tiêu đề,Người thực hiện,Người giao,Ngày giao,Hạn,Kết quả dự kiến,Trọng số,"
    "Ngày hoàn thành,Đạt yêu cầu,Lỗi nghiêm trọng,Chậm muộn"
)


def sample_url(fmt):
    return reverse("directives:import_sample", args=[fmt])


def test_the_sample_is_offered_in_both_formats_with_vietnamese_headers(login, org):
    client = login(org.head_a)
    page = client.get(reverse("directives:import")).content.decode()
    assert f'href="{sample_url("xlsx")}"' in page and f'href="{sample_url("csv")}"' in page
    csv_file = client.get(sample_url("csv"))
    assert csv_file.content.startswith("\ufeff".encode())
    assert csv_file.content.decode("utf-8-sig").splitlines()[0] == VIETNAMESE
    book = load_workbook(io.BytesIO(client.get(sample_url("xlsx")).content))
    assert ",".join(c.value for c in book.active[1]) == VIETNAMESE
    for data in (csv_file.content, client.get(sample_url("xlsx")).content):
        rows = read_table(data, TASK_COLUMNS)
        assert [row["deadline"] for row in rows] in (
            ["20/03/2026", "25/03/2026"],  # CSV: dd/mm/yyyy text
            ["2026-03-20", "2026-03-25"],  # .xlsx: real dates
        )


def test_only_those_who_may_import_tasks_download_the_sample(login, org):
    assert login(org.staff_a).get(sample_url("csv")).status_code == 403
    assert login(org.leader_w1).get(sample_url("xlsx")).status_code == 403
    assert login(org.admin).get(sample_url("csv")).status_code == 200
    assert login(org.head_a).get(sample_url("ods")).status_code == 404


def test_a_head_imports_a_file_with_vietnamese_headers(login, org):
    data = f"{VIETNAMESE}\nNV1,Báo cáo,SA,HA,01/10/2026,09/10/2026,Báo cáo,1,,không,0,0\n"
    response = login(org.head_a).post(
        reverse("directives:import"),
        {"file": SimpleUploadedFile("nhiem-vu.csv", data.encode())},
    )
    assert response.status_code == 302
    assert Task.objects.get().assignee.code == "SA"


def test_errors_are_listed_above_the_form_by_row_and_the_file_name_is_kept(login, org):
    data = (
        f"{VIETNAMESE}\n"
        "NV1,Báo cáo,SA,HA,01/10/2026,09/10/2026,Báo cáo,1,,không,0,0\n"
        "NV2,Báo cáo,SA,HA,01/10/2026,31/09/2026,Báo cáo,1,,không,0,0\n"
    )
    response = login(org.head_a).post(
        reverse("directives:import"),
        {"file": SimpleUploadedFile("nhiem-vu-thang-10.csv", data.encode())},
    )
    page = response.content.decode()
    assert page.index("data-import-errors") < page.index('enctype="multipart/form-data"')
    assert '<tr data-error-row="3" data-error-column="deadline"><td>3</td><td>Hạn</td>' in page
    assert "Tệp đã chọn: nhiem-vu-thang-10.csv" in page
    assert not Task.objects.exists()
