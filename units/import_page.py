"""The import page every app shares (units and cadres, tasks, dossiers, the catalogue,
inspections), with its template
templates/components/import_page.html: all or nothing, the errors named by row and column, the
counts on success, the sample files."""

from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from units.tabular import ImportFailed, grouped


def import_page(
    request: HttpRequest,
    *,
    form_class: type[Form],
    run: Callable[[dict[str, Any]], Mapping[str, int]],
    template: str,
    done: str | Callable[[dict[str, Any]], str],
    context: Mapping[str, Any],
    said: Callable[[Mapping[str, int]], str] | None = None,
) -> HttpResponse:
    """The page of a `form_class` form (bound to the request's data and files). On a valid
    POST, `run(form.cleaned_data)` imports and returns the counts: the page says them (created,
    updated, unchanged; or as `said(counts)` words them) and redirects to `done` (a URL name, or
    `done(form.cleaned_data)` gives the address); a refused file (`ImportFailed`) is shown with
    every wrong row. `context` adds the page's own (its `samples` at least)."""
    form = form_class(request.POST or None, request.FILES or None)
    failure = None
    if request.method == "POST" and form.is_valid():
        try:
            counts = run(form.cleaned_data)
        except ImportFailed as refused:
            failure = refused
        else:
            if said is None:
                text = _(
                    "Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged."
                )
                messages.success(request, text % counts)
            else:
                messages.success(request, said(counts))
            return redirect(done(form.cleaned_data) if callable(done) else done)
    page = {"form": form, "failure": failure, "max_rows": grouped(settings.IMPORT_MAX_ROWS)}
    return render(request, template, page | dict(context))
