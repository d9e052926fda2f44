"""The framework floor's one URL (bench/floor_settings.py): a fixed string through Django."""

from django.http import HttpResponse
from django.urls import path


def fixed_string(request):
    return HttpResponse("FiveClear framework floor\n", content_type="text/plain; charset=utf-8")


urlpatterns = [path("floor/", fixed_string)]
