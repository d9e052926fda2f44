"""Inspections with their findings, personnel review cases and their audit log, as one
migration.

It replaces 0001 and 0002: a database that applied them is marked as having applied this one.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from units.log_tables import append_only_trigger, audit_log_fields


class Migration(migrations.Migration):
    initial = True

    replaces = [("oversight", "0001_inspections_cases"), ("oversight", "0002_inspection_reference")]

    dependencies = [("scoring", "0001_squashed_0007_verbose_names"), ("units", "0001_squashed_0004_inspector_role"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name='Inspection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='inspections', to='units.unit', verbose_name='unit')),
                ('on', models.DateField(verbose_name='date')),
                ('scope', models.CharField(choices=[('procedures', 'Administrative procedures'), ('conduct', 'Code of conduct'), ('discipline', 'Discipline')], max_length=12, verbose_name='scope')),
                ('surprise', models.BooleanField(default=True, verbose_name='surprise inspection')),
                ('summary', models.TextField(blank=True, verbose_name='summary')),
                ('reference', models.CharField(blank=True, help_text="the inspection's number, once per unit and year (given by an import)", max_length=32, verbose_name='reference')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.cadre', verbose_name='recorded by')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
            ],
            options={'verbose_name': 'inspection', 'verbose_name_plural': 'inspections', 'ordering': ['-on', '-pk'], 'indexes': [models.Index(fields=['unit', 'on'], name='inspection_unit_on_idx')]},
        ),
        migrations.CreateModel(
            name='Finding',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('inspection', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='findings', to='oversight.inspection', verbose_name='inspection')),
                ('cadre', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='findings', to='units.cadre', verbose_name='cadre')),
                ('text', models.TextField(verbose_name='finding')),
                ('handling', models.CharField(choices=[('remind', 'Remind'), ('penalty', 'Penalty points'), ('discipline', 'Discipline')], max_length=10, verbose_name='proposed handling')),
                ('points', models.DecimalField(decimal_places=2, default=0, max_digits=5, verbose_name='points')),
                ('evidence', models.FileField(blank=True, upload_to='inspections/%Y/%m/', verbose_name='evidence')),
                ('adjustment', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='finding', to='scoring.adjustment', verbose_name='adjustment')),
                ('confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='confirmed by')),
                ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed at')),
            ],
            options={'verbose_name': 'finding', 'verbose_name_plural': 'findings', 'ordering': ['inspection', 'pk']},
        ),
        migrations.CreateModel(
            name='ReviewCase',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('cadre', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='review_cases', to='units.cadre', verbose_name='cadre')),
                ('unit', models.ForeignKey(help_text="the cadre's unit when the case was opened", on_delete=django.db.models.deletion.PROTECT, related_name='review_cases', to='units.unit', verbose_name='unit')),
                ('kind', models.CharField(choices=[('warning', 'Warning'), ('transfer', 'Transfer'), ('rotation', 'Rotation'), ('replacement', 'Replacement')], max_length=12, verbose_name='kind')),
                ('grounds', models.TextField(verbose_name='grounds')),
                ('opened_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.cadre', verbose_name='opened by')),
                ('opened_at', models.DateTimeField(auto_now_add=True, verbose_name='opened at')),
                ('decision_number', models.CharField(blank=True, max_length=64, verbose_name='decision number')),
                ('decision_date', models.DateField(blank=True, null=True, verbose_name='decision date')),
                ('effective_on', models.DateField(blank=True, null=True, verbose_name='effective on')),
                ('target_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.unit', verbose_name='new unit')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.cadre', verbose_name='decided by')),
            ],
            options={'verbose_name': 'personnel review case', 'verbose_name_plural': 'personnel review cases', 'ordering': ['-opened_at', '-pk']},
        ),
        migrations.CreateModel(
            name='OversightEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                *audit_log_fields(),
                ('object_id', models.CharField(blank=True, max_length=64, verbose_name='object id')),
                ('unit', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.unit', verbose_name='unit')),
            ],
            options={'verbose_name': 'oversight audit entry', 'verbose_name_plural': 'oversight audit log', 'ordering': ['-at', '-pk'], 'base_manager_name': 'objects'},
        ),
        append_only_trigger("oversight_oversightentry", "The audit log"),
    ]
