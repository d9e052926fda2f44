import json

from django.contrib.auth.middleware import (
    LoginRequiredMiddleware as DjangoLoginRequiredMiddleware,
)
from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _


def vietnamese_first(get_response):
    """Vietnamese unless the user chose otherwise: the browser's Accept-Language is ignored.

    Offices often run English-language browsers; the language cookie set by the switcher in the
    navigation bar is the only thing that changes the language.
    """

    def middleware(request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return get_response(request)

    return middleware


def refuse_nul(get_response):
    """400 Bad Request for a NUL character in the path or the query string.

    No URL of ours holds one, and PostgreSQL refuses NUL in a text parameter: a code or filter
    looked up with it would answer 500 instead.
    """

    def middleware(request):
        if "\x00" in request.path or any(
            "\x00" in text for key, values in request.GET.lists() for text in (key, *values)
        ):
            raise BadRequest("NUL character in the URL")
        return get_response(request)

    return middleware


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's login requirement, but an htmx request from an anonymous user gets a 401.

    A session that ended while a page was open would otherwise answer the page's htmx request
    with a redirect to the login page, which htmx then swaps into the row being saved: what was
    typed is lost. The 401 is swapped nowhere; `static/js/session.js` keeps what was typed,
    tells the person their session ended and lets them sign in again in a new tab.
    """

    def handle_no_permission(self, request, view_func):
        if request.headers.get("HX-Request") != "true":
            return super().handle_no_permission(request, view_func)
        login_url = resolve_url(self.get_login_url(view_func))
        response = HttpResponse(
            _("Your session has ended: sign in again, then save."),
            status=401,
            content_type="text/plain; charset=utf-8",
        )
        response["HX-Trigger"] = json.dumps({"fc:session-ended": {"login": login_url}})
        response["HX-Reswap"] = "none"
        return response
