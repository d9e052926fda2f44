"""The application's URLs plus the benchmarks' floor: an empty page of the application.

/bench/floor/ is what every page of FiveClear costs before its own work: every middleware,
the session and the user, the scope and the navigation of the layout (base.html), and no
content. bench/run.py measures the dashboards and a grid-row save against it, and prints
/healthz (no session, one SELECT 1) beside it.
"""

from django.shortcuts import render
from django.urls import include, path


def empty_page(request):
    return render(request, "base.html")


urlpatterns = [
    path("bench/floor/", empty_page),
    path("", include("config.urls")),
]
