"""The engine gives reasons as codes with figures; the interface words them in the reader's
language (scoring/reasons.py, docs/RULES.md §1 "Reasons")."""

from __future__ import annotations

import ast
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

import scoring.engine
from scoring.engine import (
    ND335,
    REASON_CODES,
    REASON_PARAMS,
    CadreInput,
    Criterion,
    Reason,
    Regulation,
    TaskInput,
    UnitInput,
    decide_period,
)
from scoring.reasons import WORDINGS, reason_json, reason_text

D = Decimal
CRITERIA = (Criterion("G", "general", 30), Criterion("T", "task", 70))


def _cadre(code: str, general: str, **kwargs) -> CadreInput:
    return CadreInput(
        code=code,
        unit_code="U",
        job_group="staff",
        tasks=(TaskInput(),),
        supervisor_points={"G": D(general)},
        **kwargs,
    )


def _words(reason, language: str) -> str:
    with translation.override(language):
        return reason_text(reason)


def _vietnamese(text: str) -> bool:
    """Letters outside ASCII: Vietnamese diacritics (ạ, ư, đ, ...), never in English wording."""
    return any(ch.isalpha() and not ch.isascii() for ch in unicodedata.normalize("NFC", text))


def test_the_same_result_is_worded_in_vietnamese_and_in_english():
    regulation = Regulation(bonus_cap=D("2"))
    outcome = decide_period(
        regulation,
        CRITERIA,
        [
            _cadre("C1", "20", bonus_points=(D("2.5"),)),
            _cadre("C2", "29"),
            *(_cadre(f"C{i}", "10") for i in range(3, 7)),
        ],
        [UnitInput("U", pool=0)],
    )
    capped, demoted = outcome.cadre("C1").reasons
    assert capped == Reason("bonus_capped", {"asked": D("2.50"), "cap": D("2.00")})
    assert demoted == Reason("quota_demoted", {"rate": D("20.00")})

    assert _words(capped, "vi") == "Điểm thưởng 2,5 vượt mức tối đa: chỉ tính 2 điểm"
    assert _words(capped, "en") == (
        "Bonus of 2.5 points is over the maximum: only 2 points counted"
    )
    assert _words(demoted, "vi") == "Hạ từ A xuống B do vượt tỷ lệ 20%"
    assert _words(demoted, "en") == "Lowered from A to B: over the 20% quota"


def test_figures_are_written_as_each_language_writes_them():
    factor = Reason("staff_tier_d", {"factor": D("0.50")})
    assert _words(factor, "vi").endswith("nhân hệ số 0,5")
    assert _words(factor, "en").endswith("multiplied by 0.5")


def test_a_stored_reason_reads_as_the_engines():
    reason = Reason("total_clamped", {"raw": D("104.25"), "limit": D("100.00")})
    stored = reason_json(reason)
    assert stored == {"code": "total_clamped", "params": {"raw": "104.25", "limit": "100.00"}}
    for language in ("vi", "en"):
        assert _words(stored, language) == _words(reason, language)
    assert _words(stored, "vi") == "Tổng điểm 104,25 được đưa về 100 (giới hạn 0–100)"


def test_a_month_and_a_year_word_discipline_each_their_own_way():
    month = scoring.engine.REASON_DISCIPLINE
    year = scoring.engine.REASON_YEAR_DISCIPLINE
    assert month.code == year.code == "discipline"
    assert _words(month, "vi") == "Bị kỷ luật trong tháng: xếp loại D"
    assert _words(year, "vi") == "Bị kỷ luật trong năm: xếp loại D"
    assert _words(year, "en") == "Disciplined in the year: tier D"


@pytest.mark.parametrize(
    ("stored", "english"),
    [
        (
            {"code": "quota_demoted", "message": "Hạ từ A xuống B do vượt tỷ lệ 30%"},
            "Lowered from A to B: over the 30% quota",
        ),
        (
            {"code": "discipline", "message": "Bị kỷ luật trong tháng: xếp loại D"},
            "Disciplined in the month: tier D",
        ),
        (
            {
                "code": "bonus_capped",
                "message": "Điểm thưởng 12,5 vượt mức tối đa: chỉ tính 10 điểm",
            },
            "Bonus of 12.5 points is over the maximum: only 10 points counted",
        ),
        (
            {
                "code": "staff_tier_d",
                "message": "Đơn vị có người xếp loại D: kết quả chung của đơn vị nhân hệ số 0,5",
            },
            "A member of the unit is in tier D: the unit's overall result is multiplied by 0.5",
        ),
    ],
)
def test_a_result_decided_before_reasons_were_codes_is_worded_from_its_sentence(stored, english):
    assert _words(stored, "en") == english
    assert _words(stored, "vi") == stored["message"]


def test_a_stored_sentence_that_cannot_be_read_back_is_shown_as_it_was():
    stored = {"code": "quota_demoted", "message": "Hạ bậc theo tỷ lệ"}
    assert _words(stored, "en") == "Hạ bậc theo tỷ lệ"


def test_every_reason_code_of_the_engine_has_a_wording_in_both_catalogues():
    assert set(WORDINGS) == set(REASON_CODES)
    for code in REASON_CODES:
        params = {name: ("year" if name == "span" else D("1.5")) for name in REASON_PARAMS[code]}
        reason = Reason(code, params)
        vietnamese, english = _words(reason, "vi"), _words(reason, "en")
        assert english and not _vietnamese(english), (code, english)
        assert _vietnamese(vietnamese), (code, vietnamese)  # translated, not the English msgid
        if "1.5" in english:
            assert "1,5" in vietnamese, (code, vietnamese)


def test_the_engine_writes_no_vietnamese():
    """Its strings are codes, names and error messages for programmers; sentences are the
    interface's (scoring/reasons.py)."""
    engine_dir = Path(scoring.engine.__file__).parent
    for path in engine_dir.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not _vietnamese(node.value), (path.name, node.value)


def test_decided_reasons_name_their_figures_as_the_engine_declares():
    outcome = decide_period(
        ND335,
        CRITERIA,
        [_cadre("C1", "30", discipline=True, leave=True), _cadre("C2", "20", leave=True)],
    )
    for result in outcome.cadres:
        for reason in result.reasons:
            assert tuple(reason.params) == REASON_PARAMS[reason.code]
