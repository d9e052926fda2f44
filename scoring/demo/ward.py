"""The demo ward built from nothing: its departments and people with Vietnamese names, their
roles and logins, the regulations' tasks; `build_demo` is the entry point."""

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from directives.demo import NO_SLIP, Odds, build_demo_tasks
from directives.dossiers.demo import build_demo_dossiers
from scoring.demo.history import EQUALIZING, HISTORY_MONTHS, _MonthHistory
from scoring.demo.levels import _level, _nd335, _suffix
from scoring.engine import month_shift
from units.models import Cadre, Category, Membership, Role, RoleKind, Unit

DEMO_PASSWORD = "fiveclear-demo"


DEMO_LOGINS = [
    ("admin", "Quản trị hệ thống (administrator)"),
    ("lanhdao", "Lãnh đạo phường (ward leader: dashboards over the ward)"),
    (
        "chutich",
        "Chủ tịch UBND phường (ward head: runs the ward's month: opens, moves on, decides, "
        "publishes, locks)",
    ),
    ("truongphong", "Trưởng phòng Kinh tế (department head: scores, tasks, decisions)"),
    ("canbo", "Chuyên viên Phòng Kinh tế (cadre: self and peer evaluation)"),
]


FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]


MIDDLE = [
    "Văn",
    "Thị",
    "Đức",
    "Minh",
    "Thu",
    "Quang",
    "Ngọc",
    "Thanh",
    "Hữu",
    "Xuân",
    "Hồng",
    "Anh",
    "Kim",
    "Bảo",
]


GIVEN = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hòa",
    "Hùng",
    "Huy",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Trung",
    "Tuấn",
    "Việt",
    "Yến",
]


# (suffix, name, kind, parent suffix or None for the ward, staff job groups)
DEPARTMENTS = [
    ("VP", "Văn phòng HĐND và UBND", "office", None, ["Chuyên viên", "Văn thư - Hành chính"]),
    ("KT", "Phòng Kinh tế, Hạ tầng và Đô thị", "department", None, ["Chuyên viên", "Cán sự"]),
    ("VHXH", "Phòng Văn hóa - Xã hội", "department", None, ["Chuyên viên", "Cán sự"]),
    ("HCC", "Trung tâm Phục vụ hành chính công", "centre", None, ["Chuyên viên", "Một cửa"]),
    ("DV", "Trung tâm Cung ứng dịch vụ công", "centre", None, ["Viên chức", "Người lao động"]),
    ("QS", "Ban Chỉ huy Quân sự", "office", None, ["Chuyên viên"]),
    ("TCKT", "Tổ Tài chính - Kế toán", "team", "VP", ["Kế toán"]),
    ("DCXD", "Tổ Địa chính - Xây dựng", "team", "KT", ["Chuyên viên", "Cán sự"]),
]


LEADER_GROUP = "Lãnh đạo"


@dataclass
class DemoSummary:
    units: int
    cadres: int
    tasks: int = 0
    periods: int = 0


class _Names:
    def __init__(self, rng):
        self.rng = rng

    def __call__(self):
        return f"{self.rng.choice(FAMILY)} {self.rng.choice(MIDDLE)} {self.rng.choice(GIVEN)}"


@transaction.atomic
def build_demo(
    *, cadres: int = 120, seed: int = 2026, history: bool = True, today: dt.date | None = None
) -> DemoSummary:
    """Create a city with one demo ward (or several wards when `cadres` is large).

    With `history`, also the work of the last seven months: tasks, six earlier months scored,
    decided and published (locked but the newest, which is in its appeals window with one
    appeal waiting), and the current month open for self-assessment.
    """
    rng = random.Random(seed)
    name = _Names(rng)
    city = Unit.objects.create(code="HN", name="Thành phố Hà Nội", kind="city")
    # The city's chairman supervises the wards' chairmen; counted in `cadres`.
    wards = max(1, round(cadres / 130))
    in_wards = cadres - 1
    per_ward = [in_wards // wards + (1 if i < in_wards % wards else 0) for i in range(wards)]

    units, people = [city], []  # people: (code, name, unit, job group, role or None, category)
    counter = iter(range(1, 10**7))
    people.append((next(counter), name(), city, LEADER_GROUP, RoleKind.HEAD, Category.CADRE))
    ward_units = []
    for w, size in enumerate(per_ward):
        prefix = "HH" if w == 0 else f"P{w:03d}"
        ward = Unit(
            code=prefix,
            name="Phường Hồng Hà" if w == 0 else f"Phường số {w}",
            kind="ward",
            parent=city,
        )
        ward.save()
        units.append(ward)
        ward_units.append(ward)
        departments = {}
        for suffix, dept_name, kind, parent_suffix, _groups in DEPARTMENTS:
            parent = departments[parent_suffix] if parent_suffix else ward
            unit = Unit(code=f"{prefix}-{suffix}", name=dept_name, kind=kind, parent=parent)
            unit.save()
            departments[suffix] = unit
            units.append(unit)
        # Ward leadership: chairman (head), two vice-chairmen (deputies), a follow-up leader.
        people.append((next(counter), name(), ward, LEADER_GROUP, RoleKind.HEAD, Category.CADRE))
        for _ in range(2):
            people.append(
                (next(counter), name(), ward, LEADER_GROUP, RoleKind.DEPUTY, Category.CADRE)
            )
        people.append((next(counter), name(), ward, LEADER_GROUP, RoleKind.LEADER, Category.CADRE))
        remaining = size - 4
        weights = [18, 20, 16, 14, 14, 8, 5, 7]
        shares = [remaining * wgt // sum(weights) for wgt in weights]
        shares[0] += remaining - sum(shares)
        for (suffix, _n, _k, _p, groups), share in zip(DEPARTMENTS, shares, strict=True):
            unit = departments[suffix]
            for i in range(share):
                if i == 0:
                    role, group = RoleKind.HEAD, LEADER_GROUP
                elif i == 1 and share > 6:
                    role, group = RoleKind.DEPUTY, LEADER_GROUP
                else:
                    role, group = None, groups[i % len(groups)]
                category = Category.PUBLIC_EMPLOYEE if suffix == "DV" else Category.CIVIL_SERVANT
                people.append((next(counter), name(), unit, group, role, category))

    User = get_user_model()
    unusable = make_password(None)
    users = [User(username=f"CB{n:06d}", password=unusable) for n, *_ in people]
    User.objects.bulk_create(users, batch_size=2000)
    cadre_rows = [
        Cadre(
            code=f"CB{n:06d}",
            full_name=full,
            user=user,
            job_group=group,
            category=category,
            email=f"cb{n:06d}@hongha.example.vn",
        )
        for (n, full, _unit, group, _role, category), user in zip(people, users, strict=True)
    ]
    Cadre.objects.bulk_create(cadre_rows, batch_size=2000)
    Membership.objects.bulk_create(
        [Membership(cadre=c, unit=p[2]) for c, p in zip(cadre_rows, people, strict=True)],
        batch_size=2000,
    )
    Role.objects.bulk_create(
        [
            Role(cadre=c, unit=p[2], role=p[4])
            for c, p in zip(cadre_rows, people, strict=True)
            if p[4]
        ],
        batch_size=2000,
    )
    _demo_accounts(cadre_rows, people)
    summary = DemoSummary(units=len(units), cadres=len(cadre_rows))
    if history:
        today = today or timezone.localdate()
        current = f"{today:%Y-%m}"
        months = [month_shift(current, -n) for n in range(HISTORY_MONTHS, 0, -1)]
        levels = {c.pk: _level(rng) for c in cadre_rows}
        # The equalizing head records no slip in anyone's work: every T is full.
        odds = {
            c.pk: NO_SLIP if _suffix(p[2]) == EQUALIZING else Odds.of(levels[c.pk])
            for c, p in zip(cadre_rows, people, strict=True)
        }
        summary.tasks = build_demo_tasks(
            months=[*months, current], rng=rng, odds=odds, regulation=_nd335()
        )
        build_demo_dossiers(months=[*months, current], today=today, seed=seed)
        summary.periods = _MonthHistory(rng, ward_units, today, levels).build(months, current)
    return summary


def _demo_accounts(cadre_rows, people):
    """Rename four accounts to the demo logins (the ward's head among them) and give them the
    demo password."""
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    User.objects.create(username="admin", password=password, is_staff=True, is_superuser=True)
    by_role = {}
    for cadre, (_n, _name, unit, _group, role, _cat) in zip(cadre_rows, people, strict=True):
        by_role.setdefault((unit.code, role), cadre)
    picks = {
        "lanhdao": by_role[("HH", RoleKind.LEADER)],
        "chutich": by_role[("HH", RoleKind.HEAD)],
        "truongphong": by_role[("HH-KT", RoleKind.HEAD)],
        "canbo": by_role[("HH-KT", None)],
    }
    for username, cadre in picks.items():
        User.objects.filter(pk=cadre.user_id).update(username=username, password=password)
