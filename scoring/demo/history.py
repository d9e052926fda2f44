"""The demo ward's past months, decided, published and locked through the services like the
command line: each cadre's level, the pools, penalties and appeals, and the raters whose habits
the dashboards flag."""

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.utils import timezone

from directives.catalogue.demo import demo_item
from directives.catalogue.services import product_weight
from directives.models import CriterionGroup, Task, TaskStatus
from directives.selectors import task_facts
from scoring.demo.levels import _general_share, _nd335, _quarter, _suffix
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
from scoring.month.services import appeals as services_appeals
from scoring.month.services import decide as services_decide
from scoring.month.services import opening as services_opening
from scoring.oversight import demo as oversight_demo
from units.models import Cadre, Membership, Role, RoleKind, Unit

# --- the months of the demo ----------------------------------------------------------------

HISTORY_MONTHS = 6


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


class _MonthHistory:
    """Six earlier months scored, decided, published and (but the newest) locked, and the
    current month open for self-assessment; scorecards in bulk, the month's steps through
    `scoring.month.services` like the command line (so decisions and publications are audited)."""

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
                period = services_opening.period_open(
                    month=month, scope=ward, regulation=self.regulation, user=None
                )
                members = list(PeriodMember.objects.filter(period=period).select_related("unit"))
                self._struggle(period, members, ward, index)
                self._score(period, members)
                self._adjust(period, members, index)
                oversight_demo.month_findings(self, period, members, index, len(months))
                self._pools(period, members)
                services_decide.period_decide(period=period, user=None, enforce_phase=False)
                services_decide.period_publish(period=period, user=None)
                if not newest:
                    services_decide.period_lock(period=period, user=None, enforce_phase=False)
                self._dates_as_lived(period, newest)
                if newest and ward == self.wards[0]:
                    period.refresh_from_db()
                    services_appeals.appeal_file(
                        period=period, cadre=self.canbo, text=APPEAL, user=self.canbo.user
                    )
                periods += 1
        for ward in self.wards:
            period = services_opening.period_open(
                month=current,
                scope=ward,
                regulation=self.regulation,
                dates=self._open_dates(current),
                user=None,
            )
            services_opening.period_advance(period=period, phase=Phase.SELF, user=None)
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
        # The third month someone is disciplined, the fourth someone is on leave.
        once = {2: (AdjustmentKind.DISCIPLINE, DISCIPLINE), 3: (AdjustmentKind.LEAVE, LEAVE)}
        if index in once:
            kind, reason = once[index]
            cadre_id = rng.choice(staff).cadre_id
            rows.append(Adjustment(period=period, cadre_id=cadre_id, kind=kind, reason=reason))
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

        dates = services_opening.default_dates(period.month)
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
        dates = services_opening.default_dates(month)
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
