"""The month's page: timeline with today and each deadline, what each unit still owes (counts,
never who rated whom), reminders per unit and per person, and the month's history."""

import pytest
from django.core import mail
from django.urls import reverse

from scoring.models import AuditEntry, PeerAssignment, Phase, ReminderSent, ScorecardKind
from scoring.month.services.opening import period_advance
from tests.factories import UnitFactory, member
from tests.month.conftest import submit

pytestmark = pytest.mark.django_db


def url(period, name="months:month"):
    return reverse(name, args=[period.pk])


@pytest.fixture
def self_phase(ward, clock):
    """W1's November in self-assessment on 20/11/2026: SA has submitted, nobody else."""
    clock("2026-11-20")
    period = period_advance(period=ward.period, phase=Phase.SELF, user=None)
    submit(period, ward.org.staff_a, ward.org.staff_a, ScorecardKind.SELF)
    ward.period = period
    return ward


def between(page, start, end="</"):
    return page.split(start, 1)[1].split(end, 1)[0]


class TestTimeline:
    def test_every_phase_shows_its_date_and_today_sits_before_the_next_deadline(
        self, self_phase, login
    ):
        page = login(self_phase.head).get(url(self_phase.period)).content.decode()
        timeline = between(page, "data-timeline>", "</ol>")
        order = ["draft", "data-today", "self", "peer", "review", "decided", "appeals", "locked"]
        positions = [timeline.index(f'data-stage="{s}"' if s != "data-today" else s) for s in order]
        assert positions == sorted(positions)
        assert "Hôm nay, 20/11/2026" in timeline
        for date in ("25/11/2026", "27/11/2026", "30/11/2026", "03/12/2026", "08/12/2026"):
            assert date in timeline
        assert 'data-stage="self" data-state="current" aria-current="step"' in timeline
        assert 'data-stage="draft" data-state="done"' in timeline

    def test_a_current_phase_past_its_date_is_marked(self, self_phase, login, clock):
        clock("2026-11-26")
        page = login(self_phase.head).get(url(self_phase.period)).content.decode()
        current = between(page, 'data-stage="self"', "</li>")
        assert "đã quá hạn" in current

    def test_a_month_opened_today_has_today_after_its_opening(self, ward, login):
        page = login(ward.head).get(url(ward.period)).content.decode()  # 28/10, in draft
        timeline = between(page, "data-timeline>", "</ol>")
        draft, today, self_step = (
            timeline.index(marker)
            for marker in ('data-stage="draft"', "data-today", 'data-stage="self"')
        )
        assert draft < today < self_step

    def test_stepping_back_to_draft_is_offered_only_before_the_month_begins(
        self, self_phase, login
    ):
        back = reverse("months:back", args=[self_phase.period.pk])
        client = login(self_phase.head)
        assert back not in client.get(url(self_phase.period)).content.decode()  # 20/11
        period_advance(period=self_phase.period, phase=Phase.PEER, user=None)
        assert back in client.get(url(self_phase.period)).content.decode()


class TestProgress:
    def test_each_unit_shows_the_cards_still_owed_as_counts(self, self_phase, login):
        org, period = self_phase.org, self_phase.period
        rater = PeerAssignment.objects.filter(period=period, rater=org.staff_a).first()
        submit(period, rater.ratee, org.staff_a, ScorecardKind.PEER)
        page = login(self_phase.head).get(url(period)).content.decode()
        row = between(page, 'data-unit="W1-A">', "</tr>")
        cells = [
            c.split(">", 1)[1].split("</td>")[0] for c in row.split('<td class="text-end"')[1:]
        ]
        # HA, SA, SA2: one self-assessment in; each rates the other two (6 cards, 1 in);
        # none scored by a supervisor yet
        assert cells == ["3", "2", "5", "3"]
        person = between(page, 'data-person="SA">', "</li>")
        assert "đánh giá chéo: còn 1/2 phiếu" in person
        assert "tự đánh giá" not in person

    def test_it_never_says_who_rates_whom(self, self_phase, login):
        org, period = self_phase.org, self_phase.period
        page = login(self_phase.head).get(url(period)).content.decode()
        person = between(page, 'data-person="SA">', "</li>")
        assert org.staff_a2.full_name not in person and org.head_a.full_name not in person

    def test_a_leader_reads_it_without_any_button(self, self_phase, login):
        page = login(self_phase.org.leader_w1).get(url(self_phase.period)).content.decode()
        assert "data-progress" in page
        assert "Gửi lời nhắc" not in page
        assert reverse("months:advance", args=[self_phase.period.pk]) not in page
        assert "Chỉ xem" in page


class TestReminders:
    def post(self, client, period, **data):
        return client.post(url(period, "months:remind"), data)

    def test_a_reminder_to_a_unit_emails_everyone_there_who_owes_work(self, self_phase, login):
        client = login(self_phase.head)
        response = self.post(client, self_phase.period, unit="W1-B")
        assert response.status_code == 302
        assert sorted(m.to[0] for m in mail.outbox) == [
            "hb@phuong.example.vn",
            "sb2@phuong.example.vn",
            "sb@phuong.example.vn",
        ]
        assert "Phiếu tự đánh giá tháng 11/2026" in mail.outbox[0].body
        entry = AuditEntry.objects.get(action="reminder.send")
        assert entry.user == self_phase.head.user and entry.new == {"sent": ["HB", "SB", "SB2"]}

    def test_a_reminder_to_one_person_and_never_twice_a_day(self, self_phase, login):
        client = login(self_phase.head)
        self.post(client, self_phase.period, cadre="SA2")
        assert [m.to for m in mail.outbox] == [["sa2@phuong.example.vn"]]
        response = self.post(client, self_phase.period, cadre="SA2")
        assert len(mail.outbox) == 1
        page = client.get(response["Location"]).content.decode()
        assert "Đã được nhắc hôm nay: SA2." in page
        assert "đã nhắc hôm nay" in between(page, 'data-person="SA2">', "</li>")
        assert ReminderSent.objects.get().sent_by == self_phase.head.user

    def test_nobody_is_reminded_of_work_they_have_done(self, self_phase, login):
        client = login(self_phase.head)
        org = self_phase.org
        for ratee in (org.staff_a2, org.head_a):
            submit(self_phase.period, ratee, org.staff_a, ScorecardKind.PEER)
        response = self.post(client, self_phase.period, cadre="SA")
        assert mail.outbox == []
        page = client.get(response["Location"]).content.decode()
        assert "Không còn việc nào ở bước đang mở" in page

    def test_a_cadre_outside_the_month_is_not_found(self, self_phase, login):
        other = member(UnitFactory(code="X", parent=None), code="XX")
        client = login(self_phase.head)
        assert self.post(client, self_phase.period, cadre=other.code).status_code == 404
        assert self.post(client, self_phase.period).status_code == 404

    def test_a_decided_month_sends_no_reminder(self, self_phase, login):
        from scoring.month.services.decide import period_decide

        period = period_decide(period=self_phase.period, user=None, enforce_phase=False)
        self.post(login(self_phase.head), period, unit="W1-A")
        assert mail.outbox == []


class TestHistory:
    def test_the_months_actions_are_listed_newest_first_with_who_did_them(self, self_phase, login):
        client = login(self_phase.head)
        client.post(url(self_phase.period, "months:pools"), {"pool_W1-A": "17.000.000"})
        page = client.get(url(self_phase.period)).content.decode()
        history = between(page, "data-history>", "</table>")
        actions = [part.split('"')[0] for part in history.split('data-action="')[1:]]
        assert actions == ["pool.set", "period.advance", "period.open"]
        assert "Quỹ của W1-A: 0 → 17.000.000 đồng." in history
        assert "Chủ tịch Phường (HW)" in history
        assert "Dòng lệnh" in history  # the opening and the move were made by manage.py
        assert "scorecard" not in history  # scores are the grid's, not the month's history


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_units(
    org, login, clock, django_assert_num_queries
):
    """Two wards, 3 units and 9 units: the same number of queries."""
    from scoring.month.services.opening import period_open

    clock("2026-11-20")
    counts = {}
    for ward, size in ((org.w1, 0), (org.w2, 6)):
        head = member(ward, role="head", code=f"H-{ward.code}")
        for i in range(size):
            unit = UnitFactory(code=f"{ward.code}-U{i}", parent=ward)
            for j in range(3):
                member(unit, code=f"{unit.code}-{j}", role="head" if j == 0 else None)
        period = period_open(month="2026-11", scope=ward, user=None)
        period = period_advance(period=period, phase=Phase.SELF, user=None)
        client = login(head)
        client.get(url(period))
        # session, user, period, scope (one query); the period's units; history;
        # rating rules (members, roles, peer assignments); submitted scorecards; reminded today
        with django_assert_num_queries(11):
            page = client.get(url(period)).content.decode()
        counts[ward.code] = page.count("data-unit=")
    assert counts["W2"] > counts["W1"]
