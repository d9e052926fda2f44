"""An htmx request from an anonymous user (a session that ended) gets a 401 the page's script
handles, never the login page to swap into the page (issue 15 item 8)."""

import json

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_anonymous_htmx_request_gets_401_with_the_session_ended_event(client):
    response = client.post(reverse("month:due"), HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert response["HX-Reswap"] == "none"
    event = json.loads(response["HX-Trigger"])
    assert event == {"fc:session-ended": {"login": reverse("login")}}
    assert "<form" not in response.content.decode()


def test_an_anonymous_page_request_is_still_sent_to_the_login_page(client):
    response = client.get(reverse("month:due"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_signed_in_htmx_request_is_answered_as_usual(client):
    client.force_login(UserFactory())
    response = client.get(reverse("month:due"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "HX-Trigger" not in response
