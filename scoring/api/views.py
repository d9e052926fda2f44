"""/api/v1/ (docs/API.md). Every view answers for the calling client only: its subtree (404
outside it), its access (403 for a read-only client's write), its rate (429); every request of
a known client goes to its log."""

import re

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from directives.models import Task
from directives.selectors import members_of_subtree, with_counts
from scoring.api import serializers as s
from scoring.api.auth import client_address
from scoring.api.dossiers import dossiers_save
from scoring.api.models import ApiClient, ApiRequest
from scoring.api.tasks import tasks_save
from scoring.io.exports import results_table, year_table
from scoring.month.selectors.rating import PUBLISHED_PHASES
from units.models import Unit

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
PROBLEM = "application/problem+json"
PROBLEMS = {(code, PROBLEM): s.ProblemSerializer for code in (401, 403, 404, 429)}
UNIT_PARAMETER = OpenApiParameter(
    "unit",
    str,
    description="A unit code of your subtree (default: your subtree's top unit).",
)
PAGE_PARAMETERS = [
    UNIT_PARAMETER,
    OpenApiParameter("page", int, description="The page, from 1."),
    OpenApiParameter("page_size", int, description="Rows a page (at most API_PAGE_SIZE, 500)."),
]


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "scoring.api.auth.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer fc_…"}


class Pages(pagination.PageNumberPagination):
    page_size_query_param = "page_size"

    def get_page_size(self, request):
        self.page_size = settings.API_PAGE_SIZE
        self.max_page_size = settings.API_PAGE_SIZE
        return super().get_page_size(request)


class ClientView(APIView):
    """Logs each request with its client."""

    any_client = False  # True: a read-only client may write too (its own webhook settings)

    @property
    def client(self) -> ApiClient:
        return self.request.auth

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        client = getattr(request._request, "api_client", None)
        if client is not None:
            ApiRequest.objects.create(
                client=client,
                at=timezone.now(),
                method=request.method[:8],
                path=request.path[:500],
                status=response.status_code,
                address=client_address(request) or None,
                items=getattr(self, "items", 0),
            )
        return response

    def scope_unit(self) -> Unit:
        """`?unit=CODE` within the client's subtree (404 outside it), else its top unit."""
        code = self.request.query_params.get("unit")
        if not code:
            return self.client.unit
        unit = Unit.objects.filter(code=code, path__startswith=self.client.unit.path).first()
        if unit is None:
            raise Http404
        return unit

    def paginated(self, rows):
        pages = Pages()
        page = pages.paginate_queryset(rows, self.request, view=self)
        return pages.get_paginated_response(page)


class UnitList(ClientView):
    @extend_schema(
        summary="Units of your subtree",
        parameters=PAGE_PARAMETERS,
        responses={200: s.UnitPage, **PROBLEMS},
    )
    def get(self, request):
        unit = self.scope_unit()
        rows = (
            Unit.objects.filter(path__startswith=unit.path)
            .order_by("path")
            .values("code", "name", "kind", "parent__code", "active_from", "active_to")
        )
        page = self.paginated(rows)
        for row in page.data["results"]:
            row["parent_code"] = row.pop("parent__code")
        return page


class CadreList(ClientView):
    @extend_schema(
        summary="Cadres of your subtree today: codes, names, job groups",
        parameters=PAGE_PARAMETERS,
        responses={200: s.CadrePage, **PROBLEMS},
    )
    def get(self, request):
        unit = self.scope_unit()
        rows = (
            members_of_subtree(unit=unit, on=timezone.localdate())
            .order_by("cadre__code", "pk")
            .values_list("cadre__code", "cadre__full_name", "cadre__job_group", "unit__code")
        )
        page = self.paginated(rows)
        page.data["results"] = [
            {"code": c, "full_name": n, "job_group": g, "unit_code": u}
            for c, n, g, u in page.data["results"]
        ]
        return page


class MonthResults(ClientView):
    @extend_schema(
        summary="Published results of a month (the columns of `export results`)",
        parameters=PAGE_PARAMETERS,
        responses={200: s.MonthResultPage, **PROBLEMS},
    )
    def get(self, request, month):
        if not MONTH.fullmatch(month):
            raise Http404
        table = results_table(month=month, scope=self.scope_unit(), phases=PUBLISHED_PHASES)
        return self.paginated(table.rows)


class YearResults(ClientView):
    @extend_schema(
        summary="A year's results over its published months (`export results --year`)",
        parameters=PAGE_PARAMETERS,
        responses={200: s.YearResultPage, **PROBLEMS},
    )
    def get(self, request, year):
        if not 2000 <= year <= 2999:
            raise Http404
        table = year_table(year=year, scope=self.scope_unit(), phases=PUBLISHED_PHASES)
        return self.paginated(table.rows)


def _batch(key: str, save, *, summary: str, request):
    """A view that saves the list `key` of the body all or nothing (`save`), logging how many
    items it held."""

    class Batch(ClientView):
        @extend_schema(
            summary=summary,
            request=request,
            responses={200: s.CountsSerializer, (422, PROBLEM): s.ProblemSerializer, **PROBLEMS},
        )
        def post(self, request):
            items = request.data.get(key) if isinstance(request.data, dict) else None
            self.items = len(items) if isinstance(items, list) else 0
            return Response(save(client=self.client, body=request.data))

    return Batch


TaskBatch = _batch(
    "tasks",
    tasks_save,
    summary="Create or update tasks by code (all or nothing, idempotent)",
    request=s.TaskBatchSerializer,
)
DossierBatch = _batch(
    "dossiers",
    dossiers_save,
    summary="Create or update rated dossiers by unit and code (all or nothing, idempotent)",
    request=s.DossierBatchSerializer,
)


class TaskDetail(ClientView):
    @extend_schema(
        summary="One task of your subtree, as FiveClear holds it",
        responses={200: s.TaskOutSerializer, **PROBLEMS},
    )
    def get(self, request, code):
        task = (
            with_counts(
                Task.objects.filter(code=code, unit__path__startswith=self.client.unit.path)
            )
            .select_related("assignee", "assigned_by", "unit")
            .first()
        )
        if task is None:
            raise Http404
        return Response(
            {
                "code": task.code,
                "title": task.title,
                "assignee_code": task.assignee.code,
                "assigned_by_code": task.assigned_by.code,
                "unit_code": task.unit.code,
                "assigned_on": task.assigned_on,
                "deadline": task.deadline,
                "effective_deadline": task.effective_deadline,
                "expected_result": task.expected_result,
                "weight": task.weight,
                "status": task.status,
                "completed_on": task.completed_on,
                "accepted": task.accepted,
                "major_errors": task.errors,
                "delays": task.delays,
            }
        )


class Webhook(ClientView):
    any_client = True  # a reading system (payroll) subscribes too

    def _shown(self):
        return {"url": self.client.webhook_url, "events": self.client.webhook_events}

    @extend_schema(
        summary="Your webhook subscription", responses={200: s.WebhookSerializer, **PROBLEMS}
    )
    def get(self, request):
        return Response(self._shown())

    @extend_schema(
        summary="Subscribe to events (an empty list unsubscribes)",
        request=s.WebhookSerializer,
        responses={200: s.WebhookSerializer, (400, PROBLEM): s.ProblemSerializer, **PROBLEMS},
    )
    def put(self, request):
        serializer = s.WebhookSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        events = sorted(set(serializer.validated_data["events"]))
        url = serializer.validated_data["url"]
        if events and not url:
            raise ValidationError({"url": [_("An address is needed to receive events.")]})
        self.client.webhook_url = url
        self.client.webhook_events = events
        self.client.save(update_fields=["webhook_url", "webhook_events"])
        return Response(self._shown())
