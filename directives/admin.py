from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directives.models import Criterion, Regulation, Task, TaskEvent
from directives.services import regulation_new_version


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["order", "code", "name_vi", "name_en", "group", "max_points"]


@admin.register(Regulation)
class RegulationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "valid_from", "supersedes"]
    list_filter = ["quota_base", "valid_from"]
    search_fields = ["code", "name"]
    list_select_related = ["supersedes"]
    autocomplete_fields = ["supersedes"]
    inlines = [CriterionInline]
    actions = ["make_new_version"]

    @admin.action(description=gettext_lazy("Make a new version of the selected regulations"))
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


@admin.register(TaskEvent)
class TaskEventAdmin(admin.ModelAdmin):
    """History is kept for ever: read-only here, written by the services."""

    list_display = ["task", "kind", "author", "at", "exempted"]
    list_filter = ["kind", "exempted"]
    search_fields = ["task__code", "task__title", "author__code", "author__full_name", "reason"]
    list_select_related = ["task", "author"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
