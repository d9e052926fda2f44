"""Deciding, publishing, the result page and appeals."""

import pytest
from django.urls import reverse

from scoring.models import Appeal, AppealStatus, PeerAssignment, Period, Phase, Result

pytestmark = pytest.mark.django_db


def decide_url(period):
    return reverse("month:decide", args=[period.pk])


def test_the_decide_page_shows_who_the_quota_moves_from_a_to_b_and_why(login, ready):
    page = login(ready.head).get(decide_url(ready.period)).content.decode()
    demoted = page.split("data-demoted>")[1].split("</ul>")[0]
    assert ready.org.staff_a2.full_name in demoted
    assert "Hạ từ A xuống B do vượt tỷ lệ 20%" in demoted
    assert ready.org.staff_a.full_name not in demoted
    assert "1 cán bộ chuyển từ loại A xuống loại B" in page
    assert "2 người đạt điểm loại A, giữ loại A: 1" in page
    # The head of W1-A has no supervisor above (W1 has no head): listed as not yet ratable.
    assert "1 cán bộ chưa đủ điều kiện xếp loại" in page
    assert "Xác nhận quyết định xếp loại" in page
    assert Period.objects.get(pk=ready.period.pk).phase == Phase.REVIEW
    assert not Result.objects.exists()


def test_a_head_of_a_unit_below_the_scope_cannot_decide(login, ready, org):
    """Deciding is for a head of the period's scope: the ward leader reads, never decides."""
    page = login(org.leader_w1).get(decide_url(ready.period)).content.decode()
    assert "Xác nhận quyết định xếp loại" not in page
    assert login(org.leader_w1).post(decide_url(ready.period)).status_code == 403


def test_the_head_decides_and_publishes_then_the_cadre_sees_the_quota_reason(
    login, ready, settings
):
    head = login(ready.head)
    response = head.post(decide_url(ready.period), follow=True)
    assert "Đã quyết định xếp loại" in response.content.decode()
    period = Period.objects.get(pk=ready.period.pk)
    assert period.phase == Phase.DECIDED
    result = Result.objects.get(period=period, cadre=ready.org.staff_a2)
    assert (result.tier_before_quota, result.tier) == ("A", "B")

    # Decided, not published: the cadre does not see it yet.
    staff = login(ready.org.staff_a2)
    page = staff.get(reverse("month:result", args=[period.pk])).content.decode()
    assert "chưa được công khai" in page and "data-reward" not in page

    head = login(ready.head)
    head.post(reverse("month:publish", args=[period.pk]))
    period.refresh_from_db()
    assert period.phase == Phase.APPEALS

    page = login(ready.org.staff_a2).get(reverse("month:result", args=[period.pk]))
    page = page.content.decode()
    reason = page.split("data-quota-reason>")[1].split("</p>")[0]
    assert "Trước khi áp tỷ lệ: A · Hoàn thành xuất sắc nhiệm vụ" in reason
    assert "Hạ từ A xuống B do vượt tỷ lệ 20%" in reason
    assert "data-equal-split" in page
    equal = f"{result.equal_split:,}".replace(",", ".")
    assert equal in page.split("data-equal-split>")[1]
    assert f"{result.reward:,}".replace(",", ".") in page.split("data-reward>")[1]
    assert f"Xếp thứ {result.rank_in_unit}/" in page

    # The same reason in the English interface, worded from its code and figures.
    staff = login(ready.org.staff_a2)
    staff.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = staff.get(reverse("month:result", args=[period.pk])).content.decode()
    reason = page.split("data-quota-reason>")[1].split("</p>")[0]
    assert "Lowered from A to B: over the 20% quota" in reason
    assert "Hạ từ" not in reason


def test_the_peer_mean_shows_only_from_three_evaluations_and_never_the_raters(login, ready):
    head = login(ready.head)
    head.post(decide_url(ready.period))
    head.post(reverse("month:publish", args=[ready.period.pk]))
    sa3 = Result.objects.get(period=ready.period, cadre__code="SA3")
    assert sa3.peer_count == 2
    page = login(ready.staff[2]).get(reverse("month:result", args=[ready.period.pk]))
    cell = page.content.decode().split("data-peer-mean>")[1].split("</td>")[0]
    assert "chưa đủ 3 phiếu" in cell
    page = login(ready.org.staff_a).get(reverse("month:result", args=[ready.period.pk]))
    page = page.content.decode()
    cell = page.split("data-peer-mean>")[1].split("</td>")[0]
    assert "4 phiếu" in cell
    raters = PeerAssignment.objects.filter(period=ready.period, ratee=ready.org.staff_a)
    for assignment in raters.select_related("rater"):
        assert assignment.rater.full_name not in page


def test_a_cadre_appeals_and_the_head_answers_in_the_inbox(login, ready):
    head = login(ready.head)
    head.post(decide_url(ready.period))
    head.post(reverse("month:publish", args=[ready.period.pk]))

    staff = login(ready.org.staff_a2)
    result_url = reverse("month:result", args=[ready.period.pk])
    assert "Gửi kiến nghị" in staff.get(result_url).content.decode()
    response = staff.post(
        reverse("month:appeal", args=[ready.period.pk]),
        {"text": "Đề nghị xem lại điểm G4"},
        follow=True,
    )
    assert "đã được gửi tới thủ trưởng" in response.content.decode()
    appeal = Appeal.objects.get()
    assert appeal.cadre == ready.org.staff_a2 and appeal.status == AppealStatus.OPEN

    head = login(ready.head)
    inbox = head.get(reverse("month:appeals", args=[ready.period.pk])).content.decode()
    assert "Đề nghị xem lại điểm G4" in inbox and "1 kiến nghị đang chờ trả lời" in inbox
    head.post(
        reverse("month:appeal_reply", args=[ready.period.pk, appeal.pk]),
        {"answer": "Điểm G4 đúng theo quy chế", "decision": "reject"},
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REJECTED
    page = login(ready.org.staff_a2).get(result_url).content.decode()
    assert "Điểm G4 đúng theo quy chế" in page


def test_accepting_an_appeal_asks_first_then_opens_a_correction(login, ready):
    """The accept button shows what accepting opens; only the confirmation writes, and the
    month stays published."""
    head = login(ready.head)
    head.post(decide_url(ready.period))
    head.post(reverse("month:publish", args=[ready.period.pk]))
    login(ready.org.staff_a2).post(
        reverse("month:appeal", args=[ready.period.pk]), {"text": "Xin xem lại"}
    )
    appeal = Appeal.objects.get()
    url = reverse("month:appeal_reply", args=[ready.period.pk, appeal.pk])
    head = login(ready.head)
    asked = head.post(url, {"answer": "Đồng ý chấm lại", "decision": "accept"})
    page = asked.content.decode()
    assert asked.status_code == 200 and "data-accept-warning" in page
    assert "Đồng ý chấm lại" in page
    assert Appeal.objects.get().status == AppealStatus.OPEN
    response = head.post(
        url, {"answer": "Đồng ý chấm lại", "decision": "accept", "confirm": "on"}, follow=True
    )
    assert "mở điều chỉnh riêng cho" in response.content.decode()
    assert Appeal.objects.get().status == AppealStatus.ACCEPTED
    assert Period.objects.get(pk=ready.period.pk).phase == Phase.APPEALS


def test_an_appeal_after_the_window_is_refused(login, ready):
    head = login(ready.head)
    head.post(decide_url(ready.period))
    head.post(reverse("month:publish", args=[ready.period.pk]))
    yesterday = ready.period.appeals_until.replace(year=2000)
    Period.objects.filter(pk=ready.period.pk).update(appeals_until=yesterday)
    staff = login(ready.org.staff_a2)
    page = staff.get(reverse("month:result", args=[ready.period.pk])).content.decode()
    assert "Đã hết thời hạn kiến nghị" in page and "Gửi kiến nghị" not in page
    staff.post(reverse("month:appeal", args=[ready.period.pk]), {"text": "Muộn"})
    assert not Appeal.objects.exists()


def test_deciding_twice_is_refused_with_a_message(login, ready):
    head = login(ready.head)
    head.post(decide_url(ready.period))
    response = head.post(decide_url(ready.period), follow=True)
    assert "alert-danger" in response.content.decode()
    assert Result.objects.filter(period=ready.period).count() == 7


def test_the_decisions_list_shows_open_appeals(login, ready):
    Appeal.objects.create(period=ready.period, cadre=ready.org.staff_a, text="x")
    page = login(ready.head).get(reverse("month:decisions")).content.decode()
    assert decide_url(ready.period) in page
    assert '<span class="badge text-bg-warning">1</span>' in page


def test_the_manage_page_counts_scored_members_per_unit(login, ready):
    page = login(ready.head).get(reverse("month:manage")).content.decode()
    assert "6 / 7 đã chấm" in page
    assert reverse("month:grid", args=[ready.period.pk, "W1-A"]) in page


def test_the_result_is_not_shown_to_a_cadre_of_another_unit(login, ready, org):
    assert login(org.staff_b).get(reverse("month:result", args=[ready.period.pk])).status_code == (
        404
    )


def test_points_read_with_two_decimals_in_the_language_of_the_page(login, ready, settings):
    """SA2's total of 92 and G of 30 read "92,00" and "30,00" on the grid, the decide page and
    the result page (the grid showed "92"), "92.00" in English."""
    head = login(ready.head)
    grid = head.get(reverse("month:grid", args=[ready.period.pk, "W1-A"])).content.decode()
    assert "data-total>92,00<" in grid.split('id="row-SA2"')[1]
    assert "data-penalty>0,00<" in grid.split('id="row-SA2"')[1]
    assert "tối đa 10</div>" in grid  # a criterion's maximum as written, not "10,00"
    demoted = head.get(decide_url(ready.period)).content.decode().split("data-demoted>")[1]
    assert "(92,00): A → B" in demoted
    head.post(decide_url(ready.period))
    head.post(reverse("month:publish", args=[ready.period.pk]))
    staff = login(ready.org.staff_a2)
    page = staff.get(reverse("month:result", args=[ready.period.pk])).content.decode()
    assert "Tổng điểm: 92,00" in page
    assert '<td class="text-end fw-semibold">30,00</td>' in page
    staff.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = staff.get(reverse("month:result", args=[ready.period.pk])).content.decode()
    assert "Total: 92.00 points" in page
