"""POST /api/v1/dossiers/ (docs/API.md): rated dossiers through the dossier import's own code,
all or nothing, within the client's subtree."""

import pytest

from directives.dossiers.models import DossierRating, Rating
from directives.models import AuditEntry
from tests.api.conftest import dossier, make_client
from tests.dashboard.factories import PeriodFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/dossiers/"


def test_a_batch_creates_the_dossiers_with_one_audit_entry(org, api):
    _, token = make_client(org.w1)
    body = {
        "dossiers": [
            dossier(),
            dossier("HS-2", rating="Không hài lòng", on_time=False, comment="Chậm", verified=True),
        ]
    }
    response = api(token).post(URL, body)
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "updated": 0, "unchanged": 0}
    second = DossierRating.objects.get(code="HS-2")
    assert (second.rating, second.verified, second.comment) == (Rating.UNSATISFIED, True, "Chậm")
    entry = AuditEntry.objects.get(action="dossiers_import")
    assert entry.actor == "API client eOffice"
    # The same request again changes nothing; a change by code is an update.
    assert api(token).post(URL, body).json() == {"created": 0, "updated": 0, "unchanged": 2}
    again = {"dossiers": [dossier(rating="very_satisfied")]}
    assert api(token).post(URL, again).json() == {"created": 0, "updated": 1, "unchanged": 0}
    # Fields left out of an item leave the stored ones alone.
    assert DossierRating.objects.get(code="HS-2").comment == "Chậm"


def test_a_batch_is_all_or_nothing_with_every_bad_field_named(org, api):
    _, token = make_client(org.w1)
    body = {
        "dossiers": [
            dossier(),
            dossier("HS-2", cadre_code="NOBODY"),
            dossier("HS-3", rating="great", verified=True),
            dossier("HS-4", handled_on="2026-13-01"),
        ]
    }
    response = api(token).post(URL, body)
    assert response.status_code == 422
    pointers = [e["pointer"] for e in response.json()["errors"]]
    assert pointers == [
        "/dossiers/1/cadre_code",
        "/dossiers/2/rating",
        "/dossiers/3/handled_on",
    ]
    assert not DossierRating.objects.exists()


@pytest.mark.parametrize(
    "body",
    [{}, {"dossiers": []}, {"dossiers": "x"}, {"dossiers": [1]}, {"dossiers": [{"x": 1}]}],
)
def test_a_body_of_the_wrong_shape_is_named(org, api, body):
    _, token = make_client(org.w1)
    response = api(token).post(URL, body)
    assert response.status_code == 422
    assert response.json()["errors"]
    assert not DossierRating.objects.exists()


def test_more_than_the_batch_limit_is_refused(org, api, settings):
    settings.API_BATCH_MAX = 2
    _, token = make_client(org.w1)
    body = {"dossiers": [dossier(f"HS-{n}") for n in range(3)]}
    response = api(token).post(URL, body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/dossiers"


def test_a_decided_month_never_changes_through_the_api(org, api):
    PeriodFactory(scope=org.w1, month="2026-10")
    _, token = make_client(org.w1)
    response = api(token).post(URL, {"dossiers": [dossier()]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/dossiers/0/handled_on"
    assert not DossierRating.objects.exists()
