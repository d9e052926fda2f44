"""The month's data in the admin, read-only: every change goes through `scoring.month.services` (the
web pages and the command line), which checks it and writes the audit log.

Peer evaluations are not here: who rates whom, and what they gave, is the rater's alone to see
on the web (docs/RULES.md §3). Their scorecards, assignments and audit entries stay in the
database and the command line.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from scoring.models import (
    Adjustment,
    Appeal,
    AuditEntry,
    Correction,
    Period,
    PeriodMember,
    PeriodUnit,
    PeriodUnitResult,
    RaterFlag,
    Result,
    Revision,
    RevisionChange,
    Scorecard,
    ScorecardKind,
    ScoreLine,
)
from units.admin import ReadOnlyAdmin, ReadOnlyInline


class PeriodUnitInline(ReadOnlyInline):
    model = PeriodUnit
    fields = ["unit", "pool", "outstanding"]


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ["month", "scope", "regulation", "phase", "decided_at", "published_at"]
    list_filter = ["phase", "regulation", "month"]
    search_fields = ["month", "scope__code", "scope__name"]
    list_select_related = ["scope", "regulation"]
    inlines = [PeriodUnitInline]

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def add_view(self, request, form_url="", extra_context=None):
        """A month is opened in the Months area, which previews it and makes its members and
        peer assignments (docs/RULES.md §2): "Add period" leads there, and nothing is posted
        here."""
        if request.method != "GET":
            raise PermissionDenied
        return redirect("months:open")


@admin.register(PeriodMember)
class PeriodMemberAdmin(ReadOnlyAdmin):
    list_display = ["period", "cadre", "unit", "job_group", "is_leader"]
    list_filter = ["period__month", "is_leader"]
    search_fields = ["cadre__code", "cadre__full_name", "unit__code"]
    list_select_related = ["period__scope", "cadre", "unit"]


@admin.register(PeriodUnit)
class PeriodUnitAdmin(ReadOnlyAdmin):
    list_display = ["period", "unit", "pool", "outstanding"]
    list_filter = ["period__month", "outstanding"]
    search_fields = ["unit__code", "unit__name"]
    list_select_related = ["period__scope", "unit"]


class ScoreLineInline(ReadOnlyInline):
    model = ScoreLine
    fields = ["criterion", "points", "comment"]


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnlyAdmin):
    list_display = ["period", "kind", "rater", "ratee", "status", "version", "updated_at"]
    list_filter = ["period__month", "kind", "status"]
    search_fields = ["ratee__code", "ratee__full_name", "rater__code", "rater__full_name"]
    list_select_related = ["period__scope", "rater", "ratee"]
    inlines = [ScoreLineInline]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(kind=ScorecardKind.PEER)


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnlyAdmin):
    list_display = ["period", "cadre", "kind", "points", "reason", "entered_by", "created_at"]
    list_filter = ["period__month", "kind"]
    search_fields = ["cadre__code", "cadre__full_name", "reason"]
    list_select_related = ["period__scope", "cadre", "entered_by"]


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    list_display = [
        "period",
        "cadre",
        "unit",
        "total",
        "tier_before_quota",
        "tier",
        "rank_in_unit",
        "rank_in_scope",
        "reward",
    ]
    list_filter = ["period__month", "tier", "rated"]
    search_fields = ["cadre__code", "cadre__full_name", "unit__code"]
    list_select_related = ["period__scope", "cadre", "unit"]


@admin.register(PeriodUnitResult)
class PeriodUnitResultAdmin(ReadOnlyAdmin):
    list_display = ["period", "unit", "pool", "rated", "distributed", "undistributed"]
    list_filter = ["period__month"]
    list_select_related = ["period__scope", "unit"]


@admin.register(RaterFlag)
class RaterFlagAdmin(ReadOnlyAdmin):
    list_display = ["period", "unit", "kind", "rater", "partner"]
    list_filter = ["period__month", "kind"]
    search_fields = ["rater__code", "rater__full_name", "partner__code", "unit__code"]
    list_select_related = ["period__scope", "unit", "rater", "partner"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["period", "cadre", "status", "created_at", "answered_by", "answered_at"]
    list_filter = ["status", "period__month"]
    search_fields = ["cadre__code", "cadre__full_name", "text", "answer"]
    list_select_related = ["period__scope", "cadre", "answered_by"]


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyAdmin):
    list_display = ["period", "cadre", "unit", "opened_by", "opened_at", "closed_at"]
    list_filter = ["period__month"]
    search_fields = ["cadre__code", "cadre__full_name", "reason"]
    list_select_related = ["period__scope", "cadre", "unit", "opened_by"]


class RevisionChangeInline(ReadOnlyInline):
    model = RevisionChange
    fields = ["cadre", "unit", "before", "after"]


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ["period", "correction", "decided_by", "decided_at"]
    list_filter = ["period__month"]
    list_select_related = ["period__scope", "correction__cadre", "decided_by"]
    inlines = [RevisionChangeInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Append-only: nobody adds, edits or deletes an entry, here or anywhere."""

    list_display = ["at", "actor", "action", "object_type", "object_id", "period", "reason"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor", "action", "object_id", "reason"]
    list_select_related = ["period__scope"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        peer_cards = {"object_type": "scorecard", "new__kind": ScorecardKind.PEER}
        return super().get_queryset(request).exclude(**peer_cards)
