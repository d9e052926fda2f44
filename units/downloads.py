"""A file sent as a download: every export, printed document and sample of the three apps."""

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def attachment(content: bytes | str, filename: str, content_type: str) -> HttpResponse:
    """`content` as an attachment named `filename`."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
