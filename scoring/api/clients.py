"""The administrator's pages of the integration clients (browser pages, session only): register
a client, see its token once, rotate or revoke it, change its units, access, addresses and
webhook, read its recent requests and webhook deliveries."""

import ipaddress

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from directives.models import AuditEntry
from scoring.api.models import ApiClient, WebhookEvent
from units.models import Unit
from units.scope import get_scope

RECENT = 50  # requests and deliveries shown on a client's page


class ClientForm(forms.ModelForm):
    unit = forms.ModelChoiceField(
        Unit.objects.order_by("path"), label=gettext_lazy("unit subtree"), to_field_name="code"
    )
    webhook_events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("webhook events"),
    )

    webhook_url = forms.URLField(
        required=False, assume_scheme="https", label=gettext_lazy("webhook address")
    )

    class Meta:
        model = ApiClient
        fields = ["name", "unit", "access", "allowed_ips", "webhook_url", "webhook_events"]
        widgets = {"allowed_ips": forms.Textarea(attrs={"rows": 3})}

    def clean_allowed_ips(self):
        lines = [line.strip() for line in self.cleaned_data["allowed_ips"].splitlines()]
        for line in filter(None, lines):
            try:
                ipaddress.ip_network(line, strict=False)
            except ValueError:
                raise ValidationError(
                    _("“%(value)s” is not an address or a network.") % {"value": line}
                ) from None
        return "\n".join(filter(None, lines))

    def clean(self):
        data = super().clean()
        if data.get("webhook_events") and not data.get("webhook_url"):
            self.add_error("webhook_url", _("An address is needed to receive events."))
        return data


def _require_admin(request):
    if not get_scope(request).is_admin:
        raise PermissionDenied(_("Only an administrator manages the integration clients."))


def _audit(request, action, client, new=None):
    AuditEntry.objects.create(
        user=request.user,
        actor=request.user.get_username(),
        action=action,
        object_type="api_client",
        object_id=str(client.pk),
        new={"name": client.name, **(new or {})},
    )


def _settings(client) -> dict:
    return {
        "unit": client.unit.code,
        "access": client.access,
        "allowed_ips": client.allowed_ips,
        "webhook_url": client.webhook_url,
        "webhook_events": client.webhook_events,
    }


def _token_page(request, client, token):
    """The one page that shows the token: never kept by a cache or the browser's history."""
    response = render(request, "scoring/api/token.html", {"client": client, "token": token})
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def client_list(request):
    """The clients, and the form that registers one (its token is shown once, on the answer)."""
    _require_admin(request)
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            client = form.save(commit=False)
            client.created_by = request.user
            token = client.set_token()
            client.save()
            _audit(request, "api_client.register", client, _settings(client))
        return _token_page(request, client, token)
    clients = ApiClient.objects.select_related("unit").order_by("name")
    return render(request, "scoring/api/clients.html", {"clients": clients, "form": form})


@require_http_methods(["GET", "POST"])
def client_detail(request, pk):
    _require_admin(request)
    client = get_object_or_404(ApiClient.objects.select_related("unit"), pk=pk)
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            _audit(request, "api_client.change", client, _settings(client))
        messages.success(request, _("Saved the client %(name)s.") % {"name": client.name})
        return redirect("api_clients:detail", pk=client.pk)
    context = {
        "client": client,
        "form": form,
        "requests": client.requests.order_by("-at", "-pk")[:RECENT],
        "deliveries": client.deliveries.order_by("-created_at", "-pk")[:RECENT],
    }
    return render(request, "scoring/api/client.html", context)


@require_POST
def client_rotate(request, pk):
    """A new token; the old one stops working at once."""
    _require_admin(request)
    with transaction.atomic():
        client = get_object_or_404(ApiClient.objects.select_for_update(), pk=pk)
        token = client.set_token()
        client.revoked_at = None
        client.save(update_fields=["token_hash", "token_hint", "rotated_at", "revoked_at"])
        _audit(request, "api_client.rotate", client)
    return _token_page(request, client, token)


@require_POST
def client_revoke(request, pk):
    _require_admin(request)
    with transaction.atomic():
        client = get_object_or_404(ApiClient.objects.select_for_update(), pk=pk)
        if client.revoked_at is None:
            client.revoked_at = timezone.now()
            client.save(update_fields=["revoked_at"])
            _audit(request, "api_client.revoke", client)
    messages.success(
        request,
        _("Revoked the token of %(name)s: it no longer works; rotate to issue a new one.")
        % {"name": client.name},
    )
    return redirect("api_clients:detail", pk=client.pk)
