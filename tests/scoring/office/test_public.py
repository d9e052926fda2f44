"""Publicity (issue 15, item 2; docs/RULES.md §3): once a month is published, where the
regulation makes results public, each cadre sees the whole unit's published results — names,
tiers, ranks, rewards — of their own unit only, never a month before it is published, never the
raters or the scores behind a result."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from directives.models import Regulation
from scoring.models import PeriodMember, Phase, Result, Tier
from tests.factories import member
from tests.scoring.factories import open_period
from tests.scoring.office.conftest import NAMES, decide_month

pytestmark = pytest.mark.django_db


def make_public(period, value=True):
    Regulation.objects.filter(pk=period.regulation_id).update(results_public=value)


def test_the_seeded_regulations_say_who_publishes():
    assert Regulation.objects.get(code="HN3814").results_public is True
    assert Regulation.objects.get(code="ND335").results_public is False


def test_a_cadre_sees_the_whole_units_published_results(office, login):
    make_public(office.period)
    response = login(office.org.staff_a2).get(reverse("office:public", args=[office.period.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for name in [office.org.staff_a.full_name, *NAMES.values()]:
        assert name in page
    rows = {r.cadre.full_name: r for r in Result.objects.filter(period=office.period)}
    top = rows[office.org.staff_a.full_name]
    assert f"{top.reward:,}".replace(",", ".") in page  # "3.844.000"
    with translation.override("vi"):
        tiers = {str(Tier.A.label), str(Tier.B.label)}
    for tier in tiers:
        assert tier in page
    assert page.count("<tr") == len(rows) + 1  # the header and one row per result
    # Never the scores behind a result, nor anything about raters.
    for hidden in ("95,00", "30,00", "65,00", "peer", "chéo", "Tự đánh giá"):
        assert hidden not in page.split('id="public-results"')[1], hidden


def test_the_result_page_links_to_the_units_results_only_where_public(office, login):
    client = login(office.org.staff_a)
    url = reverse("month:result", args=[office.period.pk])
    assert "data-public-link" not in client.get(url).content.decode()
    make_public(office.period)
    assert "data-public-link" in client.get(url).content.decode()


def test_a_regulation_that_keeps_results_private_refuses(office, login):
    response = login(office.org.staff_a).get(reverse("office:public", args=[office.period.pk]))
    assert response.status_code == 403


def test_an_hn3814_month_is_public(org, login):
    hn3814 = Regulation.objects.get(code="HN3814")
    period = open_period(org.a, "2026-11", phase=Phase.APPEALS, regulation=hn3814)
    Result.objects.create(
        period=period, cadre=org.staff_a, unit=org.a, tier="B", rank_in_unit=1, reward=17_000_000
    )
    response = login(org.staff_a2).get(reverse("office:public", args=[period.pk]))
    assert response.status_code == 200
    assert "17.000.000" in response.content.decode()


def test_never_a_month_before_it_is_published(office, login):
    decided = decide_month(office.org, office.staff, "2026-10", publish=False)
    make_public(decided)
    client = login(office.org.staff_a)
    assert client.get(reverse("office:public", args=[decided.pk])).status_code == 404
    review = open_period(office.org.a, "2026-12", phase=Phase.REVIEW)
    assert client.get(reverse("office:public", args=[review.pk])).status_code == 404


def test_only_the_cadres_own_unit(org, login):
    """A month over the ward: a cadre of W1-A sees W1-A's results, not W1-B's."""
    period = open_period(org.w1, "2026-11", phase=Phase.APPEALS)
    make_public(period)
    b_staff = member(org.b, code="SB9", full_name="Đỗ Thị Bình")
    PeriodMember.objects.get_or_create(
        period=period, cadre=b_staff, defaults={"unit": org.b, "job_group": "specialist"}
    )
    for cadre, unit, rank in (
        (org.staff_a, org.a, 1),
        (b_staff, org.b, 1),
        (org.staff_b, org.b, 2),
    ):
        Result.objects.create(
            period=period, cadre=cadre, unit=unit, tier="B", rank_in_unit=rank, total=Decimal(80)
        )
    page = login(org.staff_a2).get(reverse("office:public", args=[period.pk])).content.decode()
    assert org.staff_a.full_name in page
    assert "Đỗ Thị Bình" not in page and org.staff_b.full_name not in page
    page = login(org.staff_b).get(reverse("office:public", args=[period.pk])).content.decode()
    assert "Đỗ Thị Bình" in page and org.staff_a.full_name not in page


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("staff_a", 200),
        ("staff_a2", 200),
        ("head_a", 200),  # scored in the month too
        ("staff_b", 404),  # an outsider: not scored in this month
        ("head_b", 404),
        ("leader_w1", 404),  # read-only over the ward, not a member of the month
    ],
)
def test_who_sees_the_units_results(office, login, client, who, status):
    make_public(office.period)
    if who != "anonymous":
        client = login(getattr(office.org, who))
    assert client.get(reverse("office:public", args=[office.period.pk])).status_code == status


def test_the_page_reads_in_fixed_queries(office, django_assert_num_queries):
    make_public(office.period)
    client = Client()
    client.force_login(office.org.staff_a.user)
    url = reverse("office:public", args=[office.period.pk])
    for extra in (0, 6):
        for i in range(extra):
            cadre = member(office.org.a, code=f"P{i}", full_name=f"Hồ Văn {i}")
            Result.objects.create(period=office.period, cadre=cadre, unit=office.org.a, tier="C")
        client.get(url)
        # session, user, scope (1) + own membership with period and unit, results
        with django_assert_num_queries(5):
            assert client.get(url).status_code == 200
