"""Issue 16, part 1: dossier ratings of people and businesses (docs/RULES.md §7): the import
(all or nothing, bad rows named), the figures per cadre and unit, the head's comments page."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from directives.dossiers import selectors
from directives.dossiers.imports import dossiers_import
from directives.dossiers.models import DossierRating, Rating
from directives.models import AuditEntry
from tests.dashboard.factories import PeriodFactory
from tests.factories import xlsx
from units.tabular import ImportFailed

pytestmark = pytest.mark.django_db

HEADER = "Mã hồ sơ,Mã đơn vị,Mã cán bộ xử lý,Ngày xử lý,Đúng hạn,Mức độ hài lòng,Ý kiến,Đã xác minh"


def table(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


GOOD = table(
    "HS-1,W1-A,SA,05/03/2026,có,Rất hài lòng,,",
    "HS-2,W1-A,SA,09/03/2026,không,Không hài lòng,Phải đi lại hai lần,có",
    "HS-3,W1-A,SA2,12/03/2026,có,hai long,Cán bộ nhiệt tình,",
)


def errors_of(refused: ImportFailed) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in refused.value.errors]


# --- the import ----------------------------------------------------------------------------


def test_a_good_file_imports_every_row_with_vietnamese_headers(org):
    counts = dossiers_import(data=GOOD, user=org.admin, file_name="t.csv")
    assert counts == {"created": 3, "updated": 0, "unchanged": 0}
    second = DossierRating.objects.get(code="HS-2")
    assert (second.unit, second.cadre, second.handled_on) == (
        org.a,
        org.staff_a,
        dt.date(2026, 3, 9),
    )
    assert (second.on_time, second.rating, second.verified) == (False, Rating.UNSATISFIED, True)
    assert DossierRating.objects.get(code="HS-3").rating == Rating.SATISFIED
    entry = AuditEntry.objects.get(action="dossiers_import")
    assert entry.new["rows"] == 3 and entry.user == org.admin


def test_an_xlsx_file_imports_and_a_second_import_changes_by_code(org):
    dossiers_import(data=GOOD, user=org.admin)
    rows = [
        ["Mã hồ sơ", "Đơn vị", "Cán bộ xử lý", "Ngày trả kết quả", "Đúng hạn", "Đánh giá"],
        ["HS-1", "W1-A", "SA", dt.date(2026, 3, 5), "có", "Hài lòng"],
        ["HS-3", "W1-A", "SA2", "12/03/2026", "có", "Hài lòng"],
    ]
    counts = dossiers_import(data=xlsx(rows), user=org.admin)
    assert counts == {"created": 0, "updated": 1, "unchanged": 1}
    assert DossierRating.objects.get(code="HS-1").rating == Rating.SATISFIED
    # The comment column left out of the file leaves the stored comments alone.
    assert DossierRating.objects.get(code="HS-3").comment == "Cán bộ nhiệt tình"
    assert DossierRating.objects.count() == 3


def test_a_complaint_rated_again_as_satisfied_is_no_longer_a_complaint(org):
    dossiers_import(data=GOOD, user=org.admin)
    rows = [
        ["Mã hồ sơ", "Mã đơn vị", "Mã cán bộ xử lý", "Ngày xử lý", "Đúng hạn", "Mức độ hài lòng"],
        ["HS-2", "W1-A", "SA", "09/03/2026", "không", "Hài lòng"],
    ]
    assert dossiers_import(data=xlsx(rows), user=org.admin)["updated"] == 1
    again = DossierRating.objects.get(code="HS-2")
    assert (again.rating, again.verified) == (Rating.SATISFIED, False)
    assert again.comment == "Phải đi lại hai lần"  # the column was left out


def test_bad_rows_are_named_and_nothing_is_written(org):
    data = table(
        "HS-1,W1-A,SA,05/03/2026,có,Rất hài lòng,,",
        "HS-2,W1-A,NOBODY,09/03/2026,có,Hài lòng,,",
        "HS-3,W1-A,SA,31/02/2026,có,Hài lòng,,",
        "HS-4,W1-A,SA,10/03/2026,có,tuyệt vời,,",
        "HS-5,W1-A,SA,10/03/2026,có,Hài lòng,,có",
        "HS-6,W1-A,SB,10/03/2026,có,Hài lòng,,",
        "HS-1,W1-A,SA,11/03/2026,có,Hài lòng,,",
        "HS-7,NOWHERE,SA,11/03/2026,có,Hài lòng,,",
        ",W1-A,SA,11/03/2026,,Hài lòng,,",
    )
    with pytest.raises(ImportFailed) as refused:
        dossiers_import(data=data, user=org.admin)
    assert errors_of(refused) == [
        (3, "cadre_code"),
        (4, "handled_on"),
        (5, "rating"),
        (6, "verified"),
        (7, "cadre_code"),  # SB is a member of W1-B, not of W1-A
        (8, "dossier_code"),  # HS-1 twice
        (9, "unit_code"),
        (10, "dossier_code"),
        (10, "on_time"),
    ]
    messages = [e.message for e in refused.value.errors]
    assert "HS-1" in messages[5] and "2" in messages[5]
    assert not DossierRating.objects.exists()
    assert not AuditEntry.objects.filter(action="dossiers_import").exists()


def test_a_head_imports_only_the_units_they_manage(org):
    data = table("HS-1,W1-B,SB,05/03/2026,có,Hài lòng,,")
    with pytest.raises(ImportFailed) as refused:
        dossiers_import(data=data, user=org.head_a.user, within_paths=(org.a.path,))
    assert errors_of(refused) == [(2, "unit_code")]
    assert not DossierRating.objects.exists()


def test_a_decided_month_never_changes(org):
    PeriodFactory(scope=org.w1, month="2026-03")
    with pytest.raises(ImportFailed) as refused:
        dossiers_import(data=GOOD, user=org.admin)
    assert errors_of(refused) == [(2, "handled_on"), (3, "handled_on"), (4, "handled_on")]
    assert "2026-03" in refused.value.errors[0].message
    assert not DossierRating.objects.exists()
    # A month still running elsewhere imports.
    other = table("HS-9,W1-A,SA,05/04/2026,có,Hài lòng,,")
    assert dossiers_import(data=other, user=org.admin)["created"] == 1


def test_a_dossier_cannot_move_out_of_a_decided_month(org):
    dossiers_import(data=GOOD, user=org.admin)
    PeriodFactory(scope=org.w1, month="2026-03")
    moved = table("HS-1,W1-A,SA,05/04/2026,có,Rất hài lòng,,")
    with pytest.raises(ImportFailed):
        dossiers_import(data=moved, user=org.admin)
    assert DossierRating.objects.get(code="HS-1").handled_on == dt.date(2026, 3, 5)


# --- the figures ---------------------------------------------------------------------------


def test_the_figures_per_cadre_and_per_unit(org, django_assert_num_queries):
    dossiers_import(data=GOOD, user=org.admin)
    first, last = selectors.month_days("2026-03")
    with django_assert_num_queries(1):
        per_cadre = selectors.cadre_figures([org.staff_a.pk, org.staff_a2.pk], first, last)
    mine = per_cadre[org.staff_a.pk]
    assert (mine.handled, mine.on_time, mine.satisfied, mine.verified_complaints) == (2, 1, 1, 1)
    assert (mine.on_time_rate, mine.satisfaction_index) == (50, 50)
    with django_assert_num_queries(1):
        per_unit = selectors.unit_figures([org.w1, org.a, org.b], first, last)
    assert per_unit[org.w1.pk] == per_unit[org.a.pk]
    assert per_unit[org.a.pk].handled == 3
    assert per_unit[org.a.pk].satisfaction_index.to_eng_string() == "66.7"
    assert per_unit[org.b.pk].handled == 0 and per_unit[org.b.pk].on_time_rate is None
    assert selectors.cadre_figures([org.staff_a.pk], *selectors.month_days("2026-04")) == {}


# --- the pages -----------------------------------------------------------------------------

COMMENTS = reverse("directives:dossier_comments", args=["W1-A", "2026-03"])
IMPORT = reverse("directives:dossier_import")


def test_the_comments_reach_the_head_and_the_leaders_only(org, client, login):
    dossiers_import(data=GOOD, user=org.admin)
    assert client.get(COMMENTS).status_code == 302  # anonymous: to the sign-in page
    assert login(org.head_b).get(COMMENTS).status_code == 404  # an outsider
    assert login(org.leader_w2).get(COMMENTS).status_code == 404
    assert login(org.staff_a2).get(COMMENTS).status_code == 403  # a peer of the unit
    assert login(org.staff_a).get(COMMENTS).status_code == 403  # the rated cadre
    for reader in (org.head_a, org.leader_w1, org.admin):  # the head, a read-only leader
        page = login(reader).get(COMMENTS)
        assert page.status_code == 200
        text = page.content.decode()
        assert "Phải đi lại hai lần" in text and "Cán bộ nhiệt tình" in text
    assert (
        login(org.head_a)
        .get(reverse("directives:dossier_comments", args=["W1-A", "2026-13"]))
        .status_code
        == 404
    )


def test_the_comments_page_costs_the_same_queries_for_few_and_many(
    org, login, django_assert_num_queries
):
    dossiers_import(data=GOOD, user=org.admin)
    client = login(org.head_a)
    # session, user, scope (one query), the unit, the comments, the figures
    with django_assert_num_queries(6):
        client.get(COMMENTS)
    many = [
        f"HS-{n},W1-A,SA2,{n % 28 + 1:02d}/03/2026,có,Hài lòng,Ý kiến {n}," for n in range(10, 60)
    ]
    dossiers_import(data=table(*many), user=org.admin)
    with django_assert_num_queries(6):
        page = client.get(COMMENTS).content.decode()
    assert page.count("<tr") == 1 + 2 + 50


def test_the_import_page_for_heads_and_administrators(org, client, login):
    assert client.get(IMPORT).status_code == 302
    assert login(org.staff_a).get(IMPORT).status_code == 403
    assert login(org.leader_w1).get(IMPORT).status_code == 403  # read-only
    head = login(org.head_a)
    assert head.get(IMPORT).status_code == 200
    sample = head.get(reverse("directives:dossier_import_sample", args=["csv"]))
    assert sample.status_code == 200 and "Mã hồ sơ".encode() in sample.content
    response = head.post(IMPORT, {"file": SimpleUploadedFile("d.csv", GOOD)})
    assert response.status_code == 302
    assert DossierRating.objects.count() == 3
    other = table("HS-8,W1-B,SB,05/03/2026,có,Hài lòng,,")
    page = head.post(IMPORT, {"file": SimpleUploadedFile("e.csv", other)})
    assert page.status_code == 200 and "W1-B" in page.content.decode()
    assert DossierRating.objects.count() == 3
    admin = login(org.admin)
    assert admin.post(IMPORT, {"file": SimpleUploadedFile("e.csv", other)}).status_code == 302
    assert (
        login(org.staff_b)
        .get(reverse("directives:dossier_import_sample", args=["xlsx"]))
        .status_code
        == 403
    )


def test_the_command_line_imports_them_as_the_page_does(org, tmp_path):
    path = tmp_path / "danh-gia.csv"
    path.write_bytes(GOOD)
    out = io.StringIO()
    call_command("import", "dossiers", str(path), stdout=out)
    assert "3 created" in out.getvalue()
    assert AuditEntry.objects.get(action="dossiers_import").new["file"] == "danh-gia.csv"
    path.write_bytes(table("HS-9,W1-A,NOBODY,05/03/2026,có,Hài lòng,,"))
    with pytest.raises(CommandError):
        call_command("import", "dossiers", str(path), stdout=out, stderr=io.StringIO())
    assert DossierRating.objects.count() == 3
