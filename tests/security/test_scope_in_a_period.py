"""Scope inside a period: a head of a sibling unit reads only their own part of a ward's month,
and a form naming a scorecard that does not exist is answered, not a 500."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import AppealStatus, Phase, Scorecard
from scoring.month.services.appeals import appeal_file
from scoring.month.services.decide import period_decide, period_publish
from tests.scoring.factories import open_period, points, submit
from units.models import Cadre

pytestmark = pytest.mark.django_db


def test_a_form_naming_a_scorecard_that_does_not_exist_is_answered_not_a_500(org, login, settings):
    period = open_period(org.a, "2026-10", phase=Phase.SELF)
    form = {f"points_{code}": str(value) for code, value in points().items()}
    client = login(org.staff_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("month:self", args=[period.pk]), form | {"version": "3", "action": "submit"}
    )
    assert response.status_code == 200
    assert "changed after you opened it" in response.content.decode()
    assert not Scorecard.objects.filter(period=period).exists()


# --- one period over the ward: a head of a sibling unit reads only their own part ------------

ALPHA = "Alpha Unique 5151"  # SA of W1-A, renamed so any mention of them is a plain substring


@pytest.fixture
def ward(org):
    """Periods over the whole ward W1: 2026-10 in review (SA has no self-assessment yet),
    2026-09 published with SA's open appeal."""
    Cadre.objects.filter(pk=org.staff_a.pk).update(full_name=ALPHA)
    published = open_period(org.w1, "2026-09", phase=Phase.REVIEW)
    for cadre, head in (
        (org.staff_a, org.head_a),
        (org.staff_a2, org.head_a),
        (org.staff_b, org.head_b),
    ):
        submit(published, cadre, cadre, "self")
        submit(published, cadre, head, "supervisor", points(T=50))
    published = period_publish(period=period_decide(period=published, user=None), user=None)
    appeal = appeal_file(period=published, cadre=org.staff_a, text="Xin xem lại", user=None)
    # The cross-evaluation is over, so the decide page shows its provisional rows.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    closed = dict.fromkeys(("self_until", "peer_until"), yesterday)
    review = open_period(org.w1, "2026-10", phase=Phase.REVIEW, **closed)
    return SimpleNamespace(org=org, published=published, review=review, appeal=appeal)


def test_a_head_inside_a_ward_period_reads_only_their_own_unit(ward, login):
    org, review, published = ward.org, ward.review.pk, ward.published.pk
    shared = [
        ("month:decide", [review], {}),
        ("month:decide", [published], {}),
        ("month:appeals", [published], {}),
        ("month:progress", [review], {}),
        ("periods:year", [2026, "W1-B"], {}),
        ("dashboard-ranking", [], {"unit": "W1-B", "month": "2026-09"}),
    ]
    for name, args, query in shared:
        url = reverse(name, args=args)
        assert ALPHA not in login(org.head_b).get(url, query).content.decode(), name
        if name.startswith("month:"):  # the same page over W1-A names SA
            assert ALPHA in login(org.head_a).get(url, query).content.decode(), name
    client = login(org.head_b)
    for name, args, query in [
        ("month:progress", [review], {"unit": "W1-A"}),
        ("month:grid", [review, "W1-A"], {}),
        ("month:cadre_result", [published, "SA"], {}),
        ("month:tasks", [review, "SA"], {}),
        ("dashboard-cadre", ["SA"], {}),
        ("dashboard", [], {"unit": "W1", "month": "2026-09"}),
        ("periods:year", [2026, "W1"], {}),
    ]:
        assert client.get(reverse(name, args=args), query).status_code == 404, name
    reply = reverse("month:appeal_reply", args=[published, ward.appeal.pk])
    answer = {"decision": "reject", "answer": "Không"}
    assert client.post(reply, answer).status_code == 404
    for name, pk in (("month:decide", review), ("month:publish", published)):
        assert client.post(reverse(name, args=[pk])).status_code == 403, name
    ward.appeal.refresh_from_db()
    ward.review.refresh_from_db()
    assert (ward.appeal.status, ward.review.phase) == (AppealStatus.OPEN, Phase.REVIEW)
