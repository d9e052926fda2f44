"""The rated dossiers in the month's pages (docs/RULES.md §7): the head sees each cadre's
figures beside the grid, the cadre their own on the result page; no comment reaches either of
them there, only the head's comments page."""

import pytest
from django.urls import reverse

from directives.dossiers.models import DossierRating, Rating
from scoring.month.services.decide import period_decide, period_publish

pytestmark = pytest.mark.django_db
COMMENT = "Cán bộ SA hẹn nhiều lần"


@pytest.fixture
def rated(ready):
    first = ready.period.first_day
    for n, rating in enumerate([Rating.VERY_SATISFIED, Rating.SATISFIED, Rating.UNSATISFIED]):
        DossierRating.objects.create(
            code=f"HS-{n}",
            unit=ready.org.a,
            cadre=ready.org.staff_a,
            handled_on=first,
            on_time=n < 2,
            rating=rating,
            comment=COMMENT if rating == Rating.UNSATISFIED else "",
            verified=rating == Rating.UNSATISFIED,
        )
    return ready


def test_the_head_sees_each_cadres_figures_beside_the_grid(rated, login):
    period, org = rated.period, rated.org
    page = login(org.head_a).get(reverse("month:grid", args=[period.pk, "W1-A"])).content.decode()
    row = page.split('data-row="SA"')[1].split("</tr>")[0]
    service = row.split("data-service>")[1].split("</div>")[0]
    assert "3" in service and "66,7%" in service and "1" in service
    assert page.count("data-service>") == 1  # only SA handled dossiers
    assert COMMENT not in page
    comments = reverse("directives:dossier_comments", args=["W1-A", period.month])
    assert f'href="{comments}"' in page


def test_the_cadre_sees_their_own_on_the_result_page_and_no_comment(rated, login):
    period, org = rated.period, rated.org
    period_decide(period=period, user=None)
    period_publish(period=period, user=None)
    page = login(org.staff_a).get(reverse("month:result", args=[period.pk])).content.decode()
    section = page.split("data-service>")[1].split("</section>")[0]
    assert "66,7%" in section
    assert COMMENT not in page
    # A peer's result page shows nothing of SA's dossiers.
    peer = login(org.staff_a2).get(reverse("month:result", args=[period.pk])).content.decode()
    assert "data-service" not in peer and COMMENT not in peer
