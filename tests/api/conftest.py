import json

import pytest

from scoring.api.models import Access, ApiClient


def make_client(unit, *, name="eOffice", access=Access.READ_WRITE, **fields):
    """A registered client and its token (as the page shows it once)."""
    client = ApiClient(name=name, unit=unit, access=access, **fields)
    token = client.set_token()
    client.save()
    return client, token


class Api:
    """The Django test client speaking JSON with a bearer token."""

    def __init__(self, http, token=None, address="127.0.0.1"):
        self.http, self.token, self.address = http, token, address

    def _headers(self):
        headers = {"REMOTE_ADDR": self.address}
        if self.token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        return headers

    def get(self, path, **query):
        return self.http.get(path, query, **self._headers())

    def post(self, path, body):
        return self.http.post(
            path, json.dumps(body), content_type="application/json", **self._headers()
        )

    def put(self, path, body):
        return self.http.put(
            path, json.dumps(body), content_type="application/json", **self._headers()
        )

    def call(self, method, path, body=None):
        if method == "get":
            return self.get(path)
        return getattr(self, method)(path, body if body is not None else {})


@pytest.fixture
def api(client, settings):
    """api(token) → an Api speaking with that token, in English (the language cookie; the API
    answers in Vietnamese without it, as the pages do)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return lambda token=None, **kw: Api(client, token, **kw)


def task(code="NV-1", **over):
    """A task of SA's assigned by HA in W1-A (tests.conftest.build_org)."""
    return {
        "code": code,
        "title": "Báo cáo tháng",
        "assignee_code": "SA",
        "assigned_by_code": "HA",
        "assigned_on": "2026-10-01",
        "deadline": "2026-10-20",
        "expected_result": "Báo cáo",
        "weight": 1,
        "completed_on": None,
        "accepted": False,
        "major_errors": 0,
        "delays": 0,
    } | over


def dossier(code="HS-1", **over):
    """A dossier of W1-A handled by SA, rated satisfied (tests.conftest.build_org)."""
    handled = {"unit_code": "W1-A", "cadre_code": "SA", "handled_on": "2026-10-05"}
    return {"code": code, **handled, "on_time": True, "rating": "satisfied"} | over
