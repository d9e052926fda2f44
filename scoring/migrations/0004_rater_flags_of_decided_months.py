"""The rater flags of the months decided before `period_decide` stored them.

The same reading as `scoring.month.selectors.rating.period_peer_cards`, on the historical models,
and the
same pure functions of `scoring.dashboards.flags`. Months decided from now on store their own.
"""

from django.db import migrations
from django.db.models import Q, Sum

from scoring.dashboards.flags import PeerCard, Person, leniency_flags, reciprocal_flags

FROZEN = ("decided", "appeals", "locked")


def store(apps, schema_editor):
    Period = apps.get_model("scoring", "Period")
    Scorecard = apps.get_model("scoring", "Scorecard")
    Criterion = apps.get_model("directives", "Criterion")
    RaterFlag = apps.get_model("scoring", "RaterFlag")
    for period in Period.objects.filter(phase__in=FROZEN).order_by("pk"):
        maximum = Criterion.objects.filter(
            regulation_id=period.regulation_id, group="general"
        ).aggregate(m=Sum("max_points"))["m"]
        if maximum is None:
            continue
        rows = (
            Scorecard.objects.filter(
                period=period, kind="peer", status="submitted", ratee__results__period=period
            )
            .values_list(
                "pk",
                "rater_id",
                "rater__code",
                "rater__full_name",
                "ratee_id",
                "ratee__code",
                "ratee__full_name",
                "ratee__results__unit_id",
            )
            .annotate(points=Sum("lines__points", filter=Q(lines__criterion__group="general")))
            .order_by()
        )
        people = {}
        cards = []
        for row in rows.iterator(chunk_size=5000):
            (
                _pk,
                rater_id,
                rater_code,
                rater_name,
                ratee_id,
                ratee_code,
                ratee_name,
                unit,
                points,
            ) = row
            if points is None:
                continue
            rater = people.setdefault(rater_id, Person(rater_code, rater_name))
            ratee = people.setdefault(ratee_id, Person(ratee_code, ratee_name))
            cards.append(PeerCard(unit, rater, ratee, points, maximum))
        ids = {person.code: pk for pk, person in people.items()}
        RaterFlag.objects.bulk_create(
            [
                RaterFlag(
                    period=period,
                    unit_id=flag.unit_id,
                    kind=flag.kind.value,
                    reason=flag.reason,
                    rater_id=ids[flag.people[0].code],
                    partner_id=ids[flag.people[1].code] if len(flag.people) > 1 else None,
                    values=dict(flag.values),
                )
                for flag in leniency_flags(cards) + reciprocal_flags(cards)
            ],
            batch_size=1000,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0003_rater_flags"),
        ("directives", "0002_regulations_nd335_hn3814"),
    ]

    operations = [migrations.RunPython(store, migrations.RunPython.noop)]
