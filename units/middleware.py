def vietnamese_first(get_response):
    """Vietnamese unless the user chose otherwise: the browser's Accept-Language is ignored.

    Offices often run English-language browsers; the language cookie set by the switcher in the
    navigation bar is the only thing that changes the language.
    """

    def middleware(request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return get_response(request)

    return middleware
