"""The radar's rules (docs/RULES.md §8), without a database."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from scoring import engine

WINDOW = engine.last_months("2026-10", 12)


def test_last_months_cross_the_year():
    assert WINDOW[0] == "2025-11" and WINDOW[-1] == "2026-10" and len(WINDOW) == 12
    assert engine.last_months("2026-01", 2) == ("2025-12", "2026-01")
    assert engine.next_month("2026-12") == "2027-01"
    assert engine.next_month("2026-01") == "2026-02"


def test_three_months_in_a_row_put_a_cadre_on_the_radar():
    run = ("2026-06", "2026-07", "2026-08")
    low = dict.fromkeys(run, True)
    assert engine.low_months(WINDOW, low, consecutive=3, of_window=6) == run


def test_a_gap_breaks_the_run():
    low = {"2026-06": True, "2026-07": False, "2026-08": True, "2026-09": True}
    assert engine.low_months(WINDOW, low, consecutive=3, of_window=6) == ()
    # a month without a decided result breaks it too
    low = {"2026-06": True, "2026-08": True, "2026-09": True}
    assert engine.low_months(WINDOW, low, consecutive=3, of_window=6) == ()


def test_six_of_twelve_put_a_cadre_on_the_radar_without_a_run():
    months = ("2025-11", "2026-01", "2026-03", "2026-05", "2026-07", "2026-09")
    low = dict.fromkeys(months, True)
    assert engine.low_months(WINDOW, low, consecutive=3, of_window=6) == months
    low.pop("2026-09")
    assert engine.low_months(WINDOW, low, consecutive=3, of_window=6) == ()


def test_settings_change_the_rule():
    low = {"2026-09": True, "2026-10": True}
    assert engine.low_months(WINDOW, low, consecutive=3, of_window=6) == ()
    assert engine.low_months(WINDOW, low, consecutive=2, of_window=6) == ("2026-09", "2026-10")
    assert engine.low_months(WINDOW, low, consecutive=0, of_window=2) == ("2026-09", "2026-10")


@given(st.sets(st.sampled_from(WINDOW)))
def test_the_months_given_are_low_months(flagged):
    low = dict.fromkeys(flagged, True)
    found = engine.low_months(WINDOW, low, consecutive=3, of_window=6)
    assert set(found) <= flagged
    assert (len(flagged) >= 6) <= bool(found)


def test_two_years_not_completed_in_a_row():
    assert engine.not_completed_years({2024: "D", 2025: "D"}) == (2024, 2025)
    assert engine.not_completed_years({2024: "D", 2025: "C"}) == ()
    assert engine.not_completed_years({2023: "D", 2025: "D"}) == ()
    assert engine.not_completed_years({2024: "D", 2025: None}) == ()


def test_an_average_falling_three_months_in_a_row():
    values = {
        "2026-06": Decimal(90),
        "2026-07": Decimal(88),
        "2026-08": Decimal(85),
        "2026-09": Decimal(80),
    }
    assert engine.falling_months(WINDOW, values) == ("2026-06", "2026-07", "2026-08", "2026-09")
    values["2026-08"] = Decimal(89)
    assert engine.falling_months(WINDOW, values) == ()
    # an equal month is no fall, a month without a figure breaks the run
    values = {"2026-06": Decimal(90), "2026-07": Decimal(90), "2026-08": Decimal(85)}
    assert engine.falling_months(WINDOW, values) == ()


def test_on_time_rate_below_the_target():
    rates = {"2026-08": Decimal(90), "2026-09": Decimal(99), "2026-10": Decimal("99.5")}
    assert engine.below_target_months(WINDOW, rates, target=Decimal(100), months=3) == (
        "2026-08",
        "2026-09",
        "2026-10",
    )
    rates["2026-09"] = Decimal(100)
    assert engine.below_target_months(WINDOW, rates, target=Decimal(100), months=3) == ()
    rates["2026-09"] = None
    assert engine.below_target_months(WINDOW, rates, target=Decimal(100), months=3) == ()
