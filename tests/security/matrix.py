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
from tests.dbstate import app_rows
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


def kw(**values) -> Callable[[SimpleNamespace], dict]:
    """URL kwargs, a query or a POST body: each value a constant, or a function of the scenario
    read when the case runs."""
    return lambda s: {key: value(s) if callable(value) else value for key, value in values.items()}


def pk(name):
    """The primary key of the scenario's `name` (`review`, `published`, `task`…)."""
    return lambda s: getattr(s, name).pk


def pk_of(name):
    return kw(pk=pk(name))


def of_unit_a(period, **more):
    """A period's page of W1-A; `cadre_code=` for one row of its grid."""
    return kw(pk=pk(period), code="W1-A", **more)


def of_sa(period):
    return kw(pk=pk(period), code="SA")


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


def upload(name, *lines):
    """A CSV file to POST, made anew for each request."""
    return lambda s: SimpleUploadedFile(name, "\n".join(lines).encode())


# A one-row task import: SA2 in W1-A, no assigner named.
TASK_FILE = upload(
    "nhiem-vu.csv",
    "code,title,assignee_code,assigned_by_code,assigned_on,deadline,expected_result,"
    "weight,completed_on,accepted,major_errors,delays",
    "NV-MATRIX,Báo cáo tháng,SA2,,2026-10-01,2026-10-20,Báo cáo,1,,false,0,0",
)
# A one-row dossier ratings import: SA's dossier of W1-A in the month under review.
DOSSIER_FILE = upload(
    "danh-gia.csv",
    "Mã hồ sơ,Mã đơn vị,Mã cán bộ xử lý,Ngày xử lý,Đúng hạn,Mức độ hài lòng,Ý kiến",
    "HS-MATRIX,W1-A,SA,05/10/2026,có,Hài lòng,Cán bộ tận tình",
)
# A one-row inspections import: a reminder to SA2 of W1-A (docs/RULES.md §8).
INSPECTION_FILE = upload(
    "kiem-tra.csv",
    "Số cuộc kiểm tra,Ngày kiểm tra,Mã đơn vị,Phạm vi kiểm tra,Hình thức kiểm tra,"
    "Mã cán bộ vi phạm,Nội dung phát hiện,Hướng xử lý đề xuất",
    "KT-MATRIX,05/10/2026,W1-A,Quy tắc ứng xử,Đột xuất,SA2,Chưa niêm yết thủ tục,Nhắc nhở",
)
CATALOGUE_FILE = upload(
    "danh-muc.csv",
    "Nhóm vị trí việc làm,Mã,Tên,Đơn vị tính,Hệ số quy đổi",
    'Chuyên viên,SP-TD-01,Thẩm định hồ sơ,hồ sơ,"0,5"',
)
CATALOGUE_ITEM = {
    "job_group": "Chuyên viên",
    "code": "SP-BC-01",
    "name_vi": "Báo cáo tháng",
    "name_en": "",
    "unit_of_measure": "báo cáo",
    "coefficient": "1",
    "note": "",
}

# The URL arguments and queries most pages share.
W1_A, SA = kw(code="W1-A"), kw(code="SA")
CSV, XLSX = kw(fmt="csv"), kw(fmt="xlsx")
IN_2026 = kw(year=2026)
YEAR_OF_A = kw(year=2026, code="W1-A")
SEPTEMBER_OF_A = kw(unit="W1-A", month="2026-09")
REVIEW, DECIDED, PUBLISHED = pk_of("review"), pk_of("decided"), pk_of("published")
TASK = kw(code=lambda s: s.task.code)
API_CLIENT = pk_of("api_client")
REGULATION = kw(regulation=lambda s: s.regulation.code)

# The outcomes most URLs share.
# Roles:                 anon cadre unassigned head_other head leader_other leader admin
EVERYONE_IN = row("L 200 200 200 200 200 200 200")
ANYONE = row("200 200 200 200 200 200 200 200")
REDIRECTED = row("R R R R R R R R")
POST_ONLY = row("L 405 405 405 405 405 405 405")
NO_SESSION = row("401 401 401 401 401 401 401 401")
ADMIN_ONLY = row("L 403 403 403 403 403 403 200")
ADMIN_WRITES = row("L 403 403 403 403 403 403 R")
# The administrator holds no cadre: no month, no tasks of his own.
CADRES = row("L 200 200 200 200 200 200 404")
# W1-A's members read their own month; no one outside W1-A does.
A_MEMBERS = row("L 200 200 404 200 404 404 404")
# What is SA's: SA, his head, the leader above and the administrator read it.
SA_READERS = row("L 200 404 404 200 404 200 200")
# What is W1-A's: its head, the leader above and the administrator read it (its members get 403,
# or 404 where the page is one of the month's own).
A_READERS = row("L 403 403 404 200 404 200 200")
A_READERS_ELSE_404 = row("L 404 404 404 200 404 200 200")
# The month's writes are the head's (the leader reads, never acts); the Months area lets the
# administrator act too.
HEAD_WRITES = row("L 404 404 404 R 404 403 403")
RUNNER_WRITES = row("L 403 403 404 R 404 403 R")
RUNNER_REDOES = row("L 403 403 404 200 404 403 200")
HEAD_ONLY = row("L 403 403 404 200 404 403 403")
# Heads (and the administrator) import tasks and dossiers; heads and leaders record inspections.
IMPORTERS = row("L 403 403 200 200 403 403 200")
RECORDERS = row("L 403 403 200 200 200 200 403")
RECORDERS_OF_A = row("L 403 403 404 200 404 200 403")
RECORDED = row("L 403 403 404 R 404 R 403")
STARTS = row("L 403 403 R R R R R")


MATRIX: dict[str, Entry] = {
    # --- config/urls.py
    "home": Entry(get=EVERYONE_IN),
    "healthz": Entry(get=ANYONE),
    "login": Entry(get=row("200 R R R R R R R")),
    "logout": Entry(get=POST_ONLY, post=row("L L L L L L L L")),
    "password_change": Entry(get=EVERYONE_IN, post=EVERYONE_IN),
    "password_change_done": Entry(get=EVERYONE_IN),
    "password_reset_confirm": Entry(kwargs=kw(uidb64="MA", token="set-password"), get=ANYONE),
    "password_reset_complete": Entry(get=ANYONE),
    "set_language": Entry(get=REDIRECTED, post=REDIRECTED),
    ADMIN_ENTRY: Entry(get=row("R R R R R R R 200")),
    # --- units/urls.py
    "units:tree": Entry(get=EVERYONE_IN),
    "units:detail": Entry(kwargs=W1_A, get=row("L 200 200 404 200 404 200 200")),
    "units:cadre": Entry(kwargs=SA, get=SA_READERS),
    # SA has a password: only the administrator issues (and confirms the replacement); the
    # head is refused, SA on himself too (docs/RULES.md §3).
    "units:password_link": Entry(
        kwargs=SA,
        get=row("L 403 404 404 403 404 403 200"),
        post=row("L 403 404 404 403 404 403 R"),
        data=kw(replace="on"),
    ),
    "units:import": Entry(get=ADMIN_ONLY, post=ADMIN_ONLY),
    "units:lockouts": Entry(get=ADMIN_ONLY),
    "units:lockout_unlock": Entry(
        get=POST_ONLY, post=ADMIN_WRITES, data=kw(username="SA", ip_address="203.0.113.7")
    ),
    "units:import_sample": Entry(kwargs=kw(kind="cadres", fmt="xlsx"), get=ADMIN_ONLY),
    # --- directives/urls.py and scoring/tasks_month/urls.py
    "directives:my_tasks": Entry(get=CADRES),
    "directives:board_home": Entry(get=row("L 404 404 R R R R 404")),
    "directives:board": Entry(kwargs=W1_A, get=A_READERS),
    "directives:assign": Entry(kwargs=W1_A, get=HEAD_ONLY, post=HEAD_ONLY),
    # A head imports his own assignment (the empty assigned_by_code is him); the head of
    # another unit gets the row refused, and so does the administrator, who has no cadre to
    # stand for an empty assigner.
    "directives:import": Entry(
        get=IMPORTERS, post=row("L 403 403 200 R 403 403 200"), data=kw(file=TASK_FILE)
    ),
    "directives:import_sample": Entry(kwargs=CSV, get=IMPORTERS),
    # Dossier ratings (docs/RULES.md §7): heads import those of the units they manage (the
    # head of another unit gets the row refused), administrators any; the comments reach the
    # unit's head and the leaders over it, never its members.
    "directives:dossier_import": Entry(
        get=IMPORTERS, post=row("L 403 403 200 R 403 403 R"), data=kw(file=DOSSIER_FILE)
    ),
    "directives:dossier_import_sample": Entry(kwargs=CSV, get=IMPORTERS),
    "directives:dossier_comments": Entry(kwargs=kw(code="W1-A", month="2026-10"), get=A_READERS),
    # Everyone signed in reads the catalogue; only the administrator writes it (docs/RULES.md
    # §6), into a regulation no decided month pins.
    "directives:catalogue": Entry(get=EVERYONE_IN),
    "directives:catalogue_import": Entry(
        get=ADMIN_ONLY,
        post=ADMIN_WRITES,
        data=kw(regulation=pk("regulation"), file=CATALOGUE_FILE),
    ),
    "directives:catalogue_sample": Entry(kwargs=XLSX, get=ADMIN_ONLY),
    "directives:catalogue_add": Entry(
        kwargs=REGULATION,
        get=ADMIN_ONLY,
        post=ADMIN_WRITES,
        data=kw(**CATALOGUE_ITEM | {"code": "SP-MOI"}),
    ),
    "directives:catalogue_edit": Entry(
        kwargs=kw(regulation=lambda s: s.regulation.code, pk=pk("item")),
        get=ADMIN_ONLY,
        post=ADMIN_WRITES,
        data=kw(**CATALOGUE_ITEM | {"coefficient": "2"}),
    ),
    "directives:detail": Entry(kwargs=TASK, get=SA_READERS),
    "directives:fragment": Entry(
        kwargs=TASK, query=lambda s: {"from": "board", "panel": "1"}, get=SA_READERS
    ),
    "directives:result_file": Entry(kwargs=TASK, get=SA_READERS),
    "directives:action": Entry(
        kwargs=kw(code=lambda s: s.task.code, action="start"),
        get=POST_ONLY,
        post=row("L R 404 404 403 404 403 403"),
        data=kw(note="Bắt đầu"),
    ),
    "taskmonth:month": Entry(query=kw(cadre="SA", month="2026-10"), get=SA_READERS),
    # --- scoring/month/urls.py
    "month:mine": Entry(get=CADRES),
    "month:manage": Entry(get=row("L 404 404 200 200 404 404 404")),
    "month:decisions": Entry(get=row("L 404 404 200 200 200 200 200")),
    "month:due": Entry(get=EVERYONE_IN),
    "month:self": Entry(
        kwargs=REVIEW, get=A_MEMBERS, post=row("L R R 404 200 404 404 404"), data=self_data
    ),
    "month:peers": Entry(kwargs=REVIEW, get=A_MEMBERS),
    "month:peer": Entry(
        kwargs=kw(pk=pk("review"), code=lambda s: s.ratee.code),
        get=row("L 200 404 404 404 404 404 404"),
        post=row("L R 404 404 404 404 404 404"),
        data=self_data,
    ),
    "month:result": Entry(kwargs=PUBLISHED, get=A_MEMBERS),
    "month:cadre_result": Entry(kwargs=of_sa("published"), get=SA_READERS),
    "month:appeal": Entry(
        kwargs=PUBLISHED,
        get=POST_ONLY,
        post=row("L R R 404 R 404 404 404"),
        data=kw(text="Xin xem lại điểm"),
    ),
    "month:tasks": Entry(kwargs=of_sa("review"), get=SA_READERS),
    "month:grid": Entry(kwargs=of_unit_a("review"), get=A_READERS_ELSE_404),
    "month:grid_excel": Entry(kwargs=of_unit_a("review"), get=A_READERS_ELSE_404),
    "month:grid_upload": Entry(kwargs=of_unit_a("review"), get=POST_ONLY, post=HEAD_WRITES),
    "month:grid_row": Entry(
        kwargs=of_unit_a("review", cadre_code="SA"),
        get=POST_ONLY,
        post=HEAD_WRITES,
        data=supervisor_data,
    ),
    "month:grid_adjust": Entry(
        kwargs=of_unit_a("review", cadre_code="SA"),
        get=POST_ONLY,
        post=HEAD_WRITES,
        data=kw(kind="penalty", points="2", reason="Vắng họp"),
    ),
    "month:grid_adjust_remove": Entry(
        kwargs=of_unit_a("review", cadre_code="SA", adjustment_id=pk("adjustment")),
        get=POST_ONLY,
        post=HEAD_WRITES,
    ),
    "month:decide": Entry(kwargs=REVIEW, get=A_READERS_ELSE_404, post=HEAD_WRITES),
    "month:publish": Entry(kwargs=DECIDED, get=POST_ONLY, post=HEAD_WRITES),
    "month:appeals": Entry(kwargs=PUBLISHED, get=A_READERS_ELSE_404),
    "month:appeal_reply": Entry(
        kwargs=kw(pk=pk("published"), appeal_id=pk("appeal")),
        get=POST_ONLY,
        post=HEAD_WRITES,
        data=kw(decision="reject", answer="Điểm đúng quy chế"),
    ),
    "month:correction": Entry(
        kwargs=kw(pk=pk("published"), correction_id=pk("correction")),
        get=A_READERS_ELSE_404,
        post=HEAD_WRITES,
    ),
    "month:progress": Entry(kwargs=REVIEW, query=kw(unit="W1-A"), get=A_READERS_ELSE_404),
    # --- scoring/months/urls.py: the month run by the head of its scope (here W1-A's head)
    "months:index": Entry(get=row("L 404 404 200 200 200 200 200")),
    "months:open": Entry(
        get=row("L 404 404 200 200 403 403 200"), post=row("L 404 404 200 200 403 403 200")
    ),
    "months:month": Entry(kwargs=REVIEW, get=A_READERS),
    "months:advance": Entry(kwargs=REVIEW, get=row("L 403 403 404 R 404 R R"), post=RUNNER_WRITES),
    "months:back": Entry(kwargs=REVIEW, get=A_READERS, post=RUNNER_REDOES),
    "months:reopen": Entry(kwargs=REVIEW, get=A_READERS, post=RUNNER_REDOES),
    "months:refresh": Entry(kwargs=REVIEW, get=A_READERS, post=RUNNER_WRITES),
    "months:pools": Entry(
        kwargs=REVIEW, get=A_READERS, post=RUNNER_WRITES, data=kw(**{"pool_W1-A": "8.500.000"})
    ),
    "months:remind": Entry(kwargs=REVIEW, get=POST_ONLY, post=RUNNER_WRITES, data=kw(unit="W1-A")),
    "months:decide": Entry(kwargs=REVIEW, get=A_READERS, post=RUNNER_WRITES),
    "months:publish": Entry(kwargs=DECIDED, get=A_READERS, post=RUNNER_WRITES),
    "months:lock": Entry(kwargs=PUBLISHED, get=A_READERS, post=RUNNER_WRITES),
    # --- scoring/periods/urls.py and scoring/dashboards/urls.py
    "periods:year_start": Entry(get=STARTS),
    "periods:year": Entry(kwargs=YEAR_OF_A, get=A_READERS),
    "dashboard": Entry(query=SEPTEMBER_OF_A, get=A_READERS),
    "dashboard-ranking": Entry(query=SEPTEMBER_OF_A, get=A_READERS),
    "dashboard-cadre": Entry(kwargs=SA, get=A_READERS),
    "dashboard-late": Entry(kwargs=kw(code="W1-A", month="2026-09"), get=A_READERS),
    "dashboard-export": Entry(
        kwargs=kw(table="ranking", fmt="csv"), query=SEPTEMBER_OF_A, get=A_READERS
    ),
    # --- scoring/office/urls.py: printed documents, publicity, the year (docs/RULES.md §3)
    "office:notice": Entry(kwargs=PUBLISHED, get=A_MEMBERS),
    "office:cadre_notice": Entry(kwargs=of_sa("published"), get=SA_READERS),
    "office:public": Entry(kwargs=public_month, get=A_MEMBERS),
    "office:unit_results": Entry(kwargs=of_unit_a("published"), get=A_READERS),
    "office:unit_results_pdf": Entry(kwargs=of_unit_a("published"), get=A_READERS),
    "office:minutes_pdf": Entry(kwargs=of_unit_a("decided"), get=A_READERS),
    "office:year_pdf": Entry(kwargs=YEAR_OF_A, get=A_READERS),
    "office:year_xlsx": Entry(kwargs=YEAR_OF_A, get=A_READERS),
    "office:my_year_start": Entry(get=row("L R R R R R R 404")),
    "office:my_year": Entry(kwargs=IN_2026, get=CADRES),
    "office:my_year_xlsx": Entry(kwargs=IN_2026, get=CADRES),
    # --- scoring/api/urls.py: a token only, so every browser session is refused (401), and
    # the description is a page for anyone signed in
    **{
        f"api:{name}": Entry(kwargs=kwargs, get=NO_SESSION, post=NO_SESSION)
        for name, kwargs in (
            ("units", kw()),
            ("cadres", kw()),
            ("month_results", kw(month="2026-09")),
            ("year_results", IN_2026),
            ("dossiers", kw()),
            ("tasks", kw()),
            ("task", TASK),
            ("webhook", kw()),
        )
    },
    "api:schema": Entry(get=EVERYONE_IN),
    "api:docs": Entry(get=EVERYONE_IN),
    # --- scoring/api/urls_clients.py: the administrator's
    "api_clients:list": Entry(
        get=ADMIN_ONLY, post=ADMIN_ONLY, data=kw(name="Một cửa", unit="W1", access="read")
    ),
    "api_clients:detail": Entry(
        kwargs=API_CLIENT,
        get=ADMIN_ONLY,
        post=ADMIN_WRITES,
        data=kw(name="eOffice", unit="W1-A", access="read"),
    ),
    "api_clients:rotate": Entry(kwargs=API_CLIENT, get=POST_ONLY, post=ADMIN_ONLY),
    "api_clients:revoke": Entry(kwargs=API_CLIENT, get=POST_ONLY, post=ADMIN_WRITES),
    # --- scoring/oversight/urls.py: the radar, inspections, personnel review cases (§8). Heads,
    # leaders (and inspectors) record inspections over their subtree; the cadre's supervisor
    # confirms a finding; heads and leaders open and decide cases downward. The administrator
    # reads, holding no role to act through.
    "oversight:radar": Entry(query=kw(unit="W1-A"), get=A_READERS),
    "oversight:inspections_start": Entry(get=STARTS),
    "oversight:inspections": Entry(kwargs=kw(code="W1-A", year=2026), get=A_READERS),
    # The import page is for whoever records inspections somewhere; each row's unit is checked
    # (the head of W1-B and the leader of W2 get W1-A's row refused, nothing written).
    "oversight:inspections_import": Entry(
        get=RECORDERS, post=row("L 403 403 200 R 200 R 403"), data=kw(file=INSPECTION_FILE)
    ),
    "oversight:inspections_import_sample": Entry(kwargs=CSV, get=RECORDERS),
    "oversight:inspections_pdf": Entry(kwargs=kw(code="W1-A", year=2026), get=A_READERS),
    "oversight:inspection_new": Entry(
        kwargs=W1_A,
        get=RECORDERS_OF_A,
        post=RECORDED,
        data=kw(on="05/10/2026", scope="procedures", surprise="1"),
    ),
    "oversight:inspection": Entry(kwargs=pk_of("inspection"), get=A_READERS),
    "oversight:finding_add": Entry(
        kwargs=pk_of("inspection"),
        get=POST_ONLY,
        post=RECORDED,
        data=kw(cadre="SA2", text="Chưa niêm yết thủ tục", handling="remind"),
    ),
    # The cadre a finding names reads its evidence; no one else outside the scope does.
    "oversight:evidence": Entry(kwargs=pk_of("finding"), get=SA_READERS),
    "oversight:finding_confirm": Entry(
        kwargs=pk_of("finding"), get=POST_ONLY, post=row("L 403 403 404 R 404 403 403")
    ),
    "oversight:cases": Entry(get=row("L 403 403 200 200 200 200 200")),
    "oversight:case_new": Entry(
        query=kw(cadre="SA"),
        get=RECORDERS_OF_A,
        post=RECORDED,
        data=kw(cadre="SA", kind="warning", grounds="Xếp loại D ba tháng liền"),
    ),
    "oversight:case": Entry(
        kwargs=pk_of("case"),
        get=A_READERS_ELSE_404,
        post=row("L 404 404 404 R 404 R 403"),
        data=kw(number="12/QĐ-UBND", decided_on="20/10/2026"),
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
    s = SimpleNamespace(org=org, staff=[org.staff_a, org.staff_a2, *extra], ratee=extra[0])
    s.users = {
        "anonymous": None,
        "cadre": org.staff_a.user,
        "cadre_unassigned": org.staff_a2.user,
        "head_other": org.head_b.user,
        "head": org.head_a.user,
        "leader_other": org.leader_w2.user,
        "leader": org.leader_w1.user,
        "admin": org.admin,
    }
    s.decided = _decided(org, s.staff, "2026-08", publish=False)
    s.published = _decided(org, s.staff, "2026-09", publish=True)
    s.appeal = appeal_file(period=s.published, cadre=org.staff_a, text="Xin xem lại", user=None)
    accepted = appeal_file(period=s.published, cadre=s.ratee, text="Thiếu điểm T", user=None)
    appeal_answer(appeal=accepted, accept=True, answer="Chấm lại", confirmed=True, user=None)
    s.correction = Correction.objects.get(appeal=accepted)
    s.review = open_period(org.a, "2026-10", phase=Phase.REVIEW)
    _scored(s.review, org, s.staff)
    _peer_target(s.review, rater=org.staff_a, not_raters=[org.staff_a2, org.head_a], ratee=s.ratee)
    pool_set(period=s.review, unit=org.a, amount=9_000_000, user=None)
    s.adjustment = adjustment_add(
        period=s.review, cadre=org.staff_a, kind="penalty", points=Decimal(1), reason="Đi muộn"
    )
    s.task = make_task(
        org.staff_a, unit=org.a, deadline=dt.date(2026, 10, 20), assigned_by=org.head_a
    )
    s.task.result_file.save("ket-qua.txt", ContentFile(b"ket qua"))
    # A regulation no decided month pins, so its catalogue may change.
    s.regulation = Regulation.objects.create(
        code="QC-MATRIX", name="Quy chế thử", valid_from=dt.date(2026, 1, 1)
    )
    s.item = CatalogueItem.objects.create(
        regulation=s.regulation, **CATALOGUE_ITEM | {"coefficient": Decimal("1")}
    )
    s.inspection = Inspection.objects.create(
        unit=org.a, on=dt.date(2026, 10, 5), scope="conduct", recorded_by=org.leader_w1
    )
    s.finding = Finding.objects.create(
        inspection=s.inspection, cadre=org.staff_a, text="Đi muộn", handling="penalty", points=1
    )
    s.finding.evidence.save("bien-ban.pdf", ContentFile(b"%PDF-1.4"))
    s.case = ReviewCase.objects.create(
        cadre=org.staff_a, unit=org.a, kind="warning", grounds="Xếp loại D", opened_by=org.head_a
    )
    s.api_client = ApiClient(name="eOffice", unit=org.w1, access=Access.READ_WRITE)
    s.api_client.set_token()
    s.api_client.save()
    return s


# --- what a POST may not change --------------------------------------------------------------

GUARDED_APPS = ("units", "directives", "scoring", "api", "oversight")


def snapshot() -> dict:
    """Every row of every model of our apps, and the accounts' passwords."""
    state: dict = app_rows(*GUARDED_APPS)
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    state["users"] = list(user_model.objects.order_by("pk").values_list("pk", "password"))
    return state
