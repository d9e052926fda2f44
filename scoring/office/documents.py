"""The four signed documents of a month and a year (docs/RULES.md §6), built as `pdf.Document`s.

They are Vietnamese administrative documents (Decree 30/2020/NĐ-CP), so their text is Vietnamese
whatever the reader's interface language: figures as Vietnamese write them ("92,50",
"17.000.000"), dates dd/mm/yyyy. Each builder reads what it needs in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone, translation

from scoring.io.formats import points_text
from scoring.models import Period, PeriodUnitResult, Result
from scoring.office import pdf
from units.formats import date_text, month_text, vnd_text
from units.models import Cadre, Role, RoleKind, Unit

TITLE_OF_HEAD = {"city": "CHỦ TỊCH", "ward": "CHỦ TỊCH", "department": "TRƯỞNG PHÒNG"}
TIER_NAMES = {
    "A": "Hoàn thành xuất sắc nhiệm vụ (A)",
    "B": "Hoàn thành tốt nhiệm vụ (B)",
    "C": "Hoàn thành nhiệm vụ (C)",
    "D": "Không hoàn thành nhiệm vụ (D)",
}
NOT_RATED = "Không xếp loại"
FILED = "Lưu: VT"


def points(value) -> str:
    """ "92,50": a score as Vietnamese write it."""
    with translation.override("vi"):
        return points_text(value)


def money(value) -> str:
    """ "17.000.000" VND."""
    return vnd_text(value) or "—"


def tier_name(tier: str) -> str:
    return TIER_NAMES.get(tier or "", NOT_RATED)


@dataclass(frozen=True)
class Head:
    title: str
    name: str
    cadre_id: int | None = None

    @property
    def signer(self) -> pdf.Signer:
        return pdf.Signer(title=self.title, name=self.name)


def head_of(unit: Unit, on: dt.date) -> Head:
    """The unit's head on the day, who signs its documents; a dotted line when there is none."""
    role = (
        Role.objects.valid_on(on)
        .filter(unit=unit, role=RoleKind.HEAD)
        .select_related("cadre")
        .order_by("valid_from", "pk")
        .first()
    )
    return Head(
        title=TITLE_OF_HEAD.get(unit.kind, "THỦ TRƯỞNG ĐƠN VỊ"),
        name=role.cadre.full_name if role else "",
        cadre_id=role.cadre_id if role else None,
    )


def issuer_of_notice(unit: Unit, cadre: Cadre, on: dt.date) -> tuple[Unit, Head]:
    """Who issues and signs a cadre's notice: the head of the cadre's unit, and for the head
    themself the unit above and its head (nobody signs their own notice, docs/RULES.md §3). At
    the top of the tree the name is left for the clerk."""
    head = head_of(unit, on)
    if head.cadre_id != cadre.pk:
        return unit, head
    if unit.parent is None:
        return unit, Head(title=head.title, name="")
    return unit.parent, head_of(unit.parent, on)


def unit_document(unit: Unit, kind: str, day: dt.date, **parts) -> pdf.Document:
    """A document issued by `unit` on `day`: its parent named above it, the clerk's number of
    `kind` (`_number`) and the place of the settings; `parts` are the rest of `pdf.Document`."""
    return pdf.Document(
        issuer=unit.name,
        issuer_parent=unit.parent.name if unit.parent_id else "",
        number=_number(kind, unit),
        place=settings.DOCUMENT_PLACE,
        date=day,
        **parts,
    )


def year_document(
    unit: Unit, kind: str, year: int, on: dt.date, *, title: str, body: list, wide: bool = False
) -> pdf.Document:
    """A table of the unit's year, dated `on` and signed by its head that day: one query (the
    head)."""
    return unit_document(
        unit,
        kind,
        on,
        title=title,
        subtitle=f"Năm {year} · {unit.name}",
        body=body,
        recipients=[FILED],
        signers=[head_of(unit, on).signer],
        wide=wide,
    )


def _day(moment: dt.datetime | None) -> dt.date:
    return timezone.localdate(moment) if moment else timezone.localdate()


def _number(kind: str, unit: Unit) -> str:
    """The number is the clerk's to give when the document is signed (Decree 30, art. 15): the
    printed draft leaves it blank before the kind and the unit's code."""
    return f"Số: ……/{kind}-{unit.code}"


# --- a cadre's monthly result notice ----------------------------------------------------------


def notice(
    *, period: Period, result: Result, cadre: Cadre, unit: Unit, parts_visible: bool
) -> tuple:
    """The notice of one cadre's published month. Two queries (the counts, the head)."""

    counts = Result.objects.filter(period=period, rated=True).aggregate(
        scope=Count("pk"), unit=Count("pk", filter=Q(unit=unit))
    )
    day = _day(period.published_at or period.decided_at)
    issuer, head = issuer_of_notice(unit, cadre, day)
    rows = [["Tự đánh giá (tiêu chí chung)", points(result.self_score)]]
    if parts_visible:
        rows += [
            ["Điểm đánh giá chéo (bình quân)", points(result.peer_score)],
            ["Điểm của thủ trưởng (tiêu chí chung)", points(result.supervisor_score)],
        ]
    rows += [
        ["Điểm tiêu chí chung (có trọng số)", points(result.general)],
        ["Điểm kết quả thực hiện nhiệm vụ", points(result.task)],
        ["Điểm cộng", points(result.bonus)],
        ["Điểm trừ", points(result.penalty)],
        ["Tổng điểm", points(result.total)],
    ]
    body = [
        pdf.Text(f"Kính gửi: đồng chí {cadre.full_name}", center=True),
        pdf.Text(
            f"Căn cứ kết quả đánh giá, xếp loại tháng {month_text(period.month)} đã được "
            f"{period.scope.name} công bố ngày {date_text(day)}, {issuer.name} thông báo kết quả "
            f"của đồng chí {cadre.full_name} (mã {cadre.code}, nhóm vị trí {result.job_group}) "
            "như sau:"
        ),
        pdf.Grid(["Thành phần", "Điểm"], rows, [110, 40], numeric=frozenset({1})),
        pdf.Text(f"Xếp loại: {tier_name(result.tier if result.rated else '')}.", bold=True),
    ]
    if result.rank_in_unit:
        body.append(
            pdf.Text(
                f"Xếp hạng trong đơn vị: {result.rank_in_unit}/{counts['unit']}"
                + (
                    f"; trong {period.scope.name}: {result.rank_in_scope}/{counts['scope']}."
                    if period.scope_id != unit.pk
                    else "."
                )
            )
        )
    body.append(pdf.Text(f"Thu nhập tăng thêm của tháng: {money(result.reward)} đồng."))
    body.append(
        pdf.Text(
            "Đồng chí có ý kiến về kết quả này thì gửi kiến nghị trong thời hạn của quy chế "
            f"(đến hết ngày {date_text(period.appeals_until)})."
        )
    )
    document = unit_document(
        issuer,
        "TB",
        day,
        title="THÔNG BÁO",
        subtitle=f"Kết quả đánh giá, xếp loại tháng {month_text(period.month)}",
        body=body,
        recipients=[f"Đồng chí {cadre.full_name}", FILED],
        signers=[head.signer],
    )
    return document, f"thong-bao-{period.month}-{cadre.code}.pdf"


# --- the unit's monthly results table -----------------------------------------------------------


def unit_rows(period: Period, unit: Unit) -> list[Result]:
    """Every result of the unit and the units under it in the month, by unit then rank. One
    query."""
    return list(
        Result.objects.filter(period=period, unit__path__startswith=unit.path)
        .select_related("cadre", "unit")
        .order_by("unit__path", "rank_in_unit", "cadre__code")
    )


def _table_grid(rows: list[Result]) -> object:

    cells = [
        [
            str(i),
            r.cadre.code,
            r.cadre.full_name,
            r.unit.code,
            points(r.general),
            points(r.task),
            points(r.bonus - r.penalty),
            points(r.total),
            r.tier if r.rated else "—",
            str(r.rank_in_unit or ""),
            money(r.reward),
        ]
        for i, r in enumerate(rows, start=1)
    ]
    return pdf.Grid(
        [
            "STT",
            "Mã",
            "Họ và tên",
            "Đơn vị",
            "Tiêu chí chung",
            "Nhiệm vụ",
            "Cộng/trừ",
            "Tổng điểm",
            "Xếp loại",
            "Hạng",
            "Thu nhập tăng thêm (đồng)",
        ],
        cells,
        [12, 20, 50, 20, 22, 20, 22, 20, 17, 15, 34],
        numeric=frozenset({0, 4, 5, 6, 7, 9, 10}),
    )


def tiers_text(tiers: list[str | None]) -> str:
    """ "loại A: 2; loại B: 5; loại C: 1; loại D: 0; không xếp loại: 1" (None: not rated)."""
    counts = "; ".join(f"loại {t}: {sum(1 for tier in tiers if tier == t)}" for t in "ABCD")
    return f"{counts}; không xếp loại: {sum(1 for tier in tiers if tier is None)}"


def _spread(rows: list[Result]) -> str:
    return f"{len(rows)} cán bộ; {tiers_text([r.tier if r.rated else None for r in rows])}."


def unit_table(*, period: Period, unit: Unit) -> tuple:
    """The unit's whole month on one table (every row), signed by its head. Three queries."""

    rows = unit_rows(period, unit)
    day = _day(period.published_at or period.decided_at)
    head = head_of(unit, day)
    pools = PeriodUnitResult.objects.filter(
        period=period, unit__path__startswith=unit.path
    ).values_list("pool", "distributed")
    pool = sum(p for p, _d in pools)
    distributed = sum(d for _p, d in pools)
    body = [
        pdf.Text(
            f"Tháng {month_text(period.month)}, quy chế {period.regulation.code}. "
            f"Tổng hợp: {_spread(rows)}"
        ),
        _table_grid(rows),
        pdf.Text(
            f"Quỹ thu nhập tăng thêm: {money(pool)} đồng; đã phân phối: {money(distributed)} đồng."
        ),
    ]
    document = unit_document(
        unit,
        "BTH",
        day,
        title="BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI",
        subtitle=f"Tháng {month_text(period.month)} · {unit.name}",
        body=body,
        recipients=[period.scope.name if period.scope_id != unit.pk else "Các đơn vị", FILED],
        signers=[head.signer],
        wide=True,
    )
    return document, f"bang-ket-qua-{period.month}-{unit.code}.pdf"


# --- the minutes of the unit meeting that reviewed the month --------------------------------


def minutes(*, period: Period, unit: Unit) -> tuple:
    """The minutes of the meeting that reviewed and decided the unit's month: when, who chaired,
    how many were reviewed, the tiers and the table. Three queries."""

    rows = unit_rows(period, unit)
    day = _day(period.decided_at)
    head = head_of(unit, day)
    excellent = [r.cadre.full_name for r in rows if r.rated and r.tier == "A"]
    body = [
        pdf.Text(
            f"Hôm nay, ngày {date_text(day)}, tại {unit.name}, đơn vị họp xét kết quả đánh giá, "
            f"xếp loại cán bộ tháng {month_text(period.month)} theo quy chế "
            f"{period.regulation.code}."
        ),
        pdf.Text("I. THÀNH PHẦN", bold=True),
        pdf.Text(f"Chủ trì: đồng chí {head.name or '…………………………'}, {head.title.lower()}."),
        pdf.Text("Thư ký: …………………………"),
        pdf.Text(f"Cán bộ được xem xét: {len(rows)} người."),
        pdf.Text("II. NỘI DUNG", bold=True),
        pdf.Text(
            "Cuộc họp đã xem xét kết quả tự đánh giá, đánh giá chéo, đánh giá của thủ trưởng, "
            "kết quả thực hiện nhiệm vụ và các điểm cộng, trừ của từng cán bộ; thống nhất kết quả "
            "như bảng dưới đây."
        ),
        _table_grid(rows),
        pdf.Text("III. KẾT LUẬN", bold=True),
        pdf.Text(f"Kết quả xếp loại: {_spread(rows)}"),
        pdf.Text(
            "Hoàn thành xuất sắc nhiệm vụ (A): "
            + (", ".join(excellent) if excellent else "không có")
            + "."
        ),
        pdf.Text("Biên bản được thông qua và các thành viên dự họp nhất trí."),
    ]
    document = unit_document(
        unit,
        "BB",
        day,
        title="BIÊN BẢN",
        subtitle=f"Họp xét đánh giá, xếp loại cán bộ tháng {month_text(period.month)}",
        body=body,
        recipients=[FILED],
        signers=[
            pdf.Signer(title="THƯ KÝ", name=""),
            pdf.Signer(title="CHỦ TRÌ", name=head.name),
        ],
        wide=True,
    )
    return document, f"bien-ban-{period.month}-{unit.code}.pdf"


# --- the yearly result sheet ------------------------------------------------------------------


def year_sheet(*, table, unit: Unit, year: int, on: dt.date) -> tuple:
    """The year of `scoring.month.selectors.periods.year_results` for the unit's subtree. One query
    (the head)."""
    rows = sorted(table.rows, key=lambda r: (r.rank_in_scope is None, r.rank_in_scope or 0, r.code))
    cells = [
        [
            str(i),
            r.code,
            table.names.get(r.code, ""),
            r.unit_code,
            str(r.rated_months),
            points(r.total) if r.total is not None else "—",
            r.tier or "—",
            str(r.rank_in_unit or ""),
        ]
        for i, r in enumerate(rows, start=1)
    ]
    body = [
        pdf.Text(
            f"Năm {year}: {len(rows)} cán bộ, các tháng đã quyết định: "
            + ", ".join(month_text(m) for m in table.months)
            + "."
        ),
        pdf.Text(
            "Điểm năm là bình quân tổng điểm các tháng được xếp loại; dưới "
            "số tháng tối thiểu của quy chế thì không xếp loại."
        ),
        pdf.Grid(
            ["STT", "Mã", "Họ và tên", "Đơn vị", "Số tháng", "Điểm năm", "Xếp loại", "Hạng"],
            cells,
            [12, 22, 50, 22, 16, 18, 17, 13],
            numeric=frozenset({0, 4, 5, 7}),
        ),
        pdf.Text(f"Tổng hợp: {tiers_text([r.tier for r in rows])}."),
    ]
    document = year_document(
        unit, "BTH", year, on, title="BẢNG KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI NĂM", body=body
    )
    return document, f"ket-qua-nam-{year}-{unit.code}.pdf"
