"""A regulation pinned by a decided (or published, or locked) period never changes: its results
must stay explainable by the rules they were computed with. Saving a changed regulation or
criterion, adding a criterion to it or deleting one raises `RegulationFrozen`; a change is made
as a new version (the admin's "Make a new version" action). The regulation admin asks through
`directives.signals.regulation_freeze_asked` and shows a frozen one read-only."""

from django.db import connections, transaction
from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from directives.models import Criterion, Regulation
from directives.signals import months_decided_asked, regulation_freeze_asked, tasks_changed
from scoring.dashboards.scope import FROZEN
from scoring.dashboards.summaries import summarize, summarize_subtrees, tasks_summarize
from scoring.errors import RegulationFrozen
from scoring.models import Period, SubtreeMonthSummary, UnitMonthSummary
from scoring.month.selectors.rating import DECIDED_PHASES, period_freezing
from units.models import ancestor_paths
from units.signals import unit_moved


def _frozen_message(regulation_id, code) -> str | None:
    period = period_freezing(regulation_id)
    if period is None:
        return None
    return _(
        "The regulation %(code)s is used by the decided period %(period)s: it can no "
        "longer change. Make a new version of it instead."
    ) % {"code": code, "period": period}


def _refuse(regulation_id, code):
    message = _frozen_message(regulation_id, code)
    if message is not None:
        raise RegulationFrozen(message)


@receiver(regulation_freeze_asked, dispatch_uid="scoring.regulation_freeze_asked")
def tell_whether_a_regulation_is_frozen(sender, regulation, **kwargs):
    return _frozen_message(regulation.pk, regulation.code)


def _changed(instance) -> bool:
    """Whether any stored field of `instance` differs from its row in the database."""
    model = type(instance)
    names = [f.attname for f in model._meta.concrete_fields]
    stored = model.objects.filter(pk=instance.pk).values(*names).first()
    if stored is None:
        return True
    return any(stored[name] != getattr(instance, name) for name in names)


@receiver(months_decided_asked, dispatch_uid="scoring.months_decided_asked")
def tell_which_months_are_decided(sender, pairs, **kwargs):
    """The (unit, month) pairs a decided (published, locked) period covers: one query."""
    paths = {path for unit, _month in pairs for path in unit.ancestor_paths()}
    decided = set(
        Period.objects.filter(
            month__in={month for _unit, month in pairs},
            phase__in=DECIDED_PHASES,
            scope__path__in=paths,
        ).values_list("month", "scope__path")
    )
    return {
        (unit, month)
        for unit, month in pairs
        if any((month, path) in decided for path in unit.ancestor_paths())
    }


@receiver(pre_save, sender=Regulation, dispatch_uid="scoring.regulation_frozen_save")
def refuse_changing_a_frozen_regulation(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or not _changed(instance):
        return
    _refuse(instance.pk, instance.code)


@receiver(pre_delete, sender=Regulation, dispatch_uid="scoring.regulation_frozen_delete")
def refuse_deleting_a_frozen_regulation(sender, instance, **kwargs):
    _refuse(instance.pk, instance.code)


@receiver(pre_save, sender=Criterion, dispatch_uid="scoring.criterion_frozen_save")
def refuse_changing_a_frozen_criterion(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if instance.pk is not None:
        stored = Criterion.objects.filter(pk=instance.pk).values_list("regulation_id", flat=True)
        old_regulation = stored.first()
        if not _changed(instance):
            return
        if old_regulation is not None and old_regulation != instance.regulation_id:
            _refuse(old_regulation, Regulation.objects.get(pk=old_regulation).code)
    _refuse(instance.regulation_id, instance.regulation.code)


@receiver(pre_delete, sender=Criterion, dispatch_uid="scoring.criterion_frozen_delete")
def refuse_deleting_a_frozen_criterion(sender, instance, **kwargs):
    _refuse(instance.regulation_id, instance.regulation.code)


@receiver(tasks_changed, dispatch_uid="scoring.tasks_changed")
def count_tasks_anew(sender, pairs, **kwargs):
    """Tasks written in a decided month change its dashboards' on-time rate."""
    tasks_summarize(pairs)


@receiver(unit_moved, dispatch_uid="scoring.unit_moved")
def count_a_moved_unit_under_its_new_parent(sender, unit, old_path, **kwargs):
    """The subtree rows of a unit's old and new ancestors are added up again, in every period
    that counted it, so the dashboards show it under its new parent at once (a code changed
    alone leaves its ancestors as they were)."""
    old, new = set(ancestor_paths(old_path)[:-1]), set(unit.ancestor_paths()[:-1])
    if old == new:
        return
    counted = SubtreeMonthSummary.objects.filter(unit=unit, own=False).values("period_id")
    with transaction.atomic():
        for period in Period.objects.filter(pk__in=counted):
            summarize_subtrees(period, old | new)
        SubtreeMonthSummary.objects.filter(unit=unit).update(parent=unit.parent_id)


def summarize_the_unsummarized(using: str = "default", **kwargs) -> None:
    """After `migrate` (connected in apps.py): every decided period that has never been
    summarized gets its dashboards' summary rows, so a database decided before they existed
    shows its dashboards once migrated, with no command to remember. Each later decision keeps
    them itself, so on an up-to-date database this is one query."""
    if UnitMonthSummary._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated back to before the summary rows
    for period in (
        Period.objects.using(using)
        .filter(phase__in=FROZEN, summarized_at__isnull=True)
        .order_by("month", "pk")
    ):
        with transaction.atomic(using=using):
            summarize(period)
