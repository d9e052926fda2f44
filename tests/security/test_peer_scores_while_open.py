"""Peer scores cannot be attributed while colleagues still rate (issue 12, item 3; docs/RULES.md §3;
docs/RULES.md §3).

While the cross-evaluation is open, no page, fragment or export shows a peer part, or a total,
tier or rank that includes one: otherwise whoever watched a cadre's total move after each named
colleague submitted would read that colleague's exact score. The proof: every URL of the
URLconf (and every page of the admin site) is fetched by the unit's head, the head above, the
leader above, the administrator and the ratee, one peer scorecard is submitted in the browser,
everything is fetched again and must read the same, apart from the progress counts. Once the
cross-evaluation has closed the figures show as before; the progress page never pairs a rater
with a ratee.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from directives.catalogue.models import CatalogueItem
from directives.models import Regulation
from scoring.models import AuditEntry, PeerAssignment, Period, Phase, Scorecard, ScorecardKind
from scoring.month.selectors.inputs import period_preview
from scoring.month.services.adjustments import pool_set
from scoring.month.services.appeals import appeal_file
from scoring.month.services.decide import period_decide, period_publish
from scoring.month.services.opening import period_advance, period_open, period_reopen_step
from tests.factories import member
from tests.scoring.factories import make_task, open_period, points, submit
from tests.security.matrix import url_names

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MONTH = "2026-10"  # self-assessment until the 25th, cross-evaluation until the 27th
DURING = dt.datetime(2026, 10, 26, 9, 30, tzinfo=TZ)
AFTER = dt.datetime(2026, 10, 28, 9, 30, tzinfo=TZ)
HTMX = {"HTTP_HX_REQUEST": "true"}
VIEWERS = ("head", "head_above", "leader_above", "admin", "ratee")


# --- the month -----------------------------------------------------------------------------


def build(org, *, phase) -> SimpleNamespace:
    """W1-A of `org` with four more staff: September decided and published (the dashboards'
    month), October at `phase` with the default dates. Every October card is in except two of
    SA's peer evaluations and one more of SA's first ratee, who still waits for a card after
    SA's; the others rate with full marks. A head of W1 scores HA."""
    head_w1 = member(org.w1, role="head", code="HW1", job_group="leader")
    extra = [member(org.a, code=f"SA{i}", full_name=f"Phạm Văn {i}") for i in range(3, 7)]
    staff = [org.staff_a, org.staff_a2, *extra]

    september = open_period(org.a, "2026-09", phase=Phase.REVIEW)
    score_everyone(september, org, staff, head_w1)
    pool_set(period=september, unit=org.a, amount=9_000_000, user=None)
    september = period_publish(period=period_decide(period=september, user=None), user=None)
    appeal_file(period=september, cadre=org.staff_a2, text="Xin xem lại", user=None)

    period = period_open(month=MONTH, scope=org.a, user=None)
    period = period_advance(period=period, phase=phase, user=None)
    rater = org.staff_a
    owed = list(
        PeerAssignment.objects.filter(period=period, rater=rater)
        .exclude(ratee=org.head_a)
        .order_by("ratee__code")[:2]
    )
    owed.append(
        PeerAssignment.objects.filter(period=period, ratee=owed[0].ratee)
        .exclude(rater=rater)
        .order_by("rater__code")
        .first()
    )
    score_everyone(period, org, staff, head_w1, skip={(a.rater_id, a.ratee_id) for a in owed})
    pool_set(period=period, unit=org.a, amount=10_000_000, user=None)
    task = make_task(org.staff_a2, unit=org.a, deadline=dt.date(2026, 10, 20), code="T-SA2")
    task.result_file.save("ket-qua.txt", ContentFile(b"ket qua"))
    return SimpleNamespace(
        org=org,
        period=period,
        september=september,
        head_w1=head_w1,
        staff=staff,
        rater=rater,
        ratee=owed[0].ratee,
        second_ratee=owed[1].ratee,
        task=task,
        users={
            "head": org.head_a.user,
            "head_above": head_w1.user,
            "leader_above": org.leader_w1.user,
            "admin": org.admin,
            "ratee": owed[0].ratee.user,
        },
    )


def score_everyone(period, org, staff, head_w1, skip=frozenset()):
    """Self and supervisor cards of everyone, and every assigned peer card but `skip`'s."""
    for cadre in [org.head_a, *staff]:
        submit(period, cadre, cadre, "self", points(Decimal("0.9")))
        supervisor = head_w1 if cadre == org.head_a else org.head_a
        submit(period, cadre, supervisor, "supervisor", points(T=50))
    for assignment in PeerAssignment.objects.filter(period=period).select_related("rater", "ratee"):
        if (assignment.rater_id, assignment.ratee_id) not in skip:
            submit(period, assignment.ratee, assignment.rater, "peer")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def submit_in_the_browser(s, client):
    """The rater submits their evaluation of the ratee: half marks, against everyone's full."""
    data = {f"points_{code}": str(value) for code, value in points(Decimal("0.5")).items()}
    url = reverse("month:peer", args=[s.period.pk, s.ratee.code])
    response = client.post(url, data | {"version": "0", "action": "submit"})
    assert response.status_code == 302, response.content.decode()
    assert Scorecard.objects.get(
        period=s.period, rater=s.rater, ratee=s.ratee, kind=ScorecardKind.PEER
    ).status == ("submitted")


# --- every page, fragment and export -------------------------------------------------------


def get(name, kwargs=None, query=None):
    return ("get", name, kwargs or (lambda s: {}), query or (lambda s: {}))


def post(name, kwargs, data, htmx=False):
    return ("post", name, kwargs, data, htmx)


def month_of(attr="period"):
    return lambda s: {"pk": getattr(s, attr).pk}


def unit_a(s):
    return {"pk": s.period.pk, "code": "W1-A"}


def ratee_row(s):
    return {"pk": s.period.pk, "code": "W1-A", "cadre_code": s.ratee.code}


def task_code(**extra):
    return lambda s: {"code": s.task.code, **extra}


def dashboard(unit="W1-A", month="2026-09"):
    return lambda s: {"unit": unit, "month": month}


def catalogue_item():
    """An item of ND335's catalogue, made on first use."""
    item, _created = CatalogueItem.objects.get_or_create(
        regulation=Regulation.objects.get(code="ND335"),
        code="SP-BC-01",
        defaults={
            "job_group": "Chuyên viên",
            "name_vi": "Báo cáo tháng",
            "unit_of_measure": "báo cáo",
            "coefficient": 1,
        },
    )
    return {"regulation": "ND335", "pk": item.pk}


def with_catalogue(s):
    """No argument, but ND335's catalogue holds an item before the first read."""
    catalogue_item()
    return {}


def bad_upload(s):
    return {"file": ContentFile("cadre_code,G1\nSA,mười\n".encode(), name="diem.csv")}


# A whole row, but not naming the scorecard it was typed over: refused as stale (or as out of
# its step), so nothing is written and the row comes back with its figures.
ROW = {f"points_{code}": "4" for code in ("G1", "G2", "G3", "G4", "G5")} | {"version": "0"}

# Every read of the URLconf, with each variant of the month's pages: GETs, and the POSTs that
# only answer with a fragment or a page and write nothing (a refused grid row, a refused
# adjustment, an upload with a wrong cell).
READS = {
    "home": [get("home")],
    "healthz": [get("healthz")],
    "login": [get("login")],
    "password_change": [get("password_change")],
    "password_change_done": [get("password_change_done")],
    "password_reset_confirm": [
        get("password_reset_confirm", lambda s: {"uidb64": "MA", "token": "set-password"})
    ],
    "password_reset_complete": [get("password_reset_complete")],
    "admin:index": [get("admin:index")],
    "units:tree": [get("units:tree")],
    "units:detail": [get("units:detail", lambda s, c=c: {"code": c}) for c in ("W1-A", "W1")],
    "units:cadre": [get("units:cadre", lambda s: {"code": s.ratee.code})],
    "units:import": [get("units:import")],
    "units:import_sample": [
        get("units:import_sample", lambda s, k=k: {"kind": k, "fmt": "csv"})
        for k in ("units", "cadres")
    ],
    "units:lockouts": [get("units:lockouts")],
    # the API refuses every session (401); it gives out published months only, where the
    # cross-evaluation is always closed (tests/api/test_results.py)
    **{
        f"api:{name}": [get(f"api:{name}", kwargs)]
        for name, kwargs in (
            ("units", None),
            ("cadres", None),
            ("month_results", lambda s: {"month": "2026-10"}),
            ("year_results", lambda s: {"year": 2026}),
            ("tasks", None),
            ("dossiers", None),
            ("task", lambda s: {"code": "NV-1"}),
            ("webhook", None),
        )
    },
    "api:schema": [get("api:schema")],
    "api:docs": [get("api:docs")],
    # the clients' pages hold no figure of a month (tests/api/test_client_pages.py)
    "api_clients:list": [get("api_clients:list")],
    "api_clients:detail": [get("api_clients:detail", lambda s: {"pk": 1})],
    "directives:my_tasks": [get("directives:my_tasks")],
    "directives:board_home": [get("directives:board_home")],
    "directives:board": [get("directives:board", lambda s: {"code": "W1-A"})],
    "directives:assign": [get("directives:assign", lambda s: {"code": "W1-A"})],
    "directives:import": [get("directives:import")],
    "directives:import_sample": [get("directives:import_sample", lambda s: {"fmt": "csv"})],
    # the rated dossiers hold no score of the month (docs/RULES.md §7)
    "directives:dossier_import": [get("directives:dossier_import")],
    "directives:dossier_import_sample": [
        get("directives:dossier_import_sample", lambda s: {"fmt": "csv"})
    ],
    "directives:dossier_comments": [
        get("directives:dossier_comments", lambda s: {"code": "W1-A", "month": "2026-10"})
    ],
    "directives:catalogue": [get("directives:catalogue", with_catalogue)],
    "directives:catalogue_import": [get("directives:catalogue_import")],
    "directives:catalogue_sample": [get("directives:catalogue_sample", lambda s: {"fmt": "csv"})],
    "directives:catalogue_add": [
        get("directives:catalogue_add", lambda s: {"regulation": "ND335"})
    ],
    "directives:catalogue_edit": [get("directives:catalogue_edit", lambda s: catalogue_item())],
    # the year's sheets and a cadre's own year: decided months only, never an open one
    "office:year_pdf": [get("office:year_pdf", lambda s: {"year": 2026, "code": "W1-A"})],
    "office:year_xlsx": [get("office:year_xlsx", lambda s: {"year": 2026, "code": "W1-A"})],
    "office:my_year_start": [get("office:my_year_start")],
    "office:my_year": [get("office:my_year", lambda s: {"year": 2026})],
    "office:my_year_xlsx": [get("office:my_year_xlsx", lambda s: {"year": 2026})],
    "directives:detail": [get("directives:detail", task_code())],
    "directives:fragment": [
        get("directives:fragment", task_code(), lambda s: {"from": "board", "panel": "1"})
    ],
    "directives:result_file": [get("directives:result_file", task_code())],
    "taskmonth:month": [
        get("taskmonth:month", query=lambda s: {"cadre": s.ratee.code, "month": MONTH}),
        get("taskmonth:month", query=lambda s: {"month": MONTH}),
    ],
    "month:mine": [get("month:mine")],
    "month:manage": [get("month:manage")],
    "month:decisions": [get("month:decisions")],
    "month:due": [get("month:due")],
    "month:self": [get("month:self", month_of())],
    "month:peers": [get("month:peers", month_of())],
    "month:peer": [get("month:peer", lambda s: {"pk": s.period.pk, "code": s.ratee.code})],
    "month:result": [get("month:result", month_of()), get("month:result", month_of("september"))],
    "month:cadre_result": [
        get("month:cadre_result", lambda s: {"pk": s.period.pk, "code": s.ratee.code}),
        get("month:cadre_result", lambda s: {"pk": s.september.pk, "code": s.ratee.code}),
    ],
    "month:tasks": [get("month:tasks", lambda s: {"pk": s.period.pk, "code": "SA2"})],
    "month:grid": [get("month:grid", unit_a)],
    "month:grid_excel": [get("month:grid_excel", unit_a)],
    "month:grid_upload": [post("month:grid_upload", unit_a, bad_upload)],
    "month:grid_row": [
        post("month:grid_row", ratee_row, lambda s: ROW | {"points_G4": "zz"}, htmx=True),
        post("month:grid_row", ratee_row, lambda s: ROW, htmx=True),
    ],
    "month:grid_adjust": [
        post("month:grid_adjust", ratee_row, lambda s: {"kind": "penalty"}, htmx=True)
    ],
    "month:decide": [get("month:decide", month_of())],
    "month:appeals": [
        get("month:appeals", month_of()),
        get("month:appeals", month_of("september")),
    ],
    "month:progress": [
        get("month:progress", month_of()),
        get("month:progress", month_of(), lambda s: {"unit": "W1-A"}),
    ],
    "months:index": [get("months:index")],
    "months:open": [get("months:open")],
    **{
        f"months:{name}": [get(f"months:{name}", month_of())]
        for name in ("month", "advance", "back", "reopen", "refresh", "pools", "decide")
    },
    "months:publish": [get("months:publish", month_of("september"))],
    "months:lock": [get("months:lock", month_of("september"))],
    "periods:year_start": [get("periods:year_start")],
    "periods:year": [
        get("periods:year", lambda s, c=c: {"year": 2026, "code": c}) for c in ("W1-A", "W1")
    ],
    "dashboard": [get("dashboard"), get("dashboard", query=dashboard())],
    "dashboard-ranking": [
        get("dashboard-ranking", query=dashboard()),
        get("dashboard-ranking", query=dashboard("W1")),
    ],
    "dashboard-cadre": [get("dashboard-cadre", lambda s: {"code": s.ratee.code})],
    "dashboard-late": [
        get("dashboard-late", lambda s, m=m: {"code": "W1-A", "month": m})
        for m in ("2026-09", "2026-10")
    ],
    "dashboard-export": [
        get("dashboard-export", lambda s, t=t, f=f: {"table": t, "fmt": f}, dashboard())
        for t in ("league", "ranking")
        for f in ("xlsx", "csv")
    ],
    # the radar reads decided months only (docs/RULES.md §8); inspections hold no score
    "oversight:radar": [
        get("oversight:radar"),
        get("oversight:radar", query=lambda s: {"unit": "W1"}),
    ],
    "oversight:inspections_start": [get("oversight:inspections_start")],
    "oversight:inspections": [
        get("oversight:inspections", lambda s, c=c: {"code": c, "year": 2026})
        for c in ("W1-A", "W1")
    ],
    "oversight:inspections_pdf": [
        get("oversight:inspections_pdf", lambda s: {"code": "W1-A", "year": 2026})
    ],
    "oversight:inspection_new": [get("oversight:inspection_new", lambda s: {"code": "W1-A"})],
    "oversight:inspections_import": [get("oversight:inspections_import")],
    "oversight:inspections_import_sample": [
        get("oversight:inspections_import_sample", lambda s: {"fmt": "csv"})
    ],
    "oversight:cases": [get("oversight:cases")],
    "oversight:case_new": [
        get("oversight:case_new", query=lambda s: {"cadre": s.ratee.code}),
    ],
}

# URLs that only write (or log out): nothing of the month to read there.
WRITES = {
    "logout": "ends the session",
    "set_language": "stores a language choice",
    "units:password_link": "issues a password link",
    "units:lockout_unlock": "lifts a lockout",
    "months:remind": "emails reminders",
    "directives:action": "changes a task",
    "month:appeal": "files an appeal",
    "month:appeal_reply": "answers an appeal",
    "month:publish": "publishes a decided month",
    "month:grid_adjust_remove": "removes an adjustment",
    "api_clients:rotate": "issues a client's token",
    "api_clients:revoke": "revokes a client's token",
}


def admin_pages():
    """Every changelist of the admin site, and the month's own page there."""
    pages = [
        get(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    return [*pages, get("admin:scoring_period_change", lambda s: {"object_id": s.period.pk})]


# Pages of a record the scenario has none of, which hold no score of a month: an inspection, its
# findings and their evidence, a personnel review case (tests/scoring/oversight/ test them).
RECORDS = {
    "oversight:inspection": "an inspection: its date, scope and findings",
    "oversight:finding_add": "adds a finding to an inspection",
    "oversight:evidence": "a finding's evidence file",
    "oversight:finding_confirm": "a supervisor confirms a finding (an adjustment, §2)",
    "oversight:case": "a personnel review case: its grounds and decision",
}

# Pages of a published month only: a month whose cross-evaluation is open has none of them.
PUBLISHED_ONLY = {
    "month:correction": "a correction opens on an accepted appeal of a published month",
    "office:notice": "a cadre's result notice is of a published month",
    "office:cadre_notice": "a cadre's result notice is of a published month",
    "office:public": "the unit's public results are of a published month",
    "office:unit_results": "the unit's results table is of a decided month",
    "office:unit_results_pdf": "the unit's results table is of a decided month",
    "office:minutes_pdf": "the minutes are of a decided month",
}


def test_every_url_is_read_or_declared_a_write():
    """A new URL fails here until it is fetched below or named as a write."""
    named = READS.keys() | WRITES.keys() | PUBLISHED_ONLY.keys() | RECORDS.keys()
    assert sorted(url_names() - named) == []
    assert sorted(named - url_names()) == []
    assert not READS.keys() & WRITES.keys()


# --- comparing -----------------------------------------------------------------------------

CSRF = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')
PROGRESS = re.compile(r'(<(?:span|p|td)[^>]* data-(?:progress|count="peer[^"]*")[^>]*>)[^<]*')


def normalised(response) -> tuple:
    """(status, where it redirects, the body as read): CSRF tokens out, progress counts out,
    a workbook by its cells (its file carries the time it was written)."""
    location = response.get("Location", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxml"):
        book = load_workbook(io.BytesIO(body))
        cells = [
            (sheet.title, [[c.value for c in row] for row in sheet.iter_rows()])
            for sheet in book.worksheets
        ]
        return response.status_code, location, cells
    text = body.decode("utf-8", errors="replace")
    text = PROGRESS.sub(r"\1#", CSRF.sub(r"\1#", text))
    return response.status_code, location, response.get("HX-Trigger", ""), text


def fetch_all(s, clients) -> dict:
    """Every read, by every viewer; the cache emptied first so no rendered dashboard hides a
    change. The viewers logged in once before (a login is in the administrator's log)."""
    cache.clear()
    requests = [*[spec for specs in READS.values() for spec in specs], *admin_pages()]
    seen = {}
    for viewer in VIEWERS:
        client = clients[viewer]
        for index, spec in enumerate(requests):
            method, name, kwargs = spec[0], spec[1], spec[2]
            url = reverse(name, kwargs=kwargs(s))
            if method == "get":
                response = client.get(url, spec[3](s))
            else:
                response = client.post(url, spec[3](s), **(HTMX if spec[4] else {}))
            seen[viewer, index, url] = normalised(response)
    return seen


def raw_progress(s, client) -> str:
    return client.get(reverse("month:progress", args=[s.period.pk])).content.decode()


@pytest.mark.parametrize(
    "phase", [Phase.PEER, Phase.REVIEW], ids=["cross-evaluation", "review-before-its-deadline"]
)
def test_a_peer_card_submitted_during_the_open_phase_changes_nothing_the_head_can_see(
    org, settings, tmp_path, time_machine, phase
):
    """Also when the head moved the month to supervisor review before the cross-evaluation's
    deadline: the peer step stays open until then, so the figures stay hidden."""
    settings.MEDIA_ROOT = str(tmp_path)
    time_machine.move_to(DURING, tick=False)
    s = build(org, phase=phase)
    clients = {viewer: logged_in(s.users[viewer]) for viewer in VIEWERS}
    rater = logged_in(s.rater.user)
    preview_before = period_preview(s.period).cadre(s.ratee.code)
    before, progress_before = fetch_all(s, clients), raw_progress(s, clients["head"])

    submit_in_the_browser(s, rater)

    # The card counts: the live total moved, and so do the progress counts.
    assert period_preview(s.period).cadre(s.ratee.code).total != preview_before.total
    assert raw_progress(s, clients["head"]) != progress_before
    after = fetch_all(s, clients)
    assert after.keys() == before.keys()
    changed = [key for key in before if before[key] != after[key]]
    assert changed == []
    # What was compared is what the viewers can open: the head's grid, rows, workbook,
    # decision and progress, the leader's and the administrator's pages.
    opened = {(viewer, url) for (viewer, _i, url), answer in before.items() if answer[0] == 200}
    pk = s.period.pk
    for viewer in ("head", "head_above", "leader_above", "admin"):
        for url in (
            f"/month/{pk}/grid/W1-A/",
            f"/month/{pk}/grid/W1-A/excel/",
            f"/month/{pk}/decide/",
            f"/month/{pk}/progress/",
        ):
            assert (viewer, url) in opened, (viewer, url)
    assert ("head", f"/month/{pk}/grid/W1-A/rows/{s.ratee.code}/") in opened
    assert ("admin", "/admin/scoring/auditentry/") in opened
    assert len(opened) > 150


# --- what the pages show while peers rate, and after -----------------------------------------


def grid_row_html(client, s, code) -> str:
    page = client.get(reverse("month:grid", args=[s.period.pk, "W1-A"])).content.decode()
    return page.split(f'id="row-{code}"')[1].split("</tr>")[0]


@pytest.mark.parametrize("phase", [Phase.DRAFT, Phase.SELF, Phase.PEER])
def test_before_supervisor_review_no_total_tier_or_leaders_t_is_shown(
    org, login, time_machine, settings, tmp_path, phase
):
    settings.MEDIA_ROOT = str(tmp_path)
    time_machine.move_to(DURING, tick=False)
    s = build(org, phase=phase)
    client = login(org.head_a)
    page = client.get(reverse("month:grid", args=[s.period.pk, "W1-A"])).content.decode()
    assert "data-figures-hidden" in page
    assert "Tổng điểm và xếp loại" in page and "27/10/2026" in page
    staff_row = grid_row_html(client, s, s.ratee.code)
    assert "data-figure-hidden" in staff_row.split("data-total>")[1]
    assert "badge" not in staff_row.split("data-tier>")[1]
    head_row = grid_row_html(client, s, "HA")
    assert period_preview(s.period).cadre("HA").task_source == "leader"
    assert "data-task-score" not in head_row and "data-figure-hidden" in head_row
    # The head's own row: four peer cards are in, yet their own parts wait for the close.
    assert "data-parts-hidden" in head_row
    assert "khi đã kết thúc đánh giá chéo với ít nhất 3 phiếu" in head_row
    # The supervisor's points stay: the grid still shows what was entered.
    assert re.search(r">\s*10,00\s*<", staff_row)  # G4 of the supervisor's full marks
    decide = client.get(reverse("month:decide", args=[s.period.pk])).content.decode()
    assert "data-figures-hidden" in decide
    assert "Xếp loại trước khi áp tỷ lệ" not in decide and "data-demoted" not in decide


def test_once_the_cross_evaluation_has_closed_the_figures_show_as_before(
    org, login, time_machine, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    time_machine.move_to(DURING, tick=False)
    s = build(org, phase=Phase.PEER)
    submit_in_the_browser(s, logged_in(s.rater.user))
    time_machine.move_to(AFTER, tick=False)
    period = period_advance(period=s.period, phase=Phase.REVIEW, user=None)
    outcome = period_preview(period)
    client = login(org.head_a)
    page = client.get(reverse("month:grid", args=[period.pk, "W1-A"])).content.decode()
    assert "data-figures-hidden" not in page and "data-figure-hidden" not in page
    for code in (s.ratee.code, "HA"):
        row = grid_row_html(client, s, code)
        shown = f"{outcome.cadre(code).total.shown:.2f}".replace(".", ",")
        assert f"data-total>{shown}<" in row
    head_row = grid_row_html(client, s, "HA")
    assert "data-task-score" in head_row and "data-parts-hidden" not in head_row
    decide = client.get(reverse("month:decide", args=[period.pk])).content.decode()
    assert "data-figures-hidden" not in decide and "Xếp loại trước khi áp tỷ lệ" in decide
    # No peer scorecard can come any more on the web.
    late = logged_in(s.rater.user)
    data = {f"points_{code}": "1" for code in ("G1", "G2", "G3", "G4", "G5")}
    url = reverse("month:peer", args=[period.pk, s.second_ratee.code])
    page = late.post(url, data | {"version": "0", "action": "submit"}).content.decode()
    assert "đã kết thúc ngày 27/10/2026" in page
    assert not Scorecard.objects.filter(
        period=period, rater=s.rater, kind=ScorecardKind.PEER, ratee=s.second_ratee
    ).exists()


def test_reopening_the_cross_evaluation_hides_the_figures_again(
    org, login, time_machine, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    time_machine.move_to(AFTER, tick=False)
    s = build(org, phase=Phase.REVIEW)
    client = login(org.head_a)
    url = reverse("month:grid", args=[s.period.pk, "W1-A"])
    assert "data-figures-hidden" not in client.get(url).content.decode()
    period_reopen_step(
        period=s.period,
        kind=ScorecardKind.PEER,
        until=dt.date(2026, 10, 29),
        reason="Đồng chí SA đi công tác",
        user=None,
    )
    assert "data-figures-hidden" in client.get(url).content.decode()
    assert not Period.objects.get(pk=s.period.pk).cross_evaluation_closed(AFTER.date())


def test_a_ratee_sees_none_of_their_own_parts_while_peers_rate(org, time_machine):
    """The ratee's own parts appear once the cross-evaluation is closed and 3 cards are in."""
    from scoring.models import peer_parts_visible

    viewer = org.staff_a
    assert not peer_parts_visible(closed=False, peer_count=5, ratee_id=viewer.pk, viewer=viewer)
    assert peer_parts_visible(closed=True, peer_count=3, ratee_id=viewer.pk, viewer=viewer)
    assert not peer_parts_visible(closed=True, peer_count=2, ratee_id=viewer.pk, viewer=viewer)
    assert peer_parts_visible(closed=False, peer_count=0, ratee_id=viewer.pk, viewer=org.head_a)


# --- the progress page: counts, never pairs ---------------------------------------------------


class Items(HTMLParser):
    """The text of every list item of the lists marked data-missing="peer…"."""

    def __init__(self):
        super().__init__()
        self.items, self.depth, self.in_item = {}, 0, None

    def handle_starttag(self, tag, attrs):
        marks = dict(attrs).get("data-missing") or ""
        if tag == "ul" and marks.startswith("peer"):
            self.items[marks], self.depth = [], 1
        elif tag == "li" and self.depth:
            self.current = list(self.items)[-1]
            self.items[self.current].append("")
            self.in_item = True

    def handle_endtag(self, tag):
        if tag == "li":
            self.in_item = None
        if tag == "ul":
            self.depth = 0

    def handle_data(self, data):
        if self.in_item:
            self.items[self.current][-1] += data


def test_the_progress_page_counts_and_never_pairs_a_rater_with_a_ratee(
    org, login, time_machine, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    time_machine.move_to(DURING, tick=False)
    s = build(org, phase=Phase.PEER)
    names = {c.full_name for c in [org.head_a, *s.staff]}
    counts_only = re.compile(r"^(còn \d+ phiếu chưa nộp|đã nhận \d+/\d+ phiếu)$")
    for viewer in (org.head_a, s.head_w1, org.leader_w1, org.admin):
        page = login(viewer).get(reverse("month:progress", args=[s.period.pk])).content.decode()
        parser = Items()
        parser.feed(page)
        # SA owes two evaluations and another rater one; SA's first ratee waits for two cards,
        # the second for one.
        owing = parser.items["peer"]
        assert len(owing) == 2 and f"{s.rater.full_name}: còn 2 phiếu chưa nộp" in owing
        assert sum(item.endswith(": còn 1 phiếu chưa nộp") for item in owing) == 1
        waiting = parser.items["peer-received"]
        assert len(waiting) == 2 and f"{s.ratee.full_name}: đã nhận 2/4 phiếu" in waiting
        assert sum(item.endswith(": đã nhận 3/4 phiếu") for item in waiting) == 1
        for item in [*parser.items["peer"], *waiting]:
            name, counts = item.split(": ")
            assert name in names and counts_only.match(counts), item
        assert "25 / 28 phiếu đã nộp" in page


# --- the admin site ----------------------------------------------------------------------------


def test_the_admin_lists_no_peer_scorecard_assignment_or_their_audit_entry(
    org, login, time_machine, settings, tmp_path
):
    """Who rated whom, and what they gave, stays out of the admin site; the other scorecards
    and audit entries are there as before."""
    settings.MEDIA_ROOT = str(tmp_path)
    time_machine.move_to(DURING, tick=False)
    s = build(org, phase=Phase.PEER)
    submit_in_the_browser(s, logged_in(s.rater.user))
    client = login(org.admin)
    peer = Scorecard.objects.filter(period=s.period, kind=ScorecardKind.PEER).first()
    supervisor = Scorecard.objects.filter(period=s.period, kind=ScorecardKind.SUPERVISOR).first()
    cards = client.get(reverse("admin:scoring_scorecard_changelist")).content.decode()
    assert f"/admin/scoring/scorecard/{supervisor.pk}/change/" in cards
    assert f"/admin/scoring/scorecard/{peer.pk}/change/" not in cards
    assert "Đánh giá chéo" not in cards.split("<tbody>")[1].split("</tbody>")[0]
    change = client.get(reverse("admin:scoring_scorecard_change", args=[peer.pk]))
    assert change.status_code == 302  # "no such object": back to the admin's index
    with pytest.raises(NoReverseMatch):
        reverse("admin:scoring_peerassignment_changelist")
    log = client.get(reverse("admin:scoring_auditentry_changelist"), {"q": "scorecard"})
    assert AuditEntry.objects.filter(object_type="scorecard", new__kind="peer").count() > 0
    shown = {
        int(pk)
        for pk in re.findall(r"/admin/scoring/auditentry/(\d+)/change/", log.content.decode())
    }
    peer_entries = set(
        AuditEntry.objects.filter(object_type="scorecard", new__kind="peer").values_list(
            "pk", flat=True
        )
    )
    assert shown and not shown & peer_entries
