"""The demo's oversight (docs/RULES.md §8): one surprise inspection of the demo ward with a
finding its supervisor confirmed, and a struggling cadre penalised in the last three decided
months, so the radar shows someone after `make run`.

Called once per ward and month by the demo's month history (`scoring/demo/`), before the
month is decided; deterministic (it draws nothing from the demo's random numbers).
"""

import datetime as dt
from decimal import ROUND_CEILING, Decimal

from scoring.models import Adjustment, AdjustmentKind
from scoring.month.selectors.inputs import period_preview
from scoring.oversight.models import Finding, Handling, Inspection, InspectionScope
from units.models import Cadre, Role, RoleKind

WARD = "HH"
MONTHS = 3  # the last decided months in which the cadre is penalised: the radar's default N
PENALTY = Decimal(20)  # at least; more when the month's total would stay 50 or above
BELOW_D = Decimal(45)  # the total the penalty aims at: under 50, tier D
FINDING = "Để hồ sơ của công dân quá hạn giải quyết, không có văn bản xin lỗi"
REPEATED = "Tái phạm: hồ sơ của công dân quá hạn giải quyết (đã được nhắc sau kiểm tra đột xuất)"
UNIT_FINDING = "Chưa niêm yết công khai đầy đủ thủ tục hành chính tại Bộ phận một cửa"


def month_findings(history, period, members, index: int, months: int) -> None:
    """In the demo ward's last `MONTHS` decided months, a penalty for its weakest staff member;
    in the first of them, it comes from a surprise inspection's finding."""
    if period.scope.code != WARD or index < months - MONTHS:
        return
    cadre_id = _weakest(history, members)
    if cadre_id is None:
        return
    points = _penalty(period, next(m for m in members if m.cadre_id == cadre_id).cadre.code)
    first = index == months - MONTHS
    if not first:
        Adjustment.objects.create(
            period=period,
            cadre_id=cadre_id,
            kind=AdjustmentKind.PENALTY,
            points=points,
            reason=REPEATED,
        )
        return
    year, month = (int(part) for part in period.month.split("-"))
    member = next(m for m in members if m.cadre_id == cadre_id)
    leader = Role.objects.filter(unit__code=WARD, role=RoleKind.LEADER).first()
    inspection = Inspection.objects.create(
        unit=member.unit,
        on=dt.date(year, month, 8),
        scope=InspectionScope.PROCEDURES,
        surprise=True,
        summary="Kiểm tra đột xuất việc giải quyết thủ tục hành chính tại Bộ phận một cửa.",
        recorded_by=leader.cadre if leader else None,
    )
    Finding.objects.create(inspection=inspection, text=UNIT_FINDING, handling=Handling.REMIND)
    finding = Finding.objects.create(
        inspection=inspection,
        cadre_id=cadre_id,
        text=FINDING,
        handling=Handling.PENALTY,
        points=points,
    )
    adjustment = Adjustment.objects.create(
        period=period,
        cadre_id=cadre_id,
        kind=AdjustmentKind.PENALTY,
        points=points,
        reason=(
            f"Phát hiện kiểm tra số {finding.pk} ({inspection.on:%d/%m/%Y}, "
            f"{inspection.unit.code}): {FINDING}"
        ),
    )
    supervisor = history.supervisor(member)
    finding.adjustment = adjustment
    finding.confirmed_by = Cadre.objects.get(pk=supervisor).user if supervisor else None
    finding.confirmed_at = dt.datetime.combine(period.review_until, dt.time(9), tzinfo=dt.UTC)
    finding.save(update_fields=["adjustment", "confirmed_by", "confirmed_at"])


def _penalty(period, code: str) -> Decimal:
    """Points that bring the cadre's month (as deciding it now would give) under 50."""
    total = period_preview(period).cadre(code).total
    if total is None:
        return PENALTY
    return max(PENALTY, (total.shown - BELOW_D).to_integral_value(rounding=ROUND_CEILING))


def _weakest(history, members) -> int | None:
    """The staff member of the ward's one-stop centre (else any unit) who works least well,
    never a leader or a demo login: the same person every month."""
    logins = set(
        Cadre.objects.filter(
            user__username__in=["canbo", "truongphong", "chutich", "lanhdao"]
        ).values_list("pk", flat=True)
    )
    staff = [m for m in members if not m.is_leader and m.cadre_id not in logins]
    centre = [m for m in staff if history.pattern(m) == "HCC"] or staff
    if not centre:
        return None
    return min(centre, key=lambda m: (history.level(m.cadre_id), m.cadre_id)).cadre_id
