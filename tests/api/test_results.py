"""Results out: units, cadres and published results of the client's subtree, paginated, the
columns of `export results`; never an unpublished figure."""

import json

import pytest

from scoring.io.exports import (
    NAME_COLUMNS,
    RESULT_COLUMNS,
    YEAR_COLUMNS,
    results_table,
    to_json,
    year_table,
)
from scoring.models import Phase, Scorecard, ScorecardKind
from scoring.month.services.adjustments import pool_set
from scoring.month.services.decide import period_decide, period_publish
from tests.api.conftest import make_client
from tests.scoring.factories import open_period, points, submit
from units.models import Cadre


def decided(org, month, *, publish):
    period = open_period(org.a, month, phase=Phase.REVIEW)
    for cadre in (org.staff_a, org.staff_a2):
        submit(period, cadre, cadre, "self")
        submit(period, cadre, org.head_a, "supervisor", points(T=50))
    pool_set(period=period, unit=org.a, amount=6_000_000, user=None)
    period = period_decide(period=period, user=None)
    return period_publish(period=period, user=None) if publish else period


@pytest.fixture
def months(org):
    return decided(org, "2026-08", publish=True), decided(org, "2026-09", publish=False)


def test_units_of_the_subtree_in_path_order(org, api, django_assert_num_queries):
    _, token = make_client(org.w1, access="read")
    with django_assert_num_queries(4):  # the client, the count, the page, the log
        response = api(token).get("/api/v1/units/")
    body = response.json()
    assert body["count"] == 3
    assert [u["code"] for u in body["results"]] == ["W1", "W1-A", "W1-B"]
    assert body["results"][1] == {
        "code": "W1-A",
        "name": "Phòng A",
        "kind": org.a.kind,
        "parent_code": "W1",
        "active_from": None,
        "active_to": None,
    }
    assert [u["code"] for u in api(token).get("/api/v1/units/", unit="W1-B").json()["results"]] == [
        "W1-B"
    ]


def test_cadres_with_codes_names_and_job_groups(org, api, django_assert_num_queries):
    _, token = make_client(org.a, access="read")
    with django_assert_num_queries(4):
        body = api(token).get("/api/v1/cadres/").json()
    assert body["results"] == [
        {"code": c.code, "full_name": c.full_name, "job_group": c.job_group, "unit_code": "W1-A"}
        for c in Cadre.objects.filter(code__in=["HA", "SA", "SA2"]).order_by("code")
    ]


def test_lists_are_paginated(org, api, settings):
    settings.API_PAGE_SIZE = 2
    _, token = make_client(org.city, access="read")
    first = api(token).get("/api/v1/units/").json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["previous"] is None
    assert first["next"].endswith("/api/v1/units/?page=2")
    last = api(token).get("/api/v1/units/", page=3).json()
    assert [u["code"] for u in last["results"]] == ["W2"] and last["next"] is None
    assert api(token).get("/api/v1/units/", page=9).status_code == 404


def test_a_published_month_has_the_export_columns_and_values(org, api, months):
    _, token = make_client(org.w1, access="read")
    response = api(token).get("/api/v1/results/2026-08/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 3 and all(list(r) == RESULT_COLUMNS + NAME_COLUMNS for r in rows)
    exported = json.loads(to_json(results_table(month="2026-08", scope=org.w1)))
    assert rows == exported
    assert {r["cadre_code"] for r in rows} == {"HA", "SA", "SA2"}


def test_a_decided_but_unpublished_month_gives_nothing(org, api, months):
    _, token = make_client(org.w1, access="read")
    assert results_table(month="2026-09", scope=org.w1).rows  # decided, with figures
    body = api(token).get("/api/v1/results/2026-09/").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_the_year_counts_published_months_only(org, api, months):
    _, token = make_client(org.w1, access="read")
    rows = api(token).get("/api/v1/results/year/2026/").json()["results"]
    assert all(list(r) == YEAR_COLUMNS + NAME_COLUMNS for r in rows)
    staff = {"SA", "SA2"}
    # August only: September is decided but not published
    assert {r["rated_months"] for r in rows if r["cadre_code"] in staff} == {1}
    everything = year_table(year=2026, scope=org.w1).rows
    assert {r["rated_months"] for r in everything if r["cadre_code"] in staff} == {2}


def test_no_peer_detail_in_any_result(org, api, months):
    """The peer part is the cadre's mean, as in the export; who rated whom is nowhere."""
    _, token = make_client(org.w1, access="read")
    text = api(token).get("/api/v1/results/2026-08/").content.decode()
    assert "rater" not in text and "scorecard" not in text
    peers = Scorecard.objects.filter(kind=ScorecardKind.PEER).values_list("rater__code", flat=True)
    for code in peers:
        assert f'"{code}"' not in text.replace('"cadre_code":"' + code, "")


def test_results_outside_the_subtree_and_bad_months(org, api, months):
    _, token = make_client(org.b, access="read")
    assert api(token).get("/api/v1/results/2026-08/").json()["count"] == 0
    assert api(token).get("/api/v1/results/2026-08/", unit="W1-A").status_code == 404
    assert api(token).get("/api/v1/results/2026-13/").status_code == 404
    assert api(token).get("/api/v1/results/year/1999/").status_code == 404


def test_month_results_in_a_fixed_number_of_queries(org, api, months, django_assert_num_queries):
    _, token = make_client(org.w1, access="read")
    with django_assert_num_queries(3):  # the client, the results, the log
        api(token).get("/api/v1/results/2026-08/")
