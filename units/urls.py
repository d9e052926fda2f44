from django.urls import path

from units import views

app_name = "units"
urlpatterns = [
    path("units/", views.unit_tree, name="tree"),
    path("units/<str:code>/", views.unit_detail, name="detail"),
    path("cadres/<str:code>/", views.cadre_detail, name="cadre"),
    path("cadres/<str:code>/password-link/", views.cadre_password_link, name="password_link"),
    path("imports/", views.import_page, name="import"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("lockouts/unlock/", views.lockout_unlock, name="lockout_unlock"),
    path("imports/samples/<slug:kind>.<slug:fmt>", views.import_sample, name="import_sample"),
]
