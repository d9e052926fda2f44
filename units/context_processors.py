from units.scope import get_scope


def navigation(request):
    """The user's scope, so the layout can show each role its own navigation."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"scope": get_scope(request)}
