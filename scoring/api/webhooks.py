"""Webhooks (docs/API.md): a small JSON body POSTed to each subscribed client, signed with
HMAC-SHA256 over "<timestamp>.<body>", tried by `run_schedule` until delivered, with backoff.

Deliveries are rows (`WebhookDelivery`), stored in the transaction of what they announce: they
survive a restart and need no broker. Each run of `run_schedule` POSTs the deliveries due; a
failure (no answer, or an answer other than 2xx) waits WEBHOOK_BACKOFF_MINUTES before the next
try, and a delivery is given up after WEBHOOK_MAX_ATTEMPTS.
"""

import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from scoring.api.models import ApiClient, DeliveryStatus, WebhookDelivery, WebhookEvent

SIGNATURE_HEADER = "X-FiveClear-Signature"
TOLERANCE_SECONDS = 300  # what docs/API.md advises a receiver to accept
BATCH = 200  # deliveries tried per run


def body_bytes(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The header's value: "t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<body>'>"."""
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, *, now: float | None = None) -> bool:
    """What a receiver does (docs/API.md): the signature matches and the timestamp is recent."""
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = signature(secret, timestamp, body)
    return hmac.compare_digest(expected, header)


# --- queueing --------------------------------------------------------------------------------


def _subscribers(event: str) -> list[ApiClient]:
    """Clients subscribed to `event` (a handful: read in Python, whatever the database)."""
    clients = ApiClient.objects.filter(revoked_at__isnull=True).exclude(webhook_url="")
    return [c for c in clients.select_related("unit") if event in (c.webhook_events or [])]


def queue(event: str, payload: dict, unit_path: str, *, overlapping=False) -> int:
    """A delivery for each subscribed client whose subtree holds `unit_path` (or, with
    `overlapping`, lies under it). Returns how many."""
    rows = []
    for client in _subscribers(event):
        path = client.unit.path
        if unit_path.startswith(path) or (overlapping and path.startswith(unit_path)):
            rows.append(
                WebhookDelivery(client=client, event=event, payload={"event": event, **payload})
            )
    WebhookDelivery.objects.bulk_create(rows)
    return len(rows)


def month_published(period) -> int:
    payload = {
        "month": period.month,
        "unit_code": period.scope.code,
        "published_at": (period.published_at or timezone.now()).isoformat(),
        "results": f"/api/v1/results/{period.month}/",
    }
    return queue(WebhookEvent.MONTH_PUBLISHED, payload, period.scope.path, overlapping=True)


def appeal_answered(appeal, unit) -> int:
    payload = {
        "month": appeal.period.month,
        "cadre_code": appeal.cadre.code,
        "unit_code": unit.code,
        "status": appeal.status,
        "answered_at": (appeal.answered_at or timezone.now()).isoformat(),
    }
    return queue(WebhookEvent.APPEAL_ANSWERED, payload, unit.path)


# --- delivering ------------------------------------------------------------------------------


def _post(url: str, body: bytes, headers: dict) -> int:
    """POST and return the answer's status; raises OSError when there is none."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed try."""
    waits = settings.WEBHOOK_BACKOFF_MINUTES
    return dt.timedelta(minutes=waits[min(attempts, len(waits)) - 1])


def deliver_due(*, now=None, post=None) -> list[str]:
    """Try every delivery due; returns a line per delivery tried (for `run_schedule`)."""
    now = now or timezone.now()
    post = post or _post
    due = (
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(client__revoked_at__isnull=True))
        .select_related("client")
        .order_by("next_attempt_at", "pk")[:BATCH]
    )
    lines = []
    for delivery in due:
        lines.append(_try(delivery, now, post))
    return lines


def _try(delivery, now, post) -> str:
    client = delivery.client
    body = body_bytes({**delivery.payload, "delivery": delivery.pk})
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "FiveClear-Webhooks/1",
        "X-FiveClear-Event": delivery.event,
        "X-FiveClear-Delivery": str(delivery.pk),
        SIGNATURE_HEADER: signature(client.webhook_secret, int(now.timestamp()), body),
    }
    delivery.attempts += 1
    try:
        status = post(client.webhook_url, body, headers)
        delivery.last_status, delivery.last_error = status, ""
    except (OSError, ValueError) as error:
        status = None
        delivery.last_status, delivery.last_error = None, str(error)[:300]
    if status is not None and 200 <= status < 300:
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    with transaction.atomic():
        delivery.save(
            update_fields=[
                "attempts",
                "status",
                "delivered_at",
                "next_attempt_at",
                "last_status",
                "last_error",
            ]
        )
    return (
        f"webhook {delivery.pk} {delivery.event} → {client.name}: "
        f"{delivery.status} (attempt {delivery.attempts}, {status or delivery.last_error})"
    )
