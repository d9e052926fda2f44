from django.urls import include, path

from scoring.month.views import appeals as views_appeals
from scoring.month.views import cadre as views_cadre
from scoring.month.views import decide as views_decide
from scoring.month.views import grid as views_grid
from scoring.month.views import grid_files as views_grid_files
from scoring.month.views import progress as views_progress

# A grid row: /month/<pk>/grid/<unit code>/rows/<cadre code>/...
grid_row = [
    path("", views_grid.grid_row, name="grid_row"),
    path("adjustments/", views_grid.grid_adjust, name="grid_adjust"),
    path(
        "adjustments/<int:adjustment_id>/remove/",
        views_grid.grid_adjust_remove,
        name="grid_adjust_remove",
    ),
]

# A unit's grid: /month/<pk>/grid/<unit code>/...
grid = [
    path("", views_grid.grid, name="grid"),
    path("excel/", views_grid_files.grid_excel, name="grid_excel"),
    path("upload/", views_grid_files.grid_upload, name="grid_upload"),
    path("rows/<str:cadre_code>/", include(grid_row)),
]

# One month: /month/<pk>/...
period = [
    path("self/", views_cadre.self_assessment, name="self"),
    path("peers/", views_cadre.peer_list, name="peers"),
    path("peers/<str:code>/", views_cadre.peer_form, name="peer"),
    path("result/", views_appeals.result, name="result"),
    path("result/<str:code>/", views_appeals.result, name="cadre_result"),
    path("appeal/", views_appeals.appeal_new, name="appeal"),
    path("tasks/<str:code>/", views_grid_files.cadre_tasks, name="tasks"),
    path("grid/<str:code>/", include(grid)),
    path("decide/", views_decide.decide, name="decide"),
    path("publish/", views_decide.publish, name="publish"),
    path("appeals/", views_appeals.appeals, name="appeals"),
    path("appeals/<int:appeal_id>/", views_appeals.appeal_reply, name="appeal_reply"),
    path("corrections/<int:correction_id>/", views_appeals.correction_detail, name="correction"),
    path("progress/", views_progress.progress, name="progress"),
]

app_name = "month"
urlpatterns = [
    path("month/", views_cadre.my_month, name="mine"),
    path("month/manage/", views_progress.manage, name="manage"),
    path("month/decisions/", views_progress.decisions, name="decisions"),
    path("month/due/", views_progress.due, name="due"),
    path("month/<int:pk>/", include(period)),
]
