"""Errors as RFC 9457 problem details (`application/problem+json`).

Every answer of 4xx/5xx is `{"type", "title", "status", "detail"}`; a refused batch adds
`errors`: one `{"pointer", "field", "detail"}` per bad field, the pointer a JSON Pointer
(RFC 6901) into the request body ("/tasks/3/deadline"), the detail the very text the task
import gives.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

PROBLEM_TYPE = "https://fiveclear.gov.vn/problems/"
CONTENT_TYPE = "application/problem+json"


def problem(status_code, kind, title, detail, errors=None, headers=None) -> Response:
    body = {
        "type": PROBLEM_TYPE + kind,
        "title": str(title),
        "status": status_code,
        "detail": str(detail),
    }
    if errors is not None:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers, content_type=CONTENT_TYPE)


class InvalidBatch(exceptions.APIException):
    """Nothing was written: `errors` names each bad field."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY

    def __init__(self, errors, detail=None):
        self.errors = errors
        super().__init__(detail or _("Nothing was saved: correct the fields listed."))


KINDS = {
    400: ("bad-request", lambda: _("Bad request")),
    401: ("unauthenticated", lambda: _("A valid token is needed")),
    403: ("forbidden", lambda: _("Not allowed")),
    404: ("not-found", lambda: _("Not found")),
    405: ("method-not-allowed", lambda: _("Method not allowed")),
    406: ("not-acceptable", lambda: _("Not acceptable")),
    415: ("unsupported-media-type", lambda: _("Send JSON")),
    422: ("invalid", lambda: _("Invalid data")),
    429: ("throttled", lambda: _("Too many requests")),
}


def _text(detail) -> str:
    if isinstance(detail, list | tuple):
        return " ".join(_text(d) for d in detail)
    if isinstance(detail, dict):
        return " ".join(f"{k}: {_text(v)}" for k, v in detail.items())
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_handler(exc, context)
    if response is None:
        return None  # a server error: Django's 500
    kind, title = KINDS.get(response.status_code, ("error", lambda: _("Error")))
    errors = getattr(exc, "errors", None)
    if errors is None and isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
    detail = exc.detail if not isinstance(exc, exceptions.ValidationError) else None
    detail = _text(detail) if detail is not None else _("Correct the fields listed.")
    headers = {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After")}
    return problem(response.status_code, kind, title(), detail, errors, headers)


def _field_errors(detail, pointer="") -> list[dict]:
    """A serializer's nested errors as a flat list of pointers."""
    found = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == "non_field_errors":
                found += _field_errors(value, pointer)
            else:
                found += _field_errors(value, f"{pointer}/{key}")
    elif isinstance(detail, list):
        if all(not isinstance(d, dict | list) for d in detail):
            found += [
                {"pointer": pointer or "/", "field": pointer.rpartition("/")[2], "detail": str(d)}
                for d in detail
            ]
        else:
            for index, value in enumerate(detail):
                found += _field_errors(value, f"{pointer}/{index}")
    else:
        found.append(
            {"pointer": pointer or "/", "field": pointer.rpartition("/")[2], "detail": str(detail)}
        )
    return found
