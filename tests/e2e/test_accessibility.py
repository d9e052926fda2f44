"""Issue 15 items 11 and 12: axe-core (bundled by axe-playwright-python, nothing downloaded)
finds no serious or critical violation on any page type, in Vietnamese; the navigation reads
at 4.5:1 or more and shows where the focus is; at 1366×768 it stays on one line and the
language menu and the dashboard's warnings column are whole."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from directives.models import Task
from scoring.models import Period, Phase, Result
from tests.e2e.helpers import wait_until_whole
from tests.e2e.test_month import cadre, reach, this_month

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1366, "height": 768}
SERIOUS = {"serious", "critical"}


def serious_violations(page, axe):
    """axe-core's serious and critical violations of the page: 'rule: target, ...' lines."""
    wait_until_whole(page)  # the page loaded and its banner in place, not network silence
    results = axe.run(page)
    return [
        f"{page.url} {v['id']} ({v['impact']}): "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def check_pages(page, live_server, paths):
    axe = Axe()
    found = []
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status in (200, 403, 404), (path, response.status)
        found += serious_violations(page, axe)
    return found


def decided_period():
    return (
        Period.objects.filter(phase__in=[Phase.APPEALS, Phase.LOCKED])
        .exclude(month=this_month().month)
        .order_by("-month")
        .first()
    )


def test_no_serious_violation_on_the_pages_of_a_cadre_and_an_anonymous_visitor(
    demo, log_in, page, live_server
):
    period = reach(this_month(), Phase.PEER, self=1, peer=2)
    me = cadre("canbo")
    ratee = period.peer_assignments.filter(rater=me).select_related("ratee").first().ratee
    published = decided_period()
    found = check_pages(page, live_server, ["/login/", "/no-such-page/"])
    log_in("canbo")
    found += check_pages(
        page,
        live_server,
        [
            "/",
            "/tasks/",
            "/month/",
            f"/month/{period.pk}/self/",
            f"/month/{period.pk}/peers/",
            f"/month/{period.pk}/peers/{ratee.code}/",
            f"/month/{published.pk}/result/",
            f"/cadres/{me.code}/",
            "/password/",
            "/months/",  # 403 for a cadre: the error page itself
        ],
    )
    # A refused form: its error summary and invalid fields.
    page.goto(f"{live_server.url}/month/{period.pk}/peers/{ratee.code}/")
    page.get_by_role("button", name="Gửi phiếu").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    found += serious_violations(page, Axe())
    assert found == [], "\n".join(found)


def test_no_serious_violation_on_the_pages_of_a_head(demo, log_in, page, live_server):
    period = reach(this_month(), Phase.REVIEW, supervisor=3)
    published = decided_period()
    task = Task.objects.filter(unit__code="HH-KT").order_by("code").first()
    log_in("truongphong")
    found = check_pages(
        page,
        live_server,
        [
            "/",
            "/month/manage/",
            f"/month/{period.pk}/grid/HH-KT/",
            f"/month/{period.pk}/progress/",
            "/month/decisions/",
            f"/month/{period.pk}/decide/",
            f"/month/{published.pk}/appeals/",
            f"/month/{published.pk}/result/{cadre('canbo').code}/",
            f"/month/{period.pk}/tasks/{cadre('canbo').code}/",
            "/tasks/board/",
            "/tasks/board/HH-KT/",
            "/tasks/board/HH-KT/assign/",
            f"/tasks/{task.code}/",
            "/tasks/import/",
            "/tasks/month/",
        ],
    )
    assert found == [], "\n".join(found)


def test_no_serious_violation_on_the_pages_of_a_leader_and_an_administrator(
    demo, log_in, page, live_server
):
    published = decided_period()
    year = int(published.month[:4])
    someone = Result.objects.filter(period=published).select_related("cadre").first().cadre
    log_in("chutich")
    found = check_pages(
        page,
        live_server,
        [
            "/months/",
            f"/months/{published.pk}/",
            "/months/open/",
            "/dashboard/",
            "/dashboard/ranking/",
            f"/dashboard/cadre/{someone.code}/",
            "/year/",
            f"/year/{year}/HH/",
            "/units/",
            "/units/HH-KT/",
        ],
    )
    page.context.clear_cookies()
    log_in("admin")
    found += check_pages(page, live_server, ["/", "/imports/", "/lockouts/"])
    assert found == [], "\n".join(found)


def contrast(page, locator):
    """WCAG contrast of an element's text colour on its nearest opaque background."""
    return locator.evaluate(
        """e => {
      const rgb = s => s.match(/[\\d.]+/g).slice(0, 4).map(Number);
      const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
        .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
      let node = e, bg;
      while (node) { const c = rgb(getComputedStyle(node).backgroundColor);
        if (c.length < 4 || c[3] > 0) { bg = c; break; } node = node.parentElement; }
      const a = lum(rgb(getComputedStyle(e).color)), b = lum(bg);
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }"""
    )


def test_the_navigation_reads_at_4_5_to_1_shows_its_focus_and_fits_1366_pixels(
    demo, log_in, page, live_server
):
    page.set_viewport_size(DESKTOP)
    log_in("chutich")  # the longest menu of the demo accounts
    nav = page.locator("nav.fc-navbar")
    links = nav.locator(".nav-link")
    assert links.count() >= 9
    for index in range(links.count()):
        assert contrast(page, links.nth(index)) >= 4.5, links.nth(index).inner_text()
    assert contrast(page, nav.locator(".navbar-brand")) >= 4.5

    # The focus ring: the first link, reached with Tab, has a visible outline.
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
        return [document.activeElement.classList.contains('nav-link'), s.outlineStyle,
                parseFloat(s.outlineWidth), s.outlineColor]; }"""
    )
    assert focused[0] and focused[1] == "solid" and focused[2] >= 2, focused
    assert focused[3] in ("rgb(255, 255, 255)", "rgba(255, 255, 255, 1)"), focused

    for language in ("vi", "en"):
        page.goto(f"{live_server.url}/dashboard/")
        if language == "en":
            page.select_option("#language-select", "en")
            page.wait_for_url(re.compile(r"/dashboard/"))
            expect(page.locator("html")).to_have_attribute("lang", "en")
        # One line: every item on the brand's row, nothing past the right edge.
        tops = links.evaluate_all(
            "ls => ls.filter(l => l.offsetParent).map(l => l.getBoundingClientRect().top)"
        )
        assert max(tops) - min(tops) < 4, (language, tops)
        heights = links.evaluate_all("ls => ls.map(l => l.getBoundingClientRect().height)")
        assert max(heights) < 45, (language, heights)  # no link wraps onto two lines
        box = page.locator("#language-select").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= DESKTOP["width"], (language, box)
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]

        # The dashboard's warnings column is whole on the screen.
        table = page.locator("table.league")
        badges = table.locator("td.league-flags .badge")
        assert badges.count() >= 1
        for index in range(badges.count()):
            right = badges.nth(index).bounding_box()
            assert right["x"] + right["width"] <= DESKTOP["width"], (language, right)
        scroller = page.locator("table.league").locator("xpath=..")
        assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth"), language
    page.select_option("#language-select", "vi")
