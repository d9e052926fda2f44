"""The ND335 sample through the command line of docs/RULES.md §5, matched against expected.csv."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from scoring.models import AuditEntry, Period, PeriodUnitResult, Phase, Result

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "nd335-sample"
# Bytes, not text: read_text would turn the file's CRLF line ends into LF.
EXPECTED_TEXT = (SAMPLE / "expected.csv").read_bytes().decode("utf-8")
EXPECTED = list(csv.DictReader(io.StringIO(EXPECTED_TEXT)))
NUMBERS = ["self", "peer", "supervisor", "general", "task", "bonus", "penalty", "total"]

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def decided(db):
    """The sample imported, opened for 2026-10 on W1, scored and decided from the CLI."""
    for kind in ("units", "cadres", "tasks"):
        run("import", kind, str(SAMPLE / f"{kind}.csv"))
    run("period", "open", "2026-10", "--scope", "W1", "--regulation", "ND335")
    for kind in ("scores", "adjustments", "pools"):
        run("import", kind, "2026-10", str(SAMPLE / f"{kind}.csv"))
    return run("period", "decide", "2026-10", "--scope", "W1")


def test_csv_export_equals_expected_csv_in_every_cell(decided):
    exported = run("export", "results", "2026-10", "--scope", "W1", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [r["cadre_code"] for r in rows] == [r["cadre_code"] for r in EXPECTED]
    for got, expected in zip(rows, EXPECTED, strict=True):
        assert got == expected, got["cadre_code"]
    assert exported == EXPECTED_TEXT


def test_decision_summary_and_stored_pool_outcome(decided):
    assert "30 cadres" in decided
    period = Period.objects.get(month="2026-10", scope__code="W1")
    assert period.phase == Phase.DECIDED
    units = {
        u.unit.code: (u.pool, u.distributed, u.undistributed)
        for u in PeriodUnitResult.objects.filter(period=period).select_related("unit")
    }
    assert units == {
        "W1": (10_000_000, 10_000_000, 0),
        "W1-VP": (8_350_000, 8_334_000, 16_000),
        "W1-KT": (8_000_000, 7_996_000, 4_000),
        "W1-VH": (8_000_000, 8_000_000, 0),
    }
    assert AuditEntry.objects.filter(period=period, action="period.decide").count() == 1


def test_results_keep_the_reasons_as_codes_with_their_figures_and_the_peer_count(decided):
    results = {r.cadre.code: r for r in Result.objects.select_related("cadre")}
    assert results["CB0019"].reasons == [{"code": "quota_demoted", "params": {"rate": "20.00"}}]
    assert [r["code"] for r in results["CB0016"].reasons] == ["discipline"]
    assert results["CB0031"].rated is False
    assert results["CB0002"].task_source == "manual"
    assert results["CB0002"].peer_count == 0
    assert results["CB0005"].peer_count >= 3


def test_json_export_has_the_same_values_as_numbers_and_nulls(decided):
    exported = run("export", "results", "2026-10", "--scope", "W1", "--format", "json")
    rows = json.loads(exported, parse_float=Decimal)
    assert len(rows) == len(EXPECTED)
    for got, expected in zip(rows, EXPECTED, strict=True):
        assert list(got) == list(expected)
        for column, text in expected.items():
            value = got[column]
            if text == "":
                assert value is None, (expected["cadre_code"], column)
            elif column in NUMBERS:
                assert Decimal(value) == Decimal(text), (expected["cadre_code"], column)
            elif column in ("rank_in_unit", "rank_in_scope", "reward"):
                assert value == int(text), (expected["cadre_code"], column)
            else:
                assert value == text, (expected["cadre_code"], column)


def test_xlsx_export_writes_numbers_as_numbers(decided, tmp_path):
    target = tmp_path / "results.xlsx"
    run("export", "results", "2026-10", "--scope", "W1", "--format", "xlsx", "--output", target)
    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(EXPECTED[0])
    assert len(rows) == len(EXPECTED) + 1
    for got, expected in zip(rows[1:], EXPECTED, strict=True):
        for value, (column, text) in zip(got, expected.items(), strict=True):
            if text == "":
                assert value is None, (expected["cadre_code"], column)
            elif column in NUMBERS:
                assert isinstance(value, int | float)
                assert Decimal(str(value)) == Decimal(text), (expected["cadre_code"], column)
            elif column in ("rank_in_unit", "rank_in_scope", "reward"):
                assert value == int(text), (expected["cadre_code"], column)
            else:
                assert value == text, (expected["cadre_code"], column)


def test_export_of_a_subunit_holds_only_its_cadres(decided):
    exported = run("export", "results", "2026-10", "--scope", "W1-KT")
    rows = list(csv.DictReader(io.StringIO(exported)))
    expected = [r for r in EXPECTED if r["unit_code"] == "W1-KT"]
    assert rows == expected


def test_importing_the_same_scores_again_changes_nothing(db):
    for kind in ("units", "cadres", "tasks"):
        run("import", kind, str(SAMPLE / f"{kind}.csv"))
    run("period", "open", "2026-10", "--scope", "W1")
    first = run("import", "scores", "2026-10", str(SAMPLE / "scores.csv"))
    again = run("import", "scores", "2026-10", str(SAMPLE / "scores.csv"))
    assert "0 created, 0 updated" in again
    assert "0 unchanged" in first
    run("import", "adjustments", "2026-10", str(SAMPLE / "adjustments.csv"))
    assert "0 created, 5 unchanged" in run(
        "import", "adjustments", "2026-10", str(SAMPLE / "adjustments.csv")
    )
