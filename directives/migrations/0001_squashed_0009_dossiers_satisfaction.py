"""Regulations with their criteria and catalogue, tasks with their events, the task imports'
audit log and the rated dossiers, as one migration; and the two regulations of DESIGN §5:
ND335 (Decree 335/2025) and HN3814 (Hanoi, 2018), whose results are public within the unit
(docs/RULES.md §3).

It replaces 0001 to 0009: a database that applied them is marked as having applied this one.
"""

import datetime as dt
from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from units.log_tables import append_only_trigger, audit_log_fields

ND335_CRITERIA = [
    ("G1", "Chính trị tư tưởng", "Political ideology", "general", 5),
    ("G2", "Đạo đức, lối sống", "Ethics and lifestyle", "general", 5),
    ("G3", "Tác phong, lề lối làm việc", "Working style", "general", 5),
    ("G4", "Ý thức tổ chức kỷ luật", "Discipline and order", "general", 10),
    ("G5", "Tinh thần trách nhiệm, thái độ phục vụ nhân dân",
     "Responsibility and service to the people", "general", 5),
    ("T", "Kết quả thực hiện nhiệm vụ", "Task results", "task", 70),
]
HN3814_CRITERIA = [
    ("G1", "Chính trị tư tưởng", "Political ideology", "general", 4),
    ("G2", "Đạo đức, lối sống", "Ethics and lifestyle", "general", 4),
    ("G3", "Tác phong, lề lối làm việc", "Working style", "general", 4),
    ("G4", "Ý thức tổ chức kỷ luật", "Discipline and order", "general", 8),
    ("T", "Kết quả thực hiện nhiệm vụ", "Task results", "task", 70),
    ("B", "Điểm thưởng", "Bonus", "bonus", 10),
]


def create(apps, schema_editor):
    """ND335 and HN3814 with their criteria; the demo and tests/factories.py call it again where
    a flushed database lost them."""
    Regulation = apps.get_model("directives", "Regulation")
    Criterion = apps.get_model("directives", "Criterion")
    nd335 = Regulation.objects.create(
        code="ND335",
        name="Nghị định 335/2025/NĐ-CP: 30 điểm chung + 70 điểm kết quả nhiệm vụ",
        valid_from=dt.date(2026, 1, 1),
    )
    hn3814 = Regulation.objects.create(
        code="HN3814",
        name="Khung đánh giá Hà Nội 2018: 20 điểm chung + 70 điểm nhiệm vụ + 10 điểm thưởng",
        valid_from=dt.date(2018, 1, 1),
        bonus_cap=Decimal("10"),
        quota_base="rated",
        quota_rate=Decimal("0.30"),
        quota_rate_outstanding=Decimal("0.40"),
        results_public=True,
    )
    for regulation, criteria in ((nd335, ND335_CRITERIA), (hn3814, HN3814_CRITERIA)):
        Criterion.objects.bulk_create(
            Criterion(regulation=regulation, code=code, name_vi=vi, name_en=en, group=group,
                      max_points=Decimal(points), order=order)
            for order, (code, vi, en, group, points) in enumerate(criteria, start=1)
        )


class Migration(migrations.Migration):
    initial = True

    replaces = [("directives", "0001_initial"), ("directives", "0002_regulations_nd335_hn3814"), ("directives", "0003_taskevent_at_default"), ("directives", "0004_import_audit"), ("directives", "0005_regulation_month_dates"), ("directives", "0006_verbose_names"), ("directives", "0007_regulation_results_public"), ("directives", "0008_catalogue"), ("directives", "0009_dossiers_satisfaction")]

    dependencies = [("units", "0001_squashed_0004_inspector_role"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name='Regulation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=32, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('valid_from', models.DateField(verbose_name='valid from')),
                ('supersedes', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='superseded_by', to='directives.regulation', verbose_name='supersedes')),
                ('weight_self', models.DecimalField(decimal_places=3, default=Decimal('0.2'), max_digits=4, verbose_name='self weight')),
                ('weight_peer', models.DecimalField(decimal_places=3, default=Decimal('0.3'), max_digits=4, verbose_name='peer weight')),
                ('weight_supervisor', models.DecimalField(decimal_places=3, default=Decimal('0.5'), max_digits=4, verbose_name='supervisor weight')),
                ('peer_trim_min', models.PositiveSmallIntegerField(default=5, verbose_name='peer scores needed to trim highest and lowest')),
                ('task_max', models.DecimalField(decimal_places=2, default=Decimal('70'), max_digits=5, verbose_name='task points')),
                ('error_step', models.DecimalField(decimal_places=3, default=Decimal('0.25'), max_digits=4, verbose_name='deduction per major error')),
                ('delay_step', models.DecimalField(decimal_places=3, default=Decimal('0.25'), max_digits=4, verbose_name='deduction per delay')),
                ('leader_lambda', models.DecimalField(decimal_places=3, default=Decimal('0.5'), max_digits=4, verbose_name="leader weight of the unit's results (λ)")),
                ('leader_factor', models.DecimalField(decimal_places=3, default=Decimal('0.5'), max_digits=4, verbose_name='leader factor when a staff member is D')),
                ('bonus_cap', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=5, verbose_name='bonus cap')),
                ('total_max', models.DecimalField(decimal_places=2, default=Decimal('100'), max_digits=5, verbose_name='maximum total')),
                ('tier_a_min', models.DecimalField(decimal_places=2, default=Decimal('90'), max_digits=5, verbose_name='minimum for A')),
                ('tier_b_min', models.DecimalField(decimal_places=2, default=Decimal('70'), max_digits=5, verbose_name='minimum for B')),
                ('tier_c_min', models.DecimalField(decimal_places=2, default=Decimal('50'), max_digits=5, verbose_name='minimum for C')),
                ('quota_rate', models.DecimalField(decimal_places=3, default=Decimal('0.20'), max_digits=4, verbose_name='A quota rate')),
                ('quota_base', models.CharField(choices=[('good', 'Rated good (A and B)'), ('rated', 'All rated')], default='good', max_length=8, verbose_name='A quota base')),
                ('quota_rate_outstanding', models.DecimalField(blank=True, decimal_places=3, max_digits=4, null=True, verbose_name='A quota rate of an outstanding unit')),
                ('equal_share', models.DecimalField(decimal_places=3, default=Decimal('0.5'), max_digits=4, verbose_name='equal share of the pool')),
                ('coefficient_a', models.DecimalField(decimal_places=2, default=Decimal('2.0'), max_digits=4, verbose_name='reward coefficient A')),
                ('coefficient_b', models.DecimalField(decimal_places=2, default=Decimal('1.0'), max_digits=4, verbose_name='reward coefficient B')),
                ('money_unit', models.PositiveIntegerField(default=1000, verbose_name='rewards rounded down to (VND)')),
                ('min_rated_months', models.PositiveSmallIntegerField(default=6, verbose_name='rated months needed for a year')),
                ('satisfaction_points', models.BooleanField(default=False, help_text="When on, a cadre's rated dossiers of the month give a bonus when the satisfaction index reaches the threshold, and a penalty for each verified complaint.", verbose_name='satisfaction of people gives points')),
                ('satisfaction_threshold', models.DecimalField(decimal_places=2, default=Decimal('90'), max_digits=5, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='satisfaction index for the bonus (%)')),
                ('satisfaction_min_ratings', models.PositiveSmallIntegerField(default=10, validators=[django.core.validators.MinValueValidator(1)], verbose_name='ratings needed for the satisfaction bonus')),
                ('satisfaction_bonus', models.DecimalField(decimal_places=2, default=Decimal('2'), max_digits=5, validators=[django.core.validators.MinValueValidator(0)], verbose_name='satisfaction bonus (points)')),
                ('complaint_penalty', models.DecimalField(decimal_places=2, default=Decimal('1'), max_digits=5, validators=[django.core.validators.MinValueValidator(0)], verbose_name='penalty per verified complaint (points)')),
                ('on_time_target', models.DecimalField(decimal_places=2, default=Decimal('100'), help_text='The share of tasks and dossiers done on time each unit is held to.', max_digits=5, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='on-time target (%)')),
                ('radar_consecutive_months', models.PositiveSmallIntegerField(default=3, help_text='A cadre rated in the lowest tier this many months in a row is shown.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(12)], verbose_name='radar: lowest tier in consecutive months')),
                ('radar_months_of_12', models.PositiveSmallIntegerField(default=6, help_text='A cadre rated in the lowest tier this many of the last 12 months is shown.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(12)], verbose_name='radar: lowest tier in months of the last 12')),
                ('self_day', models.PositiveSmallIntegerField(default=25, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(31)], verbose_name='self-assessment until (day of the month)')),
                ('peer_day', models.PositiveSmallIntegerField(default=27, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(31)], verbose_name='cross-evaluation until (day of the month)')),
                ('publish_day', models.PositiveSmallIntegerField(default=3, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(28)], verbose_name='publish by (day of the next month)')),
                ('appeal_days', models.PositiveSmallIntegerField(default=5, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(20)], verbose_name='days of appeals after publication')),
                ('lock_day', models.PositiveSmallIntegerField(default=10, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(28)], verbose_name='locks on (day of the next month)')),
                ('results_public', models.BooleanField(default=False, help_text="Once a month is published, every cadre of a unit sees the unit's results (names, tiers, ranks and rewards), never the raters or the scores behind them.", verbose_name='published results are public within the unit')),
            ],
            options={'verbose_name': 'regulation', 'verbose_name_plural': 'regulations', 'ordering': ['-valid_from', 'code']},
        ),
        migrations.CreateModel(
            name='Criterion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('regulation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='criteria', to='directives.regulation', verbose_name='regulation')),
                ('code', models.CharField(max_length=16, verbose_name='code')),
                ('name_vi', models.CharField(max_length=200, verbose_name='name (Vietnamese)')),
                ('name_en', models.CharField(max_length=200, verbose_name='name (English)')),
                ('group', models.CharField(choices=[('general', 'General criteria'), ('task', 'Task results'), ('bonus', 'Bonus')], max_length=8, verbose_name='group')),
                ('max_points', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='maximum points')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
            ],
            options={'verbose_name': 'criterion', 'verbose_name_plural': 'criteria', 'ordering': ['regulation', 'order', 'code'], 'constraints': [models.UniqueConstraint(fields=('regulation', 'code'), name='criterion_code_unique')]},
        ),
        migrations.CreateModel(
            name='CatalogueItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('regulation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='catalogue_items', to='directives.regulation', verbose_name='regulation')),
                ('job_group', models.CharField(max_length=64, verbose_name='job group')),
                ('code', models.CharField(max_length=32, verbose_name='product code')),
                ('name_vi', models.CharField(max_length=300, verbose_name='name (Vietnamese)')),
                ('name_en', models.CharField(blank=True, max_length=300, verbose_name='name (English)')),
                ('unit_of_measure', models.CharField(max_length=64, verbose_name='unit of measure')),
                ('coefficient', models.DecimalField(decimal_places=2, max_digits=6, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='conversion coefficient')),
                ('note', models.TextField(blank=True, verbose_name='note')),
            ],
            options={'verbose_name': 'catalogue item', 'verbose_name_plural': 'catalogue items', 'ordering': ['regulation', 'job_group', 'code'], 'constraints': [models.UniqueConstraint(fields=('regulation', 'code'), name='catalogue_item_code_unique')]},
        ),
        migrations.CreateModel(
            name='Task',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=32, unique=True, verbose_name='code')),
                ('title', models.CharField(max_length=300, verbose_name='task')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('assignee', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tasks', to='units.cadre', verbose_name='lead assignee')),
                ('assigned_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assigned_tasks', to='units.cadre', verbose_name='assigned by')),
                ('unit', models.ForeignKey(help_text="The assignee's unit when the task was assigned.", on_delete=django.db.models.deletion.PROTECT, related_name='tasks', to='units.unit', verbose_name='unit')),
                ('assigned_on', models.DateField(verbose_name='assigned on')),
                ('deadline', models.DateField(verbose_name='original deadline')),
                ('effective_deadline', models.DateField(db_index=True, verbose_name='deadline')),
                ('expected_result', models.TextField(verbose_name='expected result or product')),
                ('weight', models.DecimalField(decimal_places=2, default=Decimal('1'), max_digits=6, verbose_name='converted product weight')),
                ('product', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='tasks', to='directives.catalogueitem', verbose_name='catalogue item')),
                ('quantity', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, verbose_name='quantity')),
                ('coefficient', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='conversion coefficient')),
                ('status', models.CharField(choices=[('assigned', 'Assigned'), ('in_progress', 'In progress'), ('submitted', 'Submitted'), ('accepted', 'Accepted'), ('returned', 'Returned'), ('cancelled', 'Cancelled')], default='assigned', max_length=12, verbose_name='status')),
                ('completed_on', models.DateField(blank=True, null=True, verbose_name='completed on')),
                ('accepted', models.BooleanField(default=False, verbose_name='accepted')),
                ('result_link', models.URLField(blank=True, verbose_name='result link')),
                ('result_file', models.FileField(blank=True, upload_to='results/%Y/%m/', verbose_name='result file')),
                ('imported_errors', models.PositiveSmallIntegerField(default=0, verbose_name='major errors (imported)')),
                ('imported_delays', models.PositiveSmallIntegerField(default=0, verbose_name='delays (imported)')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('supporters', models.ManyToManyField(blank=True, related_name='supported_tasks', to='units.cadre', verbose_name='supporting cadres')),
            ],
            options={'verbose_name': 'task', 'verbose_name_plural': 'tasks', 'ordering': ['effective_deadline', 'code'], 'indexes': [models.Index(fields=['assignee', 'effective_deadline'], name='task_assignee_idx'), models.Index(fields=['unit', 'effective_deadline'], name='task_unit_idx')]},
        ),
        migrations.CreateModel(
            name='TaskEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('task', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='directives.task', verbose_name='task')),
                ('kind', models.CharField(choices=[('status', 'Status change'), ('extension_requested', 'Extension requested'), ('extension_approved', 'Extension approved'), ('extension_refused', 'Extension refused'), ('delay', 'Delay'), ('major_error', 'Major error'), ('exemption', 'Objective-cause exemption'), ('comment', 'Comment'), ('imported', 'Imported from a file'), ('weight_approved', 'Higher weight approved')], max_length=20, verbose_name='kind')),
                ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.cadre', verbose_name='author')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='at')),
                ('reason', models.TextField(blank=True, verbose_name='reason')),
                ('old_status', models.CharField(blank=True, choices=[('assigned', 'Assigned'), ('in_progress', 'In progress'), ('submitted', 'Submitted'), ('accepted', 'Accepted'), ('returned', 'Returned'), ('cancelled', 'Cancelled')], max_length=12, verbose_name='old status')),
                ('new_status', models.CharField(blank=True, choices=[('assigned', 'Assigned'), ('in_progress', 'In progress'), ('submitted', 'Submitted'), ('accepted', 'Accepted'), ('returned', 'Returned'), ('cancelled', 'Cancelled')], max_length=12, verbose_name='new status')),
                ('new_deadline', models.DateField(blank=True, null=True, verbose_name='new deadline')),
                ('exempted', models.BooleanField(default=False, verbose_name='exempted')),
                ('exempted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.cadre', verbose_name='exempted by')),
                ('exemption_reason', models.TextField(blank=True, verbose_name='exemption reason')),
                ('target', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='directives.taskevent', verbose_name='target')),
            ],
            options={'verbose_name': 'task event', 'verbose_name_plural': 'task events', 'ordering': ['at', 'pk'], 'indexes': [models.Index(fields=['task', 'kind'], name='taskevent_task_idx')]},
        ),
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                *audit_log_fields(),
                ('object_id', models.CharField(blank=True, max_length=255, verbose_name='object id')),
            ],
            options={'verbose_name': 'audit entry', 'verbose_name_plural': 'audit log', 'ordering': ['-at', '-pk'], 'base_manager_name': 'objects'},
        ),
        migrations.CreateModel(
            name='DossierRating',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=64, verbose_name='dossier code')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='dossier_ratings', to='units.unit', verbose_name='unit')),
                ('cadre', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='dossier_ratings', to='units.cadre', verbose_name='handling cadre')),
                ('handled_on', models.DateField(verbose_name='handled on')),
                ('on_time', models.BooleanField(verbose_name='on time')),
                ('rating', models.CharField(choices=[('very_satisfied', 'Very satisfied'), ('satisfied', 'Satisfied'), ('unsatisfied', 'Unsatisfied')], max_length=16, verbose_name='rating')),
                ('comment', models.TextField(blank=True, verbose_name='comment')),
                ('verified', models.BooleanField(default=False, help_text='An “unsatisfied” rating found justified: a penalty where the regulation turns the satisfaction points on.', verbose_name='verified complaint')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
            ],
            options={'verbose_name': 'dossier rating', 'verbose_name_plural': 'dossier ratings', 'ordering': ['handled_on', 'code'], 'indexes': [models.Index(fields=['cadre', 'handled_on'], name='dossier_cadre_idx'), models.Index(fields=['unit', 'handled_on'], name='dossier_unit_idx')], 'constraints': [models.UniqueConstraint(fields=('unit', 'code'), name='dossier_unit_code_unique'), models.CheckConstraint(condition=models.Q(models.Q(('verified', True), _negated=True), ('rating', 'unsatisfied'), _connector='OR'), name='dossier_verified_unsatisfied')]},
        ),
        append_only_trigger("directives_auditentry", "The audit log"),
        # Reversed, the tables go with their rows.
        migrations.RunPython(create, migrations.RunPython.noop),
    ]
