"""A cadre's own year with its quarters, and the year's spreadsheets (issue 15, item 3)."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from scoring.models import Result
from scoring.office.selectors import my_year
from tests.scoring.office.conftest import decide_month
from tests.scoring.office.helpers import sheet_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def months(office):
    """SA's totals: January 95, February 94 (Q1: 94,50), April 93, November 95 (Q4)."""
    staff, org = office.staff, office.org
    decide_month(org, staff, "2026-01")
    decide_month(org, staff, "2026-02", shift=-1)
    decide_month(org, staff, "2026-04", shift=-2)
    return office


def test_the_quarters_are_the_means_of_their_months(months):
    year = my_year(months.org.staff_a, 2026)
    assert [r.period.month for r in year.results] == ["2026-01", "2026-02", "2026-04", "2026-11"]
    means = {q.number: q.mean for q in year.quarters}
    assert means == {1: Decimal("94.50"), 2: Decimal("93.00"), 3: None, 4: Decimal("95.00")}
    assert year.quarters[0].months == ["2026-01", "2026-02"]
    assert not year.pending
    assert year.row.rated_months == 4
    assert year.row.total.shown == Decimal("94.25")


def test_the_cadre_reads_their_year_page(months, login):
    page = login(months.org.staff_a).get(reverse("office:my_year", args=[2026])).content.decode()
    for text in ("94,50", "93,00", "95,00", "94,25", "tháng 01/2026", "tháng 04/2026"):
        assert text in page, text
    assert 'data-quarter="3"' in page
    assert "data-year-result" in page


def test_an_unpublished_month_hides_its_figures_and_the_year_result(office, login):
    decide_month(office.org, office.staff, "2026-03", publish=False, shift=-20)
    year = my_year(office.org.staff_a, 2026)
    assert [r.period.month for r in year.results] == ["2026-11"]
    assert year.pending and year.row is None
    page = login(office.org.staff_a).get(reverse("office:my_year", args=[2026])).content.decode()
    assert "75,00" not in page  # March's 95 - 20 is not published
    assert "data-year-result" in page and "chưa công bố" in page


def test_the_cadres_year_exports_numbers(months, login):
    response = login(months.org.staff_a).get(reverse("office:my_year_xlsx", args=[2026]))
    assert response.status_code == 200
    rows = sheet_rows(response)
    by_label = {row[0].value: row for row in rows[1:]}
    january = by_label["2026-01"]
    assert january[1].value == 95 and january[1].number_format == "0.00"
    assert isinstance(january[4].value, int) and january[4].number_format == "#,##0"
    reward = Result.objects.get(period__month="2026-01", cadre=months.org.staff_a).reward
    assert january[4].value == reward
    quarter = next(row for label, row in by_label.items() if label.startswith("Quý 1"))
    assert quarter[1].value == 94.5 and quarter[1].number_format == "0.00"
    year = next(row for label, row in by_label.items() if label.startswith("Năm 2026"))
    assert year[1].value == 94.25


def test_the_leaders_year_exports_numbers(months, login):
    response = login(months.org.leader_w1).get(reverse("office:year_xlsx", args=[2026, "W1-A"]))
    assert response.status_code == 200
    rows = sheet_rows(response)
    assert [c.value for c in rows[0]][:3] == ["Thứ hạng", "Mã", "Họ và tên"]
    sa = next(row for row in rows[1:] if row[1].value == "SA")
    assert sa[5].value == 4 and sa[5].number_format == "0"
    assert sa[6].value == 94.25 and sa[6].number_format == "0.00"
    assert len(rows) == 1 + 7


def test_the_year_page_links_its_downloads(months, login):
    page = login(months.head).get(reverse("periods:year", args=[2026, "W1-A"])).content.decode()
    assert reverse("office:year_pdf", args=[2026, "W1-A"]) in page
    assert reverse("office:year_xlsx", args=[2026, "W1-A"]) in page
    assert "data-print-signature" in page and "data-print-heading" in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("admin", 404), ("staff_b", 200), ("staff_a", 200), ("head_a", 200)],
)
def test_who_opens_a_year_page(office, login, client, who, status):
    """Everyone with a cadre has their own year (an outsider's is their own, empty); the
    administrator has none."""
    if who != "anonymous":
        client = login(getattr(office.org, who))
    for name in ("office:my_year", "office:my_year_xlsx"):
        assert client.get(reverse(name, args=[2026])).status_code == status


def test_a_cadre_sees_only_their_own_year(office, login):
    page = login(office.org.staff_b).get(reverse("office:my_year", args=[2026])).content.decode()
    assert "95,00" not in page and office.org.staff_a.full_name not in page


def test_the_year_page_reads_in_fixed_queries(office, django_assert_num_queries):
    client = Client()
    client.force_login(office.org.staff_a.user)
    url = reverse("office:my_year", args=[2026])
    for month in (None, "2026-05"):
        if month:
            decide_month(office.org, office.staff, month)
        client.get(url)
        # session, user, scope (1) + memberships, results, year_results (results, the
        # regulation)
        with django_assert_num_queries(7):
            assert client.get(url).status_code == 200
