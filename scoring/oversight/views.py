"""The pages of oversight (docs/RULES.md §8): the radar, inspections, personnel review cases.

Access through `units.scope` first (404 for an outsider, 403 for a read-only viewer), then the
narrower questions of `scoring.oversight.authority`; the services check again.
"""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directives.forms import UploadForm
from scoring.dashboards.scope import picker_units
from scoring.errors import NotAllowed, ScoringError, on_form
from scoring.month.selectors.inputs import is_month
from scoring.office import pdf
from scoring.oversight import imports, selectors, services
from scoring.oversight.authority import (
    CASE_ROLES,
    INSPECTING_ROLES,
    may_inspect,
    may_open_cases,
    reaches,
    role_paths,
)
from scoring.oversight.documents import inspections_sheet
from scoring.oversight.forms import CaseForm, DecisionForm, FindingForm, InspectionForm
from scoring.oversight.models import Finding, Inspection, OversightEntry, ReviewCase
from units.downloads import PDF, attachment
from units.import_page import import_page
from units.models import Cadre, Membership, Unit, valid_on_q
from units.samples import listing, sample_response
from units.scope import (
    acting_roles,
    cadre_or_404,
    get_scope,
    latest_unit,
    outranks,
    require_unit,
    top_unit_or_404,
    unit_or_404,
    year_or_404,
)

# --- the radar -----------------------------------------------------------------------------


def radar(request):
    """Who does not meet the task, over the user's subtree (or `?unit=`), with the months."""
    scope = get_scope(request)
    code = request.GET.get("unit")
    unit = unit_or_404(request, code, need="browse") if code else top_unit_or_404(request)
    month = request.GET.get("month") or None
    if month is not None and not is_month(month):
        raise Http404
    data = selectors.radar(scope, unit, month)
    context = {"radar": data, "unit": unit, "units": picker_units(scope, unit)}
    return render(request, "oversight/radar.html", context)


# --- inspections ---------------------------------------------------------------------------


def inspections_start(request):
    unit = top_unit_or_404(request)
    return redirect("oversight:inspections", code=unit.code, year=timezone.localdate().year)


def inspections(request, code, year):
    """The inspections of a unit's subtree in a year: printable."""
    unit = unit_or_404(request, code, need="browse", related=("parent",))
    year_or_404(year)
    context = {
        "unit": unit,
        "year": year,
        "inspections": list(selectors.unit_inspections(unit, year)),
        "may_inspect": may_inspect(get_scope(request), unit),
    }
    return render(request, "oversight/inspections.html", context)


def inspections_pdf(request, code, year):
    """The same list as a Decree 30 document (PDF)."""
    unit = unit_or_404(request, code, need="browse", related=("parent",))
    year_or_404(year)
    rows = list(selectors.unit_inspections(unit, year))
    document, filename = inspections_sheet(
        inspections=rows, unit=unit, year=year, on=timezone.localdate()
    )
    return attachment(pdf.render(document), filename, PDF)


def inspection_new(request, code):
    unit = unit_or_404(request, code, need="browse")
    scope = get_scope(request)
    if not may_inspect(scope, unit):
        raise PermissionDenied(_("Only a leader or an inspector over this unit records it."))
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        inspection = on_form(
            form,
            lambda: services.inspection_record(
                scope=scope,
                user=request.user,
                unit=unit,
                on=data["on"],
                kind=data["scope"],
                surprise=data["surprise"],
                summary=data["summary"],
            ),
        )
        if inspection is not None:
            messages.success(request, _("The inspection is recorded: add its findings."))
            return redirect("oversight:inspection", pk=inspection.pk)
    return render(request, "oversight/inspection_form.html", {"unit": unit, "form": form})


# --- the import ----------------------------------------------------------------------------


def _require_inspector(request):
    """Who holds a role that records inspections (head, deputy, leader, inspector); the rows
    name the units, each checked by the services. The administrator records none."""
    scope = get_scope(request)
    if not role_paths(scope, INSPECTING_ROLES):
        raise PermissionDenied(_("Only a leader or an inspector records inspections."))
    return scope


def inspections_import(request):
    """Inspections with their findings from a file, all or nothing (docs/RULES.md §8)."""
    _require_inspector(request)

    def run(data):
        return imports.inspections_import(
            data=data["file"].read(), user=request.user, file_name=data["file"].name
        )

    def said(counts):
        return _("Imported: %(inspections)s inspections, %(findings)s findings.") % counts

    sample = listing(
        _("Inspections and their findings"),
        imports.SAMPLE_COLUMNS,
        "oversight:inspections_import_sample",
    )
    return import_page(
        request,
        form_class=UploadForm,
        run=run,
        said=said,
        template="oversight/inspections_import.html",
        done="oversight:inspections_import",
        context={"samples": [sample]},
    )


def inspections_import_sample(request, fmt):
    _require_inspector(request)
    return sample_response("mau-kiem-tra", imports.SAMPLE_COLUMNS, imports.SAMPLE_ROWS, fmt)


def _inspection(request, pk) -> Inspection:
    try:
        inspection = selectors.inspection_with_findings(pk)
    except Inspection.DoesNotExist:
        raise Http404 from None
    require_unit(request, inspection.unit, need="browse")
    return inspection


def _unit_cadres(inspection: Inspection):
    """The cadres of the inspected unit's subtree on the inspection's date."""
    return (
        Cadre.objects.filter(
            pk__in=Membership.objects.filter(
                valid_on_q(inspection.on), unit__path__startswith=inspection.unit.path
            ).values("cadre_id")
        )
        .only("code", "full_name")
        .order_by("code")
    )


def inspection(request, pk):
    """An inspection with its findings, the form for another finding and the confirmations."""
    item = _inspection(request, pk)
    scope = get_scope(request)
    inspecting = may_inspect(scope, item.unit)
    form = FindingForm(cadres=_unit_cadres(item)) if inspecting else None
    return _inspection_page(request, item, form)


def _inspection_page(request, item, form, status=200):
    scope = get_scope(request)
    today = timezone.localdate()
    findings = list(item.findings.all())
    pending = [
        f for f in findings if f.cadre_id and f.confirmed_at is None and f.handling != "remind"
    ]
    supervised = set()
    if pending and scope.cadre is not None and scope.is_manager:
        # Whether the user supervises each named cadre today (can_act_on_cadre's rule, in two
        # queries for all the findings).
        ids = {f.cadre_id for f in pending}
        roles = acting_roles([scope.cadre.pk, *ids], today)
        memberships = defaultdict(list)
        for m in Membership.objects.valid_on(today).filter(cadre_id__in=ids).select_related("unit"):
            memberships[m.cadre_id].append(m)
        for cadre_id in ids:
            unit = latest_unit(memberships[cadre_id], today)
            if (
                unit is not None
                and not scope.is_self(cadre_id)
                and outranks(roles.get(scope.cadre.pk, []), roles.get(cadre_id, []), unit.path)
            ):
                supervised.add(cadre_id)
    for finding in findings:
        finding.may_confirm = finding in pending and finding.cadre_id in supervised
    context = {"inspection": item, "findings": findings, "form": form}
    return render(request, "oversight/inspection.html", context, status=status)


@require_POST
def finding_add(request, pk):
    item = _inspection(request, pk)
    scope = get_scope(request)
    if not may_inspect(scope, item.unit):
        raise PermissionDenied
    cadres = _unit_cadres(item)
    form = FindingForm(request.POST, request.FILES, cadres=cadres)
    if form.is_valid():
        data = form.cleaned_data
        cadre = Cadre.objects.filter(code=data["cadre"]).first() if data["cadre"] else None
        added = on_form(
            form,
            lambda: services.finding_add(
                scope=scope,
                user=request.user,
                inspection=item,
                cadre=cadre,
                text=data["text"],
                handling=data["handling"],
                points=data["points"],
                evidence=data["evidence"],
            ),
            forbidden=NotAllowed,
        )
        if added is not None:
            messages.success(request, _("The finding is recorded."))
            return redirect("oversight:inspection", pk=item.pk)
    return _inspection_page(request, item, form, status=200)


def evidence(request, pk):
    """A finding's evidence, to those who browse the inspected unit and to the cadre it names;
    never a public address (the file lives under MEDIA_ROOT, served only here)."""
    finding = get_object_or_404(Finding.objects.select_related("inspection__unit"), pk=pk)
    scope = get_scope(request)
    if not (scope.is_self(finding.cadre_id) or scope.can_browse(finding.inspection.unit)):
        raise Http404
    if not finding.evidence:
        raise Http404
    return FileResponse(finding.evidence.open("rb"), as_attachment=True)


@require_POST
def finding_confirm(request, pk):
    finding = get_object_or_404(Finding.objects.select_related("inspection__unit"), pk=pk)
    require_unit(request, finding.inspection.unit, need="browse")
    try:
        services.finding_confirm(finding=finding, user=request.user)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from None
    except ScoringError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Confirmed: the finding is now an adjustment of the month."))
    return redirect("oversight:inspection", pk=finding.inspection_id)


# --- personnel review cases ----------------------------------------------------------------


def cases(request):
    """The cases on cadres of the units the user browses."""
    scope = get_scope(request)
    if not scope.has_subtree_view:
        raise PermissionDenied
    rows = list(selectors.scope_cases(scope)[:200])
    return render(request, "oversight/cases.html", {"cases": rows})


def case_new(request):
    """Open a case on `?cadre=` (the form sends it back too): downward, never on oneself, a
    peer or someone above."""
    scope = get_scope(request)
    if not may_open_cases(scope):
        raise PermissionDenied
    code = request.POST.get("cadre") or request.GET.get("cadre")
    cadre = cadre_or_404(request, code or "-")
    if not reaches(scope, cadre, kinds=CASE_ROLES, on=timezone.localdate()):
        raise PermissionDenied(_("You may open a case only on someone below you."))
    form = CaseForm(request.POST or None, initial={"grounds": request.GET.get("grounds", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = on_form(
            form,
            lambda: services.case_open(
                user=request.user, cadre=cadre, kind=data["kind"], grounds=data["grounds"]
            ),
            forbidden=NotAllowed,
        )
        if case is not None:
            messages.success(request, _("The case is opened."))
            return redirect("oversight:case", pk=case.pk)
    return render(request, "oversight/case_form.html", {"cadre": cadre, "form": form})


def case(request, pk):
    """A case, its history and (for who may decide it) the decision form."""
    item = get_object_or_404(
        ReviewCase.objects.select_related(
            "cadre", "unit", "opened_by", "decided_by", "target_unit"
        ),
        pk=pk,
    )
    scope = get_scope(request)
    if not scope.can_browse(item.unit):
        raise Http404
    may_decide = not item.decided and reaches(
        scope, item.cadre, kinds=CASE_ROLES, on=timezone.localdate(), unit=item.unit
    )
    units = Unit.objects.subtree_of(*role_paths(scope, CASE_ROLES)).only("code", "name")
    form = DecisionForm(request.POST or None, units=units) if may_decide else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid() and on_form(
            form, lambda: _decide(request, item, form), forbidden=NotAllowed
        ):
            messages.success(request, _("The decision is recorded."))
            return redirect("oversight:case", pk=item.pk)
    history = OversightEntry.objects.filter(object_type="reviewcase", object_id=str(item.pk))
    context = {"case": item, "form": form, "history": list(history)}
    return render(request, "oversight/case.html", context)


def _decide(request, item: ReviewCase, form) -> ReviewCase | None:
    """Record the decision of the form; None, with the refusal on the form, when refused."""
    data = form.cleaned_data
    target = Unit.objects.filter(code=data["target_unit"]).first() if data["target_unit"] else None
    return on_form(
        form,
        lambda: services.case_decide(
            user=request.user,
            case=item,
            number=data["number"],
            decided_on=data["decided_on"],
            effective_on=data["effective_on"],
            target_unit=target,
        ),
        forbidden=NotAllowed,
    )
