"""The administrator's client pages: who may open them, the token shown once and stored
hashed, rotate, revoke, settings, and the queries of the lists."""

import re

import pytest

from directives.models import AuditEntry
from scoring.api.models import ApiClient, ApiRequest, WebhookDelivery, hash_token
from tests.api.conftest import make_client

TOKEN = re.compile(r'value="(fc_[^"]+)" data-token')


@pytest.fixture
def registered(org):
    return make_client(org.w1)[0]


def pages(client):
    return [
        ("get", "/integrations/"),
        ("post", "/integrations/"),
        ("get", f"/integrations/{client.pk}/"),
        ("post", f"/integrations/{client.pk}/"),
        ("post", f"/integrations/{client.pk}/rotate/"),
        ("post", f"/integrations/{client.pk}/revoke/"),
    ]


def test_anonymous_goes_to_the_login_page(org, client, registered):
    for method, path in pages(registered):
        response = getattr(client, method)(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("who", ["staff_a", "head_a", "leader_w1", "head_b"])
def test_nobody_but_the_administrator(org, login, registered, who):
    """A cadre, the unit's head, the leader above and a head of another unit: 403, no change."""
    http = login(getattr(org, who))
    before = list(ApiClient.objects.values())
    for method, path in pages(registered):
        data = {"name": "x", "unit": "W1", "access": "read_write"} if method == "post" else None
        assert getattr(http, method)(path, data).status_code == 403
    assert list(ApiClient.objects.values()) == before


def test_registering_shows_the_token_once_and_keeps_its_hash(org, login, api):
    http = login(org.admin)
    data = {"name": "Một cửa", "unit": "W1", "access": "read", "allowed_ips": " 10.0.0.0/8 \n\n"}
    page = http.post("/integrations/", data)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    token = TOKEN.search(page.content.decode()).group(1)
    client = ApiClient.objects.get(name="Một cửa")
    assert client.token_hash == hash_token(token) and token not in str(
        list(ApiClient.objects.values())
    )
    assert (client.unit, client.access, client.allowed_ips) == (org.w1, "read", "10.0.0.0/8")
    assert client.created_by == org.admin
    assert token not in http.get(f"/integrations/{client.pk}/").content.decode()
    assert api(token, address="10.1.2.3").get("/api/v1/units/").status_code == 200
    assert AuditEntry.objects.get(action="api_client.register").actor == "root"


def test_a_bad_address_or_a_webhook_without_an_address_is_named(org, login):
    http = login(org.admin)
    page = http.post(
        "/integrations/",
        {
            "name": "x",
            "unit": "W1",
            "access": "read",
            "allowed_ips": "10.0.0.300",
            "webhook_events": ["month.published"],
        },
    )
    text = page.content.decode()
    assert page.status_code == 200 and not ApiClient.objects.exists()
    assert "10.0.0.300" in text


def test_rotating_stops_the_old_token_and_shows_the_new_once(org, login, api):
    client, old = make_client(org.w1)
    http = login(org.admin)
    page = http.post(f"/integrations/{client.pk}/rotate/")
    new = TOKEN.search(page.content.decode()).group(1)
    assert new != old
    assert api(old).get("/api/v1/units/").status_code == 401
    assert api(new).get("/api/v1/units/").status_code == 200
    assert AuditEntry.objects.filter(action="api_client.rotate").count() == 1


def test_revoking_stops_the_token(org, login, api):
    client, token = make_client(org.w1)
    http = login(org.admin)
    response = http.post(f"/integrations/{client.pk}/revoke/")
    assert response.status_code == 302
    assert api(token).get("/api/v1/units/").status_code == 401
    client.refresh_from_db()
    assert client.revoked
    assert AuditEntry.objects.filter(action="api_client.revoke").count() == 1


def test_changing_the_settings(org, login, api):
    client, token = make_client(org.w1)
    http = login(org.admin)
    data = {"name": "eOffice", "unit": "W1-B", "access": "read", "allowed_ips": ""}
    response = http.post(f"/integrations/{client.pk}/", data)
    assert response.status_code == 302
    client.refresh_from_db()
    assert (client.unit, client.access) == (org.b, "read")
    units = api(token).get("/api/v1/units/").json()["results"]
    assert [u["code"] for u in units] == ["W1-B"]


def test_the_list_and_the_page_in_a_fixed_number_of_queries(org, login, django_assert_num_queries):
    http = login(org.admin)
    for i in range(5):
        client, _ = make_client(org.w1, name=f"c{i}")
        ApiRequest.objects.create(client=client, method="GET", path="/api/v1/units/", status=200)
        WebhookDelivery.objects.create(client=client, event="month.published", payload={})
    http.get("/integrations/")  # warm the session and the scope
    with django_assert_num_queries(5):
        assert http.get("/integrations/").status_code == 200
    with django_assert_num_queries(7):
        assert http.get(f"/integrations/{client.pk}/").status_code == 200
