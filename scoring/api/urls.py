"""/api/v1/: token only (no session, no login redirect, no CSRF); the description and its
Swagger page are browser pages (login) served from our own static files."""

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from scoring.api import views

app_name = "api"


def api(view):
    return login_not_required(view.as_view())


urlpatterns = [
    path("api/v1/units/", api(views.UnitList), name="units"),
    path("api/v1/cadres/", api(views.CadreList), name="cadres"),
    path("api/v1/results/<str:month>/", api(views.MonthResults), name="month_results"),
    path("api/v1/results/year/<int:year>/", api(views.YearResults), name="year_results"),
    path("api/v1/tasks/", api(views.TaskBatch), name="tasks"),
    path("api/v1/tasks/<str:code>/", api(views.TaskDetail), name="task"),
    path("api/v1/dossiers/", api(views.DossierBatch), name="dossiers"),
    path("api/v1/webhook/", api(views.Webhook), name="webhook"),
    # DRF marks its views login_not_required: the description is a page for signed-in people.
    path("api/v1/schema/", login_required(SpectacularAPIView.as_view()), name="schema"),
    path(
        "api/v1/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
]
