"""The dashboards' summary rows (issue 18 part 3): a dashboard shows from them exactly what the
month's results, tasks, pools and stored rater flags give, and every write of a decided month
keeps them in step: decide, a correction decided again, a task written, a unit moved."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db.models import Sum
from django.urls import reverse

from directives.services import task_cancel
from scoring.dashboards.flags import FlagKind, equalization_flags, self_inflation_flag
from scoring.dashboards.scope import FROZEN, decided_months, series_of_path
from scoring.dashboards.selectors import dashboard_data
from scoring.dashboards.stats import Stats, _add_task_stats, _result_stats
from scoring.dashboards.summaries import SUMMED
from scoring.models import (
    Period,
    PeriodUnitResult,
    RaterFlag,
    Result,
    SubtreeMonthSummary,
    UnitMonthSummary,
)
from scoring.month.services.appeals import appeal_answer, appeal_file, correction_decide
from scoring.month.services.decide import period_decide
from scoring.signals import summarize_the_unsummarized
from tests.dashboard.generator import Patterns, organisation
from tests.dashboard.generator import decided_months as generate_months
from tests.scoring.factories import make_task
from tests.scoring.test_services_decide import (  # noqa: F401 (fixtures)
    correct_supervisor_g4,
    published,
    scored,
    w1,
)
from units.models import Unit, ancestor_paths

pytestmark = pytest.mark.django_db


def from_results(unit: Unit, month: str) -> tuple[dict[str, Stats], dict[str, dict]]:
    """The month's figures per series (path) as the dashboard added them up before summaries:
    results and tasks grouped by unit, pools, and the flags of each unit."""
    stats = _result_stats(unit, [month])
    _add_task_stats(unit, [month], stats)
    for unit_id, pool, distributed, undistributed in PeriodUnitResult.objects.filter(
        period__phase__in=FROZEN, period__month=month, unit__path__startswith=unit.path
    ).values_list("unit_id", "pool", "distributed", "undistributed"):
        entry = stats.setdefault((month, unit_id), Stats())
        entry.pool, entry.distributed, entry.undistributed = pool, distributed, undistributed
    paths = dict(Unit.objects.values_list("pk", "path"))
    series: dict[str, Stats] = {}
    flags: dict[str, dict] = {}
    for (_m, unit_id), unit_stats in stats.items():
        path = series_of_path(unit, paths[unit_id])
        series.setdefault(path, Stats()).add(unit_stats)
        counts = flags.setdefault(path, {})
        found = equalization_flags(
            unit_id,
            rated=unit_stats.rated,
            total=unit_stats.total,
            total_sq=unit_stats.total_sq,
            tiers=unit_stats.tiers,
        )
        inflation = self_inflation_flag(
            unit_id, count=unit_stats.gap_count, gap_sum=unit_stats.gap_sum
        )
        for flag in [*found, *([inflation] if inflation else [])]:
            counts[flag.kind] = counts.get(flag.kind, 0) + 1
    for kind, unit_path in RaterFlag.objects.filter(
        period__phase__in=FROZEN, period__month=month, unit__path__startswith=unit.path
    ).values_list("kind", "unit__path"):
        counts = flags.setdefault(series_of_path(unit, unit_path), {})
        counts[FlagKind(kind)] = counts.get(FlagKind(kind), 0) + 1
    return series, flags


def assert_same_figures(unit: Unit, month: str) -> None:
    data = dashboard_data(unit, month, decided_months(unit))
    series, flags = from_results(unit, month)
    assert {r.unit.path: r.stats for r in data.league} == series
    assert {r.unit.path: r.counts for r in data.league} == {
        path: counts for path, counts in flags.items() if path in series
    }
    whole = Stats()
    for s in series.values():
        whole.add(s)
    assert data.summary == whole


def assert_subtrees_in_step(period) -> None:
    """Each unit's subtree rows hold its own summary row and its whole subtree's added up over
    the units under it now; the tasks of the units with members and the units with a warning
    sign counted apart."""
    expected: dict[tuple[str, bool], dict] = {}
    for row in UnitMonthSummary.objects.filter(period=period).values("unit__path", *SUMMED):
        path = row.pop("unit__path")
        members = row["results"] > 0
        row["member_tasks_due"] = row["tasks_due"] if members else 0
        row["member_tasks_on_time"] = row["tasks_on_time"] if members else 0
        row["flagged_units"] = int(any(row[name] for name in SUMMED if name.startswith("flags_")))
        expected[path, True] = dict(row)
        for ancestor in ancestor_paths(path):
            total = expected.setdefault((ancestor, False), dict.fromkeys(row, 0))
            for name, value in row.items():
                total[name] += value
    names = [*SUMMED, "member_tasks_due", "member_tasks_on_time", "flagged_units"]
    rows = SubtreeMonthSummary.objects.filter(period=period)
    stored = {
        (row.pop("unit__path"), row.pop("own")): row
        for row in rows.values("unit__path", "own", *names)
    }
    assert len(stored) > 1
    assert stored == expected
    for unit_id, parent_id in rows.values_list("unit_id", "parent_id"):
        assert Unit.objects.get(pk=unit_id).parent_id == parent_id


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_worlds_show_the_same_figures_from_summaries_as_from_results(seed):
    organisation(300)
    city = Unit.objects.get(code="HN")
    generate_months(
        city,
        ["2026-01", "2026-02", "2026-03"],
        seed=seed,
        scorecard_units={"HH-KT", "HH-VP"},
        patterns=Patterns(equalized={"HH-QS"}, self_inflating={"HH-HCC"}),
    )
    assert UnitMonthSummary.objects.exists()
    scopes = [city, *Unit.objects.filter(depth__in=(1, 2)).order_by("path")[:6]]
    for unit in scopes:
        for month in ("2026-01", "2026-03"):
            assert_same_figures(unit, month)


def corrected_card(published, w1) -> Period:  # noqa: F811
    """SA's appeal accepted and their supervisor card corrected: the month awaits deciding
    again."""
    appeal = appeal_file(period=published, cadre=w1.staff_a, text="Thiếu", user=w1.staff_a.user)
    appeal_answer(appeal=appeal, accept=True, answer="Đúng", confirmed=True, user=w1.head_a.user)
    period = Period.objects.get(pk=published.pk)
    correct_supervisor_g4(period, w1)
    return period


def summaries_total(period, field) -> int | Decimal:
    return UnitMonthSummary.objects.filter(period=period).aggregate(n=Sum(field))["n"]


def test_decide_writes_the_summaries_with_the_results(scored, w1):  # noqa: F811
    make_task(w1.staff_a, unit=w1.a, deadline=dt.date(2026, 10, 10), completed_on=None)
    period_decide(period=scored, user=None)
    assert summaries_total(scored, "results") == Result.objects.filter(period=scored).count()
    assert summaries_total(scored, "tasks_due") == 1
    assert_same_figures(w1.w1, scored.month)
    assert_same_figures(w1.city, scored.month)
    assert_subtrees_in_step(scored)


def test_a_correction_decided_again_rewrites_them(published, w1):  # noqa: F811
    stamp = Period.objects.get(pk=published.pk).summarized_at
    period = corrected_card(published, w1)
    before = summaries_total(period, "total_sum")
    correction_decide(correction=period.corrections.get(), user=w1.head_a.user)
    assert summaries_total(period, "total_sum") > before
    assert Period.objects.get(pk=period.pk).summarized_at > stamp
    assert_same_figures(w1.w1, period.month)
    assert_subtrees_in_step(period)


def late_task(org):
    """A task of SA's in progress, due 10/10/2026 and not done: late in the month decided."""
    return make_task(
        org.staff_a,
        unit=org.a,
        deadline=dt.date(2026, 10, 10),
        completed_on=None,
        assigned_by=org.head_a,
        status="in_progress",
    )


def test_a_task_written_in_a_decided_month_counts_anew(scored, w1):  # noqa: F811
    task = late_task(w1)
    period_decide(period=scored, user=None)
    assert summaries_total(scored, "tasks_due") == 1
    task_cancel(task=task, by=w1.head_a, reason="Không còn cần")
    assert summaries_total(scored, "tasks_due") == 0
    assert_same_figures(w1.w1, scored.month)
    assert_subtrees_in_step(scored)


def test_a_moved_unit_counts_under_its_new_parent(scored, w1):  # noqa: F811
    period_decide(period=scored, user=None)
    w1.b.parent = w1.w2
    w1.b.save()
    data = dashboard_data(w1.city, scored.month, [scored.month])
    rows = {r.unit.code: r.stats.results for r in data.league}
    assert rows["W2"] == Result.objects.filter(period=scored, unit=w1.b).count()
    assert_same_figures(w1.city, scored.month)
    assert_same_figures(w1.w1, scored.month)
    assert_subtrees_in_step(scored)


def test_a_unit_renamed_keeps_its_subtree_rows(scored, w1):  # noqa: F811
    period_decide(period=scored, user=None)
    before = set(SubtreeMonthSummary.objects.filter(period=scored).values_list("pk", flat=True))
    w1.b.code = "B2"
    w1.b.save()
    assert set(SubtreeMonthSummary.objects.filter(period=scored).values_list("pk", flat=True)) == (
        before
    )
    assert_subtrees_in_step(scored)
    assert_same_figures(w1.city, scored.month)


def test_a_corrected_month_shows_at_once_on_a_cached_dashboard(published, w1, login):  # noqa: F811
    """The cached copy is keyed on the period's summary stamp: deciding a correction again
    changes it, so the next view shows the corrected figure, not the copy of before."""
    url = reverse("dashboard") + f"?unit=W1&month={published.month}"
    client = login(w1.head_w1)
    before = client.get(url).content.decode()
    period = corrected_card(published, w1)
    assert client.get(url).content.decode().count('data-stat="average"') == 1
    correction_decide(correction=period.corrections.get(), user=w1.head_a.user)
    after = client.get(url).content.decode()

    def average(page):
        start = page.index('data-stat="average"')
        return page[start : page.index("<", start)]

    assert average(after) != average(before)


def test_a_task_changed_in_a_decided_month_shows_at_once_on_a_cached_dashboard(
    scored,  # noqa: F811
    w1,  # noqa: F811
    login,
):
    """A task written after the decision counts anew and stamps the period anew, so the cached
    copy of a dashboard of that month is not shown again."""
    task = late_task(w1)
    period = period_decide(period=scored, user=None)
    stamp = Period.objects.get(pk=period.pk).summarized_at
    url = reverse("dashboard") + f"?unit=W1&month={period.month}"
    client = login(w1.head_w1)

    def on_time(page):
        start = page.index('data-stat="on-time">') + len('data-stat="on-time">')
        return page[start : page.index("<", start)]

    assert on_time(client.get(url).content.decode()) == "0,0%"  # the one task due is late
    task_cancel(task=task, by=w1.head_a, reason="Không còn cần")
    assert Period.objects.get(pk=period.pk).summarized_at > stamp
    assert on_time(client.get(url).content.decode()) == "—"  # no task due any more


def test_a_task_deleted_in_the_admin_counts_anew(scored, w1, admin_client):  # noqa: F811
    task = make_task(w1.staff_a, unit=w1.a, deadline=dt.date(2026, 10, 10), completed_on=None)
    period_decide(period=scored, user=None)
    url = reverse("admin:directives_task_delete", args=[task.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert summaries_total(scored, "tasks_due") == 0


def forget_summaries(period) -> None:
    """A database decided before the summary rows existed: none, and never summarized."""
    SubtreeMonthSummary.objects.filter(period=period).delete()
    UnitMonthSummary.objects.filter(period=period).delete()
    Period.objects.filter(pk=period.pk).update(summarized_at=None)


def test_migrating_a_database_decided_before_summaries_builds_them(published, w1):  # noqa: F811
    expected = summaries_total(published, "results")
    assert expected == Result.objects.filter(period=published).count() > 0
    forget_summaries(published)
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert summaries_total(published, "results") == expected
    assert Period.objects.get(pk=published.pk).summarized_at is not None
    assert_same_figures(w1.city, published.month)
    assert_subtrees_in_step(published)


def test_migrating_an_up_to_date_database_leaves_the_summaries_alone(
    published,  # noqa: F811
    w1,  # noqa: F811
):
    stamp = Period.objects.get(pk=published.pk).summarized_at
    rows = set(UnitMonthSummary.objects.filter(period=published).values_list("pk", flat=True))
    summarize_the_unsummarized()
    assert Period.objects.get(pk=published.pk).summarized_at == stamp
    assert (
        set(UnitMonthSummary.objects.filter(period=published).values_list("pk", flat=True)) == rows
    )


def test_summarize_months_rebuilds_the_rows_of_the_month_it_is_given(published, w1):  # noqa: F811
    expected = summaries_total(published, "results")
    forget_summaries(published)
    out = io.StringIO()
    call_command("summarize_months", month="2001-01", stdout=out)
    assert "0 periods summarized" in out.getvalue()
    assert summaries_total(published, "results") is None
    call_command("summarize_months", month=published.month, stdout=out)
    assert "1 periods summarized" in out.getvalue()
    assert summaries_total(published, "results") == expected
    assert_same_figures(w1.city, published.month)
    assert_subtrees_in_step(published)
