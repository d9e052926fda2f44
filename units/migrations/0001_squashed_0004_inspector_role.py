"""The organisation (units, cadres, memberships, roles) and the account log, as one migration.

It replaces 0001 to 0004: a database that applied them is marked as having applied this one.
Of them only 0003 (the NFC text of rows stored before forms normalised it) is not here: a new
database has no such rows, and `units.formats.clean_text` normalises every save since.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from units.log_tables import append_only_trigger


class Migration(migrations.Migration):
    initial = True

    replaces = [("units", "0001_initial"), ("units", "0002_account_log"), ("units", "0003_nfc_text"), ("units", "0004_inspector_role")]

    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name='Unit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=32, unique=True, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9][A-Za-z0-9._-]*$', 'Use letters, digits, dot, dash or underscore, starting with a letter or digit.')], verbose_name='code')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('kind', models.CharField(help_text='city, ward, department, ...', max_length=32, verbose_name='kind')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='units.unit', verbose_name='parent unit')),
                ('path', models.CharField(editable=False, max_length=1000, verbose_name='path')),
                ('depth', models.PositiveSmallIntegerField(default=0, editable=False, verbose_name='depth')),
                ('active_from', models.DateField(blank=True, null=True, verbose_name='active from')),
                ('active_to', models.DateField(blank=True, null=True, verbose_name='active to')),
            ],
            options={'verbose_name': 'unit', 'verbose_name_plural': 'units', 'ordering': ['code'], 'indexes': [models.Index(fields=['path'], name='unit_path_idx', opclasses=['varchar_pattern_ops'])]},
        ),
        migrations.CreateModel(
            name='Cadre',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=32, unique=True, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9][A-Za-z0-9._-]*$', 'Use letters, digits, dot, dash or underscore, starting with a letter or digit.')], verbose_name='code')),
                ('full_name', models.CharField(max_length=200, verbose_name='full name')),
                ('user', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='cadre', to=settings.AUTH_USER_MODEL, verbose_name='login account')),
                ('job_group', models.CharField(max_length=64, verbose_name='job group')),
                ('category', models.CharField(choices=[('cadre', 'Cadre'), ('civil_servant', 'Civil servant'), ('public_employee', 'Public employee'), ('worker', 'Worker')], default='civil_servant', max_length=20, verbose_name='category')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='email')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
            ],
            options={'verbose_name': 'cadre', 'verbose_name_plural': 'cadres', 'ordering': ['code']},
        ),
        migrations.CreateModel(
            name='Membership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('valid_from', models.DateField(blank=True, null=True, verbose_name='valid from')),
                ('valid_to', models.DateField(blank=True, null=True, verbose_name='valid to')),
                ('cadre', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='units.cadre', verbose_name='cadre')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='units.unit', verbose_name='unit')),
            ],
            options={'verbose_name': 'membership', 'verbose_name_plural': 'memberships', 'ordering': ['cadre', 'valid_from'], 'indexes': [models.Index(fields=['unit', 'valid_to'], name='membership_unit_idx')], 'constraints': [models.CheckConstraint(condition=models.Q(('valid_to__isnull', True), ('valid_from__isnull', True), ('valid_to__gte', models.F('valid_from')), _connector='OR'), name='membership_dates_ordered')]},
        ),
        migrations.CreateModel(
            name='Role',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('valid_from', models.DateField(blank=True, null=True, verbose_name='valid from')),
                ('valid_to', models.DateField(blank=True, null=True, verbose_name='valid to')),
                ('cadre', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='roles', to='units.cadre', verbose_name='cadre')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='roles', to='units.unit', verbose_name='unit')),
                ('role', models.CharField(choices=[('head', 'Head'), ('deputy', 'Deputy head'), ('leader', 'Leader'), ('admin', 'Administrator'), ('inspector', 'Inspector')], max_length=10, verbose_name='role')),
            ],
            options={'verbose_name': 'role', 'verbose_name_plural': 'roles', 'ordering': ['unit', 'role', 'cadre'], 'indexes': [models.Index(fields=['unit', 'role'], name='role_unit_idx')], 'constraints': [models.CheckConstraint(condition=models.Q(('valid_to__isnull', True), ('valid_from__isnull', True), ('valid_to__gte', models.F('valid_from')), _connector='OR'), name='role_dates_ordered')]},
        ),
        migrations.CreateModel(
            name='AccountEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='at')),
                ('kind', models.CharField(choices=[('password_link', 'Set-password link issued'), ('password_set', 'Password set'), ('lockout', 'Login locked out'), ('unlock', 'Lockout lifted')], max_length=20, verbose_name='event')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('actor_name', models.CharField(blank=True, max_length=200, verbose_name='by (as shown)')),
                ('account', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='account')),
                ('username', models.CharField(help_text='the account concerned, as typed or named', max_length=255, verbose_name='username')),
                ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address')),
                ('detail', models.JSONField(blank=True, default=dict, verbose_name='detail')),
            ],
            options={'verbose_name': 'account event', 'verbose_name_plural': 'account log', 'ordering': ['-at', '-pk'], 'base_manager_name': 'objects', 'indexes': [models.Index(fields=['username', 'kind', 'at'], name='accountevent_user_kind_idx')]},
        ),
        append_only_trigger("units_accountevent", "The account log"),
    ]
