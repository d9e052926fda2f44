import functools
from types import SimpleNamespace

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from units.scope import get_scope


def navigation(request):
    """The user's scope, so the layout can show each role its own navigation, and the menu items
    of the layout (nav_items.html) rendered for that scope."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    scope = get_scope(request)
    match = getattr(request, "resolver_match", None)
    return {
        "scope": scope,
        "nav_items": lambda: (_nav_items.__wrapped__ if settings.DEBUG else _nav_items)(
            get_language(),
            get_script_prefix(),
            match.url_name if match else None,
            request.user.is_superuser,
            scope.cadre is not None,
            bool(scope.read_paths),
            bool(scope.act_paths),
            scope.has_subtree_view,
        ),
    }


@functools.lru_cache(maxsize=1024)
def _nav_items(language, script_prefix, url_name, superuser, cadre, reads, acts, subtree):
    """The menu items for one combination of what they show, rendered once per process.

    Every page has the same few menus, which differ only by the user's kind (a cadre, a reader
    of units, a head, an administrator), the page they mark as current and the language; their
    eleven links and labels cost a tenth of an empty page (docs/PERFORMANCE.md, "The page
    frame"). The template sees only these arguments, nothing of the user or the request beyond
    them, so what it shows cannot depend on anything the cache key leaves out: a menu item that
    tests something else finds it empty. With DEBUG on (a developer editing templates) every page
    renders them anew.
    """
    context = {
        "user": SimpleNamespace(is_authenticated=True, is_superuser=superuser),
        "scope": SimpleNamespace(
            cadre=cadre, read_paths=reads, act_paths=acts, has_subtree_view=subtree
        ),
        "request": SimpleNamespace(resolver_match=SimpleNamespace(url_name=url_name or "")),
    }
    return mark_safe(render_to_string("nav_items.html", context))
