from django.urls import path

from scoring import views_month as views

app_name = "month"
urlpatterns = [
    path("month/", views.my_month, name="mine"),
    path("month/manage/", views.manage, name="manage"),
    path("month/decisions/", views.decisions, name="decisions"),
    path("month/due/", views.due, name="due"),
    path("month/<int:pk>/self/", views.self_assessment, name="self"),
    path("month/<int:pk>/peers/", views.peer_list, name="peers"),
    path("month/<int:pk>/peers/<str:code>/", views.peer_form, name="peer"),
    path("month/<int:pk>/result/", views.result, name="result"),
    path("month/<int:pk>/result/<str:code>/", views.result, name="cadre_result"),
    path("month/<int:pk>/appeal/", views.appeal_new, name="appeal"),
    path("month/<int:pk>/tasks/<str:code>/", views.cadre_tasks, name="tasks"),
    path("month/<int:pk>/grid/<str:code>/", views.grid, name="grid"),
    path("month/<int:pk>/grid/<str:code>/excel/", views.grid_excel, name="grid_excel"),
    path("month/<int:pk>/grid/<str:code>/upload/", views.grid_upload, name="grid_upload"),
    path("month/<int:pk>/grid/<str:code>/rows/<str:cadre_code>/", views.grid_row, name="grid_row"),
    path(
        "month/<int:pk>/grid/<str:code>/rows/<str:cadre_code>/adjustments/",
        views.grid_adjust,
        name="grid_adjust",
    ),
    path(
        "month/<int:pk>/grid/<str:code>/rows/<str:cadre_code>/adjustments/<int:adjustment_id>/remove/",
        views.grid_adjust_remove,
        name="grid_adjust_remove",
    ),
    path("month/<int:pk>/decide/", views.decide, name="decide"),
    path("month/<int:pk>/publish/", views.publish, name="publish"),
    path("month/<int:pk>/appeals/", views.appeals, name="appeals"),
    path("month/<int:pk>/appeals/<int:appeal_id>/", views.appeal_reply, name="appeal_reply"),
    path(
        "month/<int:pk>/corrections/<int:correction_id>/",
        views.correction_detail,
        name="correction",
    ),
    path("month/<int:pk>/progress/", views.progress, name="progress"),
]
