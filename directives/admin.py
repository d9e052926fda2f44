from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import models
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directives.models import AuditEntry, Criterion, DossierRating, Regulation, Task, TaskEvent
from directives.services import regulation_new_version
from directives.signals import regulation_frozen_reason, tasks_written
from units.admin import ReadOnlyAdmin

NEW_VERSION = gettext_lazy("Make a new version of the selected regulations")


def frozen_reason(request, regulation) -> str | None:
    """Why `regulation` can no longer change; asked once per request (the admin checks the
    permissions of the form and of each inline)."""
    if regulation is None or regulation.pk is None:
        return None
    asked = request.__dict__.setdefault("frozen_regulations", {})
    if regulation.pk not in asked:
        asked[regulation.pk] = regulation_frozen_reason(regulation)
    return asked[regulation.pk]


class CriterionInline(admin.TabularInline):
    """The criteria of a regulation; read-only once a decided period pins it."""

    model = Criterion
    extra = 0
    fields = ["order", "code", "name_vi", "name_en", "group", "max_points"]

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and not frozen_reason(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not frozen_reason(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not frozen_reason(request, obj)


@admin.register(Regulation)
class RegulationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "valid_from", "supersedes"]
    list_filter = ["quota_base", "valid_from"]
    search_fields = ["code", "name"]
    list_select_related = ["supersedes"]
    autocomplete_fields = ["supersedes"]
    inlines = [CriterionInline]
    actions = ["make_new_version"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not frozen_reason(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A frozen regulation opens read-only with why and what to do instead; a save posted
        from a form opened before the freeze comes back to it, nothing saved."""
        reason = frozen_reason(request, self.get_object(request, unquote(object_id)))
        if reason and request.method == "POST":
            self.message_user(request, _("Your changes were not saved."), messages.ERROR)
            return HttpResponseRedirect(request.path)
        if reason:
            hint = _(
                "It is shown read-only. To change it, select it in the list of regulations "
                "and run “%(action)s”."
            ) % {"action": NEW_VERSION}
            self.message_user(request, f"{reason} {hint}", messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=NEW_VERSION)
    def make_new_version(self, request, queryset):
        for regulation in queryset:
            copy = regulation_new_version(regulation=regulation)
            self.message_user(
                request,
                _("%(new)s made from %(old)s: edit it, the old one stays as it was.")
                % {"new": copy.code, "old": regulation.code},
                messages.SUCCESS,
            )


class TaskEventInline(admin.TabularInline):
    model = TaskEvent
    fk_name = "task"
    extra = 0
    can_delete = False
    fields = ["at", "kind", "author", "reason", "new_status", "new_deadline", "exempted"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "assignee",
        "assigned_by",
        "unit",
        "effective_deadline",
        "status",
        "completed_on",
        "accepted",
        "weight",
    ]
    list_filter = ["status", "accepted", "effective_deadline", "unit__kind"]
    search_fields = ["code", "title", "assignee__code", "assignee__full_name", "unit__code"]
    autocomplete_fields = ["assignee", "assigned_by", "unit", "supporters"]
    list_select_related = ["assignee", "assigned_by", "unit"]
    date_hierarchy = "effective_deadline"
    readonly_fields = ["created_at", "updated_at"]
    inlines = [TaskEventInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    # A task changed or deleted here is told like one written through the services: the
    # decided months' dashboard figures count it anew (its month before and after).
    def save_model(self, request, obj, form, change):
        before = Task.objects.filter(pk=obj.pk).values_list("unit_id", "effective_deadline")
        pairs = [(unit_id, f"{day:%Y-%m}") for unit_id, day in before] if change else []
        super().save_model(request, obj, form, change)
        tasks_written([obj], pairs)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        tasks_written([obj])

    def delete_queryset(self, request, queryset):
        tasks = list(queryset.only("unit_id", "effective_deadline"))
        super().delete_queryset(request, queryset)
        tasks_written(tasks)


@admin.register(TaskEvent)
class TaskEventAdmin(ReadOnlyAdmin):
    """History is kept for ever: read-only here, written by the services."""

    list_display = ["task", "kind", "author", "at", "exempted"]
    list_filter = ["kind", "exempted"]
    search_fields = ["task__code", "task__title", "author__code", "author__full_name", "reason"]
    list_select_related = ["task", "author"]
    date_hierarchy = "at"


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Append-only: nobody adds, edits or deletes an entry, here or anywhere."""

    list_display = ["at", "actor", "action", "object_type", "object_id", "new"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor", "action", "object_id", "reason"]
    date_hierarchy = "at"


@admin.register(DossierRating)
class DossierRatingAdmin(ReadOnlyAdmin):
    """Written by the import and the API only (a decided month never changes): read-only."""

    list_display = ["code", "unit", "cadre", "handled_on", "on_time", "rating", "verified"]
    list_filter = ["rating", "on_time", "verified"]
    search_fields = ["code", "unit__code", "cadre__code", "cadre__full_name", "comment"]
    list_select_related = ["unit", "cadre"]
    date_hierarchy = "handled_on"
