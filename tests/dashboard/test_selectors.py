from decimal import Decimal

import pytest

from scoring.dashboards import league as selectors_league
from scoring.dashboards import ranking as selectors_ranking
from scoring.dashboards import scope as selectors_scope
from scoring.dashboards import selectors as selectors_selectors
from scoring.dashboards.flags import FlagKind
from scoring.models import ScorecardKind, ScorecardStatus, ScoreLine
from scoring.month.selectors.rating import period_peer_cards
from tests.dashboard.factories import (
    ResultFactory,
    lenient_rater,
    reciprocal_pair,
    scorecard,
    self_inflating,
    summarized,
)
from tests.factories import member
from units.models import Cadre
from units.scope import scope_for

pytestmark = pytest.mark.django_db


def board(unit, month="2026-03", **kwargs):
    summarized()  # the tests change the hand-made months after the fixture
    units = list(type(unit).objects.order_by("path"))
    return selectors_selectors.dashboard_data(
        unit, month, selectors_scope.decided_months(unit), units, **kwargs
    )


class TestMonths:
    def test_decided_published_and_locked_months_only_newest_first(self, org, months):
        assert selectors_scope.decided_months(org.w1) == ["2026-03", "2026-02"]

    def test_a_subunit_sees_the_months_of_the_scope_above_it(self, org, months):
        assert selectors_scope.decided_months(org.a) == ["2026-03", "2026-02"]

    def test_the_city_sees_every_ward_month(self, org, months):
        assert selectors_scope.decided_months(org.city) == ["2026-03", "2026-02"]

    def test_trend_window_is_the_last_twelve_decided_months_up_to_the_month(self):
        months = [f"2025-{m:02d}" for m in range(1, 13)] + ["2026-01", "2026-02"]
        months.reverse()
        window = selectors_scope.trend_window(months, "2026-01")
        assert window[0] == "2025-02" and window[-1] == "2026-01" and len(window) == 12


class TestSummary:
    def test_month_summary_of_the_ward(self, org, months):
        s = board(org.w1).summary
        assert (s.results, s.rated, s.not_rated) == (7, 6, 1)
        assert s.tiers == {"A": 1, "B": 3, "C": 1, "D": 1}
        # (92 + 81.5 + 64 + 75 + 45 + 85) / 6; the cadre on leave is not averaged.
        assert s.average == Decimal("73.75")
        assert (s.due, s.on_time, s.on_time_rate) == (4, 2, Decimal("50.0"))
        assert (s.pool, s.undistributed) == (9_000_000, 6_000)

    def test_another_ward_and_an_open_month_stay_out(self, org, months):
        s = board(org.w1).summary
        assert s.tiers["A"] == 1  # W2's 99 A is not counted
        assert board(org.w2).summary.undistributed == 999_000

    def test_a_department_sees_only_its_members(self, org, months):
        s = board(org.a).summary
        assert (s.results, s.rated, s.average) == (4, 3, Decimal("79.17"))
        assert (s.due, s.on_time) == (3, 1)


class TestLeagueTable:
    def test_one_row_per_unit_with_its_own_members(self, org, months):
        rows = {r.unit.code: r for r in board(org.w1).league}
        assert set(rows) == {"W1", "W1-A", "W1-B"}
        a = rows["W1-A"].stats
        assert (a.rated, a.average, a.on_time_rate) == (3, Decimal("79.17"), Decimal("33.3"))
        assert a.shares == {
            "A": Decimal("33.3"),
            "B": Decimal("33.3"),
            "C": Decimal("33.3"),
            "D": Decimal("0.0"),
        }
        assert rows["W1-B"].stats.on_time_rate == Decimal("100.0")
        assert rows["W1"].stats.on_time_rate is None  # no task due
        assert (rows["W1"].level, rows["W1-A"].level) == (0, 1)

    @pytest.mark.parametrize(
        ("sort", "codes"),
        [
            ("-average", ["W1", "W1-A", "W1-B"]),
            ("average", ["W1-B", "W1-A", "W1"]),
            ("on_time", ["W1-A", "W1-B", "W1"]),  # no task due: last either way
            ("-on_time", ["W1-B", "W1-A", "W1"]),
            ("-rated", ["W1-A", "W1-B", "W1"]),
            ("bogus", ["W1", "W1-A", "W1-B"]),
            ("__class__", ["W1", "W1-A", "W1-B"]),
        ],
    )
    def test_sortable_by_whitelisted_columns_only(self, org, months, sort, codes):
        assert [r.unit.code for r in board(org.w1, sort=sort).league] == codes

    def test_sd_of_totals_per_unit(self, org, months):
        rows = {r.unit.code: r for r in board(org.w1).league}
        # W1-B: 75 and 45 → population SD 15.
        assert rows["W1-B"].stats.sd == Decimal("15.00")


class TestTrends:
    def test_one_series_per_subunit_and_the_wards_own_members(self, org, months):
        trend = board(org.w1).trend
        assert trend["months"] == ["2026-02", "2026-03"]
        series = {s["code"]: s for s in trend["series"]}
        assert list(series) == ["W1", "W1-A", "W1-B"]
        assert series["W1-A"]["average"] == [70.0, 79.17]
        assert series["W1-B"]["tiers"]["C"] == [100.0, 0.0]
        assert series["W1-B"]["on_time"] == [0.0, 100.0]  # February's task was a day late
        assert series["W1"]["average"] == [None, 85.0]
        assert trend["whole"]["rated"] == [2, 6]

    def test_subunits_roll_up_into_their_top_subunit(self, org, months):
        team = type(org.a).objects.create(code="W1-A-T", name="Tổ A1", kind="team", parent=org.a)
        ResultFactory(period=months.march, unit=team, total=Decimal("60"), tier="C")
        series = {s["code"]: s for s in board(org.w1).trend["series"]}
        assert "W1-A-T" not in series
        assert series["W1-A"]["rated"] == [1, 4]


class TestRanking:
    def test_every_cadre_of_the_scope_highest_total_first(self, org, months):
        codes = [r.cadre.code for r in selectors_ranking.ranking(org.w1, "2026-03")]
        assert codes == ["HA", "LW1", "SA", "HB", "NL", "SA2", "SB"]

    def test_filters_by_job_group_and_tier(self, org, months):
        leaders = selectors_ranking.ranking(org.w1, "2026-03", job_group="leader")
        assert {r.cadre.code for r in leaders} == {"HA", "HB", "LW1"}
        assert [r.cadre.code for r in selectors_ranking.ranking(org.w1, "2026-03", tier="B")] == [
            "LW1",
            "SA",
            "HB",
        ]
        assert [
            r.cadre.code for r in selectors_ranking.ranking(org.w1, "2026-03", tier="none")
        ] == ["NL"]

    def test_a_subunit_narrows_the_ranking(self, org, months):
        assert {r.cadre.code for r in selectors_ranking.ranking(org.b, "2026-03")} == {"HB", "SB"}

    @pytest.mark.parametrize(
        ("q", "expected"),
        [
            ("dang anh", {"DTA"}),
            ("ĐẶNG", {"DTA", "DVD"}),
            ("Đặng Thị", {"DTA"}),
            ("dương", {"DVD"}),
            ("ung", {"NVU"}),  # Ứng, with its accent and capital
            ("nvu", {"NVU"}),  # the code
            ("xyz", set()),
        ],
    )
    def test_search_by_name_or_code_ignores_accents_and_case(self, org, months, q, expected):
        for code, name in (
            ("DTA", "Đặng Thị Ánh"),
            ("DVD", "Đặng Văn Dương"),
            ("NVU", "Nguyễn Văn Ứng"),
        ):
            ResultFactory(
                period=months.march, unit=org.b, cadre=member(org.b, code=code, full_name=name)
            )
        assert {r.cadre.code for r in selectors_ranking.ranking(org.w1, "2026-03", q=q)} == expected

    def test_job_groups_of_the_month(self, org, months):
        assert selectors_ranking.job_groups(org.w1, "2026-03") == ["leader", "specialist"]


class TestPeerCardsAndFlags:
    def test_peer_cards_sum_general_points_of_submitted_peer_scorecards(self, org, months):
        march = months.march
        card = scorecard(march, org.staff_a2, org.staff_a, "21")
        ScoreLine.objects.create(
            scorecard=card,
            criterion=march.regulation.criteria.get(code="T"),
            points=Decimal("50"),
        )
        scorecard(march, org.head_a, org.staff_a, "25", status=ScorecardStatus.DRAFT)
        scorecard(march, org.staff_a, org.staff_a, "29", kind=ScorecardKind.SELF)
        scorecard(march, org.leader_w2, org.leader_w2, "30")  # no result in this period
        [peer], cadre_ids = period_peer_cards(march)
        assert (peer.rater.code, peer.ratee.code, peer.unit_id) == ("SA2", "SA", org.a.pk)
        assert (peer.points, peer.max_points) == (Decimal("21"), Decimal("30"))
        assert (cadre_ids["SA2"], cadre_ids["SA"]) == (org.staff_a2.pk, org.staff_a.pk)

    def test_a_lenient_rater_is_flagged_on_their_unit(self, org, months):
        ratees = [org.head_a, org.staff_a, org.staff_a2, months.results.on_leave.cadre]
        lenient_rater(months.march, org.a, ratees)
        Cadre.objects.filter(code="L").update(full_name="Lê Văn Lành")  # renamed since
        data = board(org.w1)
        [flag] = [f for f in data.flags if f.kind == FlagKind.LENIENCY]
        assert flag.people[0] == ("L", "Lê Văn Lành") and flag.unit_id == org.a.pk
        # 29 against the other raters' mean of 20, on each of four ratees
        assert (flag.values["ratees"], flag.values["excess"]) == (4, Decimal(9))
        row = next(r for r in data.league if r.unit.code == "W1-A")
        assert flag in row.flags

    def test_equalization_and_self_inflation_come_from_results(self, org, months):
        self_inflating(months.march, org.b, 5)
        kinds = {(f.kind, f.reason) for f in board(org.w1).flags if f.unit_id == org.b.pk}
        # 7 rated in W1-B: 6 B (86%) and the SD of 75, 45 and five 80s is 10.9: no
        # equalization; five of them claim 9 points more than their head gives them.
        assert kinds == {(FlagKind.SELF_INFLATION, "gap")}

    def test_the_self_gap_leaves_out_those_who_read_the_dashboard(self, org, months):
        """A head knows every other member's self and supervisor points: with their own in the
        unit's average gap they could work out their own supervisor's points (docs/RULES.md §3)."""
        self_inflating(months.march, org.b, 3)
        head = months.results.head_b
        head.self_score, head.supervisor_score = Decimal("30"), Decimal("0")
        head.save()
        [flag] = [
            f
            for f in board(org.w1).flags
            if f.kind == FlagKind.SELF_INFLATION and f.unit_id == org.b.pk
        ]
        assert (flag.values["count"], flag.values["gap"]) == (3, Decimal(9))

    def test_a_reciprocal_pair_is_hidden_from_its_own_members(self, org, months):
        reciprocal_pair(months.march, org.staff_a, org.staff_a2, org.head_a)
        kinds = [f.kind for f in board(org.w1).flags]
        assert FlagKind.RECIPROCAL in kinds
        hidden = [f.kind for f in board(org.w1, viewer_code="SA").flags]
        assert FlagKind.RECIPROCAL not in hidden


class TestCadre:
    def test_results_are_limited_to_units_the_user_may_browse(self, org, months):
        head_b = scope_for(org.head_b.user)
        assert selectors_ranking.cadre_results(org.staff_a, head_b) == []
        leader = scope_for(org.leader_w1.user)
        assert [r.period.month for r in selectors_ranking.cadre_results(org.staff_a, leader)] == [
            "2026-02",
            "2026-03",
        ]

    def test_tasks_behind_t_are_the_lead_tasks_due_in_the_month(self, org, months):
        codes = {t.code for t in selectors_ranking.tasks_behind(org.staff_a, "2026-03")}
        assert codes == {months.tasks.on_time.code, months.tasks.late.code}

    def test_adjustments_of_the_month(self, org, months):
        [adjustment] = selectors_ranking.adjustments_of(months.results.staff_a)
        assert adjustment.reason == "Đi họp muộn"
        assert list(selectors_ranking.adjustments_of(months.results.feb_a)) == []


class TestLeagueOfACity:
    """A row per direct subunit, its whole subtree added up, and one for the own members."""

    def test_each_ward_is_one_row_with_its_departments_added_up(self, org, months):
        data = board(org.city)
        rows = {r.unit.code: r for r in data.league}
        assert set(rows) == {"W1", "W2"}
        assert all(r.level == 1 for r in rows.values())
        # W1: its leader, both heads and three staff rated in March (the one on leave not)
        assert (rows["W1"].stats.rated, rows["W1"].stats.results) == (6, 7)
        assert rows["W1"].stats.tiers == {"A": 1, "B": 3, "C": 1, "D": 1}
        assert rows["W2"].stats.rated == 1
        assert data.summary.rated == 7

    def test_a_departments_flags_show_on_its_wards_row_naming_the_department(self, org, months):
        self_inflating(months.march, org.b, 5)
        w1 = next(r for r in board(org.city).league if r.unit.code == "W1")
        assert [(f.kind, where) for f, where in w1.flags_shown] == [
            (FlagKind.SELF_INFLATION, "Phòng B")
        ]
        assert [(k, n) for k, _label, n in w1.flag_counts] == [(FlagKind.SELF_INFLATION, 1)]

    def test_a_row_lists_ten_flags_and_counts_the_rest(self, org, months):
        self_inflating(months.march, org.b, 5)
        w1 = next(r for r in board(org.city).league if r.unit.code == "W1")
        flag = w1.flags[0]
        w1.flags.extend([flag] * 11)
        w1.counts[flag.kind] += 11
        assert len(w1.flags_shown) == selectors_league.FLAGS_SHOWN == 10
        assert w1.flags_hidden == 2
        assert [(k, n) for k, _label, n in w1.flag_counts] == [(FlagKind.SELF_INFLATION, 12)]

    def test_past_the_first_rows_flags_are_counted_with_a_link(self, org, months, monkeypatch):
        self_inflating(months.march, org.b, 5)
        monkeypatch.setattr(selectors_selectors, "FLAGGED_ROWS_SHOWN", 0)
        data = board(org.city)
        assert data.flagged_rows == []
        assert [r.unit.code for r in data.flagged_rows_hidden] == ["W1"]


def test_the_trend_draws_the_own_members_and_the_largest_subunits(org, months, monkeypatch):
    monkeypatch.setattr(selectors_selectors, "TREND_SERIES", 1)
    trend = board(org.w1).trend
    # W1-A has 4 rated members over the window, W1-B 3: B is left out, the own members stay.
    assert [s["code"] for s in trend["series"]] == ["W1", "W1-A"]
    assert trend["left_out"] == 1
    monkeypatch.setattr(selectors_selectors, "TREND_SERIES", 12)
    assert board(org.w1).trend["left_out"] == 0


class TestChangeFromLastMonth:
    """Each league row's average total against the previous decided month (issue 15 item 11),
    from the trend window's statistics: no further query (tests/dashboard/test_scale.py)."""

    def test_each_row_against_the_previous_decided_month(self, org, months):
        data = board(org.w1)
        assert data.previous_month == "2026-02"
        rows = {r.unit.code: r for r in data.league}
        assert rows["W1-A"].change == Decimal("9.17")  # 79.17 against 70
        assert rows["W1-B"].change == Decimal("5")  # 60 against 55
        assert rows["W1"].change is None  # the ward's own members had no February result

    def test_the_first_decided_month_has_no_change(self, org, months):
        data = board(org.w1, month="2026-02")
        assert data.previous_month is None
        assert all(r.change is None for r in data.league)

    def test_sorting_by_the_change(self, org, months):
        codes = [r.unit.code for r in board(org.w1, sort="-change").league]
        assert codes == ["W1-A", "W1-B", "W1"]
