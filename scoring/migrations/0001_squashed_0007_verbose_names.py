"""The month: periods, their units and members, scorecards, peers, adjustments, results, rater
flags, appeals, corrections and revisions, reminders and the audit log, as one migration.

It replaces 0001 to 0007: a database that applied them is marked as having applied this one.
Of them only 0004 (the rater flags of the months decided before `period_decide` stored them)
is not here: a new database has no such months.
"""

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from units.log_tables import append_only_trigger, audit_log_fields


class Migration(migrations.Migration):
    initial = True

    replaces = [("scoring", "0001_initial"), ("scoring", "0002_audit_append_only"), ("scoring", "0003_rater_flags"), ("scoring", "0004_rater_flags_of_decided_months"), ("scoring", "0005_appeal_corrections"), ("scoring", "0006_month_run_reopened_units_and_reminders"), ("scoring", "0007_verbose_names")]

    dependencies = [("directives", "0001_squashed_0009_dossiers_satisfaction"), ("units", "0001_squashed_0004_inspector_role"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name='Period',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.CharField(help_text='YYYY-MM', max_length=7, verbose_name='month')),
                ('scope', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='periods', to='units.unit', verbose_name='scope')),
                ('regulation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='periods', to='directives.regulation', verbose_name='regulation')),
                ('phase', models.CharField(choices=[('draft', 'Draft'), ('self', 'Self-assessment'), ('peer', 'Cross-evaluation'), ('review', 'Supervisor review'), ('decided', 'Decided'), ('appeals', 'Published, appeals open'), ('locked', 'Locked')], default='draft', max_length=8, verbose_name='phase')),
                ('self_until', models.DateField(verbose_name='self-assessment until')),
                ('peer_until', models.DateField(verbose_name='cross-evaluation until')),
                ('review_until', models.DateField(verbose_name='supervisor review until')),
                ('publish_by', models.DateField(verbose_name='publish by')),
                ('appeals_until', models.DateField(verbose_name='appeals until')),
                ('lock_on', models.DateField(verbose_name='locks on')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='published at')),
                ('locked_at', models.DateTimeField(blank=True, null=True, verbose_name='locked at')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
            ],
            options={'verbose_name': 'period', 'verbose_name_plural': 'periods', 'ordering': ['-month', 'scope__code'], 'constraints': [models.UniqueConstraint(fields=('month', 'scope'), name='period_month_scope_unique')]},
        ),
        migrations.CreateModel(
            name='PeriodUnit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='units', to='scoring.period', verbose_name='period')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.unit', verbose_name='unit')),
                ('pool', models.BigIntegerField(default=0, verbose_name='pool (VND)')),
                ('outstanding', models.BooleanField(default=False, verbose_name='outstanding unit')),
                ('self_until', models.DateField(blank=True, null=True, verbose_name='self-assessment reopened until')),
                ('peer_until', models.DateField(blank=True, null=True, verbose_name='cross-evaluation reopened until')),
                ('review_until', models.DateField(blank=True, null=True, verbose_name='supervisor review reopened until')),
            ],
            options={'verbose_name': 'unit of a period', 'verbose_name_plural': 'units of a period', 'constraints': [models.UniqueConstraint(fields=('period', 'unit'), name='periodunit_unique'), models.CheckConstraint(condition=models.Q(('pool__gte', 0)), name='periodunit_pool_gte_0')]},
        ),
        migrations.CreateModel(
            name='PeriodMember',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='members', to='scoring.period', verbose_name='period')),
                ('cadre', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='period_memberships', to='units.cadre', verbose_name='cadre')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.unit', verbose_name='unit')),
                ('job_group', models.CharField(max_length=64, verbose_name='job group')),
                ('is_leader', models.BooleanField(default=False, verbose_name='head or deputy')),
            ],
            options={'verbose_name': 'member of a period', 'verbose_name_plural': 'members of a period', 'indexes': [models.Index(fields=['period', 'unit'], name='periodmember_unit_idx')], 'constraints': [models.UniqueConstraint(fields=('period', 'cadre'), name='periodmember_unique')]},
        ),
        migrations.CreateModel(
            name='Scorecard',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scorecards', to='scoring.period', verbose_name='period')),
                ('ratee', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='scorecards_received', to='units.cadre', verbose_name='ratee')),
                ('rater', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='scorecards_given', to='units.cadre', verbose_name='rater')),
                ('kind', models.CharField(choices=[('self', 'Self-assessment'), ('peer', 'Peer evaluation'), ('supervisor', 'Supervisor')], max_length=10, verbose_name='kind')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted')], default='draft', max_length=10, verbose_name='status')),
                ('version', models.PositiveIntegerField(default=1, verbose_name='version')),
                ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='updated by')),
            ],
            options={'verbose_name': 'scorecard', 'verbose_name_plural': 'scorecards', 'indexes': [models.Index(fields=['period', 'ratee'], name='scorecard_ratee_idx'), models.Index(fields=['period', 'rater'], name='scorecard_rater_idx')], 'constraints': [models.UniqueConstraint(fields=('period', 'ratee', 'rater', 'kind'), name='scorecard_unique')]},
        ),
        migrations.CreateModel(
            name='ScoreLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scorecard', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='scoring.scorecard')),
                ('criterion', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='directives.criterion', verbose_name='criterion')),
                ('points', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='points')),
                ('comment', models.TextField(blank=True, verbose_name='comment')),
            ],
            options={'verbose_name': 'score line', 'verbose_name_plural': 'score lines', 'constraints': [models.UniqueConstraint(fields=('scorecard', 'criterion'), name='scoreline_unique'), models.CheckConstraint(condition=models.Q(('points__gte', 0)), name='scoreline_gte_0')]},
        ),
        migrations.CreateModel(
            name='PeerAssignment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='peer_assignments', to='scoring.period')),
                ('rater', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.cadre')),
                ('ratee', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.cadre')),
            ],
            options={'verbose_name': 'peer assignment', 'verbose_name_plural': 'peer assignments', 'constraints': [models.UniqueConstraint(fields=('period', 'rater', 'ratee'), name='peer_unique'), models.CheckConstraint(condition=models.Q(('rater', models.F('ratee')), _negated=True), name='peer_not_self')]},
        ),
        migrations.CreateModel(
            name='Adjustment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='adjustments', to='scoring.period', verbose_name='period')),
                ('cadre', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='adjustments', to='units.cadre', verbose_name='cadre')),
                ('kind', models.CharField(choices=[('bonus', 'Bonus'), ('penalty', 'Penalty'), ('discipline', 'Discipline'), ('leave', 'Worked under half the month')], max_length=10, verbose_name='kind')),
                ('points', models.DecimalField(decimal_places=2, default=0, max_digits=5, verbose_name='points')),
                ('reason', models.TextField(verbose_name='reason')),
                ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='entered by')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
            ],
            options={'verbose_name': 'adjustment', 'verbose_name_plural': 'adjustments', 'indexes': [models.Index(fields=['period', 'cadre'], name='adjustment_cadre_idx')], 'constraints': [models.CheckConstraint(condition=models.Q(('points__gte', 0)), name='adjustment_gte_0')]},
        ),
        migrations.CreateModel(
            name='Result',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='results', to='scoring.period', verbose_name='period')),
                ('cadre', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='results', to='units.cadre', verbose_name='cadre')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.unit', verbose_name='unit')),
                ('job_group', models.CharField(max_length=64, verbose_name='job group')),
                ('is_leader', models.BooleanField(default=False, verbose_name='is leader')),
                ('decidable', models.BooleanField(default=True, verbose_name='decidable')),
                ('rated', models.BooleanField(default=True, verbose_name='rated')),
                ('self_score', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='self score')),
                ('peer_score', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='peer score')),
                ('peer_count', models.PositiveSmallIntegerField(default=0, verbose_name='peer count')),
                ('supervisor_score', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='supervisor score')),
                ('general', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='general criteria')),
                ('task', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='task result')),
                ('task_source', models.CharField(blank=True, max_length=8, verbose_name='task score source')),
                ('qn', models.DecimalField(blank=True, decimal_places=4, max_digits=6, null=True, verbose_name='Qn (quantity)')),
                ('ql', models.DecimalField(blank=True, decimal_places=4, max_digits=6, null=True, verbose_name='Ql (quality)')),
                ('pg', models.DecimalField(blank=True, decimal_places=4, max_digits=6, null=True, verbose_name='Pg (on time)')),
                ('bonus', models.DecimalField(decimal_places=2, default=0, max_digits=6, verbose_name='bonus')),
                ('penalty', models.DecimalField(decimal_places=2, default=0, max_digits=6, verbose_name='penalty')),
                ('total', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='total')),
                ('tier_before_quota', models.CharField(blank=True, choices=[('A', 'A · Excellent'), ('B', 'B · Good'), ('C', 'C · Complete'), ('D', 'D · Not complete')], max_length=1, verbose_name='tier before quota')),
                ('tier', models.CharField(blank=True, choices=[('A', 'A · Excellent'), ('B', 'B · Good'), ('C', 'C · Complete'), ('D', 'D · Not complete')], max_length=1, verbose_name='tier')),
                ('rank_in_unit', models.PositiveIntegerField(blank=True, null=True, verbose_name='rank in unit')),
                ('rank_in_scope', models.PositiveIntegerField(blank=True, null=True, verbose_name='rank in scope')),
                ('reward', models.BigIntegerField(default=0, verbose_name='reward')),
                ('reward_equal', models.BigIntegerField(default=0, verbose_name='equal part of the reward')),
                ('reward_merit', models.BigIntegerField(default=0, verbose_name='merit part of the reward')),
                ('equal_split', models.BigIntegerField(blank=True, null=True, verbose_name='equal split')),
                ('reasons', models.JSONField(blank=True, default=list, verbose_name='reasons')),
                ('computed_at', models.DateTimeField(auto_now=True, verbose_name='computed at')),
            ],
            options={'verbose_name': 'result', 'verbose_name_plural': 'results', 'indexes': [models.Index(fields=['period', 'unit'], name='result_unit_idx'), models.Index(fields=['cadre', 'period'], name='result_cadre_idx')], 'constraints': [models.UniqueConstraint(fields=('period', 'cadre'), name='result_unique')]},
        ),
        migrations.CreateModel(
            name='PeriodUnitResult',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='unit_results', to='scoring.period', verbose_name='period')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.unit', verbose_name='unit')),
                ('pool', models.BigIntegerField(default=0, verbose_name='pool')),
                ('rated', models.PositiveIntegerField(default=0, verbose_name='rated')),
                ('distributed', models.BigIntegerField(default=0, verbose_name='distributed')),
                ('undistributed', models.BigIntegerField(default=0, verbose_name='undistributed')),
                ('equal_split', models.BigIntegerField(blank=True, null=True, verbose_name='equal split')),
            ],
            options={'verbose_name': "unit's pool result", 'verbose_name_plural': "units' pool results", 'constraints': [models.UniqueConstraint(fields=('period', 'unit'), name='periodunitresult_unique')]},
        ),
        migrations.CreateModel(
            name='RaterFlag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rater_flags', to='scoring.period', verbose_name='period')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.unit', verbose_name='unit')),
                ('kind', models.CharField(max_length=16, verbose_name='kind')),
                ('reason', models.CharField(max_length=16, verbose_name='reason')),
                ('rater', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.cadre', verbose_name='rater')),
                ('partner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.cadre', verbose_name='partner')),
                ('values', models.JSONField(default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder, verbose_name='values')),
            ],
            options={'verbose_name': 'rater flag', 'verbose_name_plural': 'rater flags', 'indexes': [models.Index(fields=['period', 'unit'], name='raterflag_unit_idx')]},
        ),
        migrations.CreateModel(
            name='Appeal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='appeals', to='scoring.period', verbose_name='period')),
                ('cadre', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='appeals', to='units.cadre', verbose_name='cadre')),
                ('text', models.TextField(verbose_name='appeal')),
                ('status', models.CharField(choices=[('open', 'Open'), ('accepted', 'Accepted'), ('rejected', 'Rejected')], default='open', max_length=8, verbose_name='status')),
                ('answer', models.TextField(blank=True, verbose_name='answer')),
                ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='answered by')),
                ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='answered at')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
            ],
            options={'verbose_name': 'appeal', 'verbose_name_plural': 'appeals', 'ordering': ['-created_at']},
        ),
        migrations.CreateModel(
            name='Correction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='corrections', to='scoring.period', verbose_name='period')),
                ('cadre', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='corrections', to='units.cadre', verbose_name='cadre')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.unit', verbose_name='unit')),
                ('appeal', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='correction', to='scoring.appeal', verbose_name='appeal')),
                ('reason', models.TextField(verbose_name='reason')),
                ('opened_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='opened by')),
                ('opened_at', models.DateTimeField(auto_now_add=True, verbose_name='opened at')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed at')),
            ],
            options={'verbose_name': 'correction', 'verbose_name_plural': 'corrections', 'ordering': ['-opened_at', '-pk'], 'constraints': [models.UniqueConstraint(condition=models.Q(('closed_at__isnull', True)), fields=('period', 'cadre'), name='correction_one_open_per_cadre')]},
        ),
        migrations.CreateModel(
            name='Revision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='scoring.period', verbose_name='period')),
                ('correction', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='revision', to='scoring.correction', verbose_name='correction')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('decided_at', models.DateTimeField(auto_now_add=True, verbose_name='decided at')),
            ],
            options={'verbose_name': 'revision', 'verbose_name_plural': 'revisions', 'ordering': ['-decided_at', '-pk']},
        ),
        migrations.CreateModel(
            name='RevisionChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('revision', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='scoring.revision')),
                ('cadre', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='revisions', to='units.cadre', verbose_name='cadre')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.unit', verbose_name='unit')),
                ('before', models.JSONField(verbose_name='before')),
                ('after', models.JSONField(verbose_name='after')),
            ],
            options={'verbose_name': 'revised result', 'verbose_name_plural': 'revised results', 'indexes': [models.Index(fields=['cadre', 'revision'], name='revisionchange_cadre_idx')], 'constraints': [models.UniqueConstraint(fields=('revision', 'cadre'), name='revisionchange_unique')]},
        ),
        migrations.CreateModel(
            name='ReminderSent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='scoring.period')),
                ('cadre', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.cadre', verbose_name='cadre')),
                ('sent_on', models.DateField(verbose_name='sent on')),
                ('sent_at', models.DateTimeField(auto_now_add=True, verbose_name='sent at')),
                ('sent_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={'verbose_name': 'reminder sent', 'verbose_name_plural': 'reminders sent', 'constraints': [models.UniqueConstraint(fields=('period', 'cadre', 'sent_on'), name='remindersent_once_a_day')]},
        ),
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                *audit_log_fields(),
                ('period', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit_entries', to='scoring.period', verbose_name='period')),
                ('object_id', models.CharField(blank=True, max_length=64, verbose_name='object id')),
            ],
            options={'verbose_name': 'audit entry', 'verbose_name_plural': 'audit log', 'ordering': ['-at', '-pk'], 'base_manager_name': 'objects'},
        ),
        append_only_trigger("scoring_auditentry", "The audit log"),
    ]
