from django.urls import path

from scoring.months import views

app_name = "months"
urlpatterns = [
    path("months/", views.index, name="index"),
    path("months/open/", views.open_month, name="open"),
    path("months/<int:pk>/", views.month, name="month"),
    path("months/<int:pk>/advance/", views.advance, name="advance"),
    path("months/<int:pk>/back/", views.step_back, name="back"),
    path("months/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("months/<int:pk>/members/", views.refresh, name="refresh"),
    path("months/<int:pk>/pools/", views.pools, name="pools"),
    path("months/<int:pk>/remind/", views.remind, name="remind"),
    path("months/<int:pk>/decide/", views.decide, name="decide"),
    path("months/<int:pk>/publish/", views.publish, name="publish"),
    path("months/<int:pk>/lock/", views.lock, name="lock"),
]
