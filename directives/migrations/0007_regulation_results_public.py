"""A regulation says whether a published month's results are public within the unit; HN3814
(Hanoi's framework) makes them public, ND335 leaves them to each cadre (docs/RULES.md §3)."""

from django.db import migrations, models

PUBLIC = ["HN3814"]


def mark_public(apps, schema_editor):
    apps.get_model("directives", "Regulation").objects.filter(code__in=PUBLIC).update(
        results_public=True
    )


class Migration(migrations.Migration):

    dependencies = [
        ("directives", "0006_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="regulation",
            name="results_public",
            field=models.BooleanField(
                default=False,
                help_text="Once a month is published, every cadre of a unit sees the unit's results (names, tiers, ranks and rewards), never the raters or the scores behind them.",
                verbose_name="published results are public within the unit",
            ),
        ),
        migrations.RunPython(mark_public, migrations.RunPython.noop),
    ]
