"""The administrator's pages of the integration clients (browser, session)."""

from django.urls import include, path

from scoring.api import clients

# One client: /integrations/<pk>/...
client = [
    path("", clients.client_detail, name="detail"),
    path("rotate/", clients.client_rotate, name="rotate"),
    path("revoke/", clients.client_revoke, name="revoke"),
]

app_name = "api_clients"
urlpatterns = [
    path("integrations/", clients.client_list, name="list"),
    path("integrations/<int:pk>/", include(client)),
]
