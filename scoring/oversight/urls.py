from django.urls import include, path

from scoring.oversight import views

# /inspections/...
inspections = [
    path("", views.inspections_start, name="inspections_start"),
    path("import/", views.inspections_import, name="inspections_import"),
    path(
        "import/sample.<str:fmt>", views.inspections_import_sample, name="inspections_import_sample"
    ),
    path("<str:code>/<int:year>/", views.inspections, name="inspections"),
    path("<str:code>/<int:year>/pdf/", views.inspections_pdf, name="inspections_pdf"),
    path("<str:code>/new/", views.inspection_new, name="inspection_new"),
]

# /cases/...
cases = [
    path("", views.cases, name="cases"),
    path("new/", views.case_new, name="case_new"),
    path("<int:pk>/", views.case, name="case"),
]

app_name = "oversight"
urlpatterns = [
    path("radar/", views.radar, name="radar"),
    path("inspections/", include(inspections)),
    path("inspection/<int:pk>/", views.inspection, name="inspection"),
    path("inspection/<int:pk>/findings/", views.finding_add, name="finding_add"),
    path("findings/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("findings/<int:pk>/confirm/", views.finding_confirm, name="finding_confirm"),
    path("cases/", include(cases)),
]
