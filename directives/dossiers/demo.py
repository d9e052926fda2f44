"""The demo ward's rated dossiers (`seed_demo`): every month of the demo, the cadres of the
one-stop centre (HCC) and of the public services centre (DV) of each ward handle a few dossiers
each, mostly on time and satisfied, with some comments and a verified complaint now and then,
so that the grid, the result page, the comments page and the dashboard show them.

Its own random generator (seeded from the demo's seed), so the rest of the demo draws the same
numbers with or without it; bulk writes, a few hundred rows a ward."""

import datetime as dt
import random

from directives.dossiers.models import DossierRating, Rating
from units.models import Membership

PRAISE = [
    "Cán bộ hướng dẫn tận tình, dễ hiểu",
    "Trả kết quả sớm hơn hẹn",
    "Thái độ phục vụ niềm nở",
]
COMPLAINTS = [
    "Hẹn trả kết quả nhưng phải đi lại hai lần",
    "Yêu cầu bổ sung giấy tờ không có trong quy định",
    "Chờ lâu, không được giải thích lý do chậm",
]


def build_demo_dossiers(*, months: list[str], today: dt.date, seed: int) -> int:
    """Dossiers of the centres' members for each "YYYY-MM" of `months`, none after `today`;
    returns how many."""
    rng = random.Random(f"dossiers-{seed}")
    members = list(
        Membership.objects.filter(unit__code__regex=r"-(HCC|DV)$")
        .order_by("unit__code", "cadre__code")
        .values_list("cadre_id", "unit_id", "unit__code")
    )
    rows, number = [], 0
    for month in months:
        year, month_number = int(month[:4]), int(month[5:])
        for cadre_id, unit_id, unit_code in members:
            # The DV centre's staff handle fewer dossiers than the one-stop centre's.
            count = rng.randint(3, 8) if unit_code.endswith("-HCC") else rng.randint(1, 4)
            careless = rng.random() < 0.15  # some cadres have a worse month
            for _ in range(count):
                day = dt.date(year, month_number, rng.randint(1, 28))
                if day > today:
                    continue
                number += 1
                late = rng.random() < (0.25 if careless else 0.05)
                draw = rng.random()
                if draw < (0.2 if careless else 0.05):
                    rating = Rating.UNSATISFIED
                elif draw < 0.55:
                    rating = Rating.SATISFIED
                else:
                    rating = Rating.VERY_SATISFIED
                comment = ""
                if rating == Rating.UNSATISFIED:
                    comment = rng.choice(COMPLAINTS)
                elif rng.random() < 0.1:
                    comment = rng.choice(PRAISE)
                rows.append(
                    DossierRating(
                        code=f"HS-{month.replace('-', '')}-{number:05d}",
                        unit_id=unit_id,
                        cadre_id=cadre_id,
                        handled_on=day,
                        on_time=not late,
                        rating=rating,
                        comment=comment,
                        verified=rating == Rating.UNSATISFIED and rng.random() < 0.5,
                    )
                )
    DossierRating.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
