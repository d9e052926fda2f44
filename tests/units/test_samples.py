"""Issue 14 item 7 on the units and cadres import page: sample files to start from (Vietnamese
headers, example rows, .xlsx or CSV UTF-8 with a BOM) that import as they are; errors listed
above the form with their rows; the chosen file's name kept beside the file input."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from directives.models import Task
from tests.factories import UnitFactory
from units.models import Cadre, Unit
from units.services import CADRE_COLUMNS, UNIT_COLUMNS
from units.tabular import read_table

pytestmark = pytest.mark.django_db


def sample_url(kind, fmt):
    return reverse("units:import_sample", args=[kind, fmt])


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return response


@pytest.mark.parametrize(
    ("kind", "columns", "header"),
    [
        ("units", UNIT_COLUMNS, ["Mã", "Tên", "Loại", "Mã đơn vị cha"]),
        (
            "cadres",
            CADRE_COLUMNS,
            ["Mã", "Họ và tên", "Mã đơn vị", "Nhóm chức danh", "Vai trò", "Email"],
        ),
    ],
)
def test_the_samples_have_vietnamese_headers_and_read_as_their_import(
    login, org, kind, columns, header
):
    client = login(org.admin)
    csv_response = download(client, sample_url(kind, "csv"))
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_response.content.startswith("\ufeff".encode())
    assert csv_response.content.decode("utf-8-sig").splitlines()[0] == ",".join(header)
    xlsx_response = download(client, sample_url(kind, "xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert [c.value for c in sheet[1]] == header
    for response in (csv_response, xlsx_response):
        rows = read_table(response.content, columns)
        assert len(rows) >= 2 and all(row["code"] for row in rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_three_samples_import_one_after_the_other(login, org, tmp_path, fmt):
    UnitFactory(code="HN-ROOT")  # an organisation may already exist
    client = login(org.admin)
    files = {
        "units": download(client, sample_url("units", fmt)).content,
        "cadres": download(client, sample_url("cadres", fmt)).content,
        "tasks": download(client, reverse("directives:import_sample", args=[fmt])).content,
    }
    for kind, content in files.items():
        path = tmp_path / f"{kind}.{fmt}"
        path.write_bytes(content)
        call_command("import", kind, str(path), stdout=io.StringIO())
    assert Unit.objects.get(code="P-XP-KT").parent.code == "P-XP"
    head = Cadre.objects.get(code="CB900001")
    assert head.roles.get().role == "head"
    assert not head.user.has_usable_password()
    assert Task.objects.filter(assignee__code="CB900002", assigned_by=head).count() == 2


def test_an_unknown_sample_is_404(login, org):
    client = login(org.admin)
    assert client.get(sample_url("tasks", "csv")).status_code == 404
    assert client.get(sample_url("units", "pdf")).status_code == 404


def test_errors_are_listed_above_the_form_and_the_file_name_is_kept(login, org):
    data = "Mã,Tên,Loại,Mã đơn vị cha\nW3,,ward,HN\nW4,Phường Bốn,ward,KHONGCO\n".encode()
    response = login(org.admin).post(
        reverse("units:import"),
        {"kind": "units", "file": SimpleUploadedFile("đơn vị <tháng 3>.csv", data)},
    )
    page = response.content.decode()
    assert page.index("data-import-errors") < page.index('enctype="multipart/form-data"')
    listing = page.split("data-import-errors")[1].split("</table>")[0]
    assert '<tr data-error-row="2" data-error-column="name"><td>2</td><td>Tên</td>' in listing
    assert 'data-error-row="3" data-error-column="parent_code"' in listing
    assert "Tệp đã chọn: đơn vị &lt;tháng 3&gt;.csv" in page  # escaped
    assert 'value="units" selected' in page
    assert not Unit.objects.filter(code__in=["W3", "W4"]).exists()


def test_the_page_links_both_samples_and_names_the_columns_in_both_languages(login, org):
    page = login(org.admin).get(reverse("units:import")).content.decode()
    for kind in ("units", "cadres"):
        for fmt in ("xlsx", "csv"):
            assert f'href="{sample_url(kind, fmt)}"' in page
    assert "Họ và tên <span" in page and "(full_name)" in page
