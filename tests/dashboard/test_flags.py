"""The dashboard's warning signs on small hand-made data, with no database."""

from decimal import Decimal as D

from django.utils import translation

from scoring.dashboards.flags import (
    TIERS,
    FlagKind,
    PeerCard,
    Person,
    equalization_flags,
    leniency_flags,
    population_sd,
    population_sd_from_sums,
    reciprocal_flags,
    self_inflation_flag,
)


def totals(*values):
    return [D(v) for v in values]


def equalization_flags_of(unit_id, totals, tiers):
    """`equalization_flags` from the list of totals and final tiers."""
    return equalization_flags(
        unit_id,
        rated=len(totals),
        total=sum(totals, D(0)),
        total_sq=sum((t * t for t in totals), D(0)),
        tiers={t: list(tiers).count(t) for t in TIERS},
    )


class TestEqualization:
    def test_sd_under_3_points_fires(self):
        # Three at 67.01 and three at 72.99: SD = 2.99; tiers split C/B, so only the SD fires.
        flags = equalization_flags_of(7, totals(*["67.01"] * 3, *["72.99"] * 3), "CCCBBB")
        assert [(f.kind, f.reason, f.unit_id) for f in flags] == [(FlagKind.EQUALIZATION, "sd", 7)]
        assert flags[0].values["sd"] == D("2.99")

    def test_sd_of_exactly_3_points_does_not_fire(self):
        assert equalization_flags_of(7, totals(*["67"] * 3, *["73"] * 3), "CCCBBB") == []

    def test_ninety_percent_in_one_tier_fires(self):
        # 9 of 10 in B with totals spread widely (SD well above 3).
        values = totals("95", "72", "75", "78", "81", "84", "87", "89", "71", "88")
        flags = equalization_flags_of(1, values, "ABBBBBBBBB")
        assert [(f.reason, f.values["tier"], f.values["count"]) for f in flags] == [
            ("tier", "B", 9)
        ]

    def test_just_under_ninety_percent_does_not_fire(self):
        # 8 of 9 = 88.9 %.
        values = totals("95", "72", "75", "78", "81", "84", "87", "89", "71")
        assert equalization_flags_of(1, values, "ABBBBBBBB") == []

    def test_both_signs_fire_together(self):
        flags = equalization_flags_of(1, totals(*["84"] * 6), "BBBBBB")
        assert sorted(f.reason for f in flags) == ["sd", "tier"]

    def test_units_under_five_rated_members_are_not_judged(self):
        assert equalization_flags_of(1, totals(*["84"] * 4), "BBBB") == []

    def test_sd_from_sums_matches_sd_of_values(self):
        values = totals("93.10", "91.40", "88.00", "84.25", "76.00", "71.50", "64.00")
        from_sums = population_sd_from_sums(len(values), sum(values), sum(v * v for v in values))
        assert abs(from_sums - population_sd(values)) < D("1e-20")

    def test_the_sentence_gives_the_numbers_in_vietnamese(self):
        [flag] = equalization_flags_of(1, totals(*["79.2"] * 3, *["81"] * 3), "BBBCCC")[:1]
        with translation.override("vi"):
            assert flag.message == "Độ lệch chuẩn tổng điểm 0,9 < 3 điểm: có dấu hiệu cào bằng"
        with translation.override("en"):
            assert flag.message.startswith("Standard deviation of totals 0.9 < 3 points")


class TestSelfInflation:
    def test_a_gap_above_five_points_fires(self):
        flag = self_inflation_flag(3, count=4, gap_sum=D("20.04"))  # mean 5.01
        assert flag.kind == FlagKind.SELF_INFLATION
        assert flag.values["gap"] == D("5.01")

    def test_a_gap_of_exactly_five_points_does_not_fire(self):
        assert self_inflation_flag(3, count=4, gap_sum=D("20")) is None

    def test_fewer_than_three_members_are_not_judged(self):
        assert self_inflation_flag(3, count=2, gap_sum=D("20")) is None

    def test_the_sentence_says_by_how_much(self):
        flag = self_inflation_flag(3, count=4, gap_sum=D("26"))
        with translation.override("vi"):
            assert "6,5 điểm" in flag.message
            assert "4 người" in flag.message


def person(code):
    return Person(code, f"Cán bộ {code}")


def four_ratees(excess, unit=1):
    """Ratees E0..E3 each scored by L (20 + excess), O1 (20), O2 (21) and O3 (19) of 30.

    For each ratee L's deviation from the other three is `excess` and the others' are -x/3,
    (4 - x)/3 and (-4 - x)/3: the SD of the 16 deviations is sqrt(3x² + 8)/3, so L is flagged
    when x > 1.5 SD, i.e. when x² > 8 (x > 2.8284...).
    """
    cards = []
    for e in range(4):
        for rater, points in (("L", D(20) + excess), ("O1", 20), ("O2", 21), ("O3", 19)):
            cards.append(PeerCard(unit, person(rater), person(f"E{e}"), D(points), D(30)))
    return cards


class TestLeniency:
    def test_a_rater_above_the_consensus_by_more_than_one_and_a_half_sd_fires(self):
        [flag] = leniency_flags(four_ratees(D("2.83")))
        assert flag.kind == FlagKind.LENIENCY
        assert flag.people == (person("L"),)
        assert flag.values["ratees"] == 4
        assert flag.values["excess"] == D("2.83")
        assert D("2.8295") < flag.values["limit"] < D("2.8297")

    def test_just_below_one_and_a_half_sd_does_not_fire(self):
        assert leniency_flags(four_ratees(D("2.82"))) == []

    def test_tiny_disagreements_do_not_fire(self):
        # Others agree exactly, L is 0.3 above: SD 0.17 is floored at 1 point.
        cards = [
            PeerCard(1, person(r), person(f"E{e}"), D(20) + (D("0.3") if r == "L" else 0), D(30))
            for e in range(4)
            for r in ("L", "O1", "O2", "O3")
        ]
        assert leniency_flags(cards) == []

    def test_a_single_ratee_is_not_a_pattern(self):
        cards = [c for c in four_ratees(D(9)) if c.ratee.code == "E0" or c.rater.code != "L"]
        assert leniency_flags(cards) == []

    def test_units_are_judged_apart(self):
        cards = four_ratees(D(3), unit=1) + four_ratees(D(0), unit=2)
        assert [f.unit_id for f in leniency_flags(cards)] == [1]

    def test_the_sentence_names_the_rater_but_no_ratee(self):
        [flag] = leniency_flags(four_ratees(D(3)))
        with translation.override("vi"):
            message = flag.message
        assert "Cán bộ L (L)" in message
        assert "E0" not in message and "E1" not in message
        assert "1,5 độ lệch chuẩn" in message


def reciprocal_cards(a_to_b="28.5", b_to_a="29", a_others=("25.5", "25.5"), b_others=("26",)):
    cards = [
        PeerCard(1, person("A"), person("B"), D(a_to_b), D(30)),
        PeerCard(1, person("B"), person("A"), D(b_to_a), D(30)),
    ]
    cards += [
        PeerCard(1, person("A"), person(f"X{i}"), D(p), D(30)) for i, p in enumerate(a_others)
    ]
    cards += [
        PeerCard(1, person("B"), person(f"Y{i}"), D(p), D(30)) for i, p in enumerate(b_others)
    ]
    return cards


class TestReciprocalPairs:
    def test_top_marks_to_each_other_and_less_to_others_fires(self):
        # 28.5 = 95 % of 30; A's others average 25.5 = 28.5 - 3 (10 % of 30).
        [flag] = reciprocal_flags(reciprocal_cards())
        assert flag.kind == FlagKind.RECIPROCAL
        assert {p.code for p in flag.people} == {"A", "B"}
        assert flag.values["first_others"] == D("25.5")

    def test_just_below_top_marks_does_not_fire(self):
        assert reciprocal_flags(reciprocal_cards(a_to_b="28.49", a_others=("25",))) == []

    def test_others_just_less_than_three_points_lower_does_not_fire(self):
        assert reciprocal_flags(reciprocal_cards(a_others=("25.5", "25.52"))) == []

    def test_one_way_top_marks_do_not_fire(self):
        cards = [c for c in reciprocal_cards() if c.rater.code != "B" or c.ratee.code != "A"]
        assert reciprocal_flags(cards) == []

    def test_a_pair_who_scored_nobody_else_gives_no_evidence(self):
        assert reciprocal_flags(reciprocal_cards(b_others=())) == []

    def test_the_sentence_names_both(self):
        [flag] = reciprocal_flags(reciprocal_cards())
        with translation.override("vi"):
            message = flag.message
        assert "Cán bộ A (A)" in message and "Cán bộ B (B)" in message
        assert "28,5" in message
