"""bench/api_load.py, small: batches through the API, every row checked; the timing is printed,
never asserted (it belongs to the benchmark: 10,000 tasks, `python bench/api_load.py`)."""

from bench.api_load import run


def test_a_load_through_the_api_stores_every_row_as_sent(db, settings, capsys):
    settings.API_THROTTLE_WRITE = "1000/min"
    result = run(count=300, batch=100, units=3, staff=20)
    assert result["wrong"] == []
    assert result["created"] == result["unchanged"] == 300
    with capsys.disabled():
        print(f"\n(api load, 300 tasks: {result['load']:.2f} s, timing not asserted)")
