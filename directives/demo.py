"""Realistic tasks for the demo ward of `seed_demo`: six months of work in the spirit of 5 clear.

Heads and deputies assign to their staff, a unit's head to its deputies, the ward's leaders to
the heads of its departments; a head with nobody above (the top of the tree) gets no task.
Most tasks are done on time; some are late (with the delay FiveClear records by itself), some
have major errors, a few delays or errors are exempted for an objective cause, a few deadlines
are extended. Rows are written in bulk, so 5,000 cadres × 6 months stays fast.
"""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from directives.catalogue.demo import PRODUCT_OF_TITLE, PRODUCTS, build_demo_catalogue
from directives.catalogue.services import OUTSIDE_MAX, product_weight
from directives.models import Regulation, Task, TaskEvent, TaskEventKind, TaskStatus
from directives.selectors import month_range
from units.models import Membership, Role
from units.scope import ACTING_ROLES, outranks

S = TaskStatus
K = TaskEventKind

COMMON_TITLES = [
    "Báo cáo tình hình kinh tế - xã hội tháng {m}",
    "Tổng hợp số liệu báo cáo tháng {m} gửi UBND phường",
    "Rà soát văn bản quy phạm pháp luật hết hiệu lực",
    "Chuẩn bị nội dung họp giao ban tháng {m}",
    "Xây dựng kế hoạch công tác tháng {next}",
    "Trả lời kiến nghị của cử tri sau kỳ họp",
    "Cập nhật cơ sở dữ liệu cán bộ, công chức",
]
TITLES = {
    "VP": [
        "Soạn thảo giấy mời họp UBND phường",
        "Tổng hợp lịch công tác tuần của lãnh đạo phường",
        "Lập danh mục hồ sơ lưu trữ năm {y}",
        "Kiểm tra thể thức văn bản đi tháng {m}",
    ],
    "KT": [
        "Thẩm định hồ sơ cấp phép xây dựng",
        "Kiểm tra trật tự xây dựng tại tổ dân phố số {n}",
        "Báo cáo tiến độ giải phóng mặt bằng dự án mở rộng đường",
        "Rà soát hộ kinh doanh cá thể trên địa bàn",
    ],
    "VHXH": [
        "Rà soát hộ nghèo, hộ cận nghèo năm {y}",
        "Tổ chức chương trình văn nghệ chào mừng ngày lễ",
        "Chi trả trợ cấp xã hội tháng {m}",
        "Kiểm tra vệ sinh an toàn thực phẩm tại các bếp ăn tập thể",
    ],
    "HCC": [
        "Tiếp nhận và trả kết quả hồ sơ thủ tục hành chính",
        "Số hóa hồ sơ thủ tục hành chính đã giải quyết",
        "Báo cáo tỷ lệ hồ sơ giải quyết đúng hạn tháng {m}",
        "Hướng dẫn người dân nộp hồ sơ trực tuyến",
    ],
    "DV": [
        "Duy tu, bảo dưỡng hệ thống chiếu sáng công cộng",
        "Vệ sinh môi trường khu dân cư tổ dân phố số {n}",
        "Quản lý, vận hành nhà văn hóa tổ dân phố",
    ],
    "QS": [
        "Đăng ký nghĩa vụ quân sự cho công dân nam đủ 17 tuổi",
        "Tổ chức huấn luyện dân quân tự vệ",
        "Báo cáo công tác quốc phòng địa phương tháng {m}",
    ],
    "TCKT": [
        "Lập báo cáo quyết toán ngân sách quý {q}",
        "Kiểm tra chứng từ thanh toán tháng {m}",
        "Theo dõi tiến độ thu ngân sách trên địa bàn",
    ],
    "DCXD": [
        "Đo đạc, chỉnh lý biến động đất đai",
        "Thẩm định hồ sơ cấp giấy chứng nhận quyền sử dụng đất",
        "Kiểm tra hiện trạng sử dụng đất tại tổ dân phố số {n}",
    ],
    "ward": [
        "Chỉ đạo triển khai kế hoạch cải cách hành chính tháng {m}",
        "Chủ trì kiểm tra công tác tiếp công dân",
        "Chỉ đạo công tác phòng, chống thiên tai",
        "Đôn đốc tiến độ các dự án đầu tư công",
    ],
}
RESULTS = [
    "Báo cáo bằng văn bản trình Chủ tịch UBND phường",
    "Tờ trình kèm dự thảo quyết định",
    "Biên bản kiểm tra kèm hình ảnh hiện trường",
    "Danh sách rà soát (tệp Excel) gửi lãnh đạo phòng",
    "Kế hoạch được lãnh đạo phê duyệt",
    "Hồ sơ hoàn chỉnh chuyển bộ phận một cửa",
]
ERRORS = [
    "Sai số liệu tổng hợp so với báo cáo của các tổ dân phố",
    "Thiếu căn cứ pháp lý trong dự thảo",
    "Sai thể thức văn bản, phải ban hành lại",
    "Bỏ sót đối tượng thuộc diện rà soát",
]
DELAYS = [
    "Chậm báo cáo tiến độ giữa kỳ",
    "Không cập nhật kết quả lên hệ thống đúng hạn",
]
OBJECTIVE = [
    "Mưa lớn gây ngập úng, phải tạm dừng kiểm tra hiện trường",
    "Hệ thống dịch vụ công trực tuyến gặp sự cố nhiều ngày",
    "Chờ số liệu của cơ quan cấp trên gửi chậm",
    "Được điều động tham gia đoàn công tác phòng, chống dịch",
]
EXTENSIONS = [
    "Chờ ý kiến của các phòng chuyên môn",
    "Khối lượng hồ sơ phát sinh lớn hơn dự kiến",
    "Chờ kết quả đo đạc của đơn vị tư vấn",
]
WEIGHTS = [Decimal("0.5"), Decimal("1"), Decimal("1"), Decimal("1"), Decimal("1.5"), Decimal("2")]


EXTENDED = 0.06  # the share of tasks due before today whose deadline was extended


@dataclass(frozen=True)
class Odds:
    """The chances that a task due before today ends late, is never finished, or is accepted
    with a major error. The defaults are a typical cadre's."""

    late: float = 0.14
    unfinished: float = 0.03
    error: float = 0.10

    @classmethod
    def of(cls, diligence: float) -> "Odds":
        """A cadre's odds from their diligence, 0..1: at 0.95 a slip now and then, at 0.66
        about one task in six left unfinished, at 0.4 about one in three."""
        shortfall = max(0.0, 1.0 - diligence)
        return cls(
            late=0.08 + 0.6 * shortfall,
            unfinished=0.03 + 0.3 * max(0.0, 0.97 - diligence),
            error=0.06 + 0.45 * shortfall,
        )


TYPICAL = Odds()
NO_SLIP = Odds(late=0, unfinished=0, error=0)  # a head who records no slip of anyone's


@transaction.atomic
def build_demo_tasks(
    *,
    months: list[str],
    rng: random.Random,
    odds: Mapping[int, Odds] | None = None,
    regulation: Regulation | None = None,
) -> int:
    """Create the tasks of every cadre of the demo organisation for the given months.

    `odds` (by cadre id) sets how often each cadre's work slips; a cadre without gets the
    typical `Odds()`. Rows go in with plain multi-row INSERTs and ids allocated here (then the
    id sequences are reset): Django's bulk_create spends most of its time preparing each value.
    With a `regulation`, its catalogue is the demo's (`directives.catalogue.demo`) and most
    tasks are assigned from it; their quantities come from a generator of their own, so the
    rest of the demo draws the same numbers as without it.
    """
    today = timezone.localdate()
    people = _people(today)
    catalogue = _Catalogue(build_demo_catalogue(regulation) if regulation else {})
    odds = odds or {}
    counters = {}
    tasks, supporters = [], []
    events = _Events(rng, timezone.get_current_timezone())
    next_id = _next_id(Task)
    for month in months:
        first, last = month_range(month)
        for cadre_id, unit, assigners, job_group in people.cadres:
            if not assigners:
                continue
            slips = odds.get(cadre_id, TYPICAL)
            count = rng.randint(1, 3) if cadre_id in people.leading else rng.randint(3, 6)
            for _ in range(count):
                task = _task(rng, people, cadre_id, unit, assigners, first, last)
                catalogue.weigh(task, job_group)
                task["id"], next_id = next_id, next_id + 1
                task["code"] = _code(counters, task["assigned_on"])
                _outcome(rng, task, events, today, slips)
                tasks.append(task)
                supporters.extend((task["id"], c) for c in task.pop("supporters"))
    now = timezone.now()
    _insert(
        Task,
        [*TASK_COLUMNS, "created_at", "updated_at"],
        [(*(t[c] for c in TASK_COLUMNS), now, now) for t in tasks],
    )
    _insert(Task.supporters.through, ["task_id", "cadre_id"], supporters)
    _insert(TaskEvent, EVENT_COLUMNS, events.rows)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Task, TaskEvent, Task.supporters.through]
        ):
            cursor.execute(sql)
    return len(tasks)


def _columns(model, *, without=()):
    """The model's table columns in field order: the demo writes its rows straight into them."""
    return [f.column for f in model._meta.concrete_fields if f.column not in without]


TASK_COLUMNS = _columns(Task, without=("created_at", "updated_at"))
EVENT_COLUMNS = _columns(TaskEvent)


class _Catalogue:
    """Weighs a demo task from the catalogue when its title has a product of the assignee's job
    group; otherwise it stays outside the catalogue, at most weight 1 (docs/RULES.md §6)."""

    def __init__(self, items):
        self.items = items  # {(job group, product key): CatalogueItem}
        self.quantities = random.Random(335)

    def weigh(self, task, job_group):
        template = task.pop("template")
        item = self.items.get((job_group, PRODUCT_OF_TITLE.get(template)))
        if item is None:
            task.update(
                weight=min(task["weight"], OUTSIDE_MAX),
                product_id=None,
                quantity=None,
                coefficient=None,
            )
            return
        least, most = PRODUCTS[PRODUCT_OF_TITLE[template]][5]
        quantity = Decimal(self.quantities.randint(least, most))
        task.update(
            weight=product_weight(item.coefficient, quantity),
            product_id=item.pk,
            quantity=quantity,
            coefficient=item.coefficient,
        )


class _People:
    def __init__(self):
        self.cadres = []  # (cadre id, unit, [assigner ids], job group)
        self.leading = set()  # heads and deputies
        self.by_unit = defaultdict(list)


def _people(on):
    """Every member on `on` with the people who may assign to them, in two queries."""
    people = _People()
    memberships = list(
        Membership.objects.valid_on(on)
        .select_related("unit")
        .annotate(job_group=F("cadre__job_group"))
    )
    roles = defaultdict(list)
    holders = defaultdict(list)  # unit path -> [(rank, cadre id)]
    for cadre_id, path, role in (
        Role.objects.valid_on(on)
        .filter(role__in=ACTING_ROLES)
        .values_list("cadre_id", "unit__path", "role")
    ):
        roles[cadre_id].append((path, role))
        holders[path].append((0 if role == "head" else 1, cadre_id))
        people.leading.add(cadre_id)
    for m in memberships:
        people.by_unit[m.unit_id].append(m.cadre_id)
    for m in memberships:
        assigners = []
        for path in reversed(m.unit.ancestor_paths()):
            candidates = [
                cadre_id
                for _rank, cadre_id in sorted(holders.get(path, []))
                if cadre_id != m.cadre_id
                and outranks(roles[cadre_id], roles.get(m.cadre_id, []), m.unit.path)
            ]
            if candidates:
                assigners = candidates
                break
        people.cadres.append((m.cadre_id, m.unit, assigners, m.job_group))
    return people


def _task(rng, people, cadre_id, unit, assigners, first, last):
    deadline = _weekday(rng, first, last)
    assigned_on = max(first - dt.timedelta(days=10), deadline - dt.timedelta(rng.randint(4, 21)))
    # The head assigns most of the work; deputies (listed after the head) the rest.
    assigner = assigners[0] if len(assigners) == 1 or rng.random() < 0.7 else rng.choice(assigners)
    suffix = "ward" if unit.kind == "ward" else unit.code.split("-", 1)[-1]
    template = rng.choice(TITLES.get(suffix, []) + COMMON_TITLES)
    title = template.format(
        m=first.month,
        next=(last + dt.timedelta(days=1)).month,
        y=first.year,
        q=(first.month - 1) // 3 + 1,
        n=rng.randint(1, 24),
    )
    colleagues = [c for c in people.by_unit[unit.pk] if c not in (cadre_id, assigner)]
    supporters = []
    if colleagues and rng.random() < 0.25:
        supporters = rng.sample(colleagues, min(len(colleagues), rng.randint(1, 2)))
    return {
        "title": title,
        "template": template,
        "description": "",
        "assignee_id": cadre_id,
        "assigned_by_id": assigner,
        "unit_id": unit.pk,
        "assigned_on": assigned_on,
        "deadline": deadline,
        "effective_deadline": deadline,
        "expected_result": rng.choice(RESULTS),
        "weight": rng.choice(WEIGHTS),
        "status": S.ASSIGNED,
        "completed_on": None,
        "accepted": False,
        "result_link": "",
        "result_file": "",
        "imported_errors": 0,
        "imported_delays": 0,
        "supporters": supporters,
    }


def _outcome(rng, task, events, today, odds):
    """Decide what happened to the task by `today` and write its history."""
    tid, assignee, assigner = task["id"], task["assignee_id"], task["assigned_by_id"]
    assigned_on, deadline = task["assigned_on"], task["deadline"]
    events.add(tid, K.STATUS, assigner, assigned_on, 8, new_status=S.ASSIGNED)
    if assigned_on > today:
        return
    if deadline >= today:
        roll = rng.random()
        if roll < 0.2 and today > assigned_on:
            on = max(assigned_on, today - dt.timedelta(rng.randint(0, 2)))
            _submit(task, events, on)
        elif roll < 0.55:
            _start(task, events)
        return
    roll = rng.random()
    late, unfinished = EXTENDED + odds.late, EXTENDED + odds.late + odds.unfinished
    if roll < EXTENDED:  # an extension asked and approved, then done by the new deadline
        new = deadline + dt.timedelta(days=rng.randint(3, 10))
        asked = max(assigned_on, deadline - dt.timedelta(days=2))
        request = events.add(
            tid, K.EXTENSION_REQUESTED, assignee, asked, 9, rng.choice(EXTENSIONS), new_deadline=new
        )
        events.add(
            tid, K.EXTENSION_APPROVED, assigner, asked, 15, new_deadline=new, target_id=request
        )
        task["effective_deadline"] = new
        if new >= today:
            _start(task, events)
            return
        done = new - dt.timedelta(days=rng.randint(0, 2))
    elif roll < late:  # late: the delay FiveClear records by itself, sometimes exempted
        done = deadline + dt.timedelta(days=rng.randint(1, 6))
        if done > today:
            _start(task, events)
            return
        reason = f"Nộp kết quả sau hạn ({deadline:%d/%m/%Y})."
        exempt = rng.choice(OBJECTIVE) if rng.random() < 0.25 else ""
        events.counted(tid, K.DELAY, None, done, reason, exempt, assigner)
        if rng.random() < 0.2:
            events.counted(tid, K.DELAY, assigner, done, rng.choice(DELAYS), "", assigner)
    elif roll < unfinished:  # never finished
        _start(task, events)
        return
    else:
        done = deadline - dt.timedelta(days=rng.randint(0, 3))
    done = max(done, assigned_on)
    _submit(task, events, done)
    accepted_on = min(today, done + dt.timedelta(days=rng.randint(0, 2)))
    task["status"], task["accepted"] = S.ACCEPTED, True
    events.add(
        tid, K.STATUS, assigner, accepted_on, 14, old_status=S.SUBMITTED, new_status=S.ACCEPTED
    )
    if rng.random() < odds.error:
        reason = rng.choice(ERRORS)
        for i in range(1 if rng.random() < 0.8 else 2):
            exempt = rng.choice(OBJECTIVE) if i == 0 and rng.random() < 0.15 else ""
            events.counted(tid, K.MAJOR_ERROR, assigner, accepted_on, reason, exempt, assigner)


def _start(task, events):
    task["status"] = S.IN_PROGRESS
    events.add(
        task["id"],
        K.STATUS,
        task["assignee_id"],
        task["assigned_on"],
        10,
        old_status=S.ASSIGNED,
        new_status=S.IN_PROGRESS,
    )


def _submit(task, events, on):
    task["status"], task["completed_on"] = S.SUBMITTED, on
    events.add(
        task["id"],
        K.STATUS,
        task["assignee_id"],
        on,
        8,
        old_status=S.ASSIGNED,
        new_status=S.SUBMITTED,
    )


class _Events:
    """Rows of TaskEvent in EVENT_COLUMNS order, with ids allocated here."""

    def __init__(self, rng, tz):
        self.rng, self.tz = rng, tz
        self.rows = []
        self.next_id = _next_id(TaskEvent)

    def add(self, task_id, kind, author, day, hour, reason="", **fields):
        event_id, self.next_id = self.next_id, self.next_id + 1
        at = dt.datetime.combine(day, dt.time(hour, self.rng.randint(0, 59)), tzinfo=self.tz)
        self.rows.append(
            (
                event_id,
                task_id,
                kind,
                author,
                at,
                reason,
                fields.get("old_status", ""),
                fields.get("new_status", ""),
                fields.get("new_deadline"),
                fields.get("exempted", False),
                fields.get("exempted_by_id"),
                fields.get("exemption_reason", ""),
                fields.get("target_id"),
            )
        )
        return event_id

    def counted(self, task_id, kind, author, day, reason, exempt, assigner):
        """A delay or major error, exempted by the assigner when `exempt` gives the cause."""
        recorded = self.add(
            task_id,
            kind,
            author,
            day,
            10,
            reason,
            exempted=bool(exempt),
            exempted_by_id=assigner if exempt else None,
            exemption_reason=exempt,
        )
        if exempt:
            self.add(task_id, K.EXEMPTION, assigner, day, 16, exempt, target_id=recorded)


def _next_id(model):
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _insert(model, columns, rows):
    """Insert plain tuples fast: COPY on PostgreSQL, multi-row INSERTs elsewhere."""
    if not rows:
        return
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(c) for c in columns)
    with connection.cursor() as wrapper:
        # The database's own cursor: the debug wrapper would log every value as text.
        cursor = wrapper.cursor
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        kinds = {f.column: f.get_internal_type() for f in model._meta.concrete_fields}
        adapt = {
            i: ops.adapt_datetimefield_value
            if kinds[c] == "DateTimeField"
            else ops.adapt_datefield_value
            for i, c in enumerate(columns)
            if kinds[c] in ("DateTimeField", "DateField")
        }
        per_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        size = 30000 // len(columns)  # under SQLite's 32,766 parameters
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            values = [
                adapt[i](v) if i in adapt and v is not None else v
                for row in chunk
                for i, v in enumerate(row)
            ]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([per_row] * len(chunk))}",
                values,
            )


def _weekday(rng, first, last):
    while True:
        day = first + dt.timedelta(days=rng.randint(0, (last - first).days))
        if day.weekday() < 5:
            return day


def _code(counters, on):
    prefix = f"NV{on:%Y%m}-"
    if prefix not in counters:
        counters[prefix] = Task.objects.filter(code__startswith=prefix).count()
    counters[prefix] += 1
    return f"{prefix}{counters[prefix]:04d}"
