from django.urls import include, path

from scoring.office import views

# A unit's results of a month: /month/<pk>/units/<unit code>/...
unit_month = [
    path("results/", views.unit_results, name="unit_results"),
    path("results.pdf", views.unit_results_pdf, name="unit_results_pdf"),
    path("minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
]

# The documents of a month: /month/<pk>/...
month = [
    path("notice.pdf", views.notice, name="notice"),
    path("notice/<str:code>.pdf", views.cadre_notice, name="cadre_notice"),
    path("public/", views.public, name="public"),
    path("units/<str:code>/", include(unit_month)),
]

# A cadre's own year: /my-year/...
my_year = [
    path("", views.my_year_start, name="my_year_start"),
    path("<int:year>/", views.my_year_page, name="my_year"),
    path("<int:year>.xlsx", views.my_year_xlsx, name="my_year_xlsx"),
]

app_name = "office"
urlpatterns = [
    path("month/<int:pk>/", include(month)),
    path("year/<int:year>/<str:code>/sheet.pdf", views.year_pdf, name="year_pdf"),
    path("year/<int:year>/<str:code>/sheet.xlsx", views.year_xlsx, name="year_xlsx"),
    path("my-year/", include(my_year)),
]
