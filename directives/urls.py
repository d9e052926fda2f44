from django.urls import path, register_converter

from directives import views
from directives.catalogue import views as catalogue_views
from directives.dossiers import views as dossier_views


class TaskCodeConverter:
    """A task code; never one of the words that name pages under /tasks/."""

    regex = r"(?!(?:board|import|month)(?:/|$))[A-Za-z0-9][A-Za-z0-9._-]*"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TaskCodeConverter, "task")

app_name = "directives"
urlpatterns = [
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("tasks/board/", views.board_home, name="board_home"),
    path("tasks/board/<str:code>/", views.board, name="board"),
    path("tasks/board/<str:code>/assign/", views.task_assign, name="assign"),
    path("tasks/import/", views.task_import, name="import"),
    path("tasks/import/sample.<slug:fmt>", views.task_import_sample, name="import_sample"),
    path("tasks/<task:code>/", views.task_detail, name="detail"),
    path("tasks/<task:code>/fragment/", views.task_fragment, name="fragment"),
    path("tasks/<task:code>/result/", views.task_result_file, name="result_file"),
    path("tasks/<task:code>/do/<slug:action>/", views.task_action, name="action"),
    path("dossiers/import/", dossier_views.dossier_import, name="dossier_import"),
    path(
        "dossiers/import/sample.<slug:fmt>",
        dossier_views.dossier_import_sample,
        name="dossier_import_sample",
    ),
    path(
        "dossiers/<str:code>/<str:month>/comments/",
        dossier_views.dossier_comments,
        name="dossier_comments",
    ),
    path("catalogue/", catalogue_views.catalogue, name="catalogue"),
    path("catalogue/import/", catalogue_views.catalogue_upload, name="catalogue_import"),
    path(
        "catalogue/import/sample.<slug:fmt>",
        catalogue_views.catalogue_sample,
        name="catalogue_sample",
    ),
    path("catalogue/<str:regulation>/add/", catalogue_views.catalogue_item, name="catalogue_add"),
    path(
        "catalogue/<str:regulation>/<int:pk>/",
        catalogue_views.catalogue_item,
        name="catalogue_edit",
    ),
]
