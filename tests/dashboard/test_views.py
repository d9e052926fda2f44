import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from scoring.dashboards.summaries import summarize
from scoring.models import Phase
from scoring.month.services.decide import rater_flags_store
from tests.dashboard.factories import ResultFactory, lenient_rater, reciprocal_pair, scorecard
from tests.factories import member
from units.models import Cadre

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard")
RANKING = reverse("dashboard-ranking")


def cadre_url(code):
    return reverse("dashboard-cadre", args=[code])


def export_url(table, fmt):
    return reverse("dashboard-export", args=[table, fmt])


EXPORTS = [export_url(t, f) for t in ("league", "ranking") for f in ("xlsx", "csv")]
EVERY_URL = [DASHBOARD, RANKING, cadre_url("SA"), *EXPORTS]


class TestPermissions:
    def test_anonymous_users_go_to_the_login_page(self, client, org, months):
        for url in EVERY_URL:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("login")), url

    def test_a_plain_cadre_gets_403_everywhere_even_on_their_own_page(self, login, org, months):
        client = login(org.staff_a)
        for url in EVERY_URL:
            assert client.get(url).status_code == 403, url
            assert client.get(url + "?unit=W1-A").status_code == 403, url

    def test_a_head_sees_their_subtree_and_nothing_else(self, login, org, months):
        client = login(org.head_a)
        for url in (DASHBOARD, RANKING, *EXPORTS):
            assert client.get(url).status_code == 200, url
            assert client.get(url + "?unit=W1-A").status_code == 200, url
            assert client.get(url + "?unit=W1").status_code == 404, url
            assert client.get(url + "?unit=W1-B").status_code == 404, url
            assert client.get(url + "?unit=NOPE").status_code == 404, url
        assert client.get(cadre_url("SA")).status_code == 200
        assert client.get(cadre_url("SB")).status_code == 404
        assert client.get(cadre_url("LW1")).status_code == 404
        assert client.get(cadre_url("NOPE")).status_code == 404

    def test_a_head_dashboard_defaults_to_their_unit(self, login, org, months):
        page = login(org.head_a).get(DASHBOARD).content.decode()
        assert "Phòng A" in page
        assert "Phòng B" not in page
        assert org.staff_b.full_name not in login(org.head_a).get(RANKING).content.decode()

    def test_a_leader_sees_their_ward_not_the_other(self, login, org, months):
        client = login(org.leader_w1)
        page = client.get(DASHBOARD).content.decode()
        assert "Phòng A" in page and "Phòng B" in page
        for url in (DASHBOARD, RANKING, *EXPORTS):
            assert client.get(url + "?unit=W2").status_code == 404, url
        assert client.get(cadre_url("SB")).status_code == 200
        assert client.get(cadre_url("LW2")).status_code == 404
        assert login(org.leader_w2).get(DASHBOARD + "?unit=W1").status_code == 404

    def test_an_admin_sees_everything(self, login, org, months):
        client = login(org.admin)
        for url in EVERY_URL:
            assert client.get(url).status_code == 200, url
        page = client.get(DASHBOARD).content.decode()
        assert "Thành phố" in page and "Phường Hai" in page  # city by default, both wards
        assert client.get(cadre_url("LW2")).status_code == 200

    def test_the_navigation_and_home_card_are_for_managers_only(self, login, org, months):
        assert DASHBOARD not in login(org.staff_a).get(reverse("home")).content.decode()
        page = login(org.head_a).get(reverse("home")).content.decode()
        assert page.count(f'href="{DASHBOARD}"') == 2  # navigation and home card


class TestDashboardPage:
    def test_shows_the_month_summary_in_vietnamese(self, login, org, months):
        page = login(org.leader_w1).get(DASHBOARD).content.decode()
        assert "Bảng điều hành" in page
        assert 'data-stat="rated">6<' in page
        assert 'data-stat="average">73,75<' in page
        assert 'data-stat="on-time">50,0%<' in page
        assert 'data-stat="undistributed">6.000 ' in page
        assert 'value="2026-03" selected' in page

    def test_the_page_reads_in_english_too(self, login, org, months, settings):
        client = login(org.leader_w1)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = client.get(DASHBOARD).content.decode()
        assert "Units compared" in page
        assert 'data-stat="average">73.75<' in page
        assert "Tier A" in page  # the charts' labels

    def test_money_reads_as_offices_write_it_in_english_too(self, login, org, months, settings):
        """As on the month's pages and the documents: "2.142.000", never "2,142,000"."""
        months.results.head_a.reward = 2_142_000
        months.results.head_a.save()
        client = login(org.leader_w1)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        assert 'data-stat="undistributed">6.000 ' in client.get(DASHBOARD).content.decode()
        assert "2.142.000" in client.get(RANKING).content.decode()
        assert "2.142.000" in client.get(cadre_url("HA")).content.decode()

    def test_an_earlier_month_can_be_picked(self, login, org, months):
        page = login(org.leader_w1).get(DASHBOARD + "?month=2026-02").content.decode()
        assert 'data-stat="rated">2<' in page
        assert 'data-stat="average">62,50<' in page

    def test_the_league_table_sorts_by_a_column(self, login, org, months):
        page = login(org.leader_w1).get(DASHBOARD + "?sort=average").content.decode()
        assert page.index('data-unit="W1-B"') < page.index('data-unit="W1-A"')
        assert 'aria-sort="ascending"' in page
        page = login(org.leader_w1).get(DASHBOARD + "?sort=-average").content.decode()
        assert page.index('data-unit="W1-A"') < page.index('data-unit="W1-B"')

    def test_trend_data_and_charts_are_on_the_page_without_inline_script(self, login, org, months):
        page = login(org.leader_w1).get(DASHBOARD).content.decode()
        assert '<script id="trend-data" type="application/json">' in page
        assert "vendor/chartjs/chart.umd.min.js" in page
        assert "js/dashboard.js" in page
        for chart in ("chart-average", "chart-on-time", "chart-tiers"):
            assert f'id="{chart}"' in page
        assert page.count("<details") == 3  # a data table under each chart

    def test_chart_js_is_loaded_only_on_dashboard_pages(self, login, org, months):
        assert "chart.umd.min.js" not in login(org.leader_w1).get(reverse("home")).content.decode()

    def test_no_decided_month_says_so(self, login, org):
        page = login(org.leader_w1).get(DASHBOARD).content.decode()
        assert "chưa có tháng nào được xếp loại" in page
        assert "chart.umd.min.js" not in page

    def test_flags_name_the_lenient_rater_to_the_leader(self, login, org, months):
        lenient_rater(months.march, org.a, [org.head_a, org.staff_a, org.staff_a2])
        page = login(org.leader_w1).get(DASHBOARD).content.decode()
        assert 'data-flag="leniency"' in page
        assert "Người chấm L (L)" in page
        assert "có dấu hiệu chấm dễ dãi" in page


class TestRankingPage:
    def test_lists_the_scope_with_totals_tiers_and_ranks(self, login, org, months):
        page = login(org.leader_w1).get(RANKING).content.decode()
        assert "7 cán bộ" in page
        assert page.index(org.head_a.full_name) < page.index(org.staff_b.full_name)
        assert "92,00" in page
        assert cadre_url("SA") in page

    def test_filters_and_search_narrow_it(self, login, org, months):
        client = login(org.leader_w1)
        page = client.get(RANKING + "?tier=D").content.decode()
        assert "1 cán bộ" in page and org.staff_b.full_name in page
        page = client.get(RANKING + "?job_group=leader&unit=W1-A").content.decode()
        assert "1 cán bộ" in page and org.head_a.full_name in page
        page = client.get(RANKING + "?q=nghi").content.decode()  # Lê Thị Nghỉ
        assert "1 cán bộ" in page and "Lê Thị Nghỉ" in page

    def test_pages_hold_fifty_cadres(self, login, org, months):
        for i in range(50):
            ResultFactory(period=months.march, unit=org.b, cadre=member(org.b, code=f"P{i:02d}"))
        client = login(org.leader_w1)
        first = client.get(RANKING).content.decode()
        assert "57 cán bộ" in first
        assert first.count(cadre_url("X")[:-2]) >= 50
        assert "Trang 1/2" in first
        second = client.get(RANKING + "?page=2").content.decode()
        assert second.count('href="/dashboard/cadre/') == 7

    def test_the_print_view_holds_every_row_on_one_page(self, login, org, months):
        page = login(org.leader_w1).get(RANKING + "?all=1").content.decode()
        assert page.count('href="/dashboard/cadre/') == 7
        assert "data-print-left-out" not in page and "pagination" not in page

    def test_the_print_view_stops_at_its_cap_and_says_what_is_left_out(
        self, login, org, months, settings
    ):
        """A city's 100,000 rows are no page to print: past RANKING_PRINT_MAX_ROWS the rest is
        left out, and the page says how many and where they are (a narrower scope, Excel)."""
        settings.RANKING_PRINT_MAX_ROWS = 5
        page = login(org.leader_w1).get(RANKING + "?all=1").content.decode()
        assert page.count('href="/dashboard/cadre/') == 5
        assert "7 cán bộ" in page  # the count is still everyone's
        assert (
            "Bản in chỉ gồm 5 cán bộ đầu tiên trong tổng số 7: 2 cán bộ không có trong bản in."
        ) in page
        assert "tải tệp Excel có đủ mọi dòng" in page
        assert "pagination" not in page
        assert page.index(org.head_a.full_name) < page.index("data-print-left-out")
        page = login(org.leader_w1).get(RANKING + "?all=1&page=2").content.decode()
        assert page.count('href="/dashboard/cadre/') == 5  # no second page to reach past the cap

    def test_raters_are_never_shown(self, login, org, months):
        secret = member(org.a, code="RATER", full_name="Người Chấm Bí Mật")
        scorecard(months.march, secret, org.staff_a, "25")
        client = login(org.leader_w1)
        for url in (RANKING, cadre_url("SA"), cadre_url("SA") + "?month=2026-02"):
            assert "Bí Mật" not in client.get(url).content.decode(), url


class TestCadrePage:
    def test_shows_months_tasks_behind_t_and_adjustments(self, login, org, months):
        page = login(org.leader_w1).get(cadre_url("SA")).content.decode()
        assert "03/2026" in page and "02/2026" in page
        assert "Báo cáo quý I" in page and "Kế hoạch thu" in page
        assert "trễ hạn" in page
        assert "Hủy" not in page and "Tháng tư" not in page
        assert "Đi họp muộn" in page
        assert '<script id="history-data" type="application/json">' in page

    def test_another_month_of_the_cadre(self, login, org, months):
        page = login(org.leader_w1).get(cadre_url("SA") + "?month=2026-02").content.decode()
        assert "Báo cáo quý I" not in page
        assert "Không có điều chỉnh điểm trong tháng." in page

    def test_a_cadre_of_the_scope_without_a_decided_month_says_so(self, login, org, months):
        member(org.b, code="NEW", full_name="Cán bộ mới")
        response = login(org.leader_w1).get(cadre_url("NEW"))
        assert response.status_code == 200
        assert "Cán bộ này chưa có tháng nào được xếp loại." in response.content.decode()
        assert login(org.head_a).get(cadre_url("NEW")).status_code == 404

    def test_a_month_without_a_visible_result_is_404(self, login, org, months):
        client = login(org.leader_w1)
        assert client.get(cadre_url("SA") + "?month=2026-04").status_code == 404
        assert client.get(cadre_url("SA") + "?month=garbage").status_code == 404

    def test_a_manager_on_their_own_page_sees_the_peer_mean_only_from_three_scorecards(
        self, login, org, months
    ):
        result = months.results.head_a
        result.peer_score, result.peer_count = Decimal("26.25"), 2
        result.save()
        page = login(org.head_a).get(cadre_url("HA")).content.decode()
        assert "26,25" not in page and "hiển thị khi có từ 3 phiếu" in page
        assert "26,25" in login(org.leader_w1).get(cadre_url("HA")).content.decode()


class TestExports:
    def test_league_xlsx_has_headers_numbers_and_a_frozen_header_row(self, login, org, months):
        response = login(org.leader_w1).get(export_url("league", "xlsx"))
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "bang-xep-hang-don-vi-W1-2026-03.xlsx" in response["Content-Disposition"]
        sheet = load_workbook(io.BytesIO(response.content)).active
        header = [c.value for c in sheet[1]]
        assert header[:6] == [
            "Mã đơn vị",
            "Đơn vị",
            "Số kết quả",
            "Được xếp loại",
            "Điểm tổng bình quân",
            "Độ lệch chuẩn",
        ]
        assert header[6] == "Loại A (%)" and header[-1] == "Cảnh báo"
        assert sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["B"].width == 40
        first = [c.value for c in sheet[2]]
        assert first[:5] == ["W1", "Phường Một", 1, 1, 85]
        assert isinstance(sheet["E3"].value, float | int)  # W1-A's average is a number
        assert sheet["E3"].value == pytest.approx(79.17)
        assert sheet["E3"].number_format == "0.00"

    def test_ranking_csv_follows_the_filters(self, login, org, months):
        response = login(org.leader_w1).get(export_url("ranking", "csv") + "?tier=B")
        text = response.content.decode("utf-8")
        assert text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        assert rows[0][:5] == [
            "Mã cán bộ",
            "Họ và tên",
            "Mã đơn vị",
            "Đơn vị",
            "Nhóm vị trí việc làm",
        ]
        assert [r[0] for r in rows[1:]] == ["LW1", "SA", "HB"]
        assert rows[2][9] == "81.50"

    def test_ranking_xlsx_keeps_ranks_and_rewards_as_numbers(self, login, org, months):
        results = months.results
        results.head_a.reward = 2_142_000
        results.head_a.save()
        response = login(org.leader_w1).get(export_url("ranking", "xlsx"))
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.freeze_panes == "A2"
        first = {h.value: c.value for h, c in zip(sheet[1], sheet[2], strict=True)}
        assert first["Mã cán bộ"] == "HA"
        assert first["Tổng điểm"] == 92
        assert first["Xếp hạng trong đơn vị"] == 1
        assert first["Thu nhập tăng thêm (đồng)"] == 2_142_000
        assert first["Loại"] == "A"

    def test_text_that_looks_like_a_formula_is_neutralised(self, login, org, months):
        evil = member(org.b, code="EVIL", full_name='=HYPERLINK("http://x","y")')
        ResultFactory(period=months.march, unit=org.b, cadre=evil, total=Decimal("99"), tier="A")
        client = login(org.leader_w1)
        sheet = load_workbook(io.BytesIO(client.get(export_url("ranking", "xlsx")).content)).active
        assert sheet["B2"].value == '\'=HYPERLINK("http://x","y")'
        assert sheet["B2"].data_type == "s"
        text = client.get(export_url("ranking", "csv")).content.decode("utf-8")
        assert "'=HYPERLINK" in text

    def test_no_decided_month_is_404(self, login, org):
        assert login(org.leader_w1).get(export_url("league", "csv")).status_code == 404


class TestQueryCounts:
    """Fixed whatever the number of units, cadres and tasks: several rows in every query."""

    @pytest.fixture
    def more(self, org, months):
        for i in range(12):
            cadre = member(org.b, code=f"M{i:02d}", full_name=f"Trần Văn {i}")
            ResultFactory(period=months.march, unit=org.b, cadre=cadre, total=Decimal(60 + i))
            scorecard(months.march, org.staff_b, cadre, "20")
            scorecard(months.march, cadre, org.staff_b, "21")
        for i in range(0, 12, 2):  # six reciprocal pairs: names of raters and partners shown
            first, second = (Cadre.objects.get(code=f"M{n:02d}") for n in (i, i + 1))
            scorecard(months.march, first, second, "29.5")
            scorecard(months.march, second, first, "29.5")
        rater_flags_store(months.march)
        summarize(months.march)  # what deciding the month writes with the flags

    def test_dashboard(self, login, org, months, more, django_assert_num_queries):
        client = login(org.leader_w1)
        # session, user, scope (one query), months, picker units, the subtree rows by month
        # and series and the direct subunits (each read once for the body, the output and work
        # on time), the viewer's reciprocal pairs, the flagged rows' summaries and rater flags;
        # the converted output: members per unit; work on time: regulation
        with django_assert_num_queries(12):
            response = client.get(DASHBOARD)
        assert response.content.decode().count("data-unit=") == 3
        assert response.content.decode().count('data-flag="reciprocal"') == 6
        # Cached: session, user, scope (1), months (whose stamp keys the copies of the body, the
        # converted output and work on time)
        with django_assert_num_queries(4):
            response = client.get(DASHBOARD)
        assert response.content.decode().count("data-unit=") == 3

    def test_ranking(self, login, org, months, more, django_assert_num_queries):
        client = login(org.leader_w1)
        # session, user, scope (1), months, picker units, count, job groups, the page, the
        # printed page's heading (the ward's parent) and signature (its head)
        with django_assert_num_queries(10):
            response = client.get(RANKING + "?q=tran")
        assert response.content.decode().count('href="/dashboard/cadre/') == 12
        with django_assert_num_queries(4):
            response = client.get(RANKING + "?q=tran")
        assert response.content.decode().count('href="/dashboard/cadre/') == 12

    def test_ranking_print_view(
        self, login, org, months, more, settings, django_assert_num_queries
    ):
        settings.RANKING_PRINT_MAX_ROWS = 10
        client = login(org.leader_w1)
        # as a page of the screen: the 10 rows of the cap in one query beside the count
        with django_assert_num_queries(10):
            response = client.get(RANKING + "?all=1")
        page = response.content.decode()
        assert page.count('href="/dashboard/cadre/') == 10 and "data-print-left-out" in page

    def test_cadre(self, login, org, months, more, django_assert_num_queries):
        client = login(org.leader_w1)
        # session, user, scope (1), cadre, results with periods and units, tasks, adjustments
        with django_assert_num_queries(7):
            response = client.get(cadre_url("SA"))
        assert response.status_code == 200

    def test_exports(self, login, org, months, more, django_assert_num_queries):
        client = login(org.leader_w1)
        # the dashboard's queries, without the picker's
        with django_assert_num_queries(9):
            response = client.get(export_url("league", "xlsx"))
        sheet = load_workbook(io.BytesIO(response.content)).active
        warnings = " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row)
        assert warnings.count("có dấu hiệu chấm điểm qua lại") == 6  # the six reciprocal pairs
        # session, user, scope (1), months, results with cadres and units
        with django_assert_num_queries(5):
            response = client.get(export_url("ranking", "csv"))
        assert response.content.decode().count("\r\n") == 20


class TestCachedPages:
    """Rendered dashboards are kept per process while the decided months stay as they are."""

    @staticmethod
    def rated(client, url=DASHBOARD + "?month=2026-03"):
        page = client.get(url).content.decode()
        return int(page.split('data-stat="rated">')[1].split("<")[0])

    def test_a_copy_serves_until_a_decision_changes_the_month(self, login, org, months):
        client = login(org.leader_w1)
        assert self.rated(client) == 6
        newcomer = member(org.b, code="NEW", full_name="Người Mới")
        ResultFactory(period=months.march, unit=org.b, cadre=newcomer, total=Decimal(70))
        assert self.rated(client) == 6  # the copy: nothing decided since
        # Every decision stamps the period and writes its summary rows, which stamp it too
        # (scoring.month.services.decide.period_decide).
        months.march.decided_at = timezone.now()
        months.march.save(update_fields=["decided_at"])
        summarize(months.march)
        assert self.rated(client) == 7

    def test_a_reopened_month_leaves_the_dashboard_at_once(self, login, org, months):
        client = login(org.leader_w1)
        assert 'value="2026-03" selected' in client.get(DASHBOARD).content.decode()
        months.march.phase = Phase.REVIEW
        months.march.save(update_fields=["phase"])
        page = client.get(DASHBOARD + "?month=2026-03").content.decode()
        assert 'value="2026-03"' not in page
        assert 'value="2026-02" selected' in page

    def test_each_viewer_gets_the_copy_made_for_them(self, login, org, months):
        """A reciprocal pair is never shown to one of its members, even after another user
        made the copy of the same page."""
        reciprocal_pair(months.march, org.head_a, org.staff_a, org.staff_a2)
        url = DASHBOARD + "?unit=W1-A&month=2026-03"
        assert 'data-flag="reciprocal"' in login(org.leader_w1).get(url).content.decode()
        assert 'data-flag="reciprocal"' not in login(org.head_a).get(url).content.decode()
        assert 'data-flag="reciprocal"' in login(org.leader_w1).get(url).content.decode()

    def test_each_language_gets_its_own_copy(self, login, org, months):
        client = login(org.leader_w1)
        assert "Số người được xếp loại" in client.get(DASHBOARD).content.decode()
        client.cookies["django_language"] = "en"
        assert "Cadres rated" in client.get(DASHBOARD).content.decode()


def test_the_citys_dashboard_compares_its_wards_and_opens_theirs(login, org, months):
    page = login(org.admin).get(DASHBOARD + "?unit=HN&month=2026-03").content.decode()
    assert page.count("data-unit=") == 2
    assert 'data-unit="W1"' in page and 'data-unit="W2"' in page
    assert 'data-unit="W1-A"' not in page
    assert f'href="{DASHBOARD}?unit=W1&amp;month=2026-03"' in page
