from django.urls import path

from scoring.office import views

app_name = "office"
urlpatterns = [
    path("month/<int:pk>/notice.pdf", views.notice, name="notice"),
    path("month/<int:pk>/notice/<str:code>.pdf", views.cadre_notice, name="cadre_notice"),
    path("month/<int:pk>/public/", views.public, name="public"),
    path("month/<int:pk>/units/<str:code>/results/", views.unit_results, name="unit_results"),
    path(
        "month/<int:pk>/units/<str:code>/results.pdf",
        views.unit_results_pdf,
        name="unit_results_pdf",
    ),
    path("month/<int:pk>/units/<str:code>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("year/<int:year>/<str:code>/sheet.pdf", views.year_pdf, name="year_pdf"),
    path("year/<int:year>/<str:code>/sheet.xlsx", views.year_xlsx, name="year_xlsx"),
    path("my-year/", views.my_year_start, name="my_year_start"),
    path("my-year/<int:year>/", views.my_year_page, name="my_year"),
    path("my-year/<int:year>.xlsx", views.my_year_xlsx, name="my_year_xlsx"),
]
