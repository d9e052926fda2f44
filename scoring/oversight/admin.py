from django.contrib import admin

from scoring.oversight.models import Finding, Inspection, OversightEntry, ReviewCase
from units.admin import ReadOnlyAdmin


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["on", "reference", "unit", "scope", "surprise", "recorded_by"]
    list_filter = ["scope", "surprise"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["inspection", "cadre", "handling", "points", "confirmed_at"]
    # Evidence is served only by its view, to the scope (RULES.md §8): no link to the file here.
    exclude = ["evidence"]


@admin.register(ReviewCase)
class ReviewCaseAdmin(ReadOnlyAdmin):
    list_display = ["cadre", "kind", "unit", "opened_at", "decision_number", "decision_date"]
    list_filter = ["kind"]


@admin.register(OversightEntry)
class OversightEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action"]
