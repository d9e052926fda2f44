"""The administrator's pages of the integration clients (browser, session)."""

from django.urls import path

from scoring.api import clients

app_name = "api_clients"

urlpatterns = [
    path("integrations/", clients.client_list, name="list"),
    path("integrations/<int:pk>/", clients.client_detail, name="detail"),
    path("integrations/<int:pk>/rotate/", clients.client_rotate, name="rotate"),
    path("integrations/<int:pk>/revoke/", clients.client_revoke, name="revoke"),
]
