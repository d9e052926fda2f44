"""Integration clients, their request log and their webhook deliveries (docs/API.md)."""

import hashlib
import ipaddress
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.models import Unit

TOKEN_PREFIX = "fc_"


def hash_token(token: str) -> str:
    """How a token is stored: its SHA-256 (a token is 256 random bits, no salt needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_secret() -> str:
    return secrets.token_hex(32)


class Access(models.TextChoices):
    READ = "read", _("Read")
    READ_WRITE = "read_write", _("Read and write")


class WebhookEvent(models.TextChoices):
    MONTH_PUBLISHED = "month.published", _("Month published")
    APPEAL_ANSWERED = "appeal.answered", _("Appeal answered")


class ApiClient(models.Model):
    """A system that uses the API: the units it may touch (a subtree), read or read-write, the
    addresses it may come from; its token is stored as a hash only (shown once)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit subtree"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The client reads and writes this unit and the units under it only."),
    )
    access = models.CharField(_("access"), max_length=12, choices=Access.choices)
    allowed_ips = models.TextField(
        _("allowed addresses"),
        blank=True,
        help_text=_("One address or network (CIDR) per line; empty: any address."),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_hint = models.CharField(_("token starts with"), max_length=12, editable=False)
    webhook_url = models.URLField(_("webhook address"), blank=True)
    webhook_events = models.JSONField(_("webhook events"), default=list, blank=True)
    # Signs the webhooks (HMAC-SHA256); kept in clear, since signing needs it.
    webhook_secret = models.CharField(max_length=64, default=new_secret, editable=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rotated_at = models.DateTimeField(_("token issued at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("integration client")
        verbose_name_plural = _("integration clients")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def writes(self) -> bool:
        return self.access == Access.READ_WRITE

    def set_token(self) -> str:
        """A new token (the old one stops working); returns it, to be shown once."""
        token = new_token()
        self.token_hash = hash_token(token)
        self.token_hint = token[:10]
        self.rotated_at = timezone.now()
        return token

    def networks(self) -> list:
        return [
            ipaddress.ip_network(line.strip(), strict=False)
            for line in self.allowed_ips.splitlines()
            if line.strip()
        ]

    def allows_address(self, address: str) -> bool:
        networks = self.networks()
        if not networks:
            return True
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in networks)


class ApiRequest(models.Model):
    """One request of a client, whatever its answer (refusals too)."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="requests")
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=500)
    status = models.PositiveSmallIntegerField(_("status"))
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    items = models.PositiveIntegerField(_("items"), default=0)

    class Meta:
        verbose_name = _("API request")
        verbose_name_plural = _("API requests")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["client", "-at"], name="apirequest_client_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.method} {self.path} {self.status}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Given up")


class WebhookDelivery(models.Model):
    """One event for one client, tried by `run_schedule` until delivered or given up."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=32, choices=WebhookEvent.choices)
    payload = models.JSONField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_status = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]

    def __str__(self):
        return f"{self.event} → {self.client_id} ({self.status})"
