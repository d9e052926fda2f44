from django.urls import path

from scoring.periods import views

app_name = "periods"
urlpatterns = [
    path("year/", views.year_start, name="year_start"),
    path("year/<int:year>/<str:code>/", views.year_page, name="year"),
]
