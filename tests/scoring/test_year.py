"""The year (docs/RULES.md §1): roll-up of decided months, its page and `export results YYYY`."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from directives.models import Regulation
from scoring.models import Period, Phase
from scoring.month.selectors.periods import year_results
from scoring.month.services.opening import default_dates
from tests.factories import member
from tests.scoring.factories import results_in_bulk
from units.models import Cadre, Unit

pytestmark = pytest.mark.django_db

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


def decide_month(scope, month, rows, phase=Phase.LOCKED):
    """A decided month with given results: rows = [(cadre, unit, total, rated, reasons)]."""
    period = Period.objects.create(
        month=month,
        scope=scope,
        regulation=Regulation.objects.get(code="ND335"),
        phase=phase,
        **default_dates(month),
    )

    def fields(total, rated, reasons):
        return {
            "rated": rated,
            "total": Decimal(total),
            "supervisor_score": Decimal(25),
            "tier": "B" if rated else "",
            "reasons": [{"code": code, "message": code} for code in reasons],
        }

    results_in_bulk(period, [(cadre, unit, fields(*shown)) for cadre, unit, *shown in rows])
    return period


def decide_months(scope, count, results):
    """The first `count` months of 2026 decided over `scope`, the i-th with `results(i)`."""
    for i, month in enumerate(MONTHS[:count]):
        decide_month(scope, month, results(i))


@pytest.fixture
def year(org):
    """Eight decided months of W1-A: SA always 92 (A), SA2 85, HA rated only 5 months."""

    def results(i):
        return [
            (org.staff_a, org.a, "92.00", True, []),
            (org.staff_a2, org.a, "80.00" if i % 2 else "90.00", True, []),
            (org.head_a, org.a, "95.00", i < 5, [] if i < 5 else ["leave"]),
            (org.staff_b, org.b, "99.00", True, ["discipline"] if i == 3 else []),
        ]

    decide_months(org.w1, 8, results)
    return org


def test_year_total_is_the_mean_of_rated_months_with_tiers_and_quota(year):
    table = year_results(year=2026, scope=year.w1)
    rows = {r.code: r for r in table.rows}
    assert table.months == tuple(MONTHS[:8])
    assert rows["SA"].total.shown == Decimal("92.00")
    assert rows["SA2"].total.shown == Decimal("85.00")
    assert rows["SA2"].tier == "B"
    # One A-candidate beside one B: 20% of the 1 other good one allows no A.
    assert (rows["SA"].tier_before_quota, rows["SA"].tier) == ("A", "B")
    assert rows["SA"].reasons[0].code == "quota_demoted"
    assert rows["SA"].rated_months == 8
    assert rows["SA"].rank_in_unit == 1 and rows["SA2"].rank_in_unit == 2


def test_fewer_than_six_rated_months_is_not_rated(year):
    head = {r.code: r for r in year_results(year=2026, scope=year.w1).rows}["HA"]
    assert head.rated_months == 5
    assert head.tier is None
    assert head.reasons[0].code == "too_few_rated_months"


def test_discipline_in_any_month_makes_the_year_d(year):
    staff_b = {r.code: r for r in year_results(year=2026, scope=year.w1).rows}["SB"]
    assert staff_b.total.shown == Decimal("99.00")
    assert staff_b.tier == "D"


def test_discipline_with_fewer_than_six_rated_months_is_not_rated_nor_ranked(org):
    """docs/RULES.md §1: not rated comes first, as in a month (no tier, no rank)."""

    def results(i):
        marks = ["discipline"] if i == 1 else ["leave"] * (i >= 4)
        return [
            (org.staff_a, org.a, "70.00", True, []),
            (org.staff_b, org.b, "99.00", i < 4, marks),
        ]

    decide_months(org.w1, 8, results)
    rows = {r.code: r for r in year_results(year=2026, scope=org.w1).rows}
    assert rows["SB"].rated_months == 4
    assert (rows["SB"].tier, rows["SB"].rank_in_unit, rows["SB"].rank_in_scope) == (None,) * 3
    assert [r.code for r in rows["SB"].reasons] == ["too_few_rated_months"]
    assert rows["SA"].rank_in_scope == 1


def test_the_quota_applies_to_the_year(org):
    people = [member(org.b, code=f"Q{i}") for i in range(6)]
    for month in MONTHS[:6]:
        decide_month(
            org.w1, month, [(c, org.b, f"{95 - i}.00", True, []) for i, c in enumerate(people)]
        )
    tiers = {r.code: r.tier for r in year_results(year=2026, scope=org.b).rows}
    assert list(tiers.values()).count("A") == 1
    assert tiers["Q0"] == "A"


def test_other_years_and_undecided_periods_do_not_count(org):
    decide_month(org.w1, "2025-12", [(org.staff_a, org.a, "10.00", True, [])])
    decide_month(org.w1, "2026-01", [(org.staff_a, org.a, "20.00", True, [])], phase=Phase.REVIEW)
    decide_month(org.w1, "2026-02", [(org.staff_a, org.a, "90.00", True, [])])
    rows = year_results(year=2026, scope=org.w1).rows
    assert [(r.code, r.rated_months, r.total.shown) for r in rows] == [("SA", 1, Decimal("90.00"))]


def test_a_scope_sees_only_its_subtree(year):
    codes = {r.code for r in year_results(year=2026, scope=year.a).rows}
    assert codes == {"SA", "SA2", "HA"}


# --- the page ------------------------------------------------------------------------------


def url(code="W1", year=2026):
    return reverse("periods:year", args=[year, code])


def test_the_year_page_needs_a_login(client, year):
    response = client.get(url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_outsiders_get_404_and_staff_get_403(login, year):
    assert login(year.leader_w2).get(url("W1")).status_code == 404
    assert login(year.head_b).get(url("W1-A")).status_code == 404
    assert login(year.staff_a).get(url("W1-A")).status_code == 403


def test_heads_and_leaders_see_their_subtree(login, year):
    page = login(year.head_a).get(url("W1-A")).content.decode()
    assert year.staff_a.full_name in page
    assert "92,00" in page  # Vietnamese decimal comma
    assert year.staff_b.full_name not in page
    page = login(year.leader_w1).get(url("W1")).content.decode()
    assert year.staff_b.full_name in page


def test_a_year_without_decided_months_says_so(login, year):
    response = login(year.leader_w1).get(url("W1", 2024))
    assert response.status_code == 200
    assert "2024" in response.content.decode()


def test_the_year_page_query_count_does_not_grow_with_rows(login, org, django_assert_num_queries):
    client = login(org.leader_w1)
    extra = [member(org.a, code=f"X{i}") for i in range(20)]
    for month in MONTHS[:6]:
        decide_month(org.w1, month, [(c, org.a, "80.00", True, []) for c in extra[:2]])
    # session, user, scope (one query), unit, results, regulation, the head
    # signing the printed page
    with django_assert_num_queries(7):
        assert client.get(url()).status_code == 200
    for month in MONTHS[6:12]:
        decide_month(org.w1, month, [(c, org.a, "80.00", True, []) for c in extra])
    with django_assert_num_queries(7):
        page = client.get(url()).content.decode()
    assert extra[19].full_name in page


# --- export --------------------------------------------------------------------------------


def test_export_results_of_a_year(year):
    out = io.StringIO()
    call_command("export", "results", "2026", "--scope", "W1", stdout=out)
    assert out.getvalue().startswith("\ufeff")  # so Excel opens it as UTF-8
    rows = list(csv.DictReader(io.StringIO(out.getvalue().removeprefix("\ufeff"))))
    documented = "cadre_code unit_code job_group rated_months total tier_before_quota tier"
    ranks = "rank_in_unit rank_in_scope"
    names = "full_name unit_name"  # after the documented columns
    assert list(rows[0]) == f"{documented} {ranks} {names}".split()
    by_code = {r["cadre_code"]: r for r in rows}
    assert [r["cadre_code"] for r in rows] == sorted(by_code)
    assert by_code["SA"]["total"] == "92.00"
    assert by_code["HA"]["tier"] == "" and by_code["HA"]["rank_in_scope"] == ""
    assert by_code["HA"]["total"] == "95.00"
    sa = Cadre.objects.get(code="SA")
    unit_name = Unit.objects.get(code=by_code["SA"]["unit_code"]).name
    assert (by_code["SA"]["full_name"], by_code["SA"]["unit_name"]) == (sa.full_name, unit_name)


# --- the navigation ------------------------------------------------------------------------


def nav(page: str) -> str:
    return page.split('id="nav"')[1].split("</ul>")[0]


@pytest.mark.parametrize("who", ["head_a", "leader_w1", "admin"])
def test_the_navigation_links_the_year_for_heads_leaders_and_administrators(
    login, org, who, settings
):
    client = login(getattr(org, who))
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("periods:year_start")}">Kết quả năm<' in nav(page)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("periods:year_start")}">Year results<' in nav(page)


def test_the_navigation_has_no_year_for_a_cadre(login, org):
    page = login(org.staff_a).get(reverse("home")).content.decode()
    assert reverse("periods:year_start") not in nav(page)
    assert login(org.staff_a).get(reverse("periods:year_start")).status_code == 403


@pytest.mark.parametrize(
    ("who", "unit"), [("head_a", "W1-A"), ("leader_w1", "W1"), ("admin", "HN")]
)
def test_the_year_link_opens_this_year_of_the_widest_unit_one_may_browse(login, org, who, unit):
    response = login(getattr(org, who)).get(reverse("periods:year_start"))
    assert response.status_code == 302
    assert response.url == url(unit, timezone.localdate().year)
