"""Opening a month in the browser: the scope, month and regulation, the dates prefilled and
typed dd/mm/yyyy, a preview of what it creates, then the confirmation."""

import datetime as dt

import pytest
from django.urls import reverse

from directives.models import Regulation
from scoring.models import AuditEntry, PeerAssignment, Period, PeriodMember, PeriodUnit, Phase
from tests.factories import member

pytestmark = pytest.mark.django_db

OPEN = reverse("months:open")
NOVEMBER = {
    "self_until": "25/11/2026",
    "peer_until": "27/11/2026",
    "review_until": "30/11/2026",
    "publish_by": "03/12/2026",
    "appeals_until": "08/12/2026",
    "lock_on": "10/12/2026",
}


@pytest.fixture
def ward_head(org, clock):
    """HW heads ward W1 (its own member), on 28/10/2026."""
    return member(org.w1, role="head", code="HW", full_name="Chủ tịch Phường", job_group="leader")


def form(org, **over):
    return {
        "scope": "W1",
        "month": "2026-11",
        "regulation": str(Regulation.objects.get(code="ND335").pk),
        **NOVEMBER,
        **over,
    }


def test_the_form_proposes_next_month_the_regulation_and_its_dates(ward_head, login):
    page = login(ward_head).get(OPEN).content.decode()
    assert 'value="2026-11" selected' in page
    assert "ND335" in page
    for value in NOVEMBER.values():
        assert f'value="{value}"' in page
    assert 'type="date"' not in page


def test_the_preview_counts_people_units_and_peer_assignments_before_anything_is_written(
    ward_head, login, org
):
    for i in range(4):
        member(org.a, code=f"SA{i + 3}")
    page = login(ward_head).get(OPEN, {"scope": "W1", "month": "2026-11"}).content.decode()
    # HW; HA, SA, SA2, SA3..SA6 in W1-A; HB, SB in W1-B; the leader LW1 of the ward
    preview = page.split("data-preview>")[1].split("</p>")[0]
    assert "<strong>11</strong> người" in preview
    assert "<strong>3</strong> đơn vị" in preview
    # W1-A: 7 people, 4 peers each = 28; W1-B: 2 people, 1 each; W1: HW and LW1, 1 each
    assert "<strong>32</strong> phân công đánh giá chéo" in preview
    assert not Period.objects.exists()


def test_confirming_opens_the_month_with_the_typed_dates(ward_head, login, org):
    client = login(ward_head)
    response = client.post(OPEN, form(org, self_until="24/11/2026"))
    period = Period.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("months:month", args=[period.pk])
    assert (period.month, period.scope, period.phase) == ("2026-11", org.w1, Phase.DRAFT)
    assert period.self_until == dt.date(2026, 11, 24)
    assert period.lock_on == dt.date(2026, 12, 10)
    assert PeriodMember.objects.filter(period=period).count() == 7
    assert PeriodUnit.objects.filter(period=period).count() == 3
    assert PeerAssignment.objects.filter(period=period).count() == 2 + 6 + 2
    entry = AuditEntry.objects.get(period=period, action="period.open")
    assert entry.user == ward_head.user


@pytest.mark.parametrize(
    ("field", "value"),
    [("self_until", "2026-11-25"), ("peer_until", "27.11.2026"), ("lock_on", "31/02/2027")],
)
def test_a_date_not_written_dd_mm_yyyy_is_refused_with_an_example(
    ward_head, login, org, field, value
):
    page = login(ward_head).post(OPEN, form(org, **{field: value})).content.decode()
    assert f"“{value}” không phải là ngày: hãy viết theo dạng dd/mm/yyyy, ví dụ 25/11/2026." in page
    assert not Period.objects.exists()


def test_dates_out_of_order_are_refused_and_nothing_is_written(ward_head, login, org):
    page = login(ward_head).post(OPEN, form(org, peer_until="20/11/2026")).content.decode()
    assert "alert-danger" in page
    assert not Period.objects.exists()


def test_a_month_already_open_shows_in_the_preview_and_is_refused(ward_head, login, org):
    client = login(ward_head)
    client.post(OPEN, form(org))
    page = client.get(OPEN, {"scope": "W1"}).content.decode()
    assert 'value="2026-12" selected' in page  # the next month is proposed
    response = client.post(OPEN, form(org))
    assert response.status_code == 200
    assert Period.objects.count() == 1


def test_a_head_of_a_department_opens_only_their_own_department(org, login, clock):
    client = login(org.head_a)
    page = client.get(OPEN).content.decode()
    assert 'value="W1-A"' in page and 'value="W1"' not in page
    client.post(OPEN, form(org, scope="W1"))
    assert not Period.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("staff_a", 404), ("leader_w1", 403), ("head_b", 200), ("admin", 200)]
)
def test_who_may_open_a_month(org, login, clock, who, status):
    assert login(getattr(org, who)).get(OPEN).status_code == status


def test_anonymous_is_sent_to_log_in(client, org):
    response = client.get(OPEN)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_regulation_chosen_is_pinned_and_its_days_prefill(ward_head, login, org):
    hn = Regulation.objects.get(code="HN3814")
    hn.self_day = 20
    hn.save()
    client = login(ward_head)
    page = client.get(OPEN, {"scope": "W1", "regulation": hn.pk}).content.decode()
    assert 'value="20/11/2026"' in page
    client.post(OPEN, form(org, regulation=str(hn.pk), self_until="20/11/2026"))
    assert Period.objects.get().regulation == hn


def test_the_admins_add_period_leads_to_the_months_opening_page(org, login):
    response = login(org.admin).get(reverse("admin:scoring_period_add"))
    assert response.status_code == 302 and response["Location"] == OPEN
    assert login(org.admin).get(reverse("admin:scoring_period_changelist")).status_code == 200
