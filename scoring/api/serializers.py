"""The shapes of the API's bodies, for the OpenAPI description and for reading webhooks."""

from rest_framework import serializers

from directives.imports import TASK_COLUMNS  # noqa: F401  (the task fields, in this order)
from scoring.api.models import WebhookEvent


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()),
        required=False,
        help_text="One {pointer, field, detail} per bad field; pointer is a JSON Pointer "
        "into the request body.",
    )


class UnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    parent_code = serializers.CharField(allow_null=True)
    active_from = serializers.DateField(allow_null=True)
    active_to = serializers.DateField(allow_null=True)


class CadreSerializer(serializers.Serializer):
    code = serializers.CharField()
    full_name = serializers.CharField()
    job_group = serializers.CharField()
    unit_code = serializers.CharField(help_text="The cadre's unit today.")


def _decimal(**kwargs):
    return serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True, **kwargs)


class MonthResultSerializer(serializers.Serializer):
    """The columns of `export results` for a month."""

    cadre_code = serializers.CharField()
    unit_code = serializers.CharField()
    job_group = serializers.CharField()
    self = _decimal()
    peer = _decimal(help_text="The cadre's trimmed peer mean; never who gave what.")
    supervisor = _decimal()
    general = _decimal()
    task = _decimal()
    bonus = _decimal()
    penalty = _decimal()
    total = _decimal()
    tier_before_quota = serializers.CharField(allow_null=True)
    tier = serializers.CharField(allow_null=True)
    rank_in_unit = serializers.IntegerField(allow_null=True)
    rank_in_scope = serializers.IntegerField(allow_null=True)
    reward = serializers.IntegerField(allow_null=True, help_text="VND")


class YearResultSerializer(serializers.Serializer):
    """The columns of `export results --year`."""

    cadre_code = serializers.CharField()
    unit_code = serializers.CharField()
    job_group = serializers.CharField()
    rated_months = serializers.IntegerField()
    total = _decimal()
    tier_before_quota = serializers.CharField(allow_null=True)
    tier = serializers.CharField(allow_null=True)
    rank_in_unit = serializers.IntegerField(allow_null=True)
    rank_in_scope = serializers.IntegerField(allow_null=True)


class CountOrDatedField(serializers.JSONField):
    """A count (as in the task import) or a list of {on, reason}."""


class TaskInSerializer(serializers.Serializer):
    """One task, the columns of the task import (docs/RULES.md §5)."""

    code = serializers.CharField(max_length=32, help_text="The task's code in your system.")
    title = serializers.CharField(max_length=300)
    assignee_code = serializers.CharField()
    assigned_by_code = serializers.CharField(
        help_text="Must outrank the assignee on the assignment date."
    )
    assigned_on = serializers.DateField()
    deadline = serializers.DateField()
    expected_result = serializers.CharField()
    weight = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        required=False,
        help_text="Outside the catalogue at most 1; with product_code empty or equal to "
        "coefficient × quantity (docs/RULES.md §6).",
    )
    product_code = serializers.CharField(
        max_length=32, required=False, help_text="A standard product of the assignee's job group."
    )
    quantity = serializers.DecimalField(
        max_digits=8, decimal_places=2, required=False, help_text="With product_code."
    )
    completed_on = serializers.DateField(required=False, allow_null=True)
    accepted = serializers.BooleanField(required=False)
    major_errors = CountOrDatedField(
        required=False, help_text="A count, or a list of {on, reason} (counted)."
    )
    delays = CountOrDatedField(
        required=False, help_text="A count, or a list of {on, reason} (counted)."
    )


class TaskBatchSerializer(serializers.Serializer):
    tasks = TaskInSerializer(many=True, help_text="1 to API_BATCH_MAX (1,000) tasks.")


class DossierInSerializer(serializers.Serializer):
    """One rated dossier, the columns of the dossier import (docs/RULES.md §7)."""

    code = serializers.CharField(max_length=64, help_text="The dossier's code in your system.")
    unit_code = serializers.CharField(help_text="A unit of your subtree.")
    cadre_code = serializers.CharField(
        help_text="The handling cadre: a member of the unit (or a unit under it) that day."
    )
    handled_on = serializers.DateField()
    on_time = serializers.BooleanField()
    rating = serializers.ChoiceField(choices=["very_satisfied", "satisfied", "unsatisfied"])
    comment = serializers.CharField(
        required=False, help_text="Shown to the unit's head and the leaders over it only."
    )
    verified = serializers.BooleanField(
        required=False, help_text="An “unsatisfied” rating found justified (a complaint)."
    )


class DossierBatchSerializer(serializers.Serializer):
    dossiers = DossierInSerializer(many=True, help_text="1 to API_BATCH_MAX (1,000) dossiers.")


class CountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class TaskOutSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    assignee_code = serializers.CharField()
    assigned_by_code = serializers.CharField()
    unit_code = serializers.CharField()
    assigned_on = serializers.DateField()
    deadline = serializers.DateField(help_text="The original deadline.")
    effective_deadline = serializers.DateField()
    expected_result = serializers.CharField()
    weight = serializers.DecimalField(max_digits=6, decimal_places=2)
    status = serializers.CharField()
    completed_on = serializers.DateField(allow_null=True)
    accepted = serializers.BooleanField()
    major_errors = serializers.IntegerField(
        help_text="Counted: imported and recorded, not exempted."
    )
    delays = serializers.IntegerField(help_text="Counted: imported and recorded, not exempted.")


class WebhookSerializer(serializers.Serializer):
    url = serializers.URLField(allow_blank=True, max_length=200)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.values), allow_empty=True
    )


def page_of(item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """A page of a list: {count, next, previous, results}."""
    name = item.__name__.removesuffix("Serializer")
    return type(
        f"Paginated{name}List",
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )


UnitPage = page_of(UnitSerializer)
CadrePage = page_of(CadreSerializer)
MonthResultPage = page_of(MonthResultSerializer)
YearResultPage = page_of(YearResultSerializer)
