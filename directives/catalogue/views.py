"""The catalogue pages (docs/RULES.md §6): everyone signed in reads the catalogue; only an
administrator adds, changes or imports items (403 for anyone else)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from directives.catalogue import selectors, services
from directives.catalogue.forms import CatalogueImportForm, CatalogueItemForm
from directives.catalogue.imports import (
    CATALOGUE_COLUMNS,
    catalogue_import,
)
from directives.catalogue.models import CatalogueItem
from directives.models import Regulation
from directives.services import today
from directives.signals import regulation_frozen_reason
from units.import_page import import_page
from units.samples import listing, sample_response
from units.scope import get_scope, require_admin

SAMPLE_COLUMNS = [*CATALOGUE_COLUMNS[:3], "name_en", *CATALOGUE_COLUMNS[3:], "note"]
SAMPLE_ROWS = [
    [
        "Chuyên viên",
        "SP-TD-01",
        "Thẩm định hồ sơ cấp phép xây dựng",
        "Appraisal of a building permit dossier",
        "hồ sơ",
        "0,5",
        "Hồ sơ đủ điều kiện, có văn bản thẩm định",
    ],
    ["Chuyên viên", "SP-BC-01", "Báo cáo định kỳ tháng", "Monthly report", "báo cáo", "1", ""],
    [
        "Chuyên viên",
        "SP-DA-01",
        "Đề án, kế hoạch cấp phường",
        "Ward scheme or plan",
        "đề án",
        "5",
        "Được UBND phường phê duyệt",
    ],
]


def catalogue(request):
    """A regulation's catalogue (the one in force today by default), by job group."""
    code = request.GET.get("regulation", "")
    if code:
        regulation = get_object_or_404(Regulation, code=code)
    else:
        regulation = selectors.catalogue_regulation(today()) or (
            Regulation.objects.order_by("-valid_from", "-pk").first()
        )
    job_group = request.GET.get("job_group", "")
    is_admin = get_scope(request).is_admin
    context = {
        "regulation": regulation,
        "regulations": Regulation.objects.order_by("-valid_from", "code"),
        "in_force": selectors.catalogue_regulation(today()),
        "job_groups": selectors.catalogue_job_groups(regulation),
        "job_group": job_group,
        "items": selectors.catalogue_page(regulation=regulation, job_group=job_group),
        "is_admin": is_admin,
        "frozen": regulation_frozen_reason(regulation) if is_admin and regulation else None,
    }
    return render(request, "directives/catalogue.html", context)


def catalogue_item(request, regulation, pk=None):
    """Add an item to a regulation's catalogue (`pk` None) or change one: administrators."""
    require_admin(request)
    regulation = get_object_or_404(Regulation, code=regulation)
    item = None
    if pk is not None:
        item = get_object_or_404(CatalogueItem, pk=pk, regulation=regulation)
    form = CatalogueItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.ITEM_FIELDS}
        try:
            saved = services.catalogue_item_save(
                regulation=regulation, values=values, item=item, user=request.user
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, _("Catalogue item %(code)s saved.") % {"code": saved.code})
            return redirect(_catalogue_of(regulation))
    context = {
        "regulation": regulation,
        "item": item,
        "form": form,
        "frozen": regulation_frozen_reason(regulation),
    }
    return render(request, "directives/catalogue_item.html", context)


def catalogue_upload(request):
    """Import a regulation's catalogue from .xlsx or .csv, all or nothing: administrators."""
    require_admin(request)

    def run(data):
        upload = data["file"]
        return catalogue_import(
            data=upload.read(),
            regulation=data["regulation"],
            user=request.user,
            file_name=upload.name,
        )

    sample = listing(_("Catalogue"), SAMPLE_COLUMNS, "directives:catalogue_sample")
    return import_page(
        request,
        form_class=CatalogueImportForm,
        run=run,
        template="directives/catalogue_import.html",
        done=lambda data: _catalogue_of(data["regulation"]),
        context={"samples": [sample]},
    )


def _catalogue_of(regulation):
    return reverse("directives:catalogue") + f"?regulation={regulation.code}"


def catalogue_sample(request, fmt):
    require_admin(request)
    return sample_response("mau-danh-muc-san-pham", SAMPLE_COLUMNS, SAMPLE_ROWS, fmt)
