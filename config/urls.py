from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from units import views as unit_views
from units.accounts import password_link_tokens
from units.health import healthz

urlpatterns = [
    path("", unit_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("login/", unit_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path(
        "password/set/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(token_generator=password_link_tokens),
        name="password_reset_confirm",
    ),
    path(
        "password/set/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("units.urls")),
    path("", include("scoring.tasks_month.urls")),
    path("", include("directives.urls")),
    path("", include("scoring.periods.urls")),
    path("", include("scoring.month.urls")),
    path("", include("scoring.months.urls")),
    path("", include("scoring.dashboards.urls")),
    path("", include("scoring.office.urls")),
    path("", include("scoring.api.urls")),
    path("", include("scoring.api.urls_clients")),
    path("", include("scoring.oversight.urls")),
]
