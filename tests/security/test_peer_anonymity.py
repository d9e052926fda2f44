"""Peer anonymity (docs/RULES.md §3): no page, fragment, export or message tells a ratee who rated
them, and a ratee sees their peer mean only from 3 submitted peer scorecards on.

The raters carry names and codes found nowhere else ("Rater Zebra 7781", ZEB7781), so a leak
is a plain substring. Pages about one cadre (their result, drill-down, month, appeal) must not
contain a rater at all; pages and files with a row per cadre (grid, decision, ranking, year,
exports) list the raters as cadres of the unit, so there the ratee's own row must not.

Peer raters are never shown (docs/RULES.md §3): this holds for the ratee and for heads and
leaders alike. The 3-scorecard rule is the ratee's (RULES.md §3); heads and leaders read the peer
part from the first scorecard (the export's `peer` is "empty where missing", RULES.md §5).
"""

import csv
import io
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import override
from openpyxl import load_workbook

from scoring.errors import ScoringError
from scoring.io.exports import NAME_COLUMNS, RESULT_COLUMNS, YEAR_COLUMNS
from scoring.models import PeerAssignment, Phase
from scoring.month.services.appeals import appeal_file
from scoring.month.services.decide import period_decide, period_publish
from scoring.month.services.scorecards import scorecard_save
from tests.factories import member
from tests.scoring.factories import open_period, points, submit

pytestmark = pytest.mark.django_db

MONTH = "2026-10"
# Rater, and the share of full marks they give: full marks are 30 general points, so n raters
# give a peer mean of 27.00 (n = 2), 24.00 (n = 3) or, trimming the highest and the lowest
# from 5 on (docs/RULES.md §1), 30 × (0.9 + 0.8 + 0.6) / 3 = 23.00 (n = 5; untrimmed 22.20).
RATERS = [
    ("ZEB7781", "Rater Zebra 7781", Decimal("1.0")),
    ("QUO4452", "Rater Quokka 4452", Decimal("0.8")),
    ("NAR9913", "Rater Narwhal 9913", Decimal("0.6")),
    ("KES6620", "Rater Kestrel 6620", Decimal("0.9")),
    ("MAR3307", "Rater Marmot 3307", Decimal("0.4")),
]
PEER_MEAN = {2: "27", 3: "24", 5: "23"}
# The supervisor's points of the two ratees, figures found nowhere else: SA's add up to 29.75,
# HA's to 29.65. Before 3 peer scorecards they, with self and general, would give the peer mean.
SUPERVISOR_POINTS = {
    "SA": {"G1": "4.99", "G2": "4.98", "G3": "4.97", "G4": "9.96", "G5": "4.85"},
    "HA": {"G1": "4.94", "G2": "4.93", "G3": "4.92", "G4": "9.91", "G5": "4.95"},
}
SUPERVISOR_TOTAL = {"SA": "29.75", "HA": "29.65"}
NUMBER = re.compile(r"\d+[.,]\d\d")  # a shown figure: 24.00, or 24,00 in Vietnamese
CSRF = re.compile(r'(?:X-CSRFToken": "|csrfmiddlewaretoken" value=")[^"]+')


def build(org, submitted: int) -> SimpleNamespace:
    """W1-A in 2026-10, decided and published. The five raters rate SA and the head HA; of
    them `submitted` submit, the next one keeps a draft. SA and HA rate only SA2. A head of
    W1 scores HA; SA appeals."""
    head_w1 = member(org.w1, role="head", code="HW1", job_group="leader")
    raters = [member(org.a, code=code, full_name=name) for code, name, _share in RATERS]
    period = open_period(org.a, MONTH, phase=Phase.REVIEW)
    ratees = [org.staff_a, org.head_a]
    PeerAssignment.objects.filter(period=period).delete()
    PeerAssignment.objects.bulk_create(
        [PeerAssignment(period=period, rater=r, ratee=t) for r in raters for t in ratees]
        + [PeerAssignment(period=period, rater=t, ratee=org.staff_a2) for t in ratees]
    )
    for cadre in [*ratees, org.staff_a2, *raters]:
        submit(period, cadre, cadre, "self", points(Decimal("0.9")))
        supervisor = head_w1 if cadre == org.head_a else org.head_a
        given = SUPERVISOR_POINTS.get(cadre.code, {})
        submit(period, cadre, supervisor, "supervisor", points(T=50, **given))
    for ratee in ratees:
        for rater, (_code, _name, share) in zip(raters, RATERS, strict=True):
            index = raters.index(rater)
            if index < submitted:
                submit(period, ratee, rater, "peer", points(share))
            elif index == submitted:
                draft(period, ratee, rater, points(share))
        submit(period, org.staff_a2, ratee, "peer", points(Decimal("0.5")))
    period = period_publish(period=period_decide(period=period, user=None), user=None)
    appeal_file(period=period, cadre=org.staff_a, text="Xin xem lại điểm", user=None)
    return SimpleNamespace(org=org, period=period, raters=raters, head_w1=head_w1)


def draft(period, ratee, rater, given):
    return submit(period, ratee, rater, "peer", given, submit=False)


@pytest.fixture
def world(org):
    return build(org, submitted=3)


def rater_marks(raters) -> list[str]:
    marks = []
    for rater in raters:
        marks += [rater.code, rater.full_name]
    return marks


def leaks(text: str, raters) -> list[str]:
    return [mark for mark in rater_marks(raters) if mark in text]


def page(client, name, *args, **query) -> str:
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


class Rows(HTMLParser):
    """The text and attribute values of every outermost table row of a page."""

    def __init__(self):
        super().__init__()
        self.rows, self.depth = [], 0

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            if self.depth == 0:
                self.rows.append("")
            self.depth += 1
        if self.depth:
            self.rows[-1] += " ".join(str(value) for _name, value in attrs) + " "

    def handle_endtag(self, tag):
        if tag == "tr" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.rows[-1] += data


def mentions(text: str, code: str) -> bool:
    """The code as a word: SA in "row-SA" or "SA,W1-A", not in "SA2"."""
    return re.search(rf"(?<!\w){re.escape(code)}(?!\w)", text) is not None


def html_rows_of(html: str, code: str) -> list[str]:
    parser = Rows()
    parser.feed(html)
    rows = [row for row in parser.rows if mentions(row, code)]
    assert rows, f"no row of {code}"
    return rows


def table_rows_of(rows, code: str) -> list[str]:
    texts = (" ".join(str(v) for v in row if v is not None) for row in rows)
    found = [text for text in texts if mentions(text, code)]
    assert found, f"no row of {code}"
    return found


def xlsx_rows(data: bytes) -> list[tuple]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


# --- the ratee never sees who rated them ------------------------------------------------------


def test_no_page_of_the_ratee_names_a_rater(world, login):
    org, pk = world.org, world.period.pk
    client = login(org.staff_a)
    pages = {
        "home": page(client, "home"),
        "month": page(client, "month:mine"),
        "self": page(client, "month:self", pk),
        "peers": page(client, "month:peers", pk),
        "result": page(client, "month:result", pk),
        "own result by code": page(client, "month:cadre_result", pk, "SA"),
        "tasks": page(client, "month:tasks", pk, "SA"),
        "task month": page(client, "taskmonth:month", month=MONTH),
        "due": page(client, "month:due"),
        "my tasks": page(client, "directives:my_tasks"),
    }
    appeal = client.post(reverse("month:appeal", args=[pk]), {"text": "Lần nữa"}, follow=True)
    pages["appeal refused"] = appeal.content.decode()
    for name, html in pages.items():
        assert leaks(html, world.raters) == [], name


def test_the_head_as_ratee_sees_no_rater_on_their_result_and_drill_down(world, login):
    client = login(world.org.head_a)
    pk = world.period.pk
    for html in (
        page(client, "month:result", pk),
        page(client, "month:peers", pk),
        page(client, "month:mine"),
        page(client, "dashboard-cadre", "HA", month=MONTH),
    ):
        assert leaks(html, world.raters) == []


def test_the_peer_list_shows_a_rater_only_whom_they_rate(world, login):
    org, pk = world.org, world.period.pk
    zebra, *others = world.raters
    client = login(zebra)
    html = page(client, "month:peers", pk)
    assert org.staff_a.full_name in html and org.head_a.full_name in html
    assert leaks(html, others) == []
    assert org.staff_a2.full_name not in html
    for ratee in ("SA", "HA"):
        assert leaks(page(client, "month:peer", pk, ratee), others) == []
    html = page(login(org.staff_a), "month:peers", pk)
    assert org.staff_a2.full_name in html
    assert leaks(html, world.raters) == []


def test_a_ratee_cannot_open_or_save_a_peer_form_on_a_rater(world, login):
    """404, the very page a code of nobody gets (the path typed aside): nothing tells a rater."""
    org, pk = world.org, world.period.pk
    client = login(org.staff_a)

    def refusals(code):
        url = reverse("month:peer", args=[pk, code])
        form = {**scores(), "version": "0", "action": "submit"}
        for response in (client.get(url), client.post(url, form)):
            assert response.status_code == 404
            yield CSRF.sub("", response.content.decode().replace(code, "CODE"))

    nobody = list(refusals("NOBODY0000"))
    for rater in world.raters:
        assert list(refusals(rater.code)) == nobody
    assert leaks("".join(nobody), world.raters) == []


def scores():
    return {f"points_{code}": str(value) for code, value in points().items()}


def test_refusing_a_peer_scorecard_for_someone_not_assigned_names_nobody(org):
    """A cadre of the unit who is not assigned to the ratee: the refusal names no rater."""
    world = build(org, submitted=3)
    period = open_period(org.a, "2026-11", phase=Phase.PEER)
    PeerAssignment.objects.filter(period=period, rater=org.staff_a2, ratee=org.staff_a).delete()
    with override("en"), pytest.raises(ScoringError) as refusal:
        scorecard_save(
            period=period,
            ratee=org.staff_a,
            rater=org.staff_a2,
            kind="peer",
            points=points(),
            submit=True,
            user=org.staff_a2.user,
        )
    assert "is not assigned to evaluate" in refusal.value.message
    assert leaks(refusal.value.message, world.raters) == []


# --- heads and leaders see the figures, never the raters --------------------------------------


def test_heads_and_leaders_see_no_rater_on_the_ratees_pages(world, login):
    org, pk = world.org, world.period.pk
    for viewer in (org.head_a, org.leader_w1, world.head_w1):
        client = login(viewer)
        for html in (
            page(client, "month:cadre_result", pk, "SA"),
            page(client, "dashboard-cadre", "SA", month=MONTH),
            page(client, "month:appeals", pk),
        ):
            assert leaks(html, world.raters) == [], viewer.code


def test_the_ratees_row_names_no_rater_on_pages_with_a_row_per_cadre(world, login):
    pk = world.period.pk
    client = login(world.org.head_a)
    pages = {
        "grid": page(client, "month:grid", pk, "W1-A"),
        "decide": page(client, "month:decide", pk),
        "year": page(client, "periods:year", 2026, "W1-A"),
        "ranking": page(client, "dashboard-ranking", unit="W1-A", month=MONTH),
    }
    for name, html in pages.items():
        assert leaks(html, world.raters), f"the raters are cadres of the {name} page too"
        for code in ("SA", "HA"):
            for text in html_rows_of(html, code):
                assert leaks(text, world.raters) == [], (name, code)


def test_the_grid_rows_fragment_of_a_ratee_names_no_rater(world, login):
    """The row htmx swaps in after a save (refused here: the month is decided)."""
    client = login(world.org.head_a)
    for code in ("SA", "HA"):
        url = reverse("month:grid_row", args=[world.period.pk, "W1-A", code])
        response = client.post(url, {**scores(), "version": "1"}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        html = response.content.decode()
        assert html_rows_of(html, code) and leaks(html, world.raters) == [], code


def test_the_ratees_row_names_no_rater_in_the_excel_grid_and_dashboard_exports(world, login):
    client = login(world.org.head_a)
    files = {
        "grid": client.get(reverse("month:grid_excel", args=[world.period.pk, "W1-A"])),
        "ranking xlsx": export(client, "ranking", "xlsx"),
    }
    tables = {name: xlsx_rows(response.content) for name, response in files.items()}
    text = export(client, "ranking", "csv").content.decode("utf-8-sig")
    tables["ranking csv"] = list(csv.reader(io.StringIO(text)))
    assert not [row for row in tables["grid"] if row[0] == "HA"]  # nobody's own row
    for name in ("grid", "ranking xlsx", "ranking csv"):
        assert leaks(str(tables[name]), world.raters), f"the raters are rows of {name} too"
        for code in ("SA",) if name == "grid" else ("SA", "HA"):
            for text in table_rows_of(tables[name], code):
                assert leaks(text, world.raters) == [], (name, code)


def export(client, table, fmt):
    url = reverse("dashboard-export", kwargs={"table": table, "fmt": fmt})
    response = client.get(url, {"unit": "W1-A", "month": MONTH})
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
@pytest.mark.parametrize("when", [MONTH, "2026"])
def test_export_results_has_no_rater_column_and_the_ratees_row_names_none(
    world, tmp_path, fmt, when
):
    out = tmp_path / f"results.{fmt}"
    call_command("export", "results", when, "--scope", "W1-A", "--format", fmt, "--output", out)
    data = out.read_bytes()
    if fmt == "json":
        records = json.loads(data)
        header = list(records[0])
        rows = [[str(v) for v in r.values()] for r in records]
    elif fmt == "csv":
        header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    else:
        header, *rows = xlsx_rows(data)
    assert list(header) == (RESULT_COLUMNS if when == MONTH else YEAR_COLUMNS) + NAME_COLUMNS
    assert leaks(str(rows), world.raters), "the raters are rows of the export too"
    for code in ("SA", "HA"):
        for text in table_rows_of(rows, code):
            assert leaks(text, world.raters) == [], code


# --- the peer mean: from 3 submitted scorecards on, for the ratee ------------------------------


def peer_cell(html: str) -> str:
    start = html.index("data-peer-mean")
    return html[start : html.index("</td>", start)]


def drill_down_peer(html: str) -> str:
    start = html.index("Peer mean (general points)")
    return html[start : html.index("</dd>", start)]


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize("submitted", [2, 3, 5])
def test_the_ratee_sees_the_peer_mean_only_from_three_submitted_scorecards(org, login, submitted):
    world = build(org, submitted=submitted)
    pk = world.period.pk
    mean = PEER_MEAN[submitted]
    shown = submitted >= 3
    own = {
        "SA result": peer_cell(page(login(org.staff_a), "month:result", pk)),
        "HA result": peer_cell(page(login(org.head_a), "month:result", pk)),
        "HA drill-down": drill_down_peer(
            page(english(login(org.head_a)), "dashboard-cadre", "HA", month=MONTH)
        ),
    }
    for name, cell in own.items():
        assert (mean in cell) is shown, (name, cell)
        assert (NUMBER.search(cell) is not None) is shown, (name, cell)
    if submitted == 5:
        assert "22" not in own["SA result"]  # the untrimmed mean, 22.20


@pytest.mark.parametrize("submitted", [2, 3, 5])
def test_the_export_carries_the_engines_peer_mean_from_the_first_scorecard(
    org, tmp_path, submitted
):
    build(org, submitted=submitted)
    out = tmp_path / "results.csv"
    call_command("export", "results", MONTH, "--scope", "W1-A", "--output", out)
    rows = {r["cadre_code"]: r for r in csv.DictReader(io.StringIO(out.read_text("utf-8-sig")))}
    for code in ("SA", "HA"):
        assert rows[code]["peer"] == f"{PEER_MEAN[submitted]}.00"


# --- before 3 peer scorecards: no supervisor points for the ratee either ---------------------
# Self, general and the supervisor's score give the peer mean back: general = 0.2 × self +
# 0.3 × peer + 0.5 × supervisor (docs/RULES.md §1). So the ratee sees neither the peer part nor the
# supervisor's points (total or per criterion) until 3 peer scorecards are submitted.


def supervisor_figures_in(text: str, code: str) -> list[str]:
    """The supervisor's total and points of `code` that `text` shows, with "." or ","."""
    figures = [SUPERVISOR_TOTAL[code], *SUPERVISOR_POINTS[code].values()]
    found = []
    for figure in figures:
        whole, cents = figure.split(".")
        if re.search(rf"(?<![\d.,]){whole}[.,]{cents}(?!\d)", text):
            found.append(figure)
    return found


def the_staffs_own_pages(client, pk) -> dict[str, str]:
    return {
        "result": page(client, "month:result", pk),
        "own result by code": page(client, "month:cadre_result", pk, "SA"),
        "month": page(client, "month:mine"),
        "home": page(client, "home"),
        "self": page(client, "month:self", pk),
        "tasks": page(client, "month:tasks", pk, "SA"),
    }


def the_heads_own_pages(client, pk) -> dict[str, str]:
    """Every page and file the head HA sees with their own figures on it."""
    pages = {
        "result": page(client, "month:result", pk),
        "own result by code": page(client, "month:cadre_result", pk, "HA"),
        "drill-down": page(client, "dashboard-cadre", "HA", month=MONTH),
        "grid": page(client, "month:grid", pk, "W1-A"),
        "decide": page(client, "month:decide", pk),
        "appeals": page(client, "month:appeals", pk),
        "year": page(client, "periods:year", 2026, "W1-A"),
        "ranking": page(client, "dashboard-ranking", unit="W1-A", month=MONTH),
        "dashboard": page(client, "dashboard", unit="W1-A", month=MONTH),
        "month": page(client, "month:mine"),
        "home": page(client, "home"),
    }
    # The row htmx swaps in after an adjustment (refused here: the month is decided).
    url = reverse("month:grid_adjust", args=[pk, "W1-A", "HA"])
    response = client.post(url, {}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    pages["grid row"] = response.content.decode()
    grid_file = client.get(reverse("month:grid_excel", args=[pk, "W1-A"]))
    pages["grid excel"] = str(xlsx_rows(grid_file.content))
    pages["ranking csv"] = export(client, "ranking", "csv").content.decode("utf-8-sig")
    pages["ranking xlsx"] = str(xlsx_rows(export(client, "ranking", "xlsx").content))
    return pages


# Where the ratee's supervisor figures show from 3 peer scorecards on: the total on the result
# pages, the points per criterion in the ratee's row of the grid (a head reads their unit's).
def every_supervisor_figure(code: str) -> list[str]:
    """The result page shows the supervisor's total and each criterion's points (with its
    weight) together, under the same rule as the total."""
    return [SUPERVISOR_TOTAL[code], *SUPERVISOR_POINTS[code].values()]


SHOWN_FROM_THREE = {
    ("SA", "result"): every_supervisor_figure("SA"),
    ("SA", "own result by code"): every_supervisor_figure("SA"),
    ("HA", "result"): every_supervisor_figure("HA"),
    ("HA", "own result by code"): every_supervisor_figure("HA"),
    ("HA", "drill-down"): [SUPERVISOR_TOTAL["HA"]],
    ("HA", "grid"): list(SUPERVISOR_POINTS["HA"].values()),
    ("HA", "grid row"): list(SUPERVISOR_POINTS["HA"].values()),
    # The grid's Excel template has no row of the head who downloads it (nobody scores
    # themself, issue 14.8): HA's points are never in it.
}


@pytest.mark.parametrize("submitted", [1, 2, 3])
def test_the_ratee_sees_the_supervisors_points_only_from_three_peer_scorecards(
    org, login, submitted
):
    world = build(org, submitted=submitted)
    pk = world.period.pk
    own = {
        "SA": the_staffs_own_pages(login(org.staff_a), pk),
        "HA": the_heads_own_pages(login(org.head_a), pk),
    }
    shown = {
        (code, name): supervisor_figures_in(text, code)
        for code, pages in own.items()
        for name, text in pages.items()
    }
    expected = {key: SHOWN_FROM_THREE.get(key, []) if submitted >= 3 else [] for key in shown}
    assert shown == expected


@pytest.mark.parametrize("submitted", [1, 2])
def test_the_ratee_is_told_why_the_parts_are_hidden(org, login, submitted):
    world = build(org, submitted=submitted)
    pk = world.period.pk
    pages = {"SA result": page(login(org.staff_a), "month:result", pk)}
    head = english(login(org.head_a))
    pages["HA drill-down"] = page(head, "dashboard-cadre", "HA", month=MONTH)
    pages["HA grid"] = page(head, "month:grid", pk, "W1-A")
    note = "shown once there are 3 cross-evaluation scorecards"
    assert "từ 3 phiếu đánh giá chéo, để không ai suy ra" in pages["SA result"]
    assert note in pages["HA drill-down"]
    assert [row for row in html_rows_of(pages["HA grid"], "HA") if note in row]
    for code in ("SA", "SA2"):
        assert not [row for row in html_rows_of(pages["HA grid"], code) if note in row], code


def test_heads_and_leaders_see_every_part_of_someone_else_from_the_first_scorecard(org, login):
    """One peer scorecard: SA's peer mean is one rater's 30.00, and still heads see it."""
    world = build(org, submitted=1)
    pk = world.period.pk
    head_a = login(org.head_a)
    for html, shown in (
        (page(head_a, "month:cadre_result", pk, "SA"), every_supervisor_figure("SA")),
        (page(head_a, "dashboard-cadre", "SA", month=MONTH), [SUPERVISOR_TOTAL["SA"]]),
    ):
        assert supervisor_figures_in(html, "SA") == shown
        assert NUMBER.search(html[html.index("data-peer-mean") :]).group() in {"30.00", "30,00"}
        assert "data-parts-hidden" not in html
    for viewer in (world.head_w1, org.leader_w1):
        client = login(viewer)
        for html, shown in (
            (page(client, "month:cadre_result", pk, "HA"), every_supervisor_figure("HA")),
            (page(client, "dashboard-cadre", "HA", month=MONTH), [SUPERVISOR_TOTAL["HA"]]),
        ):
            assert supervisor_figures_in(html, "HA") == shown, viewer.code
    grid = page(login(world.head_w1), "month:grid", pk, "W1-A")
    (row,) = html_rows_of(grid, "HA")
    assert supervisor_figures_in(row, "HA") == list(SUPERVISOR_POINTS["HA"].values())
