"""The framework floor's one URL (bench/floor_settings.py): a fixed string through Django."""

from django.http import HttpResponse
from django.urls import path


def fixed_string(request):
    return HttpResponse("FiveClear framework floor\n", content_type="text/plain; charset=utf-8")


def signed_in(request):
    """The fixed string for a signed-in user (bench/floor_signed_in_settings.py): Django reads
    the session and the user, nothing else."""
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    return HttpResponse("FiveClear framework floor\n", content_type="text/plain; charset=utf-8")


urlpatterns = [path("floor/", fixed_string), path("floor/user/", signed_in)]
