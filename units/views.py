from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from units.accounts import password_link_refusal, replaces_a_password
from units.forms import ImportForm, PasswordLinkForm, UnlockForm
from units.import_page import import_page as shared_import_page
from units.logins import LoginForm, current_lockouts, lockout_log
from units.models import Cadre, Membership, Role, Unit, is_valid_on, valid_on_q
from units.samples import CADRE_EXAMPLES, UNIT_EXAMPLES, listing, sample_response
from units.scope import (
    cadre_or_404,
    get_scope,
    latest_unit,
    require_admin,
    unit_of,
    unit_or_404,
)
from units.services import (
    CADRE_COLUMNS,
    UNIT_COLUMNS,
    cadres_import,
    lockout_lift,
    password_link_issue,
    units_import,
)


def home_cards() -> list[str]:
    """The cards the apps above add to the home page (their AppConfig's `home_cards`): the home
    page names no template of theirs, so units never depends on them (docs/ARCHITECTURE.md)."""
    return [
        config.home_cards
        for config in apps.get_app_configs()
        if getattr(config, "home_cards", None)
    ]


def home(request):
    scope = get_scope(request)
    today = timezone.localdate()
    top_units = []
    if scope.has_subtree_view:
        top_units = list(
            scope.top_units()
            .annotate(
                members=Count("memberships", filter=valid_on_q(today, "memberships__")),
                subunits=Count("children", distinct=True),
            )
            .order_by("code")
        )
    context = {"top_units": top_units, "today": today, "home_cards": home_cards()}
    return render(request, "units/home.html", context)


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
    unit = unit_or_404(request, code)
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
    cadre = cadre_or_404(request, code, queryset=Cadre.objects.select_related("user"))
    memberships = list(cadre.memberships.select_related("unit").order_by("-valid_from"))
    roles = list(cadre.roles.select_related("unit").order_by("-valid_from"))
    today = timezone.localdate()
    unit = latest_unit(memberships, today)
    refusal = password_link_refusal(
        scope=get_scope(request),
        cadre=cadre,
        unit=unit,
        cadre_roles=[r for r in roles if is_valid_on(r, today)],
    )
    context = {
        "cadre": cadre,
        "memberships": memberships,
        "roles": roles,
        "unit": unit,
        "can_issue_link": refusal is None,
    }
    return render(request, "units/cadre_detail.html", context)


@require_http_methods(["GET", "POST"])
def cadre_password_link(request, code):
    """Issue a set-password link (docs/RULES.md §3): refused with the reason on a 403 page."""
    cadre = cadre_or_404(request, code, queryset=Cadre.objects.select_related("user"))
    today = timezone.localdate()
    unit = unit_of(cadre, today)
    roles = Role.objects.valid_on(today).filter(cadre=cadre).select_related("unit")
    refusal = password_link_refusal(
        scope=get_scope(request), cadre=cadre, unit=unit, cadre_roles=list(roles)
    )
    if refusal:
        raise PermissionDenied(refusal)
    data = request.POST if request.method == "POST" else None
    form = PasswordLinkForm(data, cadre=cadre, replaces=replaces_a_password(cadre))
    if request.method == "POST" and form.is_valid():
        try:
            issued = password_link_issue(cadre=cadre, issuer=request.user)
        except OSError:  # the mail server refused or cannot be reached: nothing was issued
            messages.error(
                request,
                _(
                    "The email to %(address)s could not be sent: no link was issued. Try "
                    "again later."
                )
                % {"address": cadre.email or cadre.user.email},
            )
            return redirect(cadre)
        messages.success(request, _issued_message(request, cadre, issued))
        return redirect(cadre)
    context = {
        "cadre": cadre,
        "form": form,
        "hours": settings.PASSWORD_LINK_HOURS,
        "address": cadre.email or (cadre.user.email if cadre.user else ""),
    }
    return render(request, "units/password_link.html", context)


def _issued_message(request, cadre, issued):
    if issued.path is None:
        return _(
            "A one-time set-password link, valid %(hours)s hours, was sent to %(name)s at "
            "%(address)s."
        ) % {"hours": issued.hours, "name": cadre.full_name, "address": issued.sent_to}
    return _(
        "%(name)s has no email address: hand them this one-time link, valid %(hours)s hours: "
        "%(link)s"
    ) % {
        "name": cadre.full_name,
        "hours": issued.hours,
        "link": request.build_absolute_uri(issued.path),
    }


IMPORTERS = {"units": units_import, "cadres": cadres_import}
# kind -> (file name of its sample, columns, example rows)
SAMPLES = {
    "units": ("mau-don-vi", UNIT_COLUMNS, UNIT_EXAMPLES),
    "cadres": ("mau-can-bo", CADRE_COLUMNS, CADRE_EXAMPLES),
}


def import_page(request):
    """The administrator's import of units and cadres (docs/RULES.md, imports)."""
    require_admin(request)
    titles = dict(ImportForm.KINDS)
    samples = [
        listing(titles[kind], columns, "units:import_sample", kind)
        for kind, (_name, columns, _rows) in SAMPLES.items()
    ]
    return shared_import_page(
        request,
        form_class=ImportForm,
        run=lambda data: IMPORTERS[data["kind"]](data=data["file"].read()),
        template="units/import.html",
        done="units:import",
        context={"samples": samples},
    )


def import_sample(request, kind, fmt):
    """A sample file of the units or cadres import, for the administrators who import."""
    require_admin(request)
    if kind not in SAMPLES:
        raise Http404
    name, columns, rows = SAMPLES[kind]
    return sample_response(name, columns, rows, fmt)


class LoginView(auth_views.LoginView):
    """Django's login with the username slowdown (units/logins.py): a slowed attempt is
    answered 429 with Retry-After and the wait in the form's message."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.wait_seconds:
            response.status_code = 429
            response["Retry-After"] = str(form.wait_seconds)
        return response


LOCKOUTS_ARE_ADMINS = gettext_lazy("Only an administrator may open the lockouts.")


def lockouts(request):
    """Username and address pairs locked now, with their unlock buttons, and the lockout log."""
    require_admin(request, LOCKOUTS_ARE_ADMINS)
    context = {
        "lockouts": current_lockouts(),
        "log": lockout_log(),
        "limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "units/lockouts.html", context)


@require_POST
def lockout_unlock(request):
    require_admin(request, LOCKOUTS_ARE_ADMINS)
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The lockout to lift is not named: nothing was changed."))
        return redirect("units:lockouts")
    username, address = form.cleaned_data["username"], form.cleaned_data["ip_address"] or None
    names = {"username": username, "address": address or "—"}
    if lockout_lift(username=username, ip_address=address, by=request.user):
        messages.success(request, _("Lifted the lockout of %(username)s from %(address)s.") % names)
    else:
        messages.info(request, _("%(username)s is not locked from %(address)s.") % names)
    return redirect("units:lockouts")
