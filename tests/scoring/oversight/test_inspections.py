"""Inspections and their findings (docs/RULES.md §8): who records them, the evidence, a finding
confirmed by the cadre's supervisor into their month, which the cadre sees and may appeal."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scoring.errors import InvalidInput, NotAllowed, PeriodFrozen
from scoring.models import Adjustment, Appeal, Phase, Result
from scoring.month.services.adjustments import adjustment_remove, pool_set
from scoring.month.services.appeals import appeal_file
from scoring.month.services.decide import period_decide, period_publish
from scoring.oversight import services
from scoring.oversight.models import Finding, Handling, Inspection, OversightEntry
from tests.factories import member
from tests.scoring.factories import open_period, points, submit
from units.scope import scope_for

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 10, 5)


@pytest.fixture
def inspector(org):
    return member(org.w1, role="inspector", code="IW1", job_group="leader")


def _inspection(org, who, unit=None, on=DAY):
    return services.inspection_record(
        scope=scope_for(who.user),
        user=who.user,
        unit=unit or org.a,
        on=on,
        kind="conduct",
        surprise=True,
        summary="Kiểm tra đột xuất",
    )


def _finding(org, who, inspection, cadre, handling=Handling.PENALTY, points=Decimal(2), **kw):
    return services.finding_add(
        scope=scope_for(who.user),
        user=who.user,
        inspection=inspection,
        cadre=cadre,
        text="Đi muộn 30 phút",
        handling=handling,
        points=points,
        **kw,
    )


# --- recording --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["leader_w1", "head_a", "inspector"])
def test_leaders_heads_and_inspectors_record_inspections(org, inspector, who):
    actor = inspector if who == "inspector" else getattr(org, who)
    inspection = _inspection(org, actor)
    assert inspection.recorded_by == actor
    entry = OversightEntry.objects.get(action="inspection.record")
    assert entry.object_id == str(inspection.pk) and entry.user == actor.user


@pytest.mark.parametrize("who", ["staff_a", "head_b", "leader_w2"])
def test_others_may_not_record_an_inspection(org, who):
    with pytest.raises(NotAllowed):
        _inspection(org, getattr(org, who))
    assert not Inspection.objects.exists()


def test_a_finding_never_names_oneself_a_peer_or_someone_above(org, inspector):
    inspection = _inspection(org, org.head_a)
    with pytest.raises(NotAllowed):  # oneself
        _finding(org, org.head_a, inspection, org.head_a)
    deputy = member(org.a, role="head", code="HA2", job_group="leader")
    with pytest.raises(NotAllowed):  # a peer head of the same unit
        _finding(org, org.head_a, inspection, deputy)
    w1_inspection = _inspection(org, inspector, unit=org.w1)
    with pytest.raises(NotAllowed):  # someone above: the ward's leader
        _finding(org, inspector, w1_inspection, org.leader_w1)
    with pytest.raises(InvalidInput):  # outside the inspected unit
        _finding(org, org.head_a, inspection, org.staff_b)
    assert _finding(org, org.head_a, inspection, org.staff_a).cadre == org.staff_a
    assert _finding(org, inspector, w1_inspection, org.head_a).cadre == org.head_a


def test_a_finding_against_the_unit_only_reminds(org):
    inspection = _inspection(org, org.head_a)
    with pytest.raises(InvalidInput):
        _finding(org, org.head_a, inspection, None)
    finding = _finding(org, org.head_a, inspection, None, handling=Handling.REMIND)
    assert finding.points == 0


# --- the evidence -----------------------------------------------------------------------


def _upload(name="bien-ban.pdf", content=b"%PDF-1.4 test"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def with_evidence(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    inspection = _inspection(org, org.head_a)
    return _finding(org, org.head_a, inspection, org.staff_a, evidence=_upload())


@pytest.mark.parametrize(
    ("who", "status"),
    [("staff_a", 200), ("staff_a2", 404), ("head_b", 404), ("head_a", 200), ("leader_w1", 200)],
)
def test_evidence_is_served_only_to_the_scope_and_the_cadre(
    org, client, with_evidence, who, status
):
    client.force_login(getattr(org, who).user)
    response = client.get(reverse("oversight:evidence", args=[with_evidence.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"


def test_evidence_is_no_public_address(org, with_evidence):
    assert with_evidence.evidence.name.startswith("inspections/")
    assert "/media/" not in reverse("oversight:evidence", args=[with_evidence.pk])


def test_the_finding_form_refuses_a_bad_file(org, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    inspection = _inspection(org, org.head_a)
    client.force_login(org.head_a.user)
    data = {"cadre": "SA", "text": "Vắng", "handling": "penalty", "points": "1"}
    response = client.post(
        reverse("oversight:finding_add", args=[inspection.pk]),
        data | {"evidence": _upload("virus.exe")},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["evidence"]
    assert not Finding.objects.exists()


# --- confirmation → adjustment → appeal -----------------------------------------------------


def test_confirmed_finding_becomes_the_months_penalty_and_may_be_appealed(org):
    period = open_period(org.a, "2026-10", phase=Phase.REVIEW)
    inspection = _inspection(org, org.leader_w1)
    finding = _finding(org, org.leader_w1, inspection, org.staff_a)
    with pytest.raises(NotAllowed):  # a leader reads, the supervisor confirms
        services.finding_confirm(finding=finding, user=org.leader_w1.user)
    with pytest.raises(NotAllowed):  # the cadre never confirms their own
        services.finding_confirm(finding=finding, user=org.staff_a.user)
    with pytest.raises(NotAllowed):  # the head of another unit
        services.finding_confirm(finding=finding, user=org.head_b.user)
    assert not Adjustment.objects.exists()
    services.finding_confirm(finding=finding, user=org.head_a.user)
    finding.refresh_from_db()
    adjustment = finding.adjustment
    assert (adjustment.period, adjustment.cadre, adjustment.kind) == (
        period,
        org.staff_a,
        "penalty",
    )
    assert adjustment.points == Decimal(2)
    assert adjustment.reason == services.finding_reason(finding)
    assert str(finding.pk) in adjustment.reason and "Đi muộn 30 phút" in adjustment.reason
    assert OversightEntry.objects.filter(action="finding.confirm").count() == 1
    with pytest.raises(InvalidInput):  # once only
        services.finding_confirm(finding=finding, user=org.head_a.user)
    # the month is decided and published: the cadre sees the penalty and may appeal
    for cadre in (org.staff_a, org.staff_a2):
        submit(period, cadre, cadre, "self")
        submit(period, cadre, org.head_a, "supervisor", points(T=50))
    pool_set(period=period, unit=org.a, amount=1_000_000, user=None)
    period = period_publish(period=period_decide(period=period, user=None), user=None)
    assert Result.objects.get(period=period, cadre=org.staff_a).penalty == Decimal(2)
    appeal_file(period=period, cadre=org.staff_a, text="Tôi có lý do", user=org.staff_a.user)
    assert Appeal.objects.filter(period=period, cadre=org.staff_a).exists()


def test_the_cadre_sees_the_finding_on_their_result_page(org, client):
    period = open_period(org.a, "2026-10", phase=Phase.REVIEW)
    finding = _finding(org, org.head_a, _inspection(org, org.head_a), org.staff_a)
    # the head of the unit confirms his own finding against his staff: he is their supervisor
    services.finding_confirm(finding=finding, user=org.head_a.user)
    for cadre in (org.staff_a, org.staff_a2):
        submit(period, cadre, org.head_a, "supervisor", points(T=50))
    pool_set(period=period, unit=org.a, amount=1_000_000, user=None)
    period = period_publish(period=period_decide(period=period, user=None), user=None)
    client.force_login(org.staff_a.user)
    page = client.get(reverse("month:result", args=[period.pk])).content.decode()
    assert "Đi muộn 30 phút" in page and str(finding.pk) in page


def test_a_decided_month_never_changes(org):
    decided = open_period(org.a, "2026-10", phase=Phase.DECIDED)
    finding = _finding(org, org.head_a, _inspection(org, org.head_a), org.staff_a)
    with pytest.raises(PeriodFrozen):
        services.finding_confirm(finding=finding, user=org.head_a.user)
    assert not Adjustment.objects.filter(period=decided).exists()
    # the cadre's next month, still open, takes it
    later = open_period(org.a, "2026-11", phase=Phase.REVIEW)
    services.finding_confirm(finding=finding, user=org.head_a.user)
    assert Adjustment.objects.get().period == later


def test_discipline_is_confirmed_as_discipline(org):
    open_period(org.a, "2026-10", phase=Phase.REVIEW)
    finding = _finding(
        org, org.head_a, _inspection(org, org.head_a), org.staff_a, handling=Handling.DISCIPLINE
    )
    services.finding_confirm(finding=finding, user=org.head_a.user)
    assert Adjustment.objects.get().kind == "discipline"


# --- pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("staff_a", 403), ("head_b", 404), ("leader_w2", 404), ("head_a", 200), ("leader_w1", 200)],
)
def test_year_list_access(org, client, who, status):
    _inspection(org, org.head_a)
    client.force_login(getattr(org, who).user)
    response = client.get(reverse("oversight:inspections", args=["W1-A", 2026]))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("staff_a", 403), ("head_b", 404), ("leader_w2", 404), ("head_a", 302), ("leader_w1", 302)],
)
def test_recording_through_the_page(org, client, who, status):
    client.force_login(getattr(org, who).user)
    data = {"on": "05/10/2026", "scope": "procedures", "surprise": "1", "summary": ""}
    response = client.post(reverse("oversight:inspection_new", args=["W1-A"]), data)
    assert response.status_code == status
    assert Inspection.objects.exists() == (status == 302)


def test_confirm_button_only_for_the_supervisor(org, client):
    open_period(org.a, "2026-10", phase=Phase.REVIEW)
    inspection = _inspection(org, org.leader_w1)
    finding = _finding(org, org.leader_w1, inspection, org.staff_a)
    url = reverse("oversight:finding_confirm", args=[finding.pk])
    client.force_login(org.leader_w1.user)
    assert (
        url
        not in client.get(reverse("oversight:inspection", args=[inspection.pk])).content.decode()
    )
    assert client.post(url).status_code == 403
    client.force_login(org.head_a.user)
    assert url in client.get(reverse("oversight:inspection", args=[inspection.pk])).content.decode()
    assert client.post(url).status_code == 302
    assert Finding.objects.get().adjustment is not None


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_year_list_and_detail_query_counts_do_not_grow(org, client):
    client.force_login(org.leader_w1.user)
    first = _inspection(org, org.leader_w1)
    _finding(org, org.leader_w1, first, org.staff_a)
    year = reverse("oversight:inspections", args=["W1", 2026])
    detail = reverse("oversight:inspection", args=[first.pk])
    small = (_count(client, year), _count(client, detail))
    for i in range(4):
        more = _inspection(org, org.leader_w1, unit=org.b, on=DAY + dt.timedelta(days=i))
        _finding(org, org.leader_w1, more, org.staff_b)
        _finding(org, org.leader_w1, first, member(org.a, code=f"N{i}"))
    assert (_count(client, year), _count(client, detail)) == small


def test_the_year_list_prints_as_a_pdf(org, client):
    finding = _finding(org, org.head_a, _inspection(org, org.head_a), org.staff_a)
    client.force_login(org.leader_w1.user)
    response = client.get(reverse("oversight:inspections_pdf", args=["W1", 2026]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "kiem-tra-2026-W1.pdf" in response["Content-Disposition"]
    page = client.get(reverse("oversight:inspections", args=["W1", 2026])).content.decode()
    assert finding.text in page and "data-print" in page


def test_the_finding_form_refuses_a_file_too_large(org, client, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr("directives.forms.RESULT_FILE_MAX_BYTES", 10)
    inspection = _inspection(org, org.head_a)
    client.force_login(org.head_a.user)
    data = {"cadre": "SA", "text": "Vắng", "handling": "penalty", "points": "1"}
    response = client.post(
        reverse("oversight:finding_add", args=[inspection.pk]),
        data | {"evidence": _upload(content=b"x" * 11)},
    )
    assert response.context["form"].errors["evidence"]
    assert not Finding.objects.exists()


def test_the_audit_log_keeps_every_step(org):
    open_period(org.a, "2026-10", phase=Phase.REVIEW)
    finding = _finding(org, org.head_a, _inspection(org, org.head_a), org.staff_a)
    services.finding_confirm(finding=finding, user=org.head_a.user)
    entries = OversightEntry.objects.order_by("pk")
    assert [e.action for e in entries] == ["inspection.record", "finding.add", "finding.confirm"]
    assert all(e.unit == org.a and e.user == org.head_a.user for e in entries)
    with pytest.raises(PermissionError):
        entries.first().delete()


def test_an_inspector_records_and_reads_but_opens_no_case(org, client, inspector):
    client.force_login(inspector.user)
    assert client.get(reverse("oversight:inspection_new", args=["W1-A"])).status_code == 200
    assert client.get(reverse("oversight:radar"), {"unit": "W1"}).status_code == 200
    assert client.get(reverse("oversight:case_new"), {"cadre": "SA"}).status_code == 403
    assert client.get(reverse("oversight:inspection_new", args=["W2"])).status_code == 404


def test_a_removed_adjustment_leaves_the_finding_confirmed(org, client):
    open_period(org.a, "2026-10", phase=Phase.REVIEW)
    finding = _finding(org, org.head_a, _inspection(org, org.head_a), org.staff_a)
    services.finding_confirm(finding=finding, user=org.head_a.user)
    finding.refresh_from_db()
    adjustment_remove(adjustment=finding.adjustment, reason="Đã giải trình", user=org.head_a.user)
    finding.refresh_from_db()
    assert finding.adjustment is None and finding.confirmed_at is not None
    client.force_login(org.head_a.user)
    response = client.get(reverse("oversight:inspection", args=[finding.inspection_id]))
    assert response.status_code == 200


def test_an_inspection_is_not_recorded_ahead(org):
    with pytest.raises(InvalidInput):
        _inspection(org, org.head_a, on=timezone.localdate() + dt.timedelta(days=1))
    assert not Inspection.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the trigger refusing UPDATE and DELETE on the oversight audit table exists on "
    "PostgreSQL only (as the month's audit log's). Runs in CI's PostgreSQL pass.",
)
def test_raw_sql_cannot_change_the_oversight_log_on_postgresql(org):
    _inspection(org, org.head_a)
    entry = OversightEntry.objects.get()
    for sql in (
        "UPDATE oversight_oversightentry SET reason = 'x' WHERE id = %s",
        "DELETE FROM oversight_oversightentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])


def test_the_admin_shows_findings_read_only_without_the_evidence(org, client, with_evidence):
    client.force_login(org.admin)
    url = reverse("admin:oversight_finding_change", args=[with_evidence.pk])
    page = client.get(url).content.decode()
    assert "bien-ban" not in page
    assert client.post(url, {}).status_code == 403
