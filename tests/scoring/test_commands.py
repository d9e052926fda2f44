"""The command line of docs/RULES.md §5: bad rows reported and nothing written; period and
export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import load_workbook

from scoring.models import (
    Adjustment,
    AuditEntry,
    Period,
    PeriodMember,
    PeriodUnit,
    Phase,
    Result,
    Scorecard,
)
from units.models import Cadre

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "nd335-sample"

pytestmark = pytest.mark.django_db


def run(*args, language="en"):
    """Run a command; returns (stdout, stderr). Raises CommandError like the shell exits 1."""
    out, err = io.StringIO(), io.StringIO()
    with translation.override(language):
        call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(*args, language="en") -> str:
    """Run a command that must fail; returns what it reported (stderr and the error)."""
    out, err = io.StringIO(), io.StringIO()
    with translation.override(language), pytest.raises(CommandError) as error:
        call_command(*args, stdout=out, stderr=err)
    return err.getvalue() + str(error.value)


def write(tmp_path, name, text) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def sample(db):
    """The sample's organisation and tasks, and 2026-10 opened for W1."""
    for kind in ("units", "cadres", "tasks"):
        run("import", kind, str(SAMPLE / f"{kind}.csv"))
    run("period", "open", "2026-10", "--scope", "W1")
    return Period.objects.get()


# --- import scores -------------------------------------------------------------------------


def test_bad_score_rows_are_all_reported_and_nothing_is_written(sample, tmp_path):
    path = write(
        tmp_path,
        "scores.csv",
        "ratee_code,rater_code,kind,criterion_code,points\n"
        "CB9999,CB0003,supervisor,G1,5\n"  # 2: unknown cadre
        "CB0005,CB0014,supervisor,G1,5\n"  # 3: rater not allowed
        "CB0005,CB0003,supervisor,G1,6\n"  # 4: above the maximum
        "CB0006,CB0003,supervisor,T,50\n"  # 5: T for a cadre with tasks
        "CB0005,CB0003,boss,G1,5\n"  # 6: bad kind
        "CB0005,CB0003,supervisor,G2,5\n"  # 7: fine
        "CB0001,CB0001,self,G1,5\n"  # 8: outside every period of the month
        "CB0005,CB0014,peer,G1,5\n"  # 9: a peer from another unit
        "CB0005,CB0003,supervisor,G2,4\n"  # 10: the same score twice
        "CB0005,CB0003,supervisor,G9,4\n",  # 11: unknown criterion
    )
    report = fails("import", "scores", "2026-10", path)
    for row, column, words in [
        (2, "ratee_code", "Unknown cadre “CB9999”"),
        (3, "rater_code", "CB0014 is not a head or deputy"),
        (4, "points", "outside 0–5"),
        (5, "criterion_code", "has tasks this month"),
        (6, "kind", "“boss”"),
        (8, "ratee_code", "not scored in any period of 2026-10"),
        (9, "rater_code", "not a member of W1-VP"),
        (10, "criterion_code", "already appears in row 7"),
        (11, "criterion_code", "Unknown criterion “G9”"),
    ]:
        assert f"Row {row}, column {column}: " in report
        line = next(x for x in report.splitlines() if f"Row {row}, column {column}" in x)
        assert words in line
    assert "Row 7" not in report
    assert "9 error(s) in scores.csv: nothing was imported." in report
    assert not Scorecard.objects.exists()
    assert not AuditEntry.objects.filter(action="scorecard.import").exists()


def test_import_errors_read_in_vietnamese_by_default(sample, tmp_path):
    path = write(
        tmp_path,
        "scores.csv",
        "ratee_code,rater_code,kind,criterion_code,points\nCB9999,CB0003,supervisor,G1,5\n",
    )
    report = fails("import", "scores", "2026-10", path, language="vi")
    assert "Dòng 2, cột ratee_code" in report
    assert "Không có cán bộ “CB9999”" in report


def test_import_scores_needs_an_open_period_of_the_month(sample, tmp_path):
    path = write(
        tmp_path,
        "scores.csv",
        "ratee_code,rater_code,kind,criterion_code,points\nCB0005,CB0005,self,G1,5\n",
    )
    assert "not scored in any period of 2026-11" in fails("import", "scores", "2026-11", path)
    assert "usage" in fails("import", "scores", path)
    assert "2026-1" in fails("import", "scores", "2026-1", path)


def test_import_scores_takes_an_xlsx_sheet_and_saves_submitted_scorecards(sample, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["ratee_code", "rater_code", "kind", "criterion_code", "points"])
    book.active.append(["CB0005", "CB0005", "self", "G1", 4.5])
    book.active.append(["CB0005", "CB0003", "supervisor", "G1", 5])
    book.active.append(["CB0005", "CB0006", "peer", "G1", "4,25"])  # decimal comma
    path = tmp_path / "scores.xlsx"
    book.save(path)
    out, _ = run("import", "scores", "2026-10", str(path))
    assert "3 created" in out
    peer = Scorecard.objects.get(kind="peer")
    assert peer.status == "submitted"
    assert str(peer.lines.get().points) == "4.25"
    assert AuditEntry.objects.filter(action="scorecard.import").count() == 3


def test_a_score_import_into_any_phase_before_the_decision(sample, tmp_path):
    Period.objects.update(phase=Phase.DRAFT)
    path = write(
        tmp_path,
        "scores.csv",
        "ratee_code,rater_code,kind,criterion_code,points\nCB0005,CB0005,self,G1,5\n",
    )
    run("import", "scores", "2026-10", path)
    assert Scorecard.objects.count() == 1


# --- adjustments and pools -----------------------------------------------------------------


def test_bad_adjustment_rows_are_reported(sample, tmp_path):
    path = write(
        tmp_path,
        "adjustments.csv",
        "cadre_code,kind,points,reason\n"
        "CB0005,bonus,2,Sáng kiến\n"  # 2: ND335 has no bonus
        "CB0005,award,2,?\n"  # 3: bad kind
        "CB0005,penalty,,Muộn\n"  # 4: no points
        "CB0005,penalty,2,\n"  # 5: no reason
        "CBX,penalty,2,Muộn\n"  # 6: unknown cadre
        "CB0006,discipline,,Khiển trách\n"  # 7: fine, points ignored
        "CB0007,penalty,-1,Muộn\n",  # 8: negative
    )
    report = fails("import", "adjustments", "2026-10", path)
    for row, column in [
        (2, "kind"),
        (3, "kind"),
        (4, "points"),
        (5, "reason"),
        (6, "cadre_code"),
        (8, "points"),
    ]:
        assert f"Row {row}, column {column}: " in report
    assert "ND335" in report
    assert "Row 7" not in report
    assert not Adjustment.objects.exists()


def test_pools_import_sets_each_units_amount(sample, tmp_path):
    bad = write(tmp_path, "bad.csv", "unit_code,amount\nW1-VP,-5\nXX,1\nHN,1\nW1-KT,1.5\n")
    report = fails("import", "pools", "2026-10", bad)
    assert "Row 2, column amount" in report
    assert "Row 3, column unit_code: Unknown unit “XX”" in report
    assert "Row 4, column unit_code" in report  # HN is above the period's scope
    assert "Row 5, column amount" in report
    good = write(tmp_path, "pools.csv", "unit_code,amount\nW1-VP,5000000\nW1-KT,4000000\n")
    out, _ = run("import", "pools", "2026-10", good)
    assert "2 updated" in out
    assert PeriodUnit.objects.get(unit__code="W1-VP").pool == 5_000_000
    out, _ = run("import", "pools", "2026-10", good)
    assert "0 updated, 2 unchanged" in out
    assert AuditEntry.objects.filter(action="pool.import").count() == 2


# --- period --------------------------------------------------------------------------------


def test_period_commands_walk_the_month(sample):
    for kind in ("scores", "adjustments", "pools"):
        run("import", kind, "2026-10", str(SAMPLE / f"{kind}.csv"))
    out, _ = run("period", "decide", "2026-10", "--scope", "W1")
    assert "decided: 30 cadres (A 0, B 26, C 2, D 1; not rated 1; not decidable 0)" in out
    assert "2026-10 · W1 is decided" in fails("period", "decide", "2026-10", "--scope", "W1")
    out, _ = run("period", "publish", "2026-10", "--scope", "W1")
    assert "(appeals)" in out
    out, _ = run("period", "lock", "2026-10", "--scope", "W1")
    assert "(locked)" in out
    assert "reason" in fails("period", "reopen", "2026-10", "--scope", "W1")
    out, _ = run("period", "reopen", "2026-10", "--scope", "W1", "--reason", "Sai điểm CB0005")
    assert "(review)" in out
    entry = AuditEntry.objects.get(action="period.reopen")
    assert (entry.actor, entry.reason) == ("manage.py", "Sai điểm CB0005")


def test_period_open_refuses_overlaps_and_unknown_names(sample):
    assert "already open for W1" in fails("period", "open", "2026-10", "--scope", "W1-KT")
    assert "Unknown unit “ZZ”" in fails("period", "open", "2026-11", "--scope", "ZZ")
    assert "Unknown regulation “X1”" in fails(
        "period", "open", "2026-11", "--scope", "W1", "--regulation", "X1"
    )
    assert "No period of 2026-12" in fails("period", "decide", "2026-12", "--scope", "W1")
    out, _ = run("period", "open", "2026-11", "--scope", "W1", "--regulation", "HN3814")
    assert "HN3814" in out
    assert Period.objects.get(month="2026-11").regulation.code == "HN3814"


def test_period_advance_and_refresh(sample):
    out, _ = run("period", "advance", "2026-10", "--scope", "W1", "--to", "review")
    assert "(review)" in out
    cadre = Cadre.objects.get(code="CB0031")
    cadre.is_active = False
    cadre.save()
    out, _ = run("period", "refresh", "2026-10", "--scope", "W1")
    assert "removed: CB0031" in out
    assert not PeriodMember.objects.filter(cadre=cadre).exists()


# --- export --------------------------------------------------------------------------------


@pytest.fixture
def decided(sample):
    for kind in ("scores", "adjustments", "pools"):
        run("import", kind, "2026-10", str(SAMPLE / f"{kind}.csv"))
    run("period", "decide", "2026-10", "--scope", "W1")
    return sample


def csv_rows(text: str) -> list[dict]:
    """The exported CSV's rows; it starts with a byte-order mark, so Excel reads it as UTF-8."""
    assert text.startswith("\ufeffcadre_code,")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_export_writes_a_file_and_refuses_an_undecided_month(decided, tmp_path):
    target = tmp_path / "out.csv"
    _, err = run("export", "results", "2026-10", "--scope", "W1", "--output", str(target))
    assert "30 rows" in err
    assert target.read_bytes().startswith(b"\xef\xbb\xbfcadre_code,unit_code")
    assert "No decided period of 2026-11" in fails("export", "results", "2026-11", "--scope", "W1")
    assert "--output" in fails("export", "results", "2026-10", "--scope", "W1", "--format", "xlsx")
    assert "neither a month" in fails("export", "results", "26-10", "--scope", "W1")


def test_export_of_a_scope_above_the_period_holds_its_cadres(decided):
    out, _ = run("export", "results", "2026-10", "--scope", "HN")
    assert len(csv_rows(out)) == 30


def test_export_defuses_formulas_in_text_cells(decided, tmp_path):
    Result.objects.filter(cadre__code="CB0005").update(job_group="=HYPERLINK(1)")
    Result.objects.filter(cadre__code="CB0006").update(job_group="@SUM(A1)")
    out, _ = run("export", "results", "2026-10", "--scope", "W1")
    groups = {r["cadre_code"]: r["job_group"] for r in csv_rows(out)}
    assert groups["CB0005"] == "'=HYPERLINK(1)"
    assert groups["CB0006"] == "'@SUM(A1)"
    target = tmp_path / "out.xlsx"
    run("export", "results", "2026-10", "--scope", "W1", "--format", "xlsx", "--output", target)
    sheet = load_workbook(target).active
    cells = {row[0]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells["CB0005"] == "'=HYPERLINK(1)"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_export_keeps_vietnamese_text(decided, tmp_path):
    Result.objects.filter(cadre__code="CB0005").update(job_group="Văn thư - Hành chính")
    out, _ = run("export", "results", "2026-10", "--scope", "W1", "--format", "json")
    rows = {r["cadre_code"]: r for r in json.loads(out)}
    assert rows["CB0005"]["job_group"] == "Văn thư - Hành chính"
    target = tmp_path / "out.xlsx"
    run("export", "results", "2026-10", "--scope", "W1", "--format", "xlsx", "--output", target)
    sheet = load_workbook(target).active
    assert any(row[2] == "Văn thư - Hành chính" for row in sheet.iter_rows(values_only=True))
