"""The year's inspections of a unit as a Decree 30 document (`scoring.office.pdf`)."""

import datetime as dt

from scoring.office import pdf
from scoring.office.documents import year_document
from scoring.oversight.models import Handling, Inspection
from units.models import Unit

SCOPE_WORDS = {
    "procedures": "Thủ tục hành chính",
    "conduct": "Quy tắc ứng xử",
    "discipline": "Kỷ luật, kỷ cương",
}
HANDLING_WORDS = {
    Handling.REMIND: "nhắc nhở",
    Handling.PENALTY: "trừ điểm",
    Handling.DISCIPLINE: "kỷ luật",
}


def _findings(inspection: Inspection) -> str:
    lines = []
    for f in inspection.findings.all():
        who = f"{f.cadre.full_name} ({f.cadre.code})" if f.cadre else "Tập thể đơn vị"
        state = ", đã xác nhận" if f.confirmed_at else ""
        lines.append(f"{who}: {f.text} ({HANDLING_WORDS[f.handling]}{state})")
    return "; ".join(lines) or "Không có phát hiện"


def inspections_sheet(*, inspections, unit: Unit, year: int, on: dt.date) -> tuple:
    """The inspections of `unit_inspections` as a landscape table; one query (the head)."""
    rows = [
        [
            str(i),
            f"{item.on:%d/%m/%Y}",
            item.unit.name,
            SCOPE_WORDS[item.scope],
            "Đột xuất" if item.surprise else "Theo kế hoạch",
            _findings(item),
        ]
        for i, item in enumerate(inspections, start=1)
    ]
    body = [
        pdf.Text(f"Năm {year}: {len(rows)} cuộc kiểm tra."),
        pdf.Grid(
            ["STT", "Ngày", "Đơn vị", "Nội dung", "Hình thức", "Phát hiện và hướng xử lý"],
            rows,
            [12, 22, 45, 35, 25, 120],
            numeric=frozenset({0}),
        ),
    ]
    document = year_document(
        unit, "BC", year, on, title="DANH SÁCH CÁC CUỘC KIỂM TRA", body=body, wide=True
    )
    return document, f"kiem-tra-{year}-{unit.code}.pdf"
