"""The two regulations of DESIGN §5: ND335 (Decree 335/2025) and HN3814 (Hanoi, 2018)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

ND335_CRITERIA = [
    ("G1", "Chính trị tư tưởng", "Political ideology", "general", 5),
    ("G2", "Đạo đức, lối sống", "Ethics and lifestyle", "general", 5),
    ("G3", "Tác phong, lề lối làm việc", "Working style", "general", 5),
    ("G4", "Ý thức tổ chức kỷ luật", "Discipline and order", "general", 10),
    ("G5", "Tinh thần trách nhiệm, thái độ phục vụ nhân dân",
     "Responsibility and service to the people", "general", 5),
    ("T", "Kết quả thực hiện nhiệm vụ", "Task results", "task", 70),
]
HN3814_CRITERIA = [
    ("G1", "Chính trị tư tưởng", "Political ideology", "general", 4),
    ("G2", "Đạo đức, lối sống", "Ethics and lifestyle", "general", 4),
    ("G3", "Tác phong, lề lối làm việc", "Working style", "general", 4),
    ("G4", "Ý thức tổ chức kỷ luật", "Discipline and order", "general", 8),
    ("T", "Kết quả thực hiện nhiệm vụ", "Task results", "task", 70),
    ("B", "Điểm thưởng", "Bonus", "bonus", 10),
]


def create(apps, schema_editor):
    Regulation = apps.get_model("directives", "Regulation")
    Criterion = apps.get_model("directives", "Criterion")
    nd335 = Regulation.objects.create(
        code="ND335",
        name="Nghị định 335/2025/NĐ-CP: 30 điểm chung + 70 điểm kết quả nhiệm vụ",
        valid_from=dt.date(2026, 1, 1),
    )
    hn3814 = Regulation.objects.create(
        code="HN3814",
        name="Khung đánh giá Hà Nội 2018: 20 điểm chung + 70 điểm nhiệm vụ + 10 điểm thưởng",
        valid_from=dt.date(2018, 1, 1),
        bonus_cap=Decimal("10"),
        quota_base="rated",
        quota_rate=Decimal("0.30"),
        quota_rate_outstanding=Decimal("0.40"),
    )
    for regulation, criteria in ((nd335, ND335_CRITERIA), (hn3814, HN3814_CRITERIA)):
        Criterion.objects.bulk_create(
            Criterion(regulation=regulation, code=code, name_vi=vi, name_en=en, group=group,
                      max_points=Decimal(points), order=order)
            for order, (code, vi, en, group, points) in enumerate(criteria, start=1)
        )


def remove(apps, schema_editor):
    apps.get_model("directives", "Regulation").objects.filter(
        code__in=["ND335", "HN3814"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("directives", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
