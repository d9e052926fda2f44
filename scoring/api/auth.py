"""Who is calling: a client's bearer token (never a session), its address, its access and its
request rate (docs/API.md)."""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import authentication, exceptions, permissions, throttling

from scoring.api.models import ApiClient, hash_token

SAFE_METHODS = permissions.SAFE_METHODS


def client_address(request) -> str:
    """REMOTE_ADDR, or the address PROXY_COUNT proxies in front of us saw (X-Forwarded-For)."""
    count = settings.AXES_IPWARE_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer fc_…`. `request.auth` is the client; `request.user` stays None.

    A revoked client's token, or one used from an address outside the client's allow-list, is
    refused, and the request still goes to that client's log (`request._request.api_client`).
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as “Bearer <token>”."))
        token = header[1].decode("latin-1")
        client = ApiClient.objects.select_related("unit").filter(token_hash=hash_token(token))
        client = client.first()
        if client is None:
            raise exceptions.AuthenticationFailed(_("Unknown token."))
        request._request.api_client = client
        if client.revoked:
            raise exceptions.AuthenticationFailed(_("This client's token was revoked."))
        if not client.allows_address(client_address(request)):
            raise exceptions.PermissionDenied(
                _("This client may not call from the address %(address)s.")
                % {"address": client_address(request)}
            )
        return (None, client)

    def authenticate_header(self, request):
        return self.keyword


class ClientAccess(permissions.BasePermission):
    """Any client reads; only a read-write client writes."""

    message = gettext_lazy("This client may only read.")  # a class attribute: read per request

    def has_permission(self, request, view):
        client = request.auth
        if not isinstance(client, ApiClient):
            return False
        return request.method in SAFE_METHODS or client.writes or getattr(view, "any_client", False)


class ClientThrottle(throttling.SimpleRateThrottle):
    """Per client, reads and writes counted apart; limits from the settings, read each time."""

    def allow_request(self, request, view):
        client = request.auth
        if not isinstance(client, ApiClient):
            return True
        self.scope = "read" if request.method in SAFE_METHODS else "write"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self):
        scope = getattr(self, "scope", "read")
        return settings.API_THROTTLE_READ if scope == "read" else settings.API_THROTTLE_WRITE

    def get_cache_key(self, request, view):
        return f"api-throttle:{self.scope}:{request.auth.pk}"
