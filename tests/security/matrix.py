"""The permission matrix of docs/RULES.md §3: every named URL of the URLconf, eight roles, the
status each role gets on GET and (for writes) on POST, over one scenario built on `org`.

Outcomes: "L" a redirect to the login page, "R" any other redirect, a number the status code.
A row lists the eight roles in the order of ROLES.

This table is the one source: docs/RULES.md shows it as rendered by `markdown()` (`make
matrix-doc` writes it there; tests/security/test_permission_matrix.py fails while the document
shows another), and the tests run it. A new URL: add its Entry below, then `make matrix-doc`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from directives.catalogue.models import CatalogueItem
from directives.models import Regulation
from scoring.api.models import Access, ApiClient
from scoring.models import Correction, PeerAssignment, Phase, Scorecard, ScorecardKind
from scoring.month.services.adjustments import adjustment_add, pool_set
from scoring.month.services.appeals import appeal_answer, appeal_file
from scoring.month.services.decide import period_decide, period_publish
from scoring.oversight.models import Finding, Inspection, ReviewCase
from tests.dbstate import rows_of
from tests.factories import member
from tests.scoring.factories import make_task, open_period, points, submit

ROLES = (
    "anonymous",
    "cadre",
    "cadre_unassigned",
    "head_other",
    "head",
    "leader_other",
    "leader",
    "admin",
)

# Admin's own pages are Django's; only its index stands for the whole site here.
ADMIN_ENTRY = "admin:index"


# --- the URLconf ---------------------------------------------------------------------------


def _walk(patterns, namespace="", prefix=""):
    """(name, route) of every named URL below `patterns`."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


def url_routes() -> dict[str, str]:
    """Every named URL of the URLconf with its route; of the admin site only its index."""
    routes = dict(_walk(get_resolver().url_patterns))
    found = {name: route for name, route in routes.items() if not name.startswith("admin:")}
    return found | {ADMIN_ENTRY: routes[ADMIN_ENTRY]}


def url_names() -> set[str]:
    """Every named URL of the URLconf; of the admin site only its index."""
    return set(url_routes())


# --- the matrix ----------------------------------------------------------------------------


def row(text: str) -> dict[str, str]:
    """ "L 404 404 ..." → {role: outcome} in the order of ROLES."""
    outcomes = text.split()
    assert len(outcomes) == len(ROLES), text
    return dict(zip(ROLES, outcomes, strict=True))


@dataclass(frozen=True)
class Entry:
    """How to reach one URL in the scenario, and what each role gets."""

    kwargs: Callable[[SimpleNamespace], dict] = lambda s: {}
    query: Callable[[SimpleNamespace], dict] = lambda s: {}
    get: dict[str, str] = field(default_factory=dict)
    post: dict[str, str] | None = None  # None: not a write endpoint
    # The POST body: one that writes when the role may write, so a refusal is seen to matter.
    data: Callable[[SimpleNamespace], dict] = lambda s: {}


def no_args(s):
    return {}


def period_of(name):
    return lambda s: {"pk": getattr(s, name).pk}


def unit_a(name):
    return lambda s: {"pk": getattr(s, name).pk, "code": "W1-A"}


def cadre_row(name, code="SA"):
    return lambda s: {"pk": getattr(s, name).pk, "code": "W1-A", "cadre_code": code}


def public_month(s):
    """The published month, its regulation (ND335) made public for this case only: each case
    runs in a savepoint that is rolled back. With it private the members get 403 instead
    (tests/scoring/office/test_public.py)."""
    Regulation.objects.filter(pk=s.published.regulation_id).update(results_public=True)
    return {"pk": s.published.pk}


def scores(**given):
    return {f"points_{code}": str(value) for code, value in points(**given).items()}


def self_data(s):
    """Version 1: the scorecard the scenario saved (the head has no self-assessment, so the
    head's POST is answered as stale: 200 with the form)."""
    return scores() | {"version": "1", "action": "submit"}


def supervisor_data(s):
    card = Scorecard.objects.get(
        period=s.review, ratee=s.org.staff_a, kind=ScorecardKind.SUPERVISOR
    )
    seen = {"version": str(card.version), "seen_card": str(card.pk)}
    return scores(G4=7) | seen | {"seen_version": str(card.version)}


def task_file():
    """A one-row task import: SA2 in W1-A, no assigner named."""
    rows = [
        "code,title,assignee_code,assigned_by_code,assigned_on,deadline,expected_result,"
        "weight,completed_on,accepted,major_errors,delays",
        "NV-MATRIX,Báo cáo tháng,SA2,,2026-10-01,2026-10-20,Báo cáo,1,,false,0,0",
    ]
    return SimpleUploadedFile("nhiem-vu.csv", "\n".join(rows).encode())


def catalogue_file():
    rows = [
        "Nhóm vị trí việc làm,Mã,Tên,Đơn vị tính,Hệ số quy đổi",
        'Chuyên viên,SP-TD-01,Thẩm định hồ sơ,hồ sơ,"0,5"',
    ]
    return SimpleUploadedFile("danh-muc.csv", "\n".join(rows).encode())


def dossier_file():
    """A one-row dossier ratings import: SA's dossier of W1-A in the month under review."""
    rows = [
        "Mã hồ sơ,Mã đơn vị,Mã cán bộ xử lý,Ngày xử lý,Đúng hạn,Mức độ hài lòng,Ý kiến",
        "HS-MATRIX,W1-A,SA,05/10/2026,có,Hài lòng,Cán bộ tận tình",
    ]
    return SimpleUploadedFile("danh-gia.csv", "\n".join(rows).encode())


def inspection_file():
    """A one-row inspections import: a reminder to SA2 of W1-A (docs/RULES.md §8)."""
    rows = [
        "Số cuộc kiểm tra,Ngày kiểm tra,Mã đơn vị,Phạm vi kiểm tra,Hình thức kiểm tra,"
        "Mã cán bộ vi phạm,Nội dung phát hiện,Hướng xử lý đề xuất",
        "KT-MATRIX,05/10/2026,W1-A,Quy tắc ứng xử,Đột xuất,SA2,Chưa niêm yết thủ tục,Nhắc nhở",
    ]
    return SimpleUploadedFile("kiem-tra.csv", "\n".join(rows).encode())


def catalogue_item_data(**overrides):
    return {
        "job_group": "Chuyên viên",
        "code": "SP-BC-01",
        "name_vi": "Báo cáo tháng",
        "name_en": "",
        "unit_of_measure": "báo cáo",
        "coefficient": "1",
        "note": "",
    } | overrides


def task_args(**extra):
    return lambda s: {"code": s.task.code, **extra}


# Roles:                 anon cadre unassigned head_other head leader_other leader admin
EVERYONE_IN = row("L 200 200 200 200 200 200 200")
POST_ONLY = row("L 405 405 405 405 405 405 405")
NO_SESSION = row("401 401 401 401 401 401 401 401")
ADMIN_ONLY = row("L 403 403 403 403 403 403 200")


def api_client(s):
    return {"pk": s.api_client.pk}


MATRIX: dict[str, Entry] = {
    # --- config/urls.py
    "home": Entry(get=EVERYONE_IN),
    "healthz": Entry(get=row("200 200 200 200 200 200 200 200")),
    "login": Entry(get=row("200 R R R R R R R")),
    "logout": Entry(get=row("L 405 405 405 405 405 405 405"), post=row("L L L L L L L L")),
    "password_change": Entry(get=EVERYONE_IN, post=row("L 200 200 200 200 200 200 200")),
    "password_change_done": Entry(get=EVERYONE_IN),
    "password_reset_confirm": Entry(
        kwargs=lambda s: {"uidb64": "MA", "token": "set-password"},
        get=row("200 200 200 200 200 200 200 200"),
    ),
    "password_reset_complete": Entry(get=row("200 200 200 200 200 200 200 200")),
    "set_language": Entry(get=row("R R R R R R R R"), post=row("R R R R R R R R")),
    ADMIN_ENTRY: Entry(get=row("R R R R R R R 200")),
    # --- units/urls.py
    "units:tree": Entry(get=EVERYONE_IN),
    "units:detail": Entry(
        kwargs=lambda s: {"code": "W1-A"}, get=row("L 200 200 404 200 404 200 200")
    ),
    "units:cadre": Entry(kwargs=lambda s: {"code": "SA"}, get=row("L 200 404 404 200 404 200 200")),
    # SA has a password: only the administrator issues (and confirms the replacement); the
    # head is refused, SA on himself too (docs/RULES.md §3).
    "units:password_link": Entry(
        kwargs=lambda s: {"code": "SA"},
        get=row("L 403 404 404 403 404 403 200"),
        post=row("L 403 404 404 403 404 403 R"),
        data=lambda s: {"replace": "on"},
    ),
    "units:import": Entry(
        get=row("L 403 403 403 403 403 403 200"), post=row("L 403 403 403 403 403 403 200")
    ),
    "units:lockouts": Entry(get=row("L 403 403 403 403 403 403 200")),
    "units:lockout_unlock": Entry(
        get=POST_ONLY,
        post=row("L 403 403 403 403 403 403 R"),
        data=lambda s: {"username": "SA", "ip_address": "203.0.113.7"},
    ),
    "units:import_sample": Entry(
        kwargs=lambda s: {"kind": "cadres", "fmt": "xlsx"}, get=row("L 403 403 403 403 403 403 200")
    ),
    # --- directives/urls.py and scoring/tasks_month/urls.py
    "directives:my_tasks": Entry(get=row("L 200 200 200 200 200 200 404")),
    "directives:board_home": Entry(get=row("L 404 404 R R R R 404")),
    "directives:board": Entry(
        kwargs=lambda s: {"code": "W1-A"}, get=row("L 403 403 404 200 404 200 200")
    ),
    "directives:assign": Entry(
        kwargs=lambda s: {"code": "W1-A"},
        get=row("L 403 403 404 200 404 403 403"),
        post=row("L 403 403 404 200 404 403 403"),
    ),
    # A head imports his own assignment (the empty assigned_by_code is him); the head of
    # another unit gets the row refused, and so does the administrator, who has no cadre to
    # stand for an empty assigner.
    "directives:import": Entry(
        get=row("L 403 403 200 200 403 403 200"),
        post=row("L 403 403 200 R 403 403 200"),
        data=lambda s: {"file": task_file()},
    ),
    "directives:import_sample": Entry(
        kwargs=lambda s: {"fmt": "csv"}, get=row("L 403 403 200 200 403 403 200")
    ),
    # Dossier ratings (docs/RULES.md §7): heads import those of the units they manage (the
    # head of another unit gets the row refused), administrators any; the comments reach the
    # unit's head and the leaders over it, never its members.
    "directives:dossier_import": Entry(
        get=row("L 403 403 200 200 403 403 200"),
        post=row("L 403 403 200 R 403 403 R"),
        data=lambda s: {"file": dossier_file()},
    ),
    "directives:dossier_import_sample": Entry(
        kwargs=lambda s: {"fmt": "csv"}, get=row("L 403 403 200 200 403 403 200")
    ),
    "directives:dossier_comments": Entry(
        kwargs=lambda s: {"code": "W1-A", "month": "2026-10"},
        get=row("L 403 403 404 200 404 200 200"),
    ),
    # Everyone signed in reads the catalogue; only the administrator writes it (docs/RULES.md
    # §6), into a regulation no decided month pins.
    "directives:catalogue": Entry(get=EVERYONE_IN),
    "directives:catalogue_import": Entry(
        get=row("L 403 403 403 403 403 403 200"),
        post=row("L 403 403 403 403 403 403 R"),
        data=lambda s: {"regulation": s.regulation.pk, "file": catalogue_file()},
    ),
    "directives:catalogue_sample": Entry(
        kwargs=lambda s: {"fmt": "xlsx"}, get=row("L 403 403 403 403 403 403 200")
    ),
    "directives:catalogue_add": Entry(
        kwargs=lambda s: {"regulation": s.regulation.code},
        get=row("L 403 403 403 403 403 403 200"),
        post=row("L 403 403 403 403 403 403 R"),
        data=lambda s: catalogue_item_data(code="SP-MOI"),
    ),
    "directives:catalogue_edit": Entry(
        kwargs=lambda s: {"regulation": s.regulation.code, "pk": s.item.pk},
        get=row("L 403 403 403 403 403 403 200"),
        post=row("L 403 403 403 403 403 403 R"),
        data=lambda s: catalogue_item_data(coefficient="2"),
    ),
    "directives:detail": Entry(kwargs=task_args(), get=row("L 200 404 404 200 404 200 200")),
    "directives:fragment": Entry(
        kwargs=task_args(),
        query=lambda s: {"from": "board", "panel": "1"},
        get=row("L 200 404 404 200 404 200 200"),
    ),
    "directives:result_file": Entry(kwargs=task_args(), get=row("L 200 404 404 200 404 200 200")),
    "directives:action": Entry(
        kwargs=task_args(action="start"),
        get=POST_ONLY,
        post=row("L R 404 404 403 404 403 403"),
        data=lambda s: {"note": "Bắt đầu"},
    ),
    "taskmonth:month": Entry(
        query=lambda s: {"cadre": "SA", "month": "2026-10"},
        get=row("L 200 404 404 200 404 200 200"),
    ),
    # --- scoring/month/urls.py
    "month:mine": Entry(get=row("L 200 200 200 200 200 200 404")),
    "month:manage": Entry(get=row("L 404 404 200 200 404 404 404")),
    "month:decisions": Entry(get=row("L 404 404 200 200 200 200 200")),
    "month:due": Entry(get=EVERYONE_IN),
    "month:self": Entry(
        kwargs=period_of("review"),
        get=row("L 200 200 404 200 404 404 404"),
        post=row("L R R 404 200 404 404 404"),
        data=self_data,
    ),
    "month:peers": Entry(kwargs=period_of("review"), get=row("L 200 200 404 200 404 404 404")),
    "month:peer": Entry(
        kwargs=lambda s: {"pk": s.review.pk, "code": s.ratee.code},
        get=row("L 200 404 404 404 404 404 404"),
        post=row("L R 404 404 404 404 404 404"),
        data=self_data,
    ),
    "month:result": Entry(kwargs=period_of("published"), get=row("L 200 200 404 200 404 404 404")),
    "month:cadre_result": Entry(
        kwargs=lambda s: {"pk": s.published.pk, "code": "SA"},
        get=row("L 200 404 404 200 404 200 200"),
    ),
    "month:appeal": Entry(
        kwargs=period_of("published"),
        get=POST_ONLY,
        post=row("L R R 404 R 404 404 404"),
        data=lambda s: {"text": "Xin xem lại điểm"},
    ),
    "month:tasks": Entry(
        kwargs=lambda s: {"pk": s.review.pk, "code": "SA"},
        get=row("L 200 404 404 200 404 200 200"),
    ),
    "month:grid": Entry(kwargs=unit_a("review"), get=row("L 404 404 404 200 404 200 200")),
    "month:grid_excel": Entry(kwargs=unit_a("review"), get=row("L 404 404 404 200 404 200 200")),
    "month:grid_upload": Entry(
        kwargs=unit_a("review"), get=POST_ONLY, post=row("L 404 404 404 R 404 403 403")
    ),
    "month:grid_row": Entry(
        kwargs=cadre_row("review"),
        get=POST_ONLY,
        post=row("L 404 404 404 R 404 403 403"),
        data=supervisor_data,
    ),
    "month:grid_adjust": Entry(
        kwargs=cadre_row("review"),
        get=POST_ONLY,
        post=row("L 404 404 404 R 404 403 403"),
        data=lambda s: {"kind": "penalty", "points": "2", "reason": "Vắng họp"},
    ),
    "month:grid_adjust_remove": Entry(
        kwargs=lambda s: {
            "pk": s.review.pk,
            "code": "W1-A",
            "cadre_code": "SA",
            "adjustment_id": s.adjustment.pk,
        },
        get=POST_ONLY,
        post=row("L 404 404 404 R 404 403 403"),
    ),
    "month:decide": Entry(
        kwargs=period_of("review"),
        get=row("L 404 404 404 200 404 200 200"),
        post=row("L 404 404 404 R 404 403 403"),
    ),
    "month:publish": Entry(
        kwargs=period_of("decided"), get=POST_ONLY, post=row("L 404 404 404 R 404 403 403")
    ),
    "month:appeals": Entry(kwargs=period_of("published"), get=row("L 404 404 404 200 404 200 200")),
    "month:appeal_reply": Entry(
        kwargs=lambda s: {"pk": s.published.pk, "appeal_id": s.appeal.pk},
        get=POST_ONLY,
        post=row("L 404 404 404 R 404 403 403"),
        data=lambda s: {"decision": "reject", "answer": "Điểm đúng quy chế"},
    ),
    "month:correction": Entry(
        kwargs=lambda s: {"pk": s.published.pk, "correction_id": s.correction.pk},
        get=row("L 404 404 404 200 404 200 200"),
        post=row("L 404 404 404 R 404 403 403"),
    ),
    "month:progress": Entry(
        kwargs=period_of("review"),
        query=lambda s: {"unit": "W1-A"},
        get=row("L 404 404 404 200 404 200 200"),
    ),
    # --- scoring/months/urls.py: the month run by the head of its scope (here W1-A's head)
    "months:index": Entry(get=row("L 404 404 200 200 200 200 200")),
    "months:open": Entry(
        get=row("L 404 404 200 200 403 403 200"), post=row("L 404 404 200 200 403 403 200")
    ),
    "months:month": Entry(kwargs=period_of("review"), get=row("L 403 403 404 200 404 200 200")),
    "months:advance": Entry(
        kwargs=period_of("review"),
        get=row("L 403 403 404 R 404 R R"),
        post=row("L 403 403 404 R 404 403 R"),
    ),
    "months:back": Entry(
        kwargs=period_of("review"),
        get=row("L 403 403 404 200 404 200 200"),
        post=row("L 403 403 404 200 404 403 200"),
    ),
    "months:reopen": Entry(
        kwargs=period_of("review"),
        get=row("L 403 403 404 200 404 200 200"),
        post=row("L 403 403 404 200 404 403 200"),
    ),
    "months:refresh": Entry(
        kwargs=period_of("review"),
        get=row("L 403 403 404 200 404 200 200"),
        post=row("L 403 403 404 R 404 403 R"),
    ),
    "months:pools": Entry(
        kwargs=period_of("review"),
        get=row("L 403 403 404 200 404 200 200"),
        post=row("L 403 403 404 R 404 403 R"),
        data=lambda s: {"pool_W1-A": "8.500.000"},
    ),
    "months:remind": Entry(
        kwargs=period_of("review"),
        get=POST_ONLY,
        post=row("L 403 403 404 R 404 403 R"),
        data=lambda s: {"unit": "W1-A"},
    ),
    "months:decide": Entry(
        kwargs=period_of("review"),
        get=row("L 403 403 404 200 404 200 200"),
        post=row("L 403 403 404 R 404 403 R"),
    ),
    "months:publish": Entry(
        kwargs=period_of("decided"),
        get=row("L 403 403 404 200 404 200 200"),
        post=row("L 403 403 404 R 404 403 R"),
    ),
    "months:lock": Entry(
        kwargs=period_of("published"),
        get=row("L 403 403 404 200 404 200 200"),
        post=row("L 403 403 404 R 404 403 R"),
    ),
    # --- scoring/periods/urls.py and scoring/dashboards/urls.py
    "periods:year_start": Entry(get=row("L 403 403 R R R R R")),
    "periods:year": Entry(
        kwargs=lambda s: {"year": 2026, "code": "W1-A"}, get=row("L 403 403 404 200 404 200 200")
    ),
    "dashboard": Entry(
        query=lambda s: {"unit": "W1-A", "month": "2026-09"},
        get=row("L 403 403 404 200 404 200 200"),
    ),
    "dashboard-ranking": Entry(
        query=lambda s: {"unit": "W1-A", "month": "2026-09"},
        get=row("L 403 403 404 200 404 200 200"),
    ),
    "dashboard-cadre": Entry(
        kwargs=lambda s: {"code": "SA"}, get=row("L 403 403 404 200 404 200 200")
    ),
    "dashboard-late": Entry(
        kwargs=lambda s: {"code": "W1-A", "month": "2026-09"},
        get=row("L 403 403 404 200 404 200 200"),
    ),
    "dashboard-export": Entry(
        kwargs=lambda s: {"table": "ranking", "fmt": "csv"},
        query=lambda s: {"unit": "W1-A", "month": "2026-09"},
        get=row("L 403 403 404 200 404 200 200"),
    ),
    # --- scoring/office/urls.py: printed documents, publicity, the year (docs/RULES.md §3)
    "office:notice": Entry(kwargs=period_of("published"), get=row("L 200 200 404 200 404 404 404")),
    "office:cadre_notice": Entry(
        kwargs=lambda s: {"pk": s.published.pk, "code": "SA"},
        get=row("L 200 404 404 200 404 200 200"),
    ),
    "office:public": Entry(kwargs=public_month, get=row("L 200 200 404 200 404 404 404")),
    "office:unit_results": Entry(
        kwargs=lambda s: {"pk": s.published.pk, "code": "W1-A"},
        get=row("L 403 403 404 200 404 200 200"),
    ),
    "office:unit_results_pdf": Entry(
        kwargs=lambda s: {"pk": s.published.pk, "code": "W1-A"},
        get=row("L 403 403 404 200 404 200 200"),
    ),
    "office:minutes_pdf": Entry(
        kwargs=lambda s: {"pk": s.decided.pk, "code": "W1-A"},
        get=row("L 403 403 404 200 404 200 200"),
    ),
    "office:year_pdf": Entry(
        kwargs=lambda s: {"year": 2026, "code": "W1-A"}, get=row("L 403 403 404 200 404 200 200")
    ),
    "office:year_xlsx": Entry(
        kwargs=lambda s: {"year": 2026, "code": "W1-A"}, get=row("L 403 403 404 200 404 200 200")
    ),
    "office:my_year_start": Entry(get=row("L R R R R R R 404")),
    "office:my_year": Entry(
        kwargs=lambda s: {"year": 2026}, get=row("L 200 200 200 200 200 200 404")
    ),
    "office:my_year_xlsx": Entry(
        kwargs=lambda s: {"year": 2026}, get=row("L 200 200 200 200 200 200 404")
    ),
    # --- scoring/api/urls.py: a token only, so every browser session is refused (401), and
    # the description is a page for anyone signed in
    **{
        f"api:{name}": Entry(kwargs=kwargs, get=NO_SESSION, post=NO_SESSION)
        for name, kwargs in (
            ("units", no_args),
            ("cadres", no_args),
            ("month_results", lambda s: {"month": "2026-09"}),
            ("year_results", lambda s: {"year": 2026}),
            ("dossiers", no_args),
            ("tasks", no_args),
            ("task", lambda s: {"code": s.task.code}),
            ("webhook", no_args),
        )
    },
    "api:schema": Entry(get=row("L 200 200 200 200 200 200 200")),
    "api:docs": Entry(get=row("L 200 200 200 200 200 200 200")),
    # --- scoring/api/urls_clients.py: the administrator's
    "api_clients:list": Entry(
        get=ADMIN_ONLY,
        post=ADMIN_ONLY,
        data=lambda s: {"name": "Một cửa", "unit": "W1", "access": "read"},
    ),
    "api_clients:detail": Entry(
        kwargs=api_client,
        get=ADMIN_ONLY,
        post=row("L 403 403 403 403 403 403 R"),
        data=lambda s: {"name": "eOffice", "unit": "W1-A", "access": "read"},
    ),
    "api_clients:rotate": Entry(kwargs=api_client, get=POST_ONLY, post=ADMIN_ONLY),
    "api_clients:revoke": Entry(
        kwargs=api_client, get=POST_ONLY, post=row("L 403 403 403 403 403 403 R")
    ),
    # --- scoring/oversight/urls.py: the radar, inspections, personnel review cases (§8). Heads,
    # leaders (and inspectors) record inspections over their subtree; the cadre's supervisor
    # confirms a finding; heads and leaders open and decide cases downward. The administrator
    # reads, holding no role to act through.
    "oversight:radar": Entry(
        query=lambda s: {"unit": "W1-A"}, get=row("L 403 403 404 200 404 200 200")
    ),
    "oversight:inspections_start": Entry(get=row("L 403 403 R R R R R")),
    "oversight:inspections": Entry(
        kwargs=lambda s: {"code": "W1-A", "year": 2026}, get=row("L 403 403 404 200 404 200 200")
    ),
    # The import page is for whoever records inspections somewhere; each row's unit is checked
    # (the head of W1-B and the leader of W2 get W1-A's row refused, nothing written).
    "oversight:inspections_import": Entry(
        get=row("L 403 403 200 200 200 200 403"),
        post=row("L 403 403 200 R 200 R 403"),
        data=lambda s: {"file": inspection_file()},
    ),
    "oversight:inspections_import_sample": Entry(
        kwargs=lambda s: {"fmt": "csv"}, get=row("L 403 403 200 200 200 200 403")
    ),
    "oversight:inspections_pdf": Entry(
        kwargs=lambda s: {"code": "W1-A", "year": 2026}, get=row("L 403 403 404 200 404 200 200")
    ),
    "oversight:inspection_new": Entry(
        kwargs=lambda s: {"code": "W1-A"},
        get=row("L 403 403 404 200 404 200 403"),
        post=row("L 403 403 404 R 404 R 403"),
        data=lambda s: {"on": "05/10/2026", "scope": "procedures", "surprise": "1"},
    ),
    "oversight:inspection": Entry(
        kwargs=lambda s: {"pk": s.inspection.pk}, get=row("L 403 403 404 200 404 200 200")
    ),
    "oversight:finding_add": Entry(
        kwargs=lambda s: {"pk": s.inspection.pk},
        get=POST_ONLY,
        post=row("L 403 403 404 R 404 R 403"),
        data=lambda s: {"cadre": "SA2", "text": "Chưa niêm yết thủ tục", "handling": "remind"},
    ),
    # The cadre a finding names reads its evidence; no one else outside the scope does.
    "oversight:evidence": Entry(
        kwargs=lambda s: {"pk": s.finding.pk}, get=row("L 200 404 404 200 404 200 200")
    ),
    "oversight:finding_confirm": Entry(
        kwargs=lambda s: {"pk": s.finding.pk},
        get=POST_ONLY,
        post=row("L 403 403 404 R 404 403 403"),
    ),
    "oversight:cases": Entry(get=row("L 403 403 200 200 200 200 200")),
    "oversight:case_new": Entry(
        query=lambda s: {"cadre": "SA"},
        get=row("L 403 403 404 200 404 200 403"),
        post=row("L 403 403 404 R 404 R 403"),
        data=lambda s: {"cadre": "SA", "kind": "warning", "grounds": "Xếp loại D ba tháng liền"},
    ),
    "oversight:case": Entry(
        kwargs=lambda s: {"pk": s.case.pk},
        get=row("L 404 404 404 200 404 200 200"),
        post=row("L 404 404 404 R 404 R 403"),
        data=lambda s: {"number": "12/QĐ-UBND", "decided_on": "20/10/2026"},
    ),
}

# The writes whose authorised POST changes the scenario for the cases after it: run last.
LAST = ("month:decide", "months:decide")


# --- the matrix as docs/RULES.md shows it -------------------------------------------------------

# Who each role is in the scenario (`build_scenario` over tests/conftest.py's organisation).
ROLE_TITLES = {
    "anonymous": "not signed in",
    "cadre": "SA, a cadre of W1-A who rates a colleague",
    "cadre_unassigned": "SA2, a cadre of W1-A who rates nobody",
    "head_other": "the head of W1-B, a sibling unit",
    "head": "the head of W1-A",
    "leader_other": "the leader of the other ward, W2",
    "leader": "the leader of W1, the ward above W1-A (reads, never acts)",
    "admin": "the administrator (a superuser)",
}
DOC_START = "<!-- permission matrix: begin (generated by `make matrix-doc`) -->"
DOC_END = "<!-- permission matrix: end -->"


def markdown(routes: dict[str, str] | None = None) -> str:
    """The matrix as the Markdown docs/RULES.md shows between DOC_START and DOC_END."""
    routes = url_routes() if routes is None else routes
    lines = [
        "Outcomes: **L** a redirect to the login page, **R** any other redirect (done, or sent",
        "on to the right page), a number the HTTP status (403 refused, 404 not there for this",
        "user, 405 a GET on a write). The roles, in the scenario of `tests/security/matrix.py`:",
        "",
        *(f"- `{role}`: {title}" for role, title in ROLE_TITLES.items()),
        "",
        "| URL name | route | method | " + " | ".join(f"`{r}`" for r in ROLES) + " |",
        "|---|---|---|" + "---|" * len(ROLES),
    ]
    for name, entry in MATRIX.items():
        for method, outcomes in (("GET", entry.get), ("POST", entry.post)):
            if outcomes is None:
                continue
            route = routes.get(name, "").replace("|", "\\|")
            cells = " | ".join(outcomes[role] for role in ROLES)
            lines.append(f"| `{name}` | `/{route}` | {method} | {cells} |")
    return "\n".join(lines)


def documented(text: str) -> str:
    """The matrix part of docs/RULES.md's text."""
    start, end = text.index(DOC_START) + len(DOC_START), text.index(DOC_END)
    return text[start:end].strip("\n")


def with_matrix(text: str) -> str:
    """docs/RULES.md's text with the matrix part rendered anew."""
    start, end = text.index(DOC_START) + len(DOC_START), text.index(DOC_END)
    return f"{text[:start]}\n{markdown()}\n{text[end:]}"


# --- the scenario --------------------------------------------------------------------------


def _scored(period, org, staff):
    """Self and supervisor scorecards of every staff member, and the assigned peers'."""
    for cadre in staff:
        submit(period, cadre, cadre, "self")
        submit(period, cadre, org.head_a, "supervisor", points(T=50))
    for assignment in PeerAssignment.objects.filter(period=period).select_related("rater", "ratee"):
        submit(period, assignment.ratee, assignment.rater, "peer")


def _decided(org, staff, month, *, publish):
    period = open_period(org.a, month, phase=Phase.REVIEW)
    _scored(period, org, staff)
    pool_set(period=period, unit=org.a, amount=6_000_000, user=None)
    period = period_decide(period=period, user=None)
    if publish:
        period = period_publish(period=period, user=None)
    return period


def _peer_target(period, *, rater, not_raters, ratee):
    """`rater` rates `ratee` in `period`, none of `not_raters` does."""
    PeerAssignment.objects.get_or_create(period=period, rater=rater, ratee=ratee)
    PeerAssignment.objects.filter(period=period, rater__in=not_raters, ratee=ratee).delete()


def build_scenario(org) -> SimpleNamespace:
    """Over W1-A of `org`: a month in supervisor review (2026-10, scored, with a pool, an
    adjustment and a task of SA's with a result file), a decided month (2026-08) and a
    published one (2026-09) with SA's open appeal and SA3's accepted one (a correction). The
    task's file goes to MEDIA_ROOT."""
    extra = [member(org.a, code=f"SA{i}", full_name=f"Lê Văn {i}") for i in (3, 4, 5)]
    staff = [org.staff_a, org.staff_a2, *extra]
    decided = _decided(org, staff, "2026-08", publish=False)
    published = _decided(org, staff, "2026-09", publish=True)
    appeal = appeal_file(period=published, cadre=org.staff_a, text="Xin xem lại", user=None)
    accepted = appeal_file(period=published, cadre=extra[0], text="Thiếu điểm T", user=None)
    appeal_answer(appeal=accepted, accept=True, answer="Chấm lại", confirmed=True, user=None)
    review = open_period(org.a, "2026-10", phase=Phase.REVIEW)
    _scored(review, org, staff)
    ratee = extra[0]
    _peer_target(review, rater=org.staff_a, not_raters=[org.staff_a2, org.head_a], ratee=ratee)
    pool_set(period=review, unit=org.a, amount=9_000_000, user=None)
    adjustment = adjustment_add(
        period=review, cadre=org.staff_a, kind="penalty", points=Decimal(1), reason="Đi muộn"
    )
    task = make_task(
        org.staff_a, unit=org.a, deadline=dt.date(2026, 10, 20), assigned_by=org.head_a
    )
    task.result_file.save("ket-qua.txt", ContentFile(b"ket qua"))
    # A regulation no decided month pins, so its catalogue may change.
    regulation = Regulation.objects.create(
        code="QC-MATRIX", name="Quy chế thử", valid_from=dt.date(2026, 1, 1)
    )
    item = CatalogueItem.objects.create(
        regulation=regulation,
        job_group="Chuyên viên",
        code="SP-BC-01",
        name_vi="Báo cáo tháng",
        unit_of_measure="báo cáo",
        coefficient=Decimal("1"),
    )
    inspection = Inspection.objects.create(
        unit=org.a, on=dt.date(2026, 10, 5), scope="conduct", recorded_by=org.leader_w1
    )
    finding = Finding.objects.create(
        inspection=inspection, cadre=org.staff_a, text="Đi muộn", handling="penalty", points=1
    )
    finding.evidence.save("bien-ban.pdf", ContentFile(b"%PDF-1.4"))
    case = ReviewCase.objects.create(
        cadre=org.staff_a, unit=org.a, kind="warning", grounds="Xếp loại D", opened_by=org.head_a
    )
    api_client = ApiClient(name="eOffice", unit=org.w1, access=Access.READ_WRITE)
    api_client.set_token()
    api_client.save()
    users = {
        "anonymous": None,
        "cadre": org.staff_a.user,
        "cadre_unassigned": org.staff_a2.user,
        "head_other": org.head_b.user,
        "head": org.head_a.user,
        "leader_other": org.leader_w2.user,
        "leader": org.leader_w1.user,
        "admin": org.admin,
    }
    return SimpleNamespace(
        org=org,
        staff=staff,
        users=users,
        review=review,
        decided=decided,
        published=published,
        appeal=appeal,
        correction=Correction.objects.get(appeal=accepted),
        adjustment=adjustment,
        task=task,
        ratee=ratee,
        regulation=regulation,
        item=item,
        api_client=api_client,
        inspection=inspection,
        finding=finding,
        case=case,
    )


# --- what a POST may not change --------------------------------------------------------------

GUARDED_APPS = ("units", "directives", "scoring", "api", "oversight")


def snapshot() -> dict:
    """Every row of every model of our apps, and the accounts' passwords."""
    state: dict = rows_of(
        model for label in GUARDED_APPS for model in apps.get_app_config(label).get_models()
    )
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    state["users"] = list(user_model.objects.order_by("pk").values_list("pk", "password"))
    return state
