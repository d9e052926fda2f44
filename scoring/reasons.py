"""The engine's reasons in words, in the reader's language (docs/RULES.md §1, "Reasons").

The engine gives a reason as a code and its figures (`scoring.engine.Reason`); a result stores it
as JSON, ``{"code": ..., "params": {...}}`` with numbers as strings so that they stay exact. Here
each code becomes a sentence through gettext, its numbers written as the language writes them
(vi "0,5", en "0.5").

Results decided before reasons were codes hold ``{"code": ..., "message": ...}``, the sentence in
Vietnamese. Such a reason is worded from its code when its figures can be read back from that
sentence, and otherwise shown as it was stored: a decided month is never rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

from scoring import engine
from scoring.io.formats import points_text

StoredReason = Mapping[str, object]

_Wording = Callable[[Mapping[str, str]], str]


def _discipline(params: Mapping[str, str]) -> str:
    if params.get("span") == "year":
        return gettext("Disciplined in the year: tier D")
    return gettext("Disciplined in the month: tier D")


WORDINGS: Mapping[str, _Wording] = {
    "quota_demoted": lambda p: gettext("Lowered from A to B: over the %(rate)s%% quota") % p,
    "discipline": _discipline,
    "leave": lambda p: gettext("Worked under half of the working days: not rated"),
    "leave_overridden_by_discipline": lambda p: gettext(
        "Worked under half of the working days but disciplined: still tier D"
    ),
    "no_supervisor_scorecard": lambda p: gettext(
        "No scorecard from the supervisor yet: cannot be rated yet"
    ),
    "supervisor_scorecard_incomplete": lambda p: gettext(
        "The supervisor's scorecard misses criteria: cannot be rated yet"
    ),
    "no_task_score": lambda p: gettext(
        "No task in the month and no task score entered by the supervisor: cannot be rated yet"
    ),
    "bonus_refused": lambda p: (
        gettext("The regulation has no bonus points: %(asked)s bonus points not counted") % p
    ),
    "bonus_capped": lambda p: (
        gettext("Bonus of %(asked)s points is over the maximum: only %(cap)s points counted") % p
    ),
    "total_clamped": lambda p: gettext("Total %(raw)s brought to %(limit)s (limits 0–100)") % p,
    "staff_tier_d": lambda p: (
        gettext(
            "A member of the unit is in tier D: the unit's overall result is multiplied by "
            "%(factor)s"
        )
        % p
    ),
    "too_few_rated_months": lambda p: (
        gettext("Fewer than %(needed)s rated months in the year: not rated") % p
    ),
    "satisfaction_bonus": lambda p: (
        gettext(
            "People's satisfaction %(index)s%% of %(rated)s rated dossiers, at or above "
            "%(threshold)s%%: %(points)s bonus points"
        )
        % p
    ),
    "satisfaction_below": lambda p: (
        gettext("People's satisfaction %(index)s%% is below %(threshold)s%%: no bonus") % p
    ),
    "satisfaction_few_ratings": lambda p: (
        gettext(
            "Only %(rated)s rated dossiers, %(needed)s needed for the satisfaction bonus: no bonus"
        )
        % p
    ),
    "verified_complaints": lambda p: (
        gettext("%(count)s verified complaints × %(each)s points: %(points)s points deducted") % p
    ),
}

# The Vietnamese sentences of results decided before reasons were codes, read back into figures.
_NUMBER = r"(-?\d+(?:[.,]\d+)?)"
_LEGACY: Mapping[str, tuple[re.Pattern[str], tuple[str, ...]]] = {
    "quota_demoted": (re.compile(rf"vượt tỷ lệ {_NUMBER}%"), ("rate",)),
    "bonus_refused": (re.compile(rf"không tính {_NUMBER} điểm"), ("asked",)),
    "bonus_capped": (
        re.compile(rf"Điểm thưởng {_NUMBER} vượt mức tối đa: chỉ tính {_NUMBER} điểm"),
        ("asked", "cap"),
    ),
    "total_clamped": (
        re.compile(rf"Tổng điểm {_NUMBER} được đưa về {_NUMBER}"),
        ("raw", "limit"),
    ),
    "staff_tier_d": (re.compile(rf"nhân hệ số {_NUMBER}"), ("factor",)),
    "too_few_rated_months": (re.compile(rf"Dưới {_NUMBER} tháng"), ("needed",)),
}


def reason_json(reason: engine.Reason) -> dict[str, object]:
    """A reason as a result stores it: its code and its figures, numbers as exact strings."""
    return {
        "code": reason.code,
        "params": {
            name: str(value) if isinstance(value, Decimal) else value
            for name, value in reason.params.items()
        },
    }


def reason_text(reason: engine.Reason | StoredReason) -> str:
    """The sentence of one reason, an engine's or a stored one, in the active language."""
    params: dict[str, object] | None
    if isinstance(reason, engine.Reason):
        code, params, stored = reason.code, dict(reason.params), ""
    else:
        code = str(reason.get("code", ""))
        raw = reason.get("params")
        stored = str(reason.get("message", ""))
        params = dict(raw) if isinstance(raw, Mapping) else _legacy_params(code, stored)
    wording = WORDINGS.get(code)
    needed = engine.REASON_PARAMS.get(code, ())
    if wording is None or params is None or not all(_has(params, n, code) for n in needed):
        return stored or code
    return wording({name: _word(value) for name, value in params.items()})


def reasons_text(reasons: Iterable[engine.Reason | StoredReason]) -> list[str]:
    return [reason_text(reason) for reason in reasons]


def _has(params: Mapping[str, object], name: str, code: str) -> bool:
    # A month's discipline stored before the span was given is the month's.
    return name in params or (code == "discipline" and name == "span")


def _legacy_params(code: str, message: str) -> dict[str, object] | None:
    if code not in _LEGACY:
        return {}
    pattern, names = _LEGACY[code]
    match = pattern.search(message)
    if match is None:
        return None
    return {name: text.replace(",", ".") for name, text in zip(names, match.groups(), strict=True)}


def _word(value: object) -> str:
    """A figure as the active language writes it: 0.5 → "0,5" (vi), "0.5" (en)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal):
        return points_text(value, trim=True)
    if isinstance(value, str):
        try:
            Decimal(value)
        except InvalidOperation:
            return value
        return points_text(value, trim=True)
    return str(value)
