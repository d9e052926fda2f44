"""/api/v1/: token only (no session, no login redirect, no CSRF); the description and its
Swagger page are browser pages (login) served from our own static files."""

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from scoring.api import views

app_name = "api"


def api(view):
    return login_not_required(view.as_view())


# /api/v1/...
v1 = [
    path("units/", api(views.UnitList), name="units"),
    path("cadres/", api(views.CadreList), name="cadres"),
    path("results/<str:month>/", api(views.MonthResults), name="month_results"),
    path("results/year/<int:year>/", api(views.YearResults), name="year_results"),
    path("tasks/", api(views.TaskBatch), name="tasks"),
    path("tasks/<str:code>/", api(views.TaskDetail), name="task"),
    path("dossiers/", api(views.DossierBatch), name="dossiers"),
    path("webhook/", api(views.Webhook), name="webhook"),
    # DRF marks its views login_not_required: the description is a page for signed-in people.
    path("schema/", login_required(SpectacularAPIView.as_view()), name="schema"),
    path(
        "docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
]

urlpatterns = [path("api/v1/", include(v1))]
