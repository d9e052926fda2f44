"""The month in real Chromium: the head's keyboard grid, two heads on one row, a cadre on a
phone, and deciding, publishing and appealing. Every test also checks the console stays clean
and every field of each page it visits has an accessible name."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from directives.models import Task
from scoring.models import (
    Appeal,
    AppealStatus,
    PeerAssignment,
    Period,
    PeriodMember,
    Phase,
    RevisionChange,
    Scorecard,
    ScorecardKind,
)
from scoring.month.services.appeals import appeal_file
from scoring.month.services.decide import period_decide, period_publish
from scoring.month.services.opening import period_advance, period_open
from scoring.month.services.scorecards import scorecard_save
from tests.e2e.helpers import collect_errors, sign_in, wait_until_whole
from units.models import Cadre, Unit

pytestmark = pytest.mark.django_db(transaction=True)

FULL = {"G1": 5, "G2": 5, "G3": 5, "G4": 10, "G5": 5}
DEADLINE = {"self": "self_until", "peer": "peer_until", "supervisor": "review_until"}
LABELLED = """e => [...e.labels].some(l => l.textContent.trim())
    || (e.getAttribute("aria-label") || "").trim() !== ""
    || (e.getAttribute("aria-labelledby") || "").split(" ").some(
        id => (document.getElementById(id)?.textContent || "").trim())"""


# --- building the month with the services ------------------------------------------------------


def this_month(scope_code="HH"):
    """The demo's current month over the ward (opened here if the demo has none)."""
    today = timezone.localdate()
    period = Period.objects.filter(month=f"{today:%Y-%m}", scope__code=scope_code).first()
    if period is None:
        period = period_open(
            month=f"{today:%Y-%m}", scope=Unit.objects.get(code=scope_code), user=None
        )
    return period


def reach(period, phase, **close_in):
    """Move the period to `phase`; each named step closes that many days from today.

    The deadlines are set, not only extended, so a test sees the same month whatever the day:
    a step due in two days shows the due banner on the 3rd as on the 26th. A later step never
    closes before an earlier one. Supervisor review starts with the cross-evaluation over, as
    the schedule moves it (its deadline passed), unless `peer` is named: only then do the
    month's pages show totals and tiers (docs/RULES.md §3).
    """
    while period.phase != phase:
        period = period_advance(period=period, phase=phase, user=None)
    today = timezone.localdate()
    if phase == Phase.REVIEW and "peer" not in close_in:
        yesterday = today - dt.timedelta(days=1)
        period.self_until = min(period.self_until, yesterday)
        period.peer_until = min(period.peer_until, yesterday)
    floor = None
    for kind in ("self", "peer", "supervisor"):
        field = DEADLINE[kind]
        until = today + dt.timedelta(days=close_in[kind]) if kind in close_in else None
        value = until or getattr(period, field)
        if floor is not None and value < floor:
            value = floor
        setattr(period, field, value)
        floor = value
    period.save(update_fields=list(DEADLINE.values()))
    return period


def cli_submit(period, ratee, rater, kind, **points):
    scorecard_save(
        period=period,
        ratee=ratee,
        rater=rater,
        kind=kind,
        points=FULL | points,
        submit=True,
        user=None,
        enforce_phase=False,
    )


def cadre(username):
    return Cadre.objects.get(user__username=username)


# --- browser helpers ---------------------------------------------------------------------------


def assert_every_field_is_labelled(page):
    page.wait_for_load_state()  # a click's navigation may still be parsing the new page
    page.evaluate("for (const d of document.querySelectorAll('details')) d.open = true")
    fields = page.locator("input:not([type=hidden]), select, textarea")
    assert fields.count() > 0
    for index in range(fields.count()):
        field = fields.nth(index)
        if field.is_visible():
            expect(field).to_have_accessible_name(re.compile(r"\S"))
        else:  # collapsed away (a phone's menu): its label must still be there
            assert field.evaluate(LABELLED), field.evaluate("e => e.outerHTML")
    page.evaluate("for (const d of document.querySelectorAll('details')) d.open = false")


def log_in_context(context, live_server, username, errors):
    page = context.new_page()
    collect_errors(page, errors)
    return sign_in(page, live_server.url, username)


def log_out(page):
    page.context.clear_cookies()


def start_row(row):
    """Put the caret in `row`'s first cell once the page is whole (nothing takes it away then)."""
    wait_until_whole(row.page)
    row.locator("input[data-cell]").first.focus()


def type_row(page, row, values):
    """Type a row's cells from the focused first cell: Tab between cells, Enter at the end."""
    cells = row.locator("input[data-cell]")
    count = cells.count()
    for index in range(count):
        cell = cells.nth(index)
        # Each key goes where a person would see the caret: on a loaded machine the browser may
        # not have moved the focus yet when the next key comes.
        expect(cell).to_be_focused()
        code = cell.get_attribute("data-col")
        page.keyboard.type(str(values[code]))
        page.keyboard.press("Enter" if index == count - 1 else "Tab")


def grid_url(live_server, period, unit="HH-KT"):
    return f"{live_server.url}/month/{period.pk}/grid/{unit}/"


# --- 1. the keyboard grid ------------------------------------------------------------------


def test_the_head_scores_the_department_with_the_keyboard_only(
    demo, log_in, live_server, console_errors
):
    period = reach(this_month(), Phase.REVIEW, supervisor=3)
    page = log_in("truongphong")
    page.get_by_role("link", name="Chấm điểm", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/month/manage/$"))
    page.get_by_role("link", name="Phòng Kinh tế, Hạ tầng và Đô thị").click()
    expect(
        page.get_by_role("heading", name=re.compile("^Bảng chấm điểm: Phòng Kinh tế"))
    ).to_be_visible()
    assert_every_field_is_labelled(page)

    rows = page.locator("tbody tr[data-row]:has(input[data-cell])")
    codes = [rows.nth(i).get_attribute("data-row") for i in range(rows.count())]
    members = PeriodMember.objects.filter(period=period, unit__code="HH-KT").count()
    assert len(codes) == members - 1  # everyone but the head themself
    expect(page.locator("[data-grid-scored]")).to_have_text("0")

    values = {"G1": 5, "G2": 5, "G3": 5, "G4": 9, "G5": 5, "T": 60}
    first = page.locator(f"#row-{codes[0]}")
    first.locator("input[data-cell]").first.focus()
    # A value above the maximum is marked as it is typed, then refused by the server.
    for code in ("G1", "G2", "G3"):
        page.keyboard.type(str(values[code]))
        page.keyboard.press("Tab")
    page.keyboard.type("12")
    expect(page.locator(f"#e-{codes[0]}-G4")).to_have_text("Tối đa 10 điểm.")
    expect(first.locator("input[data-col=G4]")).to_have_attribute("aria-invalid", "true")
    page.keyboard.press("Tab")
    rest = [c for c in ("G5", "T") if first.locator(f"input[data-col={c}]").count()]
    for index, code in enumerate(rest):
        page.keyboard.type(str(values[code]))
        page.keyboard.press("Enter" if index == len(rest) - 1 else "Tab")
    expect(page.locator(f"#row-{codes[0]}")).to_have_attribute("data-state", "invalid")
    expect(page.locator(f"#e-{codes[0]}-G4")).to_contain_text("Từ 0 đến 10")
    assert not Scorecard.objects.filter(period=period, kind="supervisor").exists()
    expect(page.locator(f"#s-{codes[0]}-G4")).to_be_focused()
    page.keyboard.type("9")
    page.keyboard.press("Enter")
    expect(page.locator(f"#row-{codes[0]}")).to_have_attribute("data-state", "saved")

    for done, code in enumerate(codes[1:], start=2):
        row = page.locator(f"#row-{code}")
        expect(row.locator("input[data-cell]").first).to_be_focused()
        type_row(page, row, values)
        expect(page.locator(f"#row-{code}")).to_have_attribute("data-state", "saved")
        expect(page.locator("[data-grid-scored]")).to_have_text(str(done))

    for code in codes:
        row = page.locator(f"#row-{code}")
        expect(row.locator("[data-total]")).to_have_text(re.compile(r"^\d+,\d{2}$"))
        expect(row.locator("[data-tier] .badge")).to_have_text(re.compile(r"^[ABCD]$"))

    # The arrow keys move between rows and cells.
    page.locator(f"#s-{codes[1]}-G2").focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#s-{codes[2]}-G2")).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(page.locator(f"#s-{codes[0]}-G2")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"#s-{codes[0]}-G3")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("ArrowLeft")
    expect(page.locator(f"#s-{codes[0]}-G1")).to_be_focused()

    page.reload()
    expect(page.locator("[data-grid-scored]")).to_have_text(str(len(codes)))
    for code in codes:
        expect(page.locator(f"#s-{code}-G4")).to_have_value("9")
        expect(page.locator(f"#row-{code} [data-total]")).not_to_have_text("—")
    assert Scorecard.objects.filter(
        period=period, kind="supervisor", status="submitted"
    ).count() == len(codes)
    assert console_errors == []


def test_enter_pressed_before_a_re_rendered_row_settles_still_saves_in_place(
    demo, log_in, live_server, console_errors
):
    """htmx binds a swapped-in row only when it settles (20 ms by default). A head who corrects
    a refused cell and presses Enter inside that window must still save through htmx, not post
    the whole page. A long settle delay makes the window wide enough to hit every time."""
    period = reach(this_month(), Phase.REVIEW, supervisor=3)
    page = log_in("truongphong")
    page.goto(grid_url(live_server, period))
    # The app settles swaps at once (base.html's htmx-config), so the window is closed there...
    assert page.evaluate("() => htmx.config.defaultSettleDelay") == 0
    # ...and grid.js binds the row itself, which this wide window checks.
    page.evaluate("() => { htmx.config.defaultSettleDelay = 5000; window.stayed = true; }")
    code = cadre("canbo").code
    row = page.locator(f"#row-{code}")
    start_row(row)
    type_row(page, row, {"G1": 5, "G2": 5, "G3": 5, "G4": 12, "G5": 5, "T": 60})
    expect(page.locator(f"#row-{code}")).to_have_attribute("data-state", "invalid")
    expect(page.locator(f"#s-{code}-G4")).to_be_focused()
    page.keyboard.type("9")
    page.keyboard.press("Enter")
    expect(page.locator(f"#row-{code}")).to_have_attribute("data-state", "saved")
    assert page.evaluate("() => window.stayed === true"), "the page was posted and reloaded"
    card = Scorecard.objects.get(period=period, ratee__code=code, kind="supervisor")
    assert card.lines.get(criterion__code="G4").points == 9
    assert console_errors == []


# --- 2. two browsers on one row ------------------------------------------------------------


def test_a_second_save_of_the_same_row_is_refused_and_nothing_is_lost(
    demo, browser, live_server, console_errors
):
    period = reach(this_month(), Phase.REVIEW, supervisor=3)
    errors = []
    first = log_in_context(browser.new_context(), live_server, "truongphong", errors)
    second = log_in_context(browser.new_context(), live_server, "truongphong", errors)
    first.goto(grid_url(live_server, period))
    second.goto(grid_url(live_server, period))
    code = cadre("canbo").code

    row = first.locator(f"#row-{code}")
    start_row(row)
    type_row(first, row, {"G1": 3, "G2": 5, "G3": 5, "G4": 8, "G5": 5, "T": 55})
    expect(first.locator(f"#row-{code}")).to_have_attribute("data-state", "saved")

    row = second.locator(f"#row-{code}")
    start_row(row)
    type_row(second, row, {"G1": 1, "G2": 1, "G3": 1, "G4": 1, "G5": 1, "T": 10})
    refused = second.locator(f"#row-{code}")
    expect(refused).to_have_attribute("data-state", "refused")
    message = refused.locator("[data-row-message]")
    expect(message).to_contain_text("Chưa lưu")
    expect(message).to_contain_text("G1 1")  # what this tab typed is still there to retype
    expect(refused.locator("input[data-col=G1]")).to_have_value("3")
    expect(refused.locator("input[data-col=G4]")).to_have_value("8")

    card = Scorecard.objects.get(period=period, ratee__code=code, kind="supervisor")
    assert card.version == 1
    assert card.lines.get(criterion__code="G1").points == 3
    first.context.close()
    second.context.close()
    assert errors == [] and console_errors == []


# --- 3. a cadre on a phone -----------------------------------------------------------------


def test_a_cadre_on_a_phone_submits_the_self_assessment_and_every_peer_evaluation(
    demo, log_in, page, live_server, console_errors
):
    period = reach(this_month(), Phase.PEER, self=1, peer=2)
    page.set_viewport_size({"width": 360, "height": 740})
    log_in("canbo")
    expect(page.locator("[data-due-banner]")).to_be_visible()
    page.get_by_role("button", name="Trình đơn").click()
    page.get_by_role("navigation").get_by_role("link", name="Đánh giá tháng").click()
    # The home page's banner links to the self-assessment too: wait for the month page, or the
    # next click may land on the page being left and race the navigation.
    expect(page).to_have_url(re.compile(r"/month/$"))

    page.get_by_role("link", name=re.compile("Tự đánh giá")).first.click()
    expect(page).to_have_url(re.compile(rf"/month/{period.pk}/self/$"))
    assert_every_field_is_labelled(page)
    deadline = period.self_until.strftime("%d/%m/%Y")
    expect(page.get_by_text(f"Hạn: {deadline}")).to_be_visible()
    for code, top in FULL.items():
        page.get_by_label(re.compile(rf"{code} ·")).fill(str(top - 1 if code == "G4" else top))
    submit = page.get_by_role("button", name="Gửi phiếu")
    assert submit.bounding_box()["height"] >= 44
    submit.click()
    expect(page.get_by_text("Đã gửi phiếu")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    me = cadre("canbo")
    total = PeerAssignment.objects.filter(period=period, rater=me).count()
    assert total >= 3
    page.get_by_role("link", name=re.compile("Phiếu đánh giá chéo của tôi")).first.click()
    expect(page).to_have_url(re.compile(rf"/month/{period.pk}/peers/$"))
    expect(page.locator("[data-peer-progress]")).to_have_text(f"0 / {total} đã hoàn thành")
    for done in range(1, total + 1):
        page.locator("a.list-group-item:has(.text-bg-warning)").first.click()
        if done == 1:
            assert_every_field_is_labelled(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
        for code, top in FULL.items():
            page.get_by_label(re.compile(rf"{code} ·")).fill(str(top))
        page.get_by_role("button", name="Gửi phiếu").click()
        expect(page.locator("[data-peer-progress]")).to_have_text(f"{done} / {total} đã hoàn thành")
    assert (
        Scorecard.objects.filter(
            period=period, rater=me, kind=ScorecardKind.PEER, status="submitted"
        ).count()
        == total
    )
    assert Scorecard.objects.get(period=period, rater=me, ratee=me, kind="self").status == (
        "submitted"
    )
    assert console_errors == []


# --- 4. decide, publish, appeal --------------------------------------------------------------


def later_month_of_the_department():
    """A later month over HH-KT, fully scored in supervisor review: every "Chuyên viên" is an
    A-candidate and canbo the lowest of them, so the 20% quota moves canbo from A to B."""
    today = timezone.localdate()
    department = Unit.objects.get(code="HH-KT")
    first = today.replace(day=1)
    while True:  # a later month without tasks, so the head enters every T by hand
        first = (first + dt.timedelta(days=32)).replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        if not Task.objects.filter(
            unit__path__startswith=department.path, effective_deadline__range=(first, last)
        ).exists():
            break
    day = dt.timedelta(days=1)
    period = period_open(
        month=f"{first:%Y-%m}",
        scope=department,
        dates={
            "self_until": today - day,
            "peer_until": today - day,
            "review_until": today + 3 * day,
            "publish_by": today + 5 * day,
            "appeals_until": today + 10 * day,
            "lock_on": today + 20 * day,
        },
        user=None,
    )
    period = reach(period, Phase.REVIEW)
    head, me = cadre("truongphong"), cadre("canbo")
    members = PeriodMember.objects.filter(period=period).select_related("cadre")
    for member in members:
        cli_submit(period, member.cadre, member.cadre, "self")
    for assignment in PeerAssignment.objects.filter(period=period).select_related("rater", "ratee"):
        cli_submit(period, assignment.ratee, assignment.rater, "peer")
    for member in members:
        if member.cadre_id == head.pk:
            continue
        task = 50
        if member.job_group == me.job_group:
            task = 64 if member.cadre_id == me.pk else 65
        cli_submit(period, member.cadre, head, "supervisor", T=task)
    return period


def test_the_head_decides_and_publishes_and_the_cadre_appeals_the_quota(
    demo, log_in, page, live_server, console_errors
):
    period = later_month_of_the_department()
    month = f"{period.month[5:]}/{period.month[:4]}"

    log_in("truongphong")
    page.get_by_role("link", name="Xét duyệt", exact=True).first.click()
    page.get_by_role("row").filter(has_text=f"Tháng {month}").get_by_role(
        "link", name="Xem xét và quyết định"
    ).click()
    demoted = page.locator("[data-demoted] li").filter(has_text=cadre("canbo").full_name)
    expect(demoted).to_have_count(1)
    expect(demoted).to_contain_text("Hạ từ A xuống B do vượt tỷ lệ 20%")
    page.get_by_role("button", name="Xác nhận quyết định xếp loại").click()
    expect(page.get_by_text("Đã quyết định xếp loại. Công khai")).to_be_visible()
    page.get_by_role("button", name="Công khai kết quả").click()
    expect(page.get_by_text("Đã công khai: mọi cán bộ")).to_be_visible()
    assert Period.objects.get(pk=period.pk).phase == Phase.APPEALS

    log_out(page)
    log_in("canbo")
    page.get_by_role("navigation").get_by_role("link", name="Đánh giá tháng").click()
    later = page.locator("section").filter(
        has=page.get_by_role("heading").filter(has_text=f"Tháng {month}")
    )
    later.get_by_role("link", name="Xem kết quả của tôi").click()
    reason = page.locator("[data-quota-reason]")
    expect(reason).to_contain_text("Trước khi áp tỷ lệ: A")
    expect(reason).to_contain_text("Hạ từ A xuống B do vượt tỷ lệ 20%")
    expect(page.locator("[data-equal-split]")).to_contain_text("cào bằng")
    assert_every_field_is_labelled(page)
    page.get_by_label("Nội dung kiến nghị về kết quả và lý do").fill(
        "Đề nghị xem lại: tôi hoàn thành vượt tiến độ hai nhiệm vụ."
    )
    page.get_by_role("button", name="Gửi kiến nghị").click()
    expect(page.get_by_text("đã được gửi tới thủ trưởng đơn vị")).to_be_visible()
    appeal = Appeal.objects.get(period=period)

    log_out(page)
    log_in("truongphong")
    page.goto(f"{live_server.url}/month/{period.pk}/appeals/")
    expect(page.get_by_text("1 kiến nghị đang chờ trả lời")).to_be_visible()
    assert_every_field_is_labelled(page)
    page.get_by_label("Trả lời").fill("Tỷ lệ loại A của nhóm đã đủ theo quy chế.")
    page.get_by_role("button", name="Trả lời, không chấp nhận").click()
    expect(page.get_by_text("Đã gửi trả lời")).to_be_visible()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REJECTED

    log_out(page)
    log_in("canbo")
    page.goto(f"{live_server.url}/month/{period.pk}/result/")
    expect(page.get_by_text("Tỷ lệ loại A của nhóm đã đủ theo quy chế.")).to_be_visible()
    assert console_errors == []


def test_the_head_accepts_an_appeal_corrects_that_row_alone_and_decides_again(
    demo, log_in, page, live_server, console_errors
):
    """Accepting asks first; the correction opens canbo's row alone in the grid; deciding again
    lists canbo and the colleagues whose ranks move, before and after (issue 12, item 4)."""
    period = later_month_of_the_department()
    period = period_publish(period=period_decide(period=period, user=None), user=None)
    me = cadre("canbo")
    appeal_file(period=period, cadre=me, text="Điểm T chưa đúng.", user=me.user)

    page = log_in("truongphong")
    page.goto(f"{live_server.url}/month/{period.pk}/appeals/")
    page.get_by_label("Trả lời").fill("Đồng ý chấm lại điểm T.")
    page.get_by_role("button", name="Chấp nhận và điều chỉnh điểm").click()
    expect(page.locator("[data-accept-warning]")).to_contain_text("mở điều chỉnh riêng cho")
    assert Appeal.objects.get(period=period).status == AppealStatus.OPEN
    assert_every_field_is_labelled(page)
    page.get_by_role("button", name="Xác nhận: chấp nhận và mở điều chỉnh").click()
    expect(page.locator("[data-correction-open]")).to_be_visible()

    page.get_by_role("link", name="Sửa trong bảng chấm điểm").click()
    expect(page.locator("input[data-cell]")).to_have_count(6)  # canbo's row alone
    row = page.locator(f"#row-{me.code}")
    start_row(row)
    type_row(page, row, {"G1": 5, "G2": 5, "G3": 5, "G4": 10, "G5": 5, "T": 70})
    expect(page.locator(f"#row-{me.code}")).to_have_attribute("data-state", "saved")

    page.get_by_role("link", name="Những gì thay đổi khi xếp loại lại").click()
    expect(page.locator(f"[data-change='{me.code}'] [data-field='total']")).to_contain_text(
        "94,00 → 100,00"
    )
    expect(page.locator(f"[data-change='{me.code}'] [data-field='rank_in_unit']")).to_contain_text(
        "→ 1"
    )
    # The colleagues at 95 keep their totals and move down a rank (the quota keeps no A here).
    others = page.locator("[data-change]").filter(has_not=page.locator("text=→ 100,00"))
    expect(others.first.locator("[data-field='total']")).to_have_text("95,00")
    listed = page.locator("[data-change]").count()
    assert listed >= 2
    page.get_by_role("button", name="Xác nhận và quyết định xếp loại lại").click()
    expect(
        page.get_by_text(f"Đã quyết định xếp loại lại: {listed} kết quả thay đổi")
    ).to_be_visible()
    expect(page.locator("#revisions [data-change]")).to_have_count(listed)
    assert RevisionChange.objects.filter(revision__period=period).count() == listed

    log_out(page)
    log_in("canbo")
    page.goto(f"{live_server.url}/month/{period.pk}/result/")
    expect(page.locator("[data-revised]")).to_contain_text("94,00 → 100,00")
    assert console_errors == []
