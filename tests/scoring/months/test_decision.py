"""Deciding, publishing and locking from the month's pages: each previews what it makes final
— tiers per unit, the quota's cuts with their reasons, pools, what they distribute and what is
left — before the head confirms."""

import pytest
from django.urls import reverse

from scoring.models import AuditEntry, Period, Phase
from scoring.month.services.decide import period_decide, period_publish
from scoring.month.services.opening import period_advance
from scoring.months.services import period_pools_set
from tests.factories import member
from tests.month.conftest import points, submit

pytestmark = pytest.mark.django_db

# T entered by HA for W1-A's staff (none has a task): with G = 30 everywhere SA (95) and SA2
# (92) are A-candidates and the four others (80) B; 20% of the good keeps one A. HA, scored by
# the ward's head with T 60, totals 90 alone in the leaders' job group: kept to B.
T_OF = {"SA": 65, "SA2": 62, "SA3": 50, "SA4": 50, "SA5": 50, "SA6": 50}


@pytest.fixture
def review(ward, clock):
    """W1's November in supervisor review on 29/11 (cross-evaluation closed on the 27th):
    W1-A's staff scored by HA, W1-B's by HB, HA and HB by the ward's head; pools set."""
    org = ward.org
    clock("2026-10-28")
    staff = [org.staff_a, org.staff_a2]
    staff += [member(org.a, code=f"SA{i}", full_name=f"Trần Văn {i}") for i in range(3, 7)]
    from scoring.month.services.opening import period_refresh_members

    period_refresh_members(period=ward.period, user=None)
    clock("2026-11-29")
    period = ward.period
    for phase in (Phase.SELF, Phase.PEER, Phase.REVIEW):
        period = period_advance(period=period, phase=phase, user=None)
    for cadre in staff:
        submit(period, cadre, org.head_a, "supervisor", points(T=T_OF[cadre.code]))
    for cadre in (org.staff_b, ward.staff_b2):
        submit(period, cadre, org.head_b, "supervisor", points(T=60))
    for cadre in (org.head_a, org.head_b, ward.deputy, org.leader_w1):
        submit(period, cadre, ward.head, "supervisor", points(T=60))
    period_pools_set(
        period=period,
        pools={org.a: 10_000_000, org.b: 3_000_000, org.w1: 0},
        user=None,
    )
    ward.period = period
    return ward


def page(client, name, period):
    return client.get(reverse(name, args=[period.pk])).content.decode()


def row_of(html, code):
    row = html.split(f'data-unit="{code}">', 1)[1].split("</tr>", 1)[0]
    return [cell.split("</td>")[0] for cell in row.split('<td class="text-end">')[1:]]


def test_the_decision_preview_shows_tiers_cuts_and_pools_per_unit(review, login):
    html = page(login(review.head), "months:decide", review.period)
    # A B C D, not rated, pool, distributed, undistributed: SA keeps A, SA2 is cut to B and
    # joins SA3..SA6 and the head HA (alone in the leaders' group, whose quota keeps no A).
    # Equal half 5,000,000 / 7 → 714,000 each; merit half over 2 + 6 → A 1,250,000, B 625,000.
    assert row_of(html, "W1-A") == ["1", "6", "0", "0", "0", "10.000.000", "9.998.000", "2.000"]
    cuts = html.split('data-unit="W1-A"', 1)[1].split("data-cuts>", 1)[1].split("</ul>", 1)[0]
    assert review.org.staff_a2.full_name in cuts and "92,00" in cuts
    assert "Hạ từ A xuống B do vượt tỷ lệ 20%" in cuts
    assert "Quỹ 13.000.000 đồng" in html
    # the ward's head has nobody above to score them
    undecidable = html.split("data-undecidable>", 1)[1].split("</ul>", 1)[0]
    assert review.head.full_name in undecidable
    assert "Xác nhận: quyết định xếp loại tháng" in html
    assert Period.objects.get(pk=review.period.pk).phase == Phase.REVIEW  # nothing written


def test_while_cross_evaluation_is_open_the_preview_names_nobody(review, login, clock):
    period = review.period
    Period.objects.filter(pk=period.pk).update(peer_until="2026-11-30")
    html = page(login(review.head), "months:decide", period)
    assert "data-cuts" not in html and review.org.staff_a2.full_name not in html
    assert row_of(html, "W1-A")[:2] == ["1", "6"]
    assert "Đánh giá chéo đang mở đến ngày 30/11/2026" in html


def test_a_leader_sees_the_preview_without_the_confirmation(review, login):
    html = page(login(review.org.leader_w1), "months:decide", review.period)
    assert "data-units" in html and "Xác nhận" not in html


def test_decide_publish_and_lock_each_confirmed_and_in_the_history(review, login, clock):
    client = login(review.head)
    period = review.period
    client.post(reverse("months:decide", args=[period.pk]))
    period.refresh_from_db()
    assert period.phase == Phase.DECIDED
    html = page(client, "months:publish", period)
    assert row_of(html, "W1-A")[:2] == ["1", "6"]
    assert "Xác nhận: công khai kết quả" in html
    clock("2026-12-02")
    client.post(reverse("months:publish", args=[period.pk]))
    period.refresh_from_db()
    assert (period.phase, str(period.appeals_until)) == (Phase.APPEALS, "2026-12-08")
    clock("2026-12-09")
    html = page(client, "months:lock", period)
    assert "Xác nhận: khóa sổ tháng" in html
    client.post(reverse("months:lock", args=[period.pk]))
    period.refresh_from_db()
    assert period.phase == Phase.LOCKED
    history = page(client, "months:month", period).split("data-history>", 1)[1]
    actions = [part.split('"')[0] for part in history.split('data-action="')[1:]]
    assert actions[:3] == ["period.lock", "period.publish", "period.decide"]
    heads = AuditEntry.objects.filter(action__in=["period.decide", "period.publish", "period.lock"])
    assert {e.user for e in heads} == {review.head.user}


def test_a_decided_month_shows_its_results_not_the_actions_before(review, login):
    period = period_decide(period=review.period, user=None)
    html = page(login(review.head), "months:month", period)
    assert reverse("months:publish", args=[period.pk]) in html
    assert reverse("months:advance", args=[period.pk]) not in html
    assert reverse("months:pools", args=[period.pk]) not in html
    assert reverse("month:decide", args=[period.pk]) in html  # the results
    period = period_publish(period=period, user=None)
    html = page(login(review.head), "months:month", period)
    assert reverse("months:lock", args=[period.pk]) in html
