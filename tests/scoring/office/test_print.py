"""Printed pages (issue 15, item 1): the blocks only print shows (the unit heading with the
national motto, the head's signature block), the buttons that lead to the documents, and a
results table with every row. The browser's print rendering is in tests/e2e/test_office.py."""

from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import Result
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_the_result_page_prints_with_the_unit_heading_and_the_signature(office, login):
    page = login(office.org.staff_a).get(reverse("month:result", args=[office.period.pk]))
    page = page.content.decode()
    heading = page.split("data-print-heading")[1].split("</header>")[0]
    for text in ("Phòng A", "Phường Một", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "tháng 11/2026"):
        assert text in heading, text
    signature = page.split("data-print-signature")[1].split("</section>")[0]
    assert "TRƯỞNG PHÒNG" in signature
    assert office.head.full_name not in signature  # a dotted line: never a rater's name here
    assert "Hà Nội, ngày 03 tháng 12 năm 2026" in signature
    assert reverse("office:notice", args=[office.period.pk]) in page
    assert "data-print" in page
    # The head reading SA's result downloads SA's notice.
    page = login(office.head).get(reverse("month:cadre_result", args=[office.period.pk, "SA"]))
    assert reverse("office:cadre_notice", args=[office.period.pk, "SA"]) in page.content.decode()


def test_the_unit_results_page_has_every_row(office, login):
    many = [member(office.org.a, code=f"R{i:03d}", full_name=f"Bùi Văn {i:03d}") for i in range(55)]
    Result.objects.bulk_create(
        Result(period=office.period, cadre=c, unit=office.org.a, total=Decimal("70.5"), tier="C")
        for c in many
    )
    page = login(office.head).get(reverse("office:unit_results", args=[office.period.pk, "W1-A"]))
    page = page.content.decode()
    table = page.split('id="unit-results"')[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + 7 + 55
    assert "Bùi Văn 054" in table and "70,50" in table
    assert "data-print-signature" in page and office.head.full_name in page
    assert reverse("office:unit_results_pdf", args=[office.period.pk, "W1-A"]) in page
    assert reverse("office:minutes_pdf", args=[office.period.pk, "W1-A"]) in page


def test_the_months_page_leads_to_the_documents_once_decided(office, login):
    page = login(office.head).get(reverse("months:month", args=[office.period.pk]))
    assert reverse("office:unit_results", args=[office.period.pk, "W1-A"]) in page.content.decode()


def test_the_cadres_months_lead_to_their_year(office, login):
    page = login(office.org.staff_a).get(reverse("month:mine")).content.decode()
    assert reverse("office:my_year_start") in page
    response = login(office.org.staff_a).get(reverse("office:my_year_start"))
    assert response["Location"] == reverse("office:my_year", args=[2026])
