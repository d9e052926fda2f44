"""The demo ward behind `manage.py seed_demo`: realistic Vietnamese units, people and roles,
seven months of tasks, six months scored and decided, and the current month open.

The decided months are what a leader's dashboards are for: totals spread around 75 with some
A, C and D, uneven reward pools, and in every ward the warning signs of `scoring.flags`: an
equalizing centre (DV), a self-inflating department (VHXH), a lenient peer in the office (VP),
a reciprocal pair in the economic department (KT)."""

import datetime as dt
import importlib
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from directives.catalogue.demo import demo_item
from directives.catalogue.services import product_weight
from directives.demo import NO_SLIP, Odds, build_demo_tasks
from directives.dossiers.demo import build_demo_dossiers
from directives.models import CriterionGroup, Regulation, Task, TaskStatus
from directives.selectors import task_facts
from scoring import services
from scoring.models import (
    Adjustment,
    AdjustmentKind,
    PeerAssignment,
    Period,
    PeriodMember,
    PeriodUnit,
    Phase,
    Scorecard,
    ScorecardKind,
    ScorecardStatus,
    ScoreLine,
)
from scoring.oversight import demo as oversight_demo  # the demo's inspection (RULES.md §8)
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
        months = [_month_before(current, n) for n in range(HISTORY_MONTHS, 0, -1)]
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


# --- the months of the demo ----------------------------------------------------------------

HISTORY_MONTHS = 6
# How well each cadre works, month after month, as a share of the maximum: a few excellent
# cadres, the others about normal, so that totals spread around 75 with some A, C and D.
EXCELLENT_SHARE, EXCELLENT_LOW = 0.12, 0.9
LEVEL_MEAN, LEVEL_SD, LEVEL_LOW, LEVEL_HIGH = 0.59, 0.08, 0.40, 1.0
STRUGGLING = 0.55  # below this level a cadre may leave overdue work unfinished
# The warning signs the dashboards should find, by unit code suffix (in every ward).
EQUALIZING = "DV"  # the head gives everyone the same points ("cào bằng"): all B
EQUAL_SHARE = 0.65  # of each general criterion: 19.5 of 30, with a full T: 89.50 each
SELF_INFLATING = "VHXH"  # self-assessments near full marks, well above the head's
LENIENT = "VP"  # one staff member gives every colleague they rate full marks
RECIPROCAL = "KT"  # two staff members give each other full marks
MIN_PEER_CARDS = 3  # a ratee keeps at least this many peer scorecards (the peer mean shows)
# Each unit's monthly pool per member (VND), ±15% from month to month: pools are uneven.
POOL_PER_MEMBER = {
    "": 900_000,  # the ward's own leaders
    "VP": 650_000,
    "KT": 800_000,
    "VHXH": 450_000,
    "HCC": 550_000,
    "DV": 300_000,
    "QS": 500_000,
    "TCKT": 750_000,
    "DCXD": 600_000,
}
PENALTIES = [
    "Chậm nộp báo cáo tuần",
    "Đi muộn, về sớm không có lý do",
    "Không tham dự họp giao ban, không báo cáo",
    "Để hồ sơ của công dân quá hạn giải quyết",
]
DISCIPLINE = "Khiển trách do vi phạm quy chế làm việc của UBND phường"
LEAVE = "Nghỉ ốm dài ngày, làm việc dưới một nửa số ngày công của tháng"
APPEAL = (
    "Đề nghị xem xét lại điểm tiêu chí “Ý thức tổ chức kỷ luật”: trong tháng tôi không vi "
    "phạm thời giờ làm việc, đã nộp đủ báo cáo đúng hạn."
)


def _level(rng) -> float:
    if rng.random() < EXCELLENT_SHARE:
        return rng.uniform(EXCELLENT_LOW, LEVEL_HIGH)
    return min(LEVEL_HIGH, max(LEVEL_LOW, rng.gauss(LEVEL_MEAN, LEVEL_SD)))


def _general_share(level: float) -> float:
    """General criteria are marked more generously than task results are earned."""
    return 0.2 + 0.7 * level


def _suffix(unit) -> str:
    """ "HH-KT" → "KT"; "" for a ward or the city."""
    return unit.code.split("-", 1)[1] if "-" in unit.code else ""


def _month_before(month: str, n: int) -> str:
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + number - 1 - n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _nd335() -> Regulation:
    """Regulation ND335; a flushed test database (browser tests) lost the rows the data
    migration wrote, so they are written again the migration's way."""
    if not Regulation.objects.filter(code="ND335").exists():
        migration = importlib.import_module("directives.migrations.0002_regulations_nd335_hn3814")
        migration.create(django_apps, None)
        public = importlib.import_module("directives.migrations.0007_regulation_results_public")
        public.mark_public(django_apps, None)
    return Regulation.objects.get(code="ND335")


def _quarter(value: float, top: Decimal) -> Decimal:
    """`value` (a share of `top`) as points in quarter steps, within 0..top."""
    quarters = round(float(top) * min(1.0, max(0.0, value)) * 4)
    return Decimal(quarters) / 4


class _MonthHistory:
    """Six earlier months scored, decided, published and (but the newest) locked, and the
    current month open for self-assessment; scorecards in bulk, the month's steps through
    `scoring.services` like the command line (so decisions and publications are audited)."""

    def __init__(self, rng, wards, today, levels):
        self.rng = rng
        self.wards = wards
        self.today = today
        self.levels = levels
        self.regulation = _nd335()
        criteria = list(self.regulation.criteria.order_by("order"))
        self.general = [c for c in criteria if c.group == CriterionGroup.GENERAL]
        self.task_criterion = next(c for c in criteria if c.group == CriterionGroup.TASK)
        self.units = {u.pk: u for u in Unit.objects.all()}
        self.heads = dict(
            Role.objects.filter(role=RoleKind.HEAD).values_list("unit_id", "cadre_id")
        )
        self.canbo = Cadre.objects.get(user__username="canbo")
        self._pick_patterns()

    def build(self, months, current) -> int:
        periods = 0
        for index, month in enumerate(months):
            newest = index == len(months) - 1
            for ward in self.wards:
                period = services.period_open(
                    month=month, scope=ward, regulation=self.regulation, user=None
                )
                members = list(PeriodMember.objects.filter(period=period).select_related("unit"))
                self._struggle(period, members, ward, index)
                self._score(period, members)
                self._adjust(period, members, index)
                oversight_demo.month_findings(self, period, members, index, len(months))
                self._pools(period, members)
                services.period_decide(period=period, user=None, enforce_phase=False)
                services.period_publish(period=period, user=None)
                if not newest:
                    services.period_lock(period=period, user=None, enforce_phase=False)
                self._dates_as_lived(period, newest)
                if newest and ward == self.wards[0]:
                    period.refresh_from_db()
                    services.appeal_file(
                        period=period, cadre=self.canbo, text=APPEAL, user=self.canbo.user
                    )
                periods += 1
        for ward in self.wards:
            period = services.period_open(
                month=current,
                scope=ward,
                regulation=self.regulation,
                dates=self._open_dates(current),
                user=None,
            )
            services.period_advance(period=period, phase=Phase.SELF, user=None)
            self._self_started(period)
            periods += 1
        return periods

    # --- people --------------------------------------------------------------------------

    def level(self, cadre_id) -> float:
        return self.levels[cadre_id]

    def pattern(self, member) -> str:
        return _suffix(self.units[member.unit_id])

    def _pick_patterns(self):
        """The lenient rater (the first staff member of each office) and the reciprocal pair
        (the last two of each economic department, never the `canbo` demo login)."""
        leaders = set(Role.objects.values_list("cadre_id", flat=True))
        staff = defaultdict(list)  # unit id -> its staff (no role), by code
        for cadre_id, unit_id in Membership.objects.order_by("cadre__code").values_list(
            "cadre_id", "unit_id"
        ):
            if cadre_id not in leaders and cadre_id != self.canbo.pk:
                staff[unit_id].append(cadre_id)
        kind = {unit_id: _suffix(self.units[unit_id]) for unit_id in staff}
        self.lenient = {cadres[0] for u, cadres in staff.items() if kind[u] == LENIENT}
        self.pairs = {
            (cadres[-2], cadres[-1])
            for u, cadres in staff.items()
            if kind[u] == RECIPROCAL and len(cadres) >= 2
        }

    def supervisor(self, member) -> int | None:
        """The head of the member's unit, or for a head (or a unit without one) the nearest
        head above."""
        head = self.heads.get(member.unit_id)
        if head is not None and head != member.cadre_id:
            return head
        parent = self.units[member.unit_id].parent_id
        while parent is not None:
            head = self.heads.get(parent)
            if head is not None and head != member.cadre_id:
                return head
            parent = self.units[parent].parent_id
        return None

    # --- one month -----------------------------------------------------------------------

    def _struggle(self, period, members, ward, index):
        """In two of the months a struggling staff member leaves overdue work unfinished."""
        if index not in (1, 4):
            return
        staff = [
            m
            for m in members
            if not m.is_leader
            and self.level(m.cadre_id) < STRUGGLING
            and self.pattern(m) != EQUALIZING
        ]
        if not staff:
            return
        member = self.rng.choice(staff)
        first, last = period.first_day, period.last_day
        assigner = self.supervisor(member) or member.cadre_id
        # Four dossiers of the catalogue's appraisal product (0.5 each) where the member's job
        # group has it; otherwise outside the catalogue at weight 1 (docs/RULES.md §6).
        dossier = demo_item(self.regulation, member.job_group, "HS")
        weighing = (
            {"weight": Decimal(1)}
            if dossier is None
            else {
                "weight": product_weight(dossier.coefficient, Decimal(4)),
                "product": dossier,
                "quantity": Decimal(4),
                "coefficient": dossier.coefficient,
            }
        )
        Task.objects.bulk_create(
            Task(
                code=f"QH-{ward.code}-{period.month}-{n}",
                title="Hoàn thiện hồ sơ tồn đọng (quá hạn)",
                assignee_id=member.cadre_id,
                assigned_by_id=assigner,
                unit_id=member.unit_id,
                assigned_on=first,
                deadline=first + dt.timedelta(days=9 + 5 * n),
                effective_deadline=first + dt.timedelta(days=9 + 5 * n),
                expected_result="Hồ sơ hoàn chỉnh chuyển bộ phận một cửa",
                status=TaskStatus.IN_PROGRESS,
                **weighing,
            )
            for n in range(3)
            if first + dt.timedelta(days=9 + 5 * n) <= last
        )

    def _score(self, period, members):
        rng = self.rng
        with_tasks = set(
            task_facts(
                cadre_ids=[m.cadre_id for m in members],
                first_day=period.first_day,
                last_day=period.last_day,
            )
        )
        tz = timezone.get_current_timezone()

        def at(day):
            # A short month ends before the 29th or 30th: the card comes on its last day.
            moment = dt.time(rng.randint(8, 16), rng.randint(0, 59))
            on = period.first_day.replace(day=min(day, period.last_day.day))
            return dt.datetime.combine(on, moment, tzinfo=tz)

        cards, lines = [], []

        def card(ratee, rater, kind, day, shares):
            scorecard = Scorecard(
                period=period,
                ratee_id=ratee,
                rater_id=rater,
                kind=kind,
                status=ScorecardStatus.SUBMITTED,
                submitted_at=at(day),
            )
            cards.append(scorecard)
            lines.append((scorecard, shares))

        month_noise = {m.cadre_id: rng.uniform(-0.03, 0.03) for m in members}
        level_of = {m.cadre_id: self.level(m.cadre_id) + month_noise[m.cadre_id] for m in members}
        for m in members:
            base = level_of[m.cadre_id]
            card(
                m.cadre_id, m.cadre_id, ScorecardKind.SELF, rng.randint(18, 25), self._own(m, base)
            )
            boss = self.supervisor(m)
            if boss is None:
                continue
            shares = self._supervisor(m, base, boss)
            if m.cadre_id not in with_tasks:
                shares[self.task_criterion] = (
                    1.0 if self._equalized(m, boss) else min(0.97, base) - rng.uniform(0, 0.05)
                )
            card(m.cadre_id, boss, ScorecardKind.SUPERVISOR, rng.randint(28, 30), shares)
        member_of = {m.cadre_id: m for m in members}
        for rater_id, ratee_id, always in self._peer_pairs(period, member_of):
            ratee = member_of[ratee_id]
            if always:
                shares = dict.fromkeys(self.general, 1.0)
            elif self.pattern(ratee) == EQUALIZING:
                shares = dict.fromkeys(self.general, EQUAL_SHARE)
            else:  # raters differ: some mark a colleague up, some down
                share = _general_share(level_of[ratee_id]) + rng.uniform(-0.08, 0.08)
                shares = {c: share + rng.uniform(-0.06, 0.05) for c in self.general}
            card(ratee_id, rater_id, ScorecardKind.PEER, rng.randint(26, 27), shares)
        Scorecard.objects.bulk_create(cards, batch_size=2000)
        ScoreLine.objects.bulk_create(
            (
                ScoreLine(scorecard=scorecard, criterion=c, points=_quarter(share, c.max_points))
                for scorecard, shares in lines
                for c, share in shares.items()
            ),
            batch_size=5000,
        )

    def _equalized(self, member, boss) -> bool:
        """Scored by the head of an equalizing unit (its head is scored from above)."""
        return self.pattern(member) == EQUALIZING and boss == self.heads.get(member.unit_id)

    def _own(self, member, base) -> dict:
        """Self-assessment shares of each general criterion."""
        if self.pattern(member) == EQUALIZING:
            return dict.fromkeys(self.general, EQUAL_SHARE)
        if self.pattern(member) == SELF_INFLATING:
            return {c: self.rng.uniform(0.96, 1.0) for c in self.general}
        share = _general_share(base) + 0.05
        return {c: share + self.rng.uniform(-0.02, 0.04) for c in self.general}

    def _supervisor(self, member, base, boss) -> dict:
        if self._equalized(member, boss):
            return dict.fromkeys(self.general, EQUAL_SHARE)
        share = _general_share(base)
        return {c: share + self.rng.uniform(-0.04, 0.03) for c in self.general}

    def _peer_pairs(self, period, member_of):
        """(rater, ratee, gives full marks) of every submitted peer scorecard: the assigned
        pairs but a few that never submit (every ratee keeps `MIN_PEER_CARDS`), and the
        reciprocal pairs, who also rate each other when not assigned (as the command line
        may import)."""
        assigned = list(
            PeerAssignment.objects.filter(period=period)
            .order_by("pk")
            .values_list("rater_id", "ratee_id")
        )
        mutual = {
            (a, b)
            for pair in self.pairs
            for a, b in (pair, pair[::-1])
            if a in member_of and b in member_of
        }
        given = [*assigned, *sorted(mutual - set(assigned))]
        left = Counter(ratee for _rater, ratee in given)
        for rater, ratee in given:
            always = rater in self.lenient or (rater, ratee) in mutual
            if not always and left[ratee] > MIN_PEER_CARDS and self.rng.random() < 0.08:
                left[ratee] -= 1  # a few peers never submit
                continue
            yield rater, ratee, always

    def _adjust(self, period, members, index):
        rng = self.rng
        staff = [
            m
            for m in members
            if not m.is_leader and m.cadre_id != self.canbo.pk and self.pattern(m) != EQUALIZING
        ]
        if not staff:
            return
        rows = [
            Adjustment(
                period=period,
                cadre_id=m.cadre_id,
                kind=AdjustmentKind.PENALTY,
                points=Decimal(rng.choice([1, 1, 2, 3])),
                reason=rng.choice(PENALTIES),
            )
            for m in rng.sample(staff, min(len(staff), rng.randint(2, 4)))
        ]
        if index == 2:
            rows.append(
                Adjustment(
                    period=period,
                    cadre_id=rng.choice(staff).cadre_id,
                    kind=AdjustmentKind.DISCIPLINE,
                    reason=DISCIPLINE,
                )
            )
        if index == 3:
            rows.append(
                Adjustment(
                    period=period,
                    cadre_id=rng.choice(staff).cadre_id,
                    kind=AdjustmentKind.LEAVE,
                    reason=LEAVE,
                )
            )
        Adjustment.objects.bulk_create(rows)

    def _pools(self, period, members):
        size = defaultdict(int)
        for m in members:
            size[m.unit_id] += 1
        rows = list(PeriodUnit.objects.filter(period=period))
        for row in rows:
            per_member = POOL_PER_MEMBER.get(_suffix(self.units[row.unit_id]), 500_000)
            amount = size[row.unit_id] * per_member * self.rng.uniform(0.85, 1.15)
            row.pool = int(round(amount, -5))
        PeriodUnit.objects.bulk_update(rows, ["pool"])

    def _dates_as_lived(self, period, newest):
        """Decided on the last day, published on the 3rd, locked on the 10th (the newest keeps
        the appeals window its publication opened today)."""
        tz = timezone.get_current_timezone()

        def at(day, hour):
            return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)

        dates = services.default_dates(period.month)
        changes = {
            "decided_at": at(period.review_until, 16),
            "published_at": at(dates["publish_by"], 9),
        }
        if not newest:
            changes |= {
                "appeals_until": dates["appeals_until"],
                "lock_on": dates["lock_on"],
                "locked_at": at(dates["lock_on"], 8),
            }
        Period.objects.filter(pk=period.pk).update(**changes)

    def _open_dates(self, month):
        """The month's own dates; when today is past the self-assessment deadline (a demo
        loaded late in the month), every step moves so that self-assessment is still open."""
        dates = services.default_dates(month)
        if self.today <= dates["self_until"]:
            return dates
        days = dt.timedelta
        self_until = self.today + days(2)
        return {
            "self_until": self_until,
            "peer_until": self_until + days(2),
            "review_until": self_until + days(5),
            "publish_by": self_until + days(8),
            "appeals_until": self_until + days(13),
            "lock_on": self_until + days(15),
        }

    def _self_started(self, period):
        """About half the cadres have submitted their self-assessment, a few have a draft;
        `canbo` has not started, so the demo login can do it."""
        rng = self.rng
        now = timezone.now()
        members = [
            m.cadre_id
            for m in PeriodMember.objects.filter(period=period)
            if m.cadre_id != self.canbo.pk
        ]
        cards, lines = [], []
        for cadre_id in members:
            roll = rng.random()
            if roll > 0.55:
                continue
            submitted = roll < 0.45
            scorecard = Scorecard(
                period=period,
                ratee_id=cadre_id,
                rater_id=cadre_id,
                kind=ScorecardKind.SELF,
                status=ScorecardStatus.SUBMITTED if submitted else ScorecardStatus.DRAFT,
                submitted_at=now if submitted else None,
            )
            cards.append(scorecard)
            criteria = self.general if submitted else self.general[:2]
            share = _general_share(self.level(cadre_id)) + 0.05
            lines.extend(
                ScoreLine(
                    scorecard=scorecard,
                    criterion=c,
                    points=_quarter(share + rng.uniform(-0.02, 0.04), c.max_points),
                )
                for c in criteria
            )
        Scorecard.objects.bulk_create(cards, batch_size=2000)
        ScoreLine.objects.bulk_create(lines, batch_size=5000)
