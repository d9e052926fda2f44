"""Who has not submitted what: the progress page, `send_reminders` and the in-app banner."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from scoring.models import PeerAssignment, Phase, ScorecardKind
from scoring.month.reminders import period_work, reminders_due
from tests.factories import member
from tests.month.conftest import open_month, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def emails(month):
    for cadre in [month.head, *month.staff, month.org.head_b, month.org.staff_b]:
        cadre.email = f"{cadre.code.lower()}@phuong.example.vn"
        cadre.save(update_fields=["email"])
    return month


def sent_to():
    return sorted(address for message in mail.outbox for address in message.to)


class TestProgress:
    def url(self, period, unit=None):
        url = reverse("month:progress", args=[period.pk])
        return f"{url}?unit={unit}" if unit else url

    def test_it_lists_who_has_not_submitted_per_step(self, login, month):
        period = month.period
        for cadre in month.staff[:2]:
            submit(period, cadre, cadre, ScorecardKind.SELF)
        rater = month.org.staff_a
        for assignment in PeerAssignment.objects.filter(period=period, rater=rater)[:1]:
            submit(period, assignment.ratee, rater, ScorecardKind.PEER)
        submit(period, month.org.staff_a2, month.head, ScorecardKind.SUPERVISOR)
        page = login(month.head).get(self.url(period)).content.decode()
        assert "2 / 7 đã nộp" in page
        missing_self = page.split('data-missing="self">')[1].split("</ul>")[0]
        assert month.head.full_name in missing_self and rater.full_name not in missing_self
        peer = page.split('data-missing="peer">')[1].split("</ul>")[0]
        assert f"{rater.full_name}: <span data-progress>còn 3 phiếu chưa nộp</span>" in peer
        assert "0 / 7 người đã hoàn thành mọi phiếu" in page
        assert "1 / 28 phiếu đã nộp" in page
        received = page.split('data-missing="peer-received">')[1].split("</ul>")[0]
        assert received.count("đã nhận 0/4 phiếu") == 6 and received.count("đã nhận 1/4") == 1
        assert "1 / 7 đã chấm" in page
        heads = page.split('data-missing="supervisor-heads">')[1].split("</ul>")[0]
        assert f"{month.head.full_name}: 1 / 6 đã chấm" in heads
        unscored = page.split('data-missing="supervisor">')[1].split("</ul>")[0]
        assert month.org.staff_a2.full_name not in unscored
        assert month.org.staff_a.full_name in unscored

    def test_a_leader_narrows_it_to_one_unit_of_their_subtree(self, login, org):
        member(org.b, code="SB2")
        period = open_month(org.w1)
        client = login(org.leader_w1)
        page = client.get(self.url(period, "W1-B")).content.decode()
        assert org.staff_b.full_name in page and org.staff_a.full_name not in page
        assert client.get(self.url(period, "W2")).status_code == 404

    def test_its_query_count_does_not_grow_with_the_members(
        self, login, org, django_assert_num_queries
    ):
        sizes = {}
        for count, unit in ((3, org.a), (25, org.b)):
            for i in range(count):
                member(unit, code=f"{unit.code}-{i:02d}")
            period = open_month(unit)
            client = login(org.leader_w1)
            client.get(self.url(period))
            # session, user, scope (1), period; rating rules (members, roles, peers);
            # submitted scorecards.
            with django_assert_num_queries(8):
                page = client.get(self.url(period)).content.decode()
            sizes[count] = page.count("<li>")
        assert sizes[25] > sizes[3]


class TestSendReminders:
    def test_self_assessment_due_in_two_days_emails_those_who_have_not_submitted(self, emails):
        period = emails.period  # self-assessment until today + 2
        submit(period, emails.org.staff_a, emails.org.staff_a, ScorecardKind.SELF)
        call_command("send_reminders")
        expected = sorted(
            f"{c.code.lower()}@phuong.example.vn" for c in [emails.head, *emails.staff[1:]]
        )
        assert sent_to() == expected
        message = next(m for m in mail.outbox if m.to == ["sa2@phuong.example.vn"])
        assert message.subject == "FiveClear: sắp đến hạn đánh giá tháng"
        assert "Phiếu tự đánh giá tháng" in message.body
        assert period.self_until.strftime("%d/%m/%Y") in message.body
        assert emails.org.staff_a2.full_name in message.body

    def test_the_link_is_absolute_on_the_site_url(self, emails):
        call_command("send_reminders")
        body = next(m.body for m in mail.outbox if m.to == ["sa2@phuong.example.vn"])
        assert settings.SITE_URL.startswith("http")
        assert f"{settings.SITE_URL}{reverse('month:mine')}\n" in body

    def test_a_site_url_ending_in_a_slash_gives_no_double_slash(self, emails, settings):
        settings.SITE_URL = "https://fiveclear.example.gov.vn/"
        call_command("send_reminders")
        body = next(m.body for m in mail.outbox if m.to == ["sa2@phuong.example.vn"])
        assert f"https://fiveclear.example.gov.vn{reverse('month:mine')}\n" in body

    def test_nothing_is_sent_when_no_deadline_falls_within_two_days(self, org):
        for cadre in (org.staff_a, org.head_a):
            cadre.email = f"{cadre.code}@x.vn"
            cadre.save()
        open_month(org.a, self_days=5, peer_days=6, review_days=7)
        call_command("send_reminders")
        assert mail.outbox == []

    def test_peer_evaluations_due_remind_each_rater_of_what_is_left(self, emails):
        period = emails.period
        period.phase = Phase.PEER
        period.save()
        rater = emails.org.staff_a
        for assignment in PeerAssignment.objects.filter(period=period, rater=rater)[:3]:
            submit(period, assignment.ratee, rater, ScorecardKind.PEER)
        today = period.peer_until - dt.timedelta(days=1)
        due = reminders_due(today=today)
        owed = [o for o in due[rater.pk] if o.kind == "peer"]
        assert [(o.done, o.total) for o in owed] == [(3, 4)]
        call_command("send_reminders", date=today.isoformat())
        body = next(m.body for m in mail.outbox if m.to == ["sa@phuong.example.vn"])
        assert "Còn 1/4 phiếu đánh giá chéo" in body

    def test_the_supervisor_step_reminds_the_head_of_the_unscored(self, emails):
        period = emails.period
        period.phase = Phase.REVIEW
        period.save()
        submit(period, emails.org.staff_a, emails.head, ScorecardKind.SUPERVISOR)
        today = period.review_until
        call_command("send_reminders", date=today.isoformat())
        body = next(m.body for m in mail.outbox if m.to == ["ha@phuong.example.vn"])
        assert "Còn 5 cán bộ chưa chấm điểm" in body
        assert "sb@phuong.example.vn" not in sent_to()

    def test_a_dry_run_sends_nothing(self, emails):
        call_command("send_reminders", "--dry-run")
        assert mail.outbox == []

    def test_a_cadre_without_an_address_is_reported_not_mailed(self, month, capsys):
        call_command("send_reminders")
        assert mail.outbox == []
        assert "SA: no email address" in capsys.readouterr().err


class TestBanner:
    def test_the_layout_loads_the_banner_after_the_page(self, login, month):
        page = login(month.org.staff_a).get(reverse("home")).content.decode()
        assert f'hx-get="{reverse("month:due")}"' in page and 'hx-trigger="load"' in page

    def test_the_banner_lists_the_self_assessment_due(self, login, month):
        page = login(month.org.staff_a).get(reverse("month:due")).content.decode()
        assert "data-due-banner" in page
        assert reverse("month:self", args=[month.period.pk]) in page
        assert month.period.self_until.strftime("%d/%m/%Y") in page

    def test_the_banner_is_empty_once_the_work_is_done(self, login, month):
        submit(month.period, month.org.staff_a, month.org.staff_a, ScorecardKind.SELF)
        page = login(month.org.staff_a).get(reverse("month:due")).content.decode()
        assert "data-due-banner" not in page

    def test_the_banner_shows_the_head_the_cadres_left_to_score(self, login, org):
        period = open_month(org.a, phase=Phase.REVIEW, self_days=-3, peer_days=-2, review_days=1)
        page = login(org.head_a).get(reverse("month:due")).content.decode()
        assert "2 cán bộ cần chấm điểm" in page
        assert period.review_until.strftime("%d/%m/%Y") in page

    def test_nothing_due_far_away_costs_one_query(self, login, org, django_assert_num_queries):
        open_month(org.a, self_days=9, peer_days=10, review_days=11)
        client = login(org.staff_a)
        client.get(reverse("month:due"))
        # session, user, scope (1), the periods with a deadline in the next two days
        with django_assert_num_queries(4):
            page = client.get(reverse("month:due")).content.decode()
        assert "data-due-banner" not in page

    def test_work_due_is_read_in_a_fixed_number_of_queries(
        self, login, month, django_assert_num_queries
    ):
        client = login(month.org.staff_a)
        client.get(reverse("month:due"))
        # session, user, scope (1), periods due, memberships, own submitted scorecards,
        # own peer assignments, acting roles
        with django_assert_num_queries(8):
            page = client.get(reverse("month:due")).content.decode()
        assert "data-due-banner" in page


def test_period_work_names_the_nearest_supervisors(org):
    period = open_month(org.w1)
    work = period_work(period)
    assert work.supervisors_owed[org.head_a.pk].total == 2  # SA and SA2, not HA themself
    # Nobody heads W1: its leaders and the heads of W1-A and W1-B have no supervisor to remind.
    assert org.head_b.pk in work.supervisors_owed
    assert timezone.localdate() <= period.self_until
