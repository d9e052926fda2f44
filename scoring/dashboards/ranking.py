"""The ranking of cadres and a cadre's results: the name search (Vietnamese letters with or
without their marks), the sorts, a cadre's tasks behind and adjustments."""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Case, F, Q, QuerySet, Value, When

from directives.models import Task
from scoring.dashboards.scope import FROZEN, NOT_RATED, RATED, TIERS
from scoring.models import Adjustment, Result, month_bounds
from units.models import Unit

# --- the ranking ---------------------------------------------------------------------------

# Vietnamese letters with diacritics (lower case); their upper case is added below.
VIETNAMESE = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"


def fold(text: str) -> str:
    """Lower case without diacritics: "Đặng Thị Ánh" → "dang thi anh"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _letter_variants() -> dict[str, str]:
    variants: dict[str, set[str]] = {}
    for letter in VIETNAMESE + VIETNAMESE.upper():
        base = fold(letter)
        variants.setdefault(base, {base, base.upper()}).add(letter)
    return {base: "".join(sorted(letters)) for base, letters in variants.items()}


LETTER_VARIANTS = _letter_variants()


def name_pattern(word: str) -> str:
    """A regular expression matching `word` in a name whatever its accents and case:
    "dang" → "[dDđĐ][aAàáạ…][nN][gG]". Character classes behave the same in SQLite (Django's
    REGEXP is Python's re) and PostgreSQL, with no extension and no folding of the column."""
    parts = []
    for char in fold(word):
        if char in LETTER_VARIANTS:
            parts.append(f"[{LETTER_VARIANTS[char]}]")
        elif char.isalpha():
            parts.append(f"[{char}{char.upper()}]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


_TOTAL_DESC = F("total").desc(nulls_last=True)


RANKING_SORTS = {
    "total": [_TOTAL_DESC, "cadre__code"],
    "name": ["cadre__full_name", "cadre__code"],
    "code": ["cadre__code"],
    "unit": ["unit__path", _TOTAL_DESC, "cadre__code"],
    "tier": [
        Case(When(tier="", then=Value(1)), default=Value(0)),
        "tier",
        _TOTAL_DESC,
        "cadre__code",
    ],
}


def month_results(unit: Unit, month: str) -> QuerySet[Result]:
    return Result.objects.filter(
        period__phase__in=FROZEN, period__month=month, unit__path__startswith=unit.path
    )


def ranking(
    unit: Unit,
    month: str,
    *,
    job_group: str = "",
    tier: str = "",
    q: str = "",
    sort: str = "total",
) -> QuerySet[Result]:
    """Every cadre of the scope in the month with total, tier, ranks, unit and job group.

    `q` matches every word in the code or, accents aside, in the name.
    """
    results = month_results(unit, month).select_related("cadre", "unit")
    if job_group:
        results = results.filter(job_group=job_group)
    if tier == NOT_RATED:
        results = results.exclude(RATED)
    elif tier in TIERS:
        results = results.filter(RATED, tier=tier)
    for word in unicodedata.normalize("NFC", q).split():
        results = results.filter(
            Q(cadre__code__icontains=word) | Q(cadre__full_name__regex=name_pattern(word))
        )
    return results.order_by(*RANKING_SORTS.get(sort, RANKING_SORTS["total"]))


def job_groups(unit: Unit, month: str) -> list[str]:
    return list(
        month_results(unit, month)
        .values_list("job_group", flat=True)
        .distinct()
        .order_by("job_group")
    )


# --- one cadre -----------------------------------------------------------------------------


def cadre_results(cadre, scope) -> list[Result]:
    """The cadre's decided months whose unit the user may browse, oldest first."""
    results = Result.objects.filter(cadre=cadre, period__phase__in=FROZEN)
    if not scope.is_admin:
        within = Q()
        for path in scope.read_paths:
            within |= Q(unit__path__startswith=path)
        results = results.filter(within) if scope.read_paths else results.none()
    return list(results.select_related("period", "unit").order_by("period__month"))


def tasks_behind(cadre, month: str) -> QuerySet[Task]:
    """The tasks that count in the cadre's T for the month (docs/RULES.md §1: lead assignee,
    effective deadline in the month)."""
    first, last = month_bounds(month)
    return (
        Task.objects.due_in_month(first, last)
        .filter(assignee=cadre)
        .order_by("effective_deadline", "code")
    )


def adjustments_of(result: Result) -> QuerySet[Adjustment]:
    return Adjustment.objects.filter(period_id=result.period_id, cadre_id=result.cadre_id).order_by(
        "created_at", "pk"
    )
