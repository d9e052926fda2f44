from django.urls import path, re_path

from scoring.dashboards import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/ranking/", views.ranking_page, name="dashboard-ranking"),
    path("dashboard/cadre/<str:code>/", views.cadre_page, name="dashboard-cadre"),
    path("dashboard/late/<str:code>/<str:month>/", views.late_items, name="dashboard-late"),
    re_path(
        r"^dashboard/export/(?P<table>league|ranking)\.(?P<fmt>xlsx|csv)$",
        views.export,
        name="dashboard-export",
    ),
]
