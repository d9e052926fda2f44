from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.forms import ImportForm
from units.models import Cadre, Membership, Role, Unit, valid_on_q
from units.samples import CADRE_EXAMPLES, UNIT_EXAMPLES, listing, sample_response
from units.scope import get_scope
from units.services import (
    CADRE_COLUMNS,
    UNIT_COLUMNS,
    cadres_import,
    password_link,
    units_import,
)
from units.tabular import ImportFailed, grouped


def _get_unit_for_user(request, code):
    """The unit, if the user may see it; 404 otherwise, never the data."""
    unit = get_object_or_404(Unit, code=code)
    if not get_scope(request).can_view(unit):
        raise Http404
    return unit


def current_unit(cadre, on=None):
    membership = (
        Membership.objects.valid_on(on or timezone.localdate())
        .filter(cadre=cadre)
        .select_related("unit")
        .order_by("-valid_from")
        .first()
    )
    return membership.unit if membership else None


def _get_cadre_for_user(request, code):
    """The cadre, if it is the user or lies in a unit the user has a role over; else 404."""
    cadre = get_object_or_404(Cadre, code=code)
    scope = get_scope(request)
    if scope.cadre and scope.cadre.pk == cadre.pk:
        return cadre
    unit = current_unit(cadre)
    if unit is None or not scope.can_browse(unit):
        raise Http404
    return cadre


def home(request):
    scope = get_scope(request)
    today = timezone.localdate()
    top_units = []
    if scope.read_paths or scope.is_admin:
        top_units = list(
            (
                Unit.objects.filter(parent__isnull=True)
                if scope.is_admin
                else Unit.objects.filter(path__in=scope.read_paths)
            )
            .annotate(
                members=Count("memberships", filter=valid_on_q(today, "memberships__")),
                subunits=Count("children", distinct=True),
            )
            .order_by("code")
        )
    return render(request, "units/home.html", {"top_units": top_units, "today": today})


def _tree_order(units):
    """Depth-first order of units (children by code) for an indented list."""
    by_parent = {}
    ids = {u.pk for u in units}
    for unit in sorted(units, key=lambda u: u.code):
        parent = unit.parent_id if unit.parent_id in ids else None
        by_parent.setdefault(parent, []).append(unit)
    ordered = []

    def walk(parent, level):
        for unit in by_parent.get(parent, []):
            unit.level = level
            ordered.append(unit)
            walk(unit.pk, level + 1)

    walk(None, 0)
    return ordered


def unit_tree(request):
    scope = get_scope(request)
    today = timezone.localdate()
    units = list(
        scope.units().annotate(
            members=Count("memberships", filter=valid_on_q(today, "memberships__"))
        )
    )
    return render(request, "units/tree.html", {"units": _tree_order(units)})


def unit_detail(request, code):
    unit = _get_unit_for_user(request, code)
    scope = get_scope(request)
    today = timezone.localdate()
    members = (
        Membership.objects.valid_on(today)
        .filter(unit=unit)
        .select_related("cadre")
        .order_by("cadre__full_name", "cadre__code")
    )
    roles = Role.objects.valid_on(today).filter(unit=unit).select_related("cadre")
    subunits = unit.children.annotate(
        members=Count("memberships", filter=valid_on_q(today, "memberships__"))
    ).order_by("code")
    ancestors = Unit.objects.filter(path__in=unit.ancestor_paths()[:-1]).order_by("depth")
    context = {
        "unit": unit,
        "members": members,
        "roles": roles,
        "subunits": subunits,
        "ancestors": [a for a in ancestors if scope.can_view(a)],
        "can_browse": scope.can_browse(unit),
        "can_act": scope.can_act(unit) or scope.is_admin,
    }
    return render(request, "units/unit_detail.html", context)


def cadre_detail(request, code):
    cadre = _get_cadre_for_user(request, code)
    scope = get_scope(request)
    memberships = cadre.memberships.select_related("unit").order_by("-valid_from")
    roles = cadre.roles.select_related("unit").order_by("-valid_from")
    unit = current_unit(cadre)
    context = {
        "cadre": cadre,
        "memberships": memberships,
        "roles": roles,
        "unit": unit,
        "can_issue_link": scope.is_admin or (unit is not None and scope.can_act(unit)),
    }
    return render(request, "units/cadre_detail.html", context)


@require_POST
def cadre_password_link(request, code):
    cadre = _get_cadre_for_user(request, code)
    scope = get_scope(request)
    unit = current_unit(cadre)
    if not (scope.is_admin or (unit is not None and scope.can_act(unit))):
        raise PermissionDenied
    link = password_link(cadre=cadre, request=request)
    messages.success(
        request,
        _("Send this one-time link to %(name)s to set a password: %(link)s")
        % {"name": cadre.full_name, "link": link},
    )
    return redirect(cadre)


IMPORTERS = {"units": units_import, "cadres": cadres_import}
# kind -> (file name of its sample, columns, example rows)
SAMPLES = {
    "units": ("mau-don-vi", UNIT_COLUMNS, UNIT_EXAMPLES),
    "cadres": ("mau-can-bo", CADRE_COLUMNS, CADRE_EXAMPLES),
}


def import_page(request):
    """The administrator's import of units and cadres (docs/RULES.md, imports)."""
    if not request.user.is_superuser:
        raise PermissionDenied
    failure = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            counts = IMPORTERS[form.cleaned_data["kind"]](data=form.cleaned_data["file"].read())
        except ImportFailed as refused:
            failure = refused
        else:
            messages.success(
                request,
                _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                % counts,
            )
            return redirect("units:import")
    titles = dict(ImportForm.KINDS)
    samples = [
        listing(
            titles[kind],
            columns,
            lambda fmt, kind=kind: reverse("units:import_sample", args=[kind, fmt]),
        )
        for kind, (_name, columns, _rows) in SAMPLES.items()
    ]
    context = {
        "form": form,
        "failure": failure,
        "samples": samples,
        "max_rows": grouped(settings.IMPORT_MAX_ROWS),
    }
    return render(request, "units/import.html", context)


def import_sample(request, kind, fmt):
    """A sample file of the units or cadres import, for the administrators who import."""
    if not request.user.is_superuser:
        raise PermissionDenied
    if kind not in SAMPLES:
        raise Http404
    name, columns, rows = SAMPLES[kind]
    return sample_response(name, columns, rows, fmt)
