from django.urls import path

from scoring.oversight import views

app_name = "oversight"

urlpatterns = [
    path("radar/", views.radar, name="radar"),
    path("inspections/", views.inspections_start, name="inspections_start"),
    path("inspections/import/", views.inspections_import, name="inspections_import"),
    path(
        "inspections/import/sample.<str:fmt>",
        views.inspections_import_sample,
        name="inspections_import_sample",
    ),
    path("inspections/<str:code>/<int:year>/", views.inspections, name="inspections"),
    path("inspections/<str:code>/<int:year>/pdf/", views.inspections_pdf, name="inspections_pdf"),
    path("inspections/<str:code>/new/", views.inspection_new, name="inspection_new"),
    path("inspection/<int:pk>/", views.inspection, name="inspection"),
    path("inspection/<int:pk>/findings/", views.finding_add, name="finding_add"),
    path("findings/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("findings/<int:pk>/confirm/", views.finding_confirm, name="finding_confirm"),
    path("cases/", views.cases, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case, name="case"),
]
