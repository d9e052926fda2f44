"""Text stored before every form and model save normalised it: units' and cadres' names,
kinds and job groups become NFC and trimmed, so a job group once typed with combining accents
joins its quota group (docs/RULES.md §5). Rows already normalised are left alone."""

import unicodedata

from django.db import migrations

# Codes are ASCII by their validator (and a unit's path is built from them): left as they are.
FIELDS = {"Unit": ("name", "kind"), "Cadre": ("full_name", "job_group")}


def _clean(value):
    return unicodedata.normalize("NFC", value or "").strip()


def normalise(apps, schema_editor):
    for model_name, fields in FIELDS.items():
        model = apps.get_model("units", model_name)
        changed = []
        for row in model.objects.only("pk", *fields).iterator(chunk_size=2000):
            cleaned = {f: _clean(getattr(row, f)) for f in fields}
            if any(getattr(row, f) != v for f, v in cleaned.items()):
                for field, value in cleaned.items():
                    setattr(row, field, value)
                changed.append(row)
        model.objects.bulk_update(changed, fields, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("units", "0002_account_log")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
