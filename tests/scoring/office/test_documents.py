"""The four signed documents as PDF (issue 15, item 1): the layout of Decree 30/2020/NĐ-CP,
names, totals and money as Vietnamese write them, every diacritic in NFC, the font embedded,
and who may download each."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from scoring.models import Phase, Result
from scoring.office import documents
from scoring.office.pdf import Document, Signer, Text, render, vn_date_line
from tests.factories import member
from tests.scoring.office.conftest import NAMES, decide_month
from tests.scoring.office.helpers import nfc, one_line, pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
DATE_LINE = "Hà Nội, ngày 03 tháng 12 năm 2026"


SUMMARY_NUMBER = "Số: ……/BTH-W1-A"  # the unit's tables of results, the month's and the year's


def assert_decree_layout(text, *, number, title, signer="TRƯỞNG PHÒNG"):
    for line in (*MOTTO, DATE_LINE, "PHƯỜNG MỘT", "PHÒNG A", number, title, "Nơi nhận:", signer):
        assert line in text, line
    assert nfc(text)


def pdf_download(client, url) -> str:
    """The text of the PDF `client` downloads from `url` (200)."""
    response = client.get(url)
    assert response.status_code == 200
    return pdf_text(response)


def test_the_date_line_follows_the_decree():
    assert vn_date_line("Hà Nội", dt.date(2026, 12, 3)) == DATE_LINE
    assert vn_date_line("Hà Nội", dt.date(2027, 2, 5)) == "Hà Nội, ngày 05 tháng 02 năm 2027"
    assert vn_date_line("Huế", dt.date(2027, 5, 15)) == "Huế, ngày 15 tháng 5 năm 2027"


def test_a_document_keeps_every_diacritic_typed_decomposed():
    decomposed = "Nguye\u0302\u0303n Thi\u0323 Hu\u031bo\u031b\u0300ng"
    document = Document(
        issuer="Phòng A",
        number="Số: ……/TB-A",
        place="Hà Nội",
        date=dt.date(2026, 12, 3),
        title="THÔNG BÁO",
        body=[
            Text(decomposed),
            Text("Ắ ẳ ẵ ặ Ế ề ể ễ ệ Ố ồ ổ ỗ ộ Ớ ờ ở ỡ ợ Ứ ừ ử ữ ự Ỳ ỷ ỹ ỵ Đ đ"),
        ],
        recipients=["Lưu: VT"],
        signers=[Signer(title="TRƯỞNG PHÒNG", name="Trần Đức Việt")],
    )

    class Response(dict):
        content = render(document)

    response = Response(
        {"Content-Type": "application/pdf", "Content-Disposition": "attachment; filename=x"}
    )
    text = pdf_text(response)
    assert "Nguyễn Thị Hường" in text
    assert "Ắ ẳ ẵ ặ Ế ề ể ễ ệ Ố ồ ổ ỗ ộ Ớ ờ ở ỡ ợ Ứ ừ ử ữ ự Ỳ ỷ ỹ ỵ Đ đ" in text
    assert nfc(text)


class TestNotice:
    def test_the_cadre_downloads_their_notice(self, office, login):
        response = login(office.org.staff_a).get(reverse("office:notice", args=[office.period.pk]))
        assert response.status_code == 200
        assert 'filename="thong-bao-2026-11-SA.pdf"' in response["Content-Disposition"]
        text = pdf_text(response)
        assert_decree_layout(text, number="Số: ……/TB-W1-A", title="THÔNG BÁO")
        flat = one_line(text)
        assert f"Kính gửi: đồng chí {office.org.staff_a.full_name}" in flat
        assert "Kết quả đánh giá, xếp loại tháng 11/2026" in flat
        assert "Tổng điểm 95,00" in flat
        assert "Điểm kết quả thực hiện nhiệm vụ 65,00" in flat
        assert "Hoàn thành xuất sắc nhiệm vụ (A)" in flat
        assert "Xếp hạng trong đơn vị: 1/6." in flat
        result = Result.objects.get(period=office.period, cadre=office.org.staff_a)
        money = f"{result.reward:,}".replace(",", ".")
        assert f"Thu nhập tăng thêm của tháng: {money} đồng." in flat
        assert "công bố ngày 03/12/2026" in flat
        assert office.head.full_name in flat  # the head signs
        assert any("DejaVuSerif" in font for font in pdf_fonts(response))

    def test_the_notice_hides_the_peer_and_supervisor_parts_when_they_are_hidden(self, office):
        result = Result.objects.get(period=office.period, cadre=office.org.staff_a)
        unit = office.org.a
        for visible in (True, False):
            document, _name = documents.notice(
                period=office.period,
                result=result,
                cadre=office.org.staff_a,
                unit=unit,
                parts_visible=visible,
            )
            text = " ".join(" ".join(b.text for b in document.body if isinstance(b, Text)).split())
            grid = [row[0] for b in document.body if hasattr(b, "rows") for row in b.rows]
            assert ("Điểm đánh giá chéo (bình quân)" in grid) is visible
            assert ("Điểm của thủ trưởng (tiêu chí chung)" in grid) is visible
            assert "Tổng điểm" in grid
            assert office.org.staff_a.full_name in text

    def test_nobody_reads_a_notice_before_publication(self, org, office, login):
        decided = decide_month(org, office.staff, "2026-10", publish=False)
        assert decided.phase == Phase.DECIDED
        client = login(org.staff_a)
        assert client.get(reverse("office:notice", args=[decided.pk])).status_code == 404
        url = reverse("office:cadre_notice", args=[decided.pk, "SA"])
        assert client.get(url).status_code == 404
        # The head reads it as soon as the month is decided.
        assert login(org.head_a).get(url).status_code == 200

    def test_a_heads_notice_goes_up_to_the_unit_above(self, office):
        """Nobody signs their own notice: the head of W1-A gets it from the ward, signed by the
        ward's head; a cadre of W1-A gets it from W1-A, signed by its head."""
        org = office.org
        ward_head = member(org.w1, role="head", code="HW1", job_group="leader")
        day = dt.date(2026, 12, 3)
        assert documents.issuer_of_notice(org.a, org.staff_a, day)[0] == org.a
        assert documents.issuer_of_notice(org.a, org.staff_a, day)[1].name == org.head_a.full_name
        unit, head = documents.issuer_of_notice(org.a, org.head_a, day)
        assert (unit, head.name) == (org.w1, ward_head.full_name)
        city_head = member(org.city, role="head", code="HCT", job_group="leader")
        unit, head = documents.issuer_of_notice(org.city, city_head, day)
        assert (unit, head.name) == (org.city, "")  # the top: the clerk writes who signs

        result = Result.objects.get(period=office.period, cadre=org.head_a)
        document, _name = documents.notice(
            period=office.period, result=result, cadre=org.head_a, unit=org.a, parts_visible=True
        )
        assert document.issuer == org.w1.name
        assert document.number == "Số: ……/TB-W1"
        assert [signer.name for signer in document.signers] == [ward_head.full_name]
        text = " ".join(" ".join(b.text for b in document.body if isinstance(b, Text)).split())
        assert f"{org.w1.name} thông báo kết quả của đồng chí {org.head_a.full_name}" in text

    @pytest.mark.parametrize(
        ("who", "own", "other"),
        [
            ("anonymous", 302, 302),
            ("staff_a", 200, 404),  # SA's own; another cadre's notice is not theirs
            ("staff_b", 404, 404),  # an outsider: not scored in the month, no role over W1-A
            ("head_b", 404, 404),  # the head of a sibling unit
            ("leader_w1", 404, 200),  # read-only over the ward: reads, has no own notice
            ("head_a", 200, 200),
        ],
    )
    def test_who_downloads_a_notice(self, office, login, client, who, own, other):
        if who != "anonymous":
            client = login(getattr(office.org, who))
        own_url = reverse("office:notice", args=[office.period.pk])
        other_url = reverse("office:cadre_notice", args=[office.period.pk, "SA2"])
        assert client.get(own_url).status_code == own
        assert client.get(other_url).status_code == other


class TestUnitTable:
    def test_every_row_is_in_the_table_beyond_a_page_of_fifty(self, office, login):
        many = [
            member(office.org.a, code=f"NV{i:03d}", full_name=f"Đặng Thị Ngọc {i:03d}")
            for i in range(60)
        ]
        Result.objects.bulk_create(
            Result(
                period=office.period,
                cadre=cadre,
                unit=office.org.a,
                job_group="specialist",
                total=Decimal("70.50"),
                general=Decimal("25.5"),
                task=Decimal("45"),
                tier="C",
                tier_before_quota="C",
                rank_in_unit=10 + i,
                reward=1_500_000,
            )
            for i, cadre in enumerate(many)
        )
        url = reverse("office:unit_results_pdf", args=[office.period.pk, "W1-A"])
        text = pdf_download(login(office.head), url)
        title = "BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI"
        assert_decree_layout(text, number=SUMMARY_NUMBER, title=title)
        for i in range(60):
            assert f"Đặng Thị Ngọc {i:03d}" in text
        for name in NAMES.values():
            assert name in text
        assert text.count("70,50") == 60
        assert text.count("1.500.000") == 60
        assert "Quỹ thu nhập tăng thêm: 17.000.000 đồng" in one_line(text)

    def test_the_minutes_of_the_meeting(self, office, login):
        url = reverse("office:minutes_pdf", args=[office.period.pk, "W1-A"])
        text = pdf_download(login(office.org.leader_w1), url)
        flat = one_line(text)
        assert_decree_layout(text, number="Số: ……/BB-W1-A", title="BIÊN BẢN", signer="CHỦ TRÌ")
        assert "THƯ KÝ" in text
        assert "Họp xét đánh giá, xếp loại cán bộ tháng 11/2026" in flat
        assert "Hôm nay, ngày 03/12/2026, tại Phòng A" in flat
        assert f"Chủ trì: đồng chí {office.head.full_name}, trưởng phòng." in flat
        assert f"Hoàn thành xuất sắc nhiệm vụ (A): {office.org.staff_a.full_name}." in flat
        assert "loại A: 1; loại B: 5" in flat
        for name in NAMES.values():
            assert name in text
        assert "95,00" in text and "75,00" in text

    @pytest.mark.parametrize(
        ("who", "status"),
        [
            ("anonymous", 302),
            ("staff_a", 403),  # their own unit: the table is for its heads and leaders
            ("staff_b", 404),
            ("head_b", 404),
            ("leader_w2", 404),
            ("leader_w1", 200),  # read-only reads
            ("head_a", 200),
        ],
    )
    def test_who_downloads_the_unit_documents(self, office, login, client, who, status):
        if who != "anonymous":
            client = login(getattr(office.org, who))
        for name in ("office:unit_results", "office:unit_results_pdf", "office:minutes_pdf"):
            url = reverse(name, args=[office.period.pk, "W1-A"])
            assert client.get(url).status_code == status, name

    def test_a_month_not_decided_has_no_documents(self, org, login):
        from tests.scoring.factories import open_period

        period = open_period(org.a, "2026-12", phase=Phase.REVIEW)
        client = login(org.head_a)
        for name in ("office:unit_results", "office:unit_results_pdf", "office:minutes_pdf"):
            assert client.get(reverse(name, args=[period.pk, "W1-A"])).status_code == 404


class TestYearSheet:
    def test_the_year_sheet(self, office, login):
        text = pdf_download(login(office.head), reverse("office:year_pdf", args=[2026, "W1-A"]))
        assert_decree_layout(
            text, number=SUMMARY_NUMBER, title="BẢNG KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI NĂM"
        )
        flat = one_line(text)
        assert "Năm 2026: 7 cán bộ, các tháng đã quyết định: 11/2026." in flat
        for name in NAMES.values():
            assert name in text
        for total in ("95,00", "92,00", "88,00", "85,00", "80,00", "75,00"):
            assert total in text

    @pytest.mark.parametrize(
        ("who", "status"),
        [
            ("anonymous", 302),
            ("staff_a", 403),
            ("head_b", 404),
            ("leader_w2", 404),
            ("leader_w1", 200),
            ("head_a", 200),
        ],
    )
    def test_who_downloads_the_year_sheet(self, office, login, client, who, status):
        if who != "anonymous":
            client = login(getattr(office.org, who))
        for name in ("office:year_pdf", "office:year_xlsx"):
            assert client.get(reverse(name, args=[2026, "W1-A"])).status_code == status


class TestQueries:
    """Each download reads in a fixed number of queries whatever the number of rows."""

    def count(self, client, url, django_assert_num_queries, expected):
        client.get(url)
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200

    def test_the_documents_read_in_fixed_queries(self, office, django_assert_num_queries):
        head, staff = Client(), Client()
        head.force_login(office.head.user)
        staff.force_login(office.org.staff_a.user)
        pk = office.period.pk
        for extra in (0, 5):
            for i in range(extra):
                cadre = member(office.org.a, code=f"X{extra}{i}", full_name=f"Vũ Thị {i}")
                Result.objects.create(
                    period=office.period, cadre=cadre, unit=office.org.a, total=Decimal(80)
                )
            # session, user, scope (1) + own membership, result, counts, the head
            self.count(staff, reverse("office:notice", args=[pk]), django_assert_num_queries, 7)
            # + period, member, result, counts, the head
            url = reverse("office:cadre_notice", args=[pk, "SA"])
            self.count(head, url, django_assert_num_queries, 8)
            # + period, unit, results, the pools, the head
            url = reverse("office:unit_results_pdf", args=[pk, "W1-A"])
            self.count(head, url, django_assert_num_queries, 8)
            # + period, unit, results, the head
            url = reverse("office:minutes_pdf", args=[pk, "W1-A"])
            self.count(head, url, django_assert_num_queries, 7)
            # + period, unit, results, the head for the signature
            url = reverse("office:unit_results", args=[pk, "W1-A"])
            self.count(head, url, django_assert_num_queries, 7)
            # + unit (with its parent), year_results (results, regulation), the head
            url = reverse("office:year_pdf", args=[2026, "W1-A"])
            self.count(head, url, django_assert_num_queries, 7)
