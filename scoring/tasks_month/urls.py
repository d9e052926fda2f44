from django.urls import path

from scoring.tasks_month import views as views_taskmonth

app_name = "taskmonth"
urlpatterns = [
    path("tasks/month/", views_taskmonth.task_month, name="month"),
]
