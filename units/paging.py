"""A page of a table's rows with the links to its neighbours, for `components/pagination.html`.

Several tables of one page can page apart (the dashboard's league, work on time and output),
each under its own parameter: a link changes that parameter only and keeps every other one
(unit, month, sort, the other tables' pages), as Django's `{% querystring %}` does for a fixed
name.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


@dataclass
class Pages:
    page: Page
    previous_url: str
    next_url: str
    units: bool  # say "showing 1–50 of 769 units" beside the links


def paged(
    request: HttpRequest,
    rows: Sequence,
    size: int,
    param: str = "page",
    *,
    anchor: str = "",
    units: bool = False,
) -> Pages:
    """The page `request.GET[param]` asks for: the first for anything but a number, the last
    for a number past it (as `Paginator.get_page`)."""
    page = Paginator(rows, size).get_page(request.GET.get(param))

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}{'#' + anchor if anchor else ''}"

    return Pages(
        page,
        url(page.previous_page_number()) if page.has_previous() else "",
        url(page.next_page_number()) if page.has_next() else "",
        units,
    )
