from django.urls import include, path

from scoring.months import views

# One month: /months/<pk>/...
month = [
    path("", views.month, name="month"),
    path("advance/", views.advance, name="advance"),
    path("back/", views.step_back, name="back"),
    path("reopen/", views.reopen, name="reopen"),
    path("members/", views.refresh, name="refresh"),
    path("pools/", views.pools, name="pools"),
    path("remind/", views.remind, name="remind"),
    path("decide/", views.decide, name="decide"),
    path("publish/", views.publish, name="publish"),
    path("lock/", views.lock, name="lock"),
]

app_name = "months"
urlpatterns = [
    path("months/", views.index, name="index"),
    path("months/open/", views.open_month, name="open"),
    path("months/<int:pk>/", include(month)),
]
