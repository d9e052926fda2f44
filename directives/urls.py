from django.urls import include, path, register_converter

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

# /tasks/...
tasks = [
    path("", views.my_tasks, name="my_tasks"),
    path("board/", views.board_home, name="board_home"),
    path("board/<str:code>/", views.board, name="board"),
    path("board/<str:code>/assign/", views.task_assign, name="assign"),
    path("import/", views.task_import, name="import"),
    path("import/sample.<slug:fmt>", views.task_import_sample, name="import_sample"),
    path("<task:code>/", views.task_detail, name="detail"),
    path("<task:code>/fragment/", views.task_fragment, name="fragment"),
    path("<task:code>/result/", views.task_result_file, name="result_file"),
    path("<task:code>/do/<slug:action>/", views.task_action, name="action"),
]

# /dossiers/...
dossiers = [
    path("import/", dossier_views.dossier_import, name="dossier_import"),
    path(
        "import/sample.<slug:fmt>",
        dossier_views.dossier_import_sample,
        name="dossier_import_sample",
    ),
    path(
        "<str:code>/<str:month>/comments/", dossier_views.dossier_comments, name="dossier_comments"
    ),
]

# /catalogue/...
catalogue = [
    path("", catalogue_views.catalogue, name="catalogue"),
    path("import/", catalogue_views.catalogue_upload, name="catalogue_import"),
    path("import/sample.<slug:fmt>", catalogue_views.catalogue_sample, name="catalogue_sample"),
    path("<str:regulation>/add/", catalogue_views.catalogue_item, name="catalogue_add"),
    path("<str:regulation>/<int:pk>/", catalogue_views.catalogue_item, name="catalogue_edit"),
]

app_name = "directives"
urlpatterns = [
    path("tasks/", include(tasks)),
    path("dossiers/", include(dossiers)),
    path("catalogue/", include(catalogue)),
]
