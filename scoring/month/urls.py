from django.urls import path

from scoring.month.views import appeals as views_appeals
from scoring.month.views import cadre as views_cadre
from scoring.month.views import decide as views_decide
from scoring.month.views import grid as views_grid
from scoring.month.views import grid_files as views_grid_files
from scoring.month.views import progress as views_progress

app_name = "month"
urlpatterns = [
    path("month/", views_cadre.my_month, name="mine"),
    path("month/manage/", views_progress.manage, name="manage"),
    path("month/decisions/", views_progress.decisions, name="decisions"),
    path("month/due/", views_progress.due, name="due"),
    path("month/<int:pk>/self/", views_cadre.self_assessment, name="self"),
    path("month/<int:pk>/peers/", views_cadre.peer_list, name="peers"),
    path("month/<int:pk>/peers/<str:code>/", views_cadre.peer_form, name="peer"),
    path("month/<int:pk>/result/", views_appeals.result, name="result"),
    path("month/<int:pk>/result/<str:code>/", views_appeals.result, name="cadre_result"),
    path("month/<int:pk>/appeal/", views_appeals.appeal_new, name="appeal"),
    path("month/<int:pk>/tasks/<str:code>/", views_grid_files.cadre_tasks, name="tasks"),
    path("month/<int:pk>/grid/<str:code>/", views_grid.grid, name="grid"),
    path("month/<int:pk>/grid/<str:code>/excel/", views_grid_files.grid_excel, name="grid_excel"),
    path(
        "month/<int:pk>/grid/<str:code>/upload/", views_grid_files.grid_upload, name="grid_upload"
    ),
    path(
        "month/<int:pk>/grid/<str:code>/rows/<str:cadre_code>/",
        views_grid.grid_row,
        name="grid_row",
    ),
    path(
        "month/<int:pk>/grid/<str:code>/rows/<str:cadre_code>/adjustments/",
        views_grid.grid_adjust,
        name="grid_adjust",
    ),
    path(
        "month/<int:pk>/grid/<str:code>/rows/<str:cadre_code>/adjustments/<int:adjustment_id>/remove/",
        views_grid.grid_adjust_remove,
        name="grid_adjust_remove",
    ),
    path("month/<int:pk>/decide/", views_decide.decide, name="decide"),
    path("month/<int:pk>/publish/", views_decide.publish, name="publish"),
    path("month/<int:pk>/appeals/", views_appeals.appeals, name="appeals"),
    path(
        "month/<int:pk>/appeals/<int:appeal_id>/", views_appeals.appeal_reply, name="appeal_reply"
    ),
    path(
        "month/<int:pk>/corrections/<int:correction_id>/",
        views_appeals.correction_detail,
        name="correction",
    ),
    path("month/<int:pk>/progress/", views_progress.progress, name="progress"),
]
