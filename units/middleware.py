from django.core.exceptions import BadRequest


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
