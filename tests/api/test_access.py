"""Every endpoint for the allowed, out-of-subtree, read-only, revoked, throttled, unknown and
session callers; the log of every request; a token never opens a browser page."""

import pytest
from django.core.cache import cache

from scoring.api.models import Access, ApiRequest
from tests.api.conftest import dossier, make_client, task

# (method, path, body, writes): every endpoint of /api/v1/ but the description
ENDPOINTS = [
    ("get", "/api/v1/units/", None, False),
    ("get", "/api/v1/cadres/", None, False),
    ("get", "/api/v1/results/2026-09/", None, False),
    ("get", "/api/v1/results/year/2026/", None, False),
    ("post", "/api/v1/tasks/", {"tasks": [task()]}, True),
    ("get", "/api/v1/tasks/NV-1/", None, False),
    ("post", "/api/v1/dossiers/", {"dossiers": [dossier()]}, True),
    ("get", "/api/v1/webhook/", None, False),
    ("put", "/api/v1/webhook/", {"url": "https://hr.example/hook", "events": []}, False),
]
IDS = [f"{m} {p}" for m, p, _, _ in ENDPOINTS]


def _existing_task(org, api):
    _, token = make_client(org.w1, name="loader")
    assert api(token).post("/api/v1/tasks/", {"tasks": [task()]}).status_code == 200


@pytest.mark.parametrize(("method", "path", "body", "writes"), ENDPOINTS, ids=IDS)
def test_an_allowed_client(org, api, method, path, body, writes):
    _existing_task(org, api)
    client, token = make_client(org.w1)
    response = api(token).call(method, path, body)
    assert response.status_code == 200, response.content
    logged = ApiRequest.objects.filter(client=client).get()
    assert (logged.method, logged.path, logged.status) == (method.upper(), path, 200)


@pytest.mark.parametrize(("method", "path", "body", "writes"), ENDPOINTS, ids=IDS)
def test_a_read_only_client_reads_but_does_not_write(org, api, method, path, body, writes):
    _existing_task(org, api)
    client, token = make_client(org.w1, access=Access.READ)
    response = api(token).call(method, path, body)
    assert response.status_code == (403 if writes else 200)
    assert ApiRequest.objects.get(client=client).status == response.status_code


@pytest.mark.parametrize(("method", "path", "body", "writes"), ENDPOINTS, ids=IDS)
def test_a_client_of_another_subtree(org, api, method, path, body, writes):
    """Out of the subtree: its units and cadres only, nobody's results, no task of W1-A."""
    _existing_task(org, api)
    _, token = make_client(org.w2)
    response = api(token).call(method, path, body)
    if path == "/api/v1/tasks/":
        assert response.status_code == 422
        assert "not a unit you manage" in str(response.json()["errors"])
    elif path == "/api/v1/dossiers/":
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/dossiers/0/unit_code"
    elif path.startswith("/api/v1/tasks/"):
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        text = response.content.decode()
        assert "W1-A" not in text and "SA" not in text
    if path.startswith(("/api/v1/units", "/api/v1/cadres", "/api/v1/results")):
        assert api(token).get(path, unit="W1").status_code == 404  # a unit outside it


@pytest.mark.parametrize(("method", "path", "body", "writes"), ENDPOINTS, ids=IDS)
def test_a_revoked_client_is_refused_and_logged(org, api, method, path, body, writes):
    client, token = make_client(org.w1)
    client.revoked_at = client.rotated_at
    client.save()
    response = api(token).call(method, path, body)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Bearer"
    assert ApiRequest.objects.get(client=client).status == 401


@pytest.mark.parametrize(("method", "path", "body", "writes"), ENDPOINTS, ids=IDS)
def test_a_throttled_client(org, api, settings, method, path, body, writes):
    settings.API_THROTTLE_READ = settings.API_THROTTLE_WRITE = "2/min"
    cache.clear()
    _, token = make_client(org.w1)
    _, other = make_client(org.w1, name="other")
    statuses = [api(token).call(method, path, body).status_code for _ in range(3)]
    assert statuses[2] == 429 and 429 not in statuses[:2]
    refused = api(token).call(method, path, body)
    assert refused.json()["type"].endswith("/throttled") and int(refused["Retry-After"]) > 0
    # per client: another client is not slowed down
    assert api(other).call(method, path, body).status_code != 429


@pytest.mark.parametrize(("method", "path", "body", "writes"), ENDPOINTS, ids=IDS)
def test_no_token_an_unknown_token_or_a_session_never_work(
    org, api, login, method, path, body, writes
):
    assert api().call(method, path, body).status_code == 401
    assert api("fc_nope").call(method, path, body).status_code == 401
    login(org.admin)  # a person's browser session is not a way in
    assert api().call(method, path, body).status_code == 401
    assert not ApiRequest.objects.exists()


@pytest.mark.parametrize(("method", "path", "body", "writes"), ENDPOINTS, ids=IDS)
def test_an_address_outside_the_allow_list(org, api, method, path, body, writes):
    _, token = make_client(org.w1, allowed_ips="10.0.0.0/24\n192.168.1.7")
    assert api(token, address="10.0.1.1").call(method, path, body).status_code == 403
    assert api(token, address="10.0.0.9").call(method, path, body).status_code != 403
    assert api(token, address="192.168.1.7").call(method, path, body).status_code != 403
    assert list(ApiRequest.objects.values_list("status", flat=True))[-1] == 403


def test_a_token_never_opens_a_browser_page(org, api, client):
    _, token = make_client(org.w1)
    for page in ("/months/", "/integrations/", "/api/v1/docs/", "/api/v1/schema/"):
        response = client.get(page, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_answers_are_in_vietnamese_without_the_language_cookie(org, client):
    _, token = make_client(org.w1, access=Access.READ)
    response = client.post(
        "/api/v1/tasks/",
        "{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.json()["title"] == "Không được phép"
