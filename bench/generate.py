"""A synthetic city for benchmarks: N cadres with units, roles, tasks, a month ready to decide
(self, peer and supervisor scorecards, adjustments, pools) and `history` decided months before it.

    .venv/bin/python bench/generate.py --size 20000          # into the configured database
    DATABASE_URL=postgres://... .venv/bin/python bench/generate.py --size 100000

Bulk loaded (COPY on PostgreSQL); refuses a database that already has the bench city.
"""

import argparse
import datetime as dt
import random
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import django_setup

django_setup()

from django.db import transaction  # noqa: E402

from bench.bulk import IdSource, load, vacuum_analyze  # noqa: E402
from directives.models import Regulation, Task, TaskStatus  # noqa: E402
from scoring.engine import competition_ranks  # noqa: E402
from scoring.models import (  # noqa: E402
    Adjustment,
    PeerAssignment,
    Period,
    PeriodMember,
    PeriodUnit,
    PeriodUnitResult,
    Phase,
    Result,
    Scorecard,
    ScoreLine,
    month_bounds,
)
from scoring.month.peers import assign_peers  # noqa: E402
from scoring.month.services.opening import default_dates  # noqa: E402
from units.models import Cadre, Membership, Role, Unit  # noqa: E402

CITY = "BC"
DEPARTMENTS = ["VP", "KT", "VHXH", "HCC", "DV", "QS", "TCKT", "DCXD"]
SHARES = [18, 20, 16, 14, 14, 8, 5, 7]
GROUPS = ["Chuyên viên", "Cán sự", "Văn thư"]
LEADER = "Lãnh đạo"


def months_before(month, n):
    first, _ = month_bounds(month)
    out = []
    for _ in range(n):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        out.append(f"{first:%Y-%m}")
    return list(reversed(out))


class City:
    """The organisation: units, cadres (with ability), roles, memberships."""

    def __init__(self, size, rng, ids):
        self.units, self.cadres, self.roles, self.memberships = [], [], [], []
        self.members = defaultdict(list)  # unit id -> cadre ids
        self.head_of = {}  # unit id -> head cadre id
        self.parent = {}
        city = self._unit(ids, CITY, "Thành phố thử tải", "city", None)
        self._cadre(ids, rng, city, LEADER, "head")
        wards = max(1, size // 130)
        per_ward = [size // wards + (1 if i < size % wards else 0) for i in range(wards)]
        for w, count in enumerate(per_ward):
            ward = self._unit(ids, f"{CITY}-P{w:04d}", f"Phường thử tải {w}", "ward", city)
            self._cadre(ids, rng, ward, LEADER, "head")
            self._cadre(ids, rng, ward, LEADER, "deputy")
            self._cadre(ids, rng, ward, LEADER, "leader")
            rest = count - 3
            shares = [rest * s // sum(SHARES) for s in SHARES]
            shares[0] += rest - sum(shares)
            for suffix, share in zip(DEPARTMENTS, shares, strict=True):
                dept = self._unit(ids, f"{ward['code']}-{suffix}", suffix, "department", ward)
                for i in range(share):
                    role = "head" if i == 0 else "deputy" if i == 1 and share > 6 else None
                    group = LEADER if role else GROUPS[i % len(GROUPS)]
                    self._cadre(ids, rng, dept, group, role)

    def _unit(self, ids, code, name, kind, parent):
        path = (parent["path"] if parent else "/") + code + "/"
        unit = {
            "id": ids.next(Unit),
            "code": code,
            "name": name,
            "kind": kind,
            "parent_id": parent["id"] if parent else None,
            "path": path,
            "depth": path.count("/") - 2,
        }
        self.units.append(unit)
        self.parent[unit["id"]] = unit["parent_id"]
        return unit

    def _cadre(self, ids, rng, unit, group, role):
        cadre = {
            "id": ids.next(Cadre),
            "code": f"BC{len(self.cadres) + 1:06d}",
            "full_name": f"Cán bộ {len(self.cadres) + 1}",
            "job_group": group,
            "unit": unit["id"],
            "ability": rng.gauss(0, 1),
            "role": role,
        }
        self.cadres.append(cadre)
        self.members[unit["id"]].append(cadre["id"])
        self.memberships.append(
            {"id": ids.next(Membership), "cadre_id": cadre["id"], "unit_id": unit["id"]}
        )
        if role:
            self.roles.append(
                {"id": ids.next(Role), "cadre_id": cadre["id"], "unit_id": unit["id"], "role": role}
            )
            if role == "head":
                self.head_of[unit["id"]] = cadre["id"]
        return cadre

    def supervisor(self, cadre):
        """Head of the cadre's unit; for a head, the head of the parent unit."""
        unit = cadre["unit"]
        head = self.head_of.get(unit)
        if head is None or head == cadre["id"]:
            parent = self.parent.get(unit)
            head = self.head_of.get(parent) if parent else None
        return head


def clamp(x, lo, hi):
    return max(lo, min(hi, x))


def generate(*, size, seed=7, month="2026-10", history=6, out=print):
    if Unit.objects.filter(code=CITY).exists():
        raise SystemExit(f"The database already has the bench city {CITY}.")
    started = time.perf_counter()
    rng = random.Random(seed)
    ids = IdSource()
    city = City(size, rng, ids)
    regulation = Regulation.objects.get(code="ND335")
    criteria = {c.code: c for c in regulation.criteria.all()}
    general = [c for c in criteria.values() if c.group == "general"]
    by_id = {c["id"]: c for c in city.cadres}
    leaders = {r["cadre_id"] for r in city.roles if r["role"] in ("head", "deputy")}

    with transaction.atomic():
        load(Unit, city.units)
        load(
            Cadre,
            [{k: c[k] for k in ("id", "code", "full_name", "job_group")} for c in city.cadres],
        )
        load(Membership, city.memberships)
        load(Role, city.roles)
        months = [*months_before(month, history), month]
        task_rows = []
        for m in months:
            first, last = month_bounds(m)
            for cadre in city.cadres:
                if rng.random() < 0.1:
                    continue  # no task this month: the supervisor enters T by hand
                for _ in range(rng.randint(1, 4)):
                    deadline = first + dt.timedelta(days=rng.randint(0, (last - first).days))
                    late = rng.random() < clamp(0.15 - 0.08 * cadre["ability"], 0.01, 0.5)
                    done = deadline + dt.timedelta(
                        days=rng.randint(1, 6) if late else -rng.randint(0, 3)
                    )
                    accepted = rng.random() > 0.05
                    task_rows.append(
                        {
                            "id": ids.next(Task),
                            "code": f"T{m.replace('-', '')}-{len(task_rows)}",
                            "title": "Nhiệm vụ thử tải",
                            "assignee_id": cadre["id"],
                            "assigned_by_id": city.supervisor(cadre) or cadre["id"],
                            "unit_id": cadre["unit"],
                            "assigned_on": first,
                            "deadline": deadline,
                            "effective_deadline": deadline,
                            "expected_result": "Báo cáo",
                            "weight": Decimal(rng.choice(["0.5", "1", "1", "1.5", "2"])),
                            "status": TaskStatus.ACCEPTED if accepted else TaskStatus.SUBMITTED,
                            "completed_on": done,
                            "accepted": accepted,
                            "imported_errors": 1 if rng.random() < 0.08 else 0,
                            "imported_delays": 1 if late else 0,
                        }
                    )
        load(Task, task_rows)
        out(f"organisation and {len(task_rows)} tasks: {time.perf_counter() - started:.1f} s")

        for m in months[:-1]:
            _history_month(m, city, by_id, leaders, regulation, ids, rng)
        out(f"{history} decided months: {time.perf_counter() - started:.1f} s")
        _open_month(month, city, by_id, leaders, regulation, criteria, general, ids, rng)
    vacuum_analyze()
    out(
        f"month {month} ready to decide, {len(city.cadres)} cadres, "
        f"{len(city.units)} units: {time.perf_counter() - started:.1f} s"
    )
    return city


def _period(month, city, regulation, ids, phase):
    row = {
        "id": ids.next(Period),
        "month": month,
        "scope_id": city.units[0]["id"],
        "regulation_id": regulation.id,
        "phase": phase,
        **default_dates(month),
    }
    load(Period, [row])
    return row["id"]


def _members(period_id, city, leaders, ids):
    load(
        PeriodMember,
        [
            {
                "id": ids.next(PeriodMember),
                "period_id": period_id,
                "cadre_id": c["id"],
                "unit_id": c["unit"],
                "job_group": c["job_group"],
                "is_leader": c["id"] in leaders,
            }
            for c in city.cadres
        ],
    )


def _history_month(month, city, by_id, leaders, regulation, ids, rng):
    """A decided, locked month with plausible results (written directly, not recomputed)."""
    period_id = _period(month, city, regulation, ids, Phase.LOCKED)
    _members(period_id, city, leaders, ids)
    totals = {}
    for c in city.cadres:
        totals[c["id"]] = Decimal(
            str(round(clamp(82 + 7 * c["ability"] + rng.gauss(0, 4), 30, 99), 2))
        )
    by_unit = defaultdict(dict)
    for cid, total in totals.items():
        by_unit[by_id[cid]["unit"]][cid] = total
    scope_ranks = competition_ranks({str(k): v for k, v in totals.items()})
    rows, unit_rows = [], []
    for unit_id, unit_totals in by_unit.items():
        unit_ranks = competition_ranks({str(k): v for k, v in unit_totals.items()})
        pool = 500_000 * len(unit_totals)
        each = pool // max(1, len(unit_totals)) // 1000 * 1000
        for cid, total in unit_totals.items():
            tier = "A" if total >= 90 else "B" if total >= 70 else "C" if total >= 50 else "D"
            final = "B" if tier == "A" and rng.random() < 0.6 else tier
            general = Decimal(str(round(clamp(25 + 2 * by_id[cid]["ability"], 10, 30), 2)))
            rows.append(
                {
                    "id": ids.next(Result),
                    "period_id": period_id,
                    "cadre_id": cid,
                    "unit_id": unit_id,
                    "job_group": by_id[cid]["job_group"],
                    "is_leader": cid in leaders,
                    "self_score": general + 1,
                    "peer_score": general,
                    "peer_count": 4,
                    "supervisor_score": general,
                    "general": general,
                    "task": total - general,
                    "task_source": "tasks",
                    "total": total,
                    "tier_before_quota": tier,
                    "tier": final,
                    "rank_in_unit": unit_ranks[str(cid)],
                    "rank_in_scope": scope_ranks[str(cid)],
                    "reward": each if final != "D" else 0,
                    "equal_split": each,
                    "reasons": [],
                }
            )
        unit_rows.append(
            {
                "id": ids.next(PeriodUnitResult),
                "period_id": period_id,
                "unit_id": unit_id,
                "pool": pool,
                "rated": len(unit_totals),
                "distributed": each * len(unit_totals),
                "undistributed": pool - each * len(unit_totals),
                "equal_split": each,
            }
        )
    load(Result, rows)
    load(PeriodUnitResult, unit_rows)


def _open_month(month, city, by_id, leaders, regulation, criteria, general, ids, rng):
    """The month to decide: members, pools, peers and every scorecard submitted."""
    period_id = _period(month, city, regulation, ids, Phase.REVIEW)
    _members(period_id, city, leaders, ids)
    load(
        PeriodUnit,
        [
            {
                "id": ids.next(PeriodUnit),
                "period_id": period_id,
                "unit_id": u["id"],
                "pool": 400_000 * len(city.members[u["id"]]),
            }
            for u in city.units
        ],
    )
    code_to_id = {c["code"]: c["id"] for c in city.cadres}
    assignments, cards, lines = [], [], []
    first, last = month_bounds(month)
    with_tasks = set(
        Task.objects.filter(effective_deadline__range=(first, last))
        .values_list("assignee_id", flat=True)
        .distinct()
    )

    def card(ratee, rater, kind, bias):
        card_id = ids.next(Scorecard)
        cards.append(
            {
                "id": card_id,
                "period_id": period_id,
                "ratee_id": ratee["id"],
                "rater_id": rater,
                "kind": kind,
                "status": "submitted",
            }
        )
        for criterion in general:
            share = clamp(0.82 + 0.06 * ratee["ability"] + bias + rng.gauss(0, 0.05), 0.3, 1)
            points = (criterion.max_points * Decimal(str(share))).quantize(Decimal("0.25"))
            lines.append(
                {
                    "id": ids.next(ScoreLine),
                    "scorecard_id": card_id,
                    "criterion_id": criterion.id,
                    "points": points,
                }
            )
        return card_id

    for unit_id, member_ids in city.members.items():
        codes = [by_id[i]["code"] for i in member_ids]
        for rater_code, ratees in assign_peers(month, str(unit_id), codes).items():
            rater = code_to_id[rater_code]
            for ratee_code in ratees:
                ratee = by_id[code_to_id[ratee_code]]
                assignments.append(
                    {
                        "id": ids.next(PeerAssignment),
                        "period_id": period_id,
                        "rater_id": rater,
                        "ratee_id": ratee["id"],
                    }
                )
                card(ratee, rater, "peer", 0)
    for cadre in city.cadres:
        card(cadre, cadre["id"], "self", 0.06)
        supervisor = city.supervisor(cadre)
        if supervisor and supervisor != cadre["id"]:
            sup_card = card(cadre, supervisor, "supervisor", -0.02)
            if cadre["id"] not in with_tasks:
                lines.append(
                    {
                        "id": ids.next(ScoreLine),
                        "scorecard_id": sup_card,
                        "criterion_id": criteria["T"].id,
                        "points": Decimal(rng.randint(40, 68)),
                    }
                )
    load(PeerAssignment, assignments)
    load(Scorecard, cards)
    load(ScoreLine, lines)
    adjustments = []
    for cadre in rng.sample(city.cadres, k=max(1, len(city.cadres) // 50)):
        kind = rng.choice(["penalty", "penalty", "penalty", "discipline", "leave"])
        adjustments.append(
            {
                "id": ids.next(Adjustment),
                "period_id": period_id,
                "cadre_id": cadre["id"],
                "kind": kind,
                "points": Decimal("2") if kind == "penalty" else Decimal("0"),
                "reason": "Thử tải",
            }
        )
    load(Adjustment, adjustments)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--history", type=int, default=6)
    args = parser.parse_args()
    generate(size=args.size, seed=args.seed, month=args.month, history=args.history)


if __name__ == "__main__":
    main()
