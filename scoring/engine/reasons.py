"""Why a cadre's result is what it is: the reasons the rules attach to a result."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from scoring.engine.arithmetic import Number, exact, round_half_up


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


def _percent(rate: Fraction) -> str:
    return format(round_half_up(rate * 100).normalize(), "f")


def _vi_decimal(x: Number) -> str:
    # Vietnamese writes a decimal comma: 2,5 điểm.
    return format(round_half_up(exact(x)).normalize(), "f").replace(".", ",")


def reason_quota(rate: Fraction) -> Reason:
    return Reason("quota_demoted", f"Hạ từ A xuống B do vượt tỷ lệ {_percent(rate)}%")


REASON_DISCIPLINE = Reason("discipline", "Bị kỷ luật trong tháng: xếp loại D")
REASON_LEAVE = Reason("leave", "Làm việc dưới một nửa số ngày công: không xếp loại")
REASON_LEAVE_OVERRIDDEN = Reason(
    "leave_overridden_by_discipline",
    "Làm việc dưới một nửa số ngày công nhưng bị kỷ luật: vẫn xếp loại D",
)
REASON_NO_SUPERVISOR = Reason(
    "no_supervisor_scorecard", "Chưa có phiếu đánh giá của cấp trên: chưa thể xếp loại"
)
REASON_SUPERVISOR_INCOMPLETE = Reason(
    "supervisor_scorecard_incomplete",
    "Phiếu đánh giá của cấp trên thiếu tiêu chí: chưa thể xếp loại",
)
REASON_NO_TASK_SCORE = Reason(
    "no_task_score",
    "Không có nhiệm vụ trong tháng và cấp trên chưa nhập điểm kết quả nhiệm vụ: chưa thể xếp loại",
)


def reason_bonus_capped(asked: Fraction, cap: Fraction) -> Reason:
    if cap == 0:
        return Reason(
            "bonus_refused",
            f"Quy chế không có điểm thưởng: không tính {_vi_decimal(asked)} điểm thưởng",
        )
    return Reason(
        "bonus_capped",
        f"Điểm thưởng {_vi_decimal(asked)} vượt mức tối đa: chỉ tính {_vi_decimal(cap)} điểm",
    )


def reason_clamped(raw: Fraction, limit: Fraction) -> Reason:
    return Reason(
        "total_clamped",
        f"Tổng điểm {_vi_decimal(raw)} được đưa về {_vi_decimal(limit)} (giới hạn 0–100)",
    )


def reason_staff_d(factor: Fraction) -> Reason:
    return Reason(
        "staff_tier_d",
        f"Đơn vị có người xếp loại D: kết quả chung của đơn vị nhân hệ số {_vi_decimal(factor)}",
    )


REASON_YEAR_DISCIPLINE = Reason("discipline", "Bị kỷ luật trong năm: xếp loại D")


def reason_few_months(needed: int) -> Reason:
    return Reason(
        "too_few_rated_months", f"Dưới {needed} tháng được xếp loại trong năm: không xếp loại"
    )
