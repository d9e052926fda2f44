from django.contrib import admin

from units.logins import AdminLoginForm
from units.models import AccountEvent, Cadre, Membership, Role, Unit

# The admin's login obeys the same slowdown as the site's (docs/RULES.md §3).
admin.site.login_form = AdminLoginForm


class ReadOnlyMixin:
    """The admin of what only the services write (logs, the month's data): it reads, never
    adds, changes or deletes."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["unit", "valid_from", "valid_to"]
    extra = 0
    autocomplete_fields = ["unit"]


class RoleInline(MembershipInline):
    model = Role
    fields = ["role", "unit", "valid_from", "valid_to"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "depth", "active_from", "active_to"]
    list_filter = ["kind", "depth"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth"]
    list_select_related = ["parent"]


@admin.register(Cadre)
class CadreAdmin(admin.ModelAdmin):
    list_display = ["code", "full_name", "job_group", "category", "email", "is_active"]
    list_filter = ["category", "job_group", "is_active"]
    search_fields = ["code", "full_name", "email"]
    raw_id_fields = ["user"]
    inlines = [MembershipInline, RoleInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """A cadre in a unit between two dates; roles are the same with their kind."""

    fields = list_display = ["cadre", "unit", "valid_from", "valid_to"]
    list_filter = ["unit__kind", "valid_to"]
    search_fields = ["cadre__code", "cadre__full_name", "unit__code", "unit__name"]
    autocomplete_fields = ["cadre", "unit"]
    list_select_related = ["cadre", "unit"]


@admin.register(Role)
class RoleAdmin(MembershipAdmin):
    fields = list_display = ["cadre", "role", "unit", "valid_from", "valid_to"]
    list_filter = ["role", "unit__kind"]


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyAdmin):
    """The account log, read-only: it is written by the services that act on accounts."""

    list_display = ["at", "kind", "username", "ip_address", "actor_name"]
    list_filter = ["kind"]
    search_fields = ["username", "actor_name"]
    date_hierarchy = "at"
