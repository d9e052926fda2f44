"""Webhooks: queued with what they announce, signed, tried by run_schedule with backoff."""

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from scoring.api import webhooks
from scoring.api.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from scoring.month.services.appeals import appeal_answer, appeal_file
from tests.api.conftest import make_client
from tests.api.test_results import decided

EVENTS = [WebhookEvent.MONTH_PUBLISHED, WebhookEvent.APPEAL_ANSWERED]
NOW = dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def on_the_fifth():
    """Deliveries are queued "now": the clock stands at NOW (tests never read today)."""
    with time_machine.travel(NOW, tick=False):
        yield


def subscribed(unit, name, events=EVENTS, **kw):
    client, _ = make_client(unit, name=name, access="read", **kw)
    client.webhook_url = f"https://{name}.example/hook"
    client.webhook_events = list(events)
    client.save()
    return client


class Receiver:
    """Answers each POST with the next status (or raises for None), keeps what it got."""

    def __init__(self, *answers):
        self.answers, self.got = list(answers), []

    def __call__(self, url, body, headers):
        self.got.append((url, body, headers))
        answer = self.answers.pop(0)
        if answer is None:
            raise OSError("connection refused")
        return answer


def test_the_signature_verifies_and_a_change_or_an_old_timestamp_does_not():
    body = b'{"event":"month.published"}'
    header = webhooks.signature("s3cret", 1_790_000_000, body)
    assert header.startswith("t=1790000000,v1=") and len(header.split("v1=")[1]) == 64
    assert webhooks.verify("s3cret", header, body, now=1_790_000_100)
    assert not webhooks.verify("s3cret", header, body + b" ", now=1_790_000_100)
    assert not webhooks.verify("other", header, body, now=1_790_000_100)
    assert not webhooks.verify("s3cret", header, body, now=1_790_000_000 + 301)
    assert not webhooks.verify("s3cret", "v1=abc", body)


def test_publishing_queues_a_delivery_for_each_subscriber_whose_units_it_covers(org):
    w1 = subscribed(org.w1, "payroll")
    below = subscribed(org.a, "dept")
    subscribed(org.w2, "other-ward")
    subscribed(org.w1, "appeals-only", events=[WebhookEvent.APPEAL_ANSWERED])
    revoked = subscribed(org.w1, "revoked")
    revoked.revoked_at = timezone.now()
    revoked.save()
    period = decided(org, "2026-08", publish=True)
    queued = WebhookDelivery.objects.filter(event=WebhookEvent.MONTH_PUBLISHED)
    assert {d.client for d in queued} == {w1, below}
    assert queued.first().payload == {
        "event": "month.published",
        "month": "2026-08",
        "unit_code": "W1-A",
        "published_at": period.published_at.isoformat(),
        "results": "/api/v1/results/2026-08/",
    }


def test_answering_an_appeal_queues_a_delivery(org):
    client = subscribed(org.w1, "hr")
    subscribed(org.b, "dept-b")
    period = decided(org, "2026-08", publish=True)
    appeal = appeal_file(period=period, cadre=org.staff_a, text="Xin xem lại", user=None)
    appeal_answer(appeal=appeal, accept=False, answer="Giữ nguyên", user=org.head_a.user)
    delivery = WebhookDelivery.objects.get(event=WebhookEvent.APPEAL_ANSWERED)
    assert delivery.client == client
    assert delivery.payload | {"answered_at": None} == {
        "event": "appeal.answered",
        "month": "2026-08",
        "cadre_code": "SA",
        "unit_code": "W1-A",
        "status": "rejected",
        "answered_at": None,
    }


def test_a_delivery_is_signed_and_marked_delivered(org):
    client = subscribed(org.w1, "payroll")
    decided(org, "2026-08", publish=True)
    receiver = Receiver(204)
    lines = webhooks.deliver_due(now=NOW, post=receiver)
    assert len(lines) == 1 and "delivered" in lines[0]
    url, body, headers = receiver.got[0]
    assert url == "https://payroll.example/hook"
    assert headers["X-FiveClear-Event"] == "month.published"
    signed = headers["X-FiveClear-Signature"]
    assert webhooks.verify(client.webhook_secret, signed, body, now=NOW.timestamp())
    delivery = WebhookDelivery.objects.get()
    assert json.loads(body) == {**delivery.payload, "delivery": delivery.pk}
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("delivered", 1, 204)
    assert webhooks.deliver_due(now=NOW + dt.timedelta(days=1), post=receiver) == []


def test_failures_wait_longer_each_time_then_give_up(org, settings):
    settings.WEBHOOK_BACKOFF_MINUTES = [1, 5, 15]
    settings.WEBHOOK_MAX_ATTEMPTS = 4
    subscribed(org.w1, "payroll")
    decided(org, "2026-08", publish=True)
    receiver = Receiver(500, None, 404, 503)
    now, waits = NOW, []
    for _ in range(4):
        assert len(webhooks.deliver_due(now=now, post=receiver)) == 1
        delivery = WebhookDelivery.objects.get()
        if delivery.status == DeliveryStatus.PENDING:
            waits.append(delivery.next_attempt_at - now)
            # not due before its time
            assert (
                webhooks.deliver_due(
                    now=delivery.next_attempt_at - dt.timedelta(seconds=1), post=receiver
                )
                == []
            )
            now = delivery.next_attempt_at
    assert waits == [dt.timedelta(minutes=m) for m in (1, 5, 15)]
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("failed", 4, 503)
    assert webhooks.deliver_due(now=now + dt.timedelta(days=9), post=receiver) == []


def test_a_failure_then_success(org):
    subscribed(org.w1, "payroll")
    decided(org, "2026-08", publish=True)
    receiver = Receiver(None, 200)
    webhooks.deliver_due(now=NOW, post=receiver)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.last_error == "connection refused"
    webhooks.deliver_due(now=delivery.next_attempt_at, post=receiver)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)


def test_run_schedule_delivers_what_is_due(org, monkeypatch):
    subscribed(org.w1, "payroll")
    decided(org, "2026-08", publish=True)
    receiver = Receiver(200)
    monkeypatch.setattr(webhooks, "_post", receiver)
    out = io.StringIO()
    call_command("run_schedule", "--date", "2026-10-05", "--no-reminders", stdout=out)
    assert WebhookDelivery.objects.get().status == "delivered"
    assert "month.published → payroll: delivered" in out.getvalue()


def test_a_client_subscribes_through_the_api(org, api):
    client, token = make_client(org.w1, access="read")
    bad = api(token).put("/api/v1/webhook/", {"url": "", "events": ["month.published"]})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["pointer"] == "/url"
    wrong = api(token).put("/api/v1/webhook/", {"url": "https://x.example/", "events": ["nope"]})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["pointer"] == "/events/0"
    body = {"url": "https://hr.example/hook", "events": ["appeal.answered", "month.published"]}
    assert api(token).put("/api/v1/webhook/", body).json() == body
    assert api(token).get("/api/v1/webhook/").json() == body
    client.refresh_from_db()
    assert client.webhook_events == ["appeal.answered", "month.published"]


@pytest.mark.parametrize("status", ["delivered", "failed", "pending"])
def test_the_clients_page_lists_its_deliveries(org, login, status):
    client = subscribed(org.w1, "payroll")
    WebhookDelivery.objects.create(
        client=client, event="month.published", payload={}, status=status
    )
    page = login(org.admin).get(f"/integrations/{client.pk}/")
    assert f'data-delivery="{status}"' in page.content.decode()
