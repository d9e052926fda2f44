"""The application's URLs plus the floor of a signed-in page.

/bench/floor/ goes through every middleware of a real page and loads the session and the user,
then answers two bytes: what any signed-in page costs before doing its own work. bench/run.py
measures the dashboards against it (and shows /healthz, which needs no session, beside it).
"""

from django.http import HttpResponse
from django.urls import include, path


def signed_in_floor(request):
    return HttpResponse("ok" if request.user.is_authenticated else "no", content_type="text/plain")


urlpatterns = [
    path("bench/floor/", signed_in_floor),
    path("", include("config.urls")),
]
