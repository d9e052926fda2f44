"""Writes of the catalogue and the weight rules of a task (docs/RULES.md §6).

- A task from the catalogue weighs coefficient × quantity (rounded half up to two places); the
  weight is never typed: a weight sent with it must be that product.
- A task outside the catalogue weighs at most OUTSIDE_MAX (1), unless the assigner's own
  superior approves a higher weight with a reason (`task_approve_weight`, an event and an audit
  entry).
- The catalogue of a regulation pinned by a decided month never changes: a change is made in a
  new version of the regulation (its catalogue is copied with it).
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from directives.catalogue.models import MAX_COEFFICIENT, CatalogueItem
from directives.catalogue.selectors import catalogue_regulation
from directives.models import AuditEntry, Regulation, Task, TaskEvent, TaskEventKind, TaskStatus
from directives.signals import regulation_frozen_reason
from units.models import Cadre
from units.scope import acting_roles, outranks

OUTSIDE_MAX = Decimal("1")
MAX_WEIGHT = Decimal("100")
MAX_QUANTITY = Decimal("9999")
CENT = Decimal("0.01")
# Before acceptance: the weight of an accepted or cancelled task no longer changes.
APPROVABLE = (
    TaskStatus.ASSIGNED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.SUBMITTED,
    TaskStatus.RETURNED,
)


def shown(number: Decimal) -> str:
    """A weight or coefficient as people write it: "2", "1,5"."""
    whole = number == number.to_integral_value()
    return formats.number_format(number.quantize(Decimal(1)) if whole else number.normalize())


def product_weight(coefficient: Decimal, quantity: Decimal) -> Decimal:
    return (coefficient * quantity).quantize(CENT, rounding=ROUND_HALF_UP)


def outside_refusal(weight: Decimal) -> str:
    return _(
        "A task outside the catalogue weighs at most %(max)s; you typed %(weight)s. Choose "
        "the product from the catalogue, or assign it with weight %(max)s and ask your own "
        "superior to approve a higher weight with a reason on the task's page."
    ) % {"max": shown(OUTSIDE_MAX), "weight": shown(weight)}


def typed_refusal(weight: Decimal, item: CatalogueItem, quantity: Decimal) -> str:
    return _(
        "The weight of a task from the catalogue is not typed: %(code)s weighs %(coefficient)s "
        "× %(quantity)s = %(computed)s, not %(weight)s."
    ) % {
        "code": item.code,
        "coefficient": shown(item.coefficient),
        "quantity": shown(quantity),
        "computed": shown(product_weight(item.coefficient, quantity)),
        "weight": shown(weight),
    }


def product_problem(item: CatalogueItem, *, assignee: Cadre, on: dt.date) -> str | None:
    """Why `item` cannot weigh a task of `assignee` assigned on `on`, or None."""
    regulation = catalogue_regulation(on)
    if regulation is None or item.regulation_id != regulation.pk:
        return _("“%(code)s” is not in the catalogue in force on %(date)s.") % {
            "code": item.code,
            "date": on.strftime("%d/%m/%Y"),
        }
    return product_problem_for(item, assignee)


def product_problem_for(item: CatalogueItem, assignee: Cadre) -> str | None:
    """Why `item` is not a product of `assignee`'s job group, or None."""
    if item.job_group.casefold() != assignee.job_group.casefold():
        return _("%(code)s belongs to the job group “%(group)s”; %(name)s is in “%(own)s”.") % {
            "code": item.code,
            "group": item.job_group,
            "name": assignee.full_name,
            "own": assignee.job_group,
        }
    return None


def task_weight(
    *,
    product: CatalogueItem | None,
    quantity: Decimal | None,
    weight: Decimal | None,
    assignee: Cadre,
    on: dt.date,
) -> tuple[dict, dict[str, str]]:
    """The weight fields of a task assigned on the web ({weight, product, quantity,
    coefficient}) and the errors by field."""
    if product is None:
        weight = Decimal(weight if weight is not None else OUTSIDE_MAX)
        if weight > OUTSIDE_MAX:
            return {}, {"weight": outside_refusal(weight)}
        if weight <= 0:
            return {}, {"weight": _("The weight must be above 0.")}
        return {"weight": weight, "product": None, "quantity": None, "coefficient": None}, {}
    quantity = Decimal(quantity if quantity is not None else 1)
    if not Decimal(0) < quantity <= MAX_QUANTITY:
        return {}, {
            "quantity": _("The quantity must be above 0 and at most %(n)s.")
            % {"n": shown(MAX_QUANTITY)}
        }
    problem = product_problem(product, assignee=assignee, on=on)
    if problem:
        return {}, {"product": problem}
    computed = product_weight(product.coefficient, quantity)
    if weight is not None and Decimal(weight) != computed:
        return {}, {"weight": typed_refusal(Decimal(weight), product, quantity)}
    if computed > MAX_WEIGHT:
        return {}, {
            "quantity": _("%(coefficient)s × %(quantity)s is above the largest weight, %(max)s.")
            % {
                "coefficient": shown(product.coefficient),
                "quantity": shown(quantity),
                "max": shown(MAX_WEIGHT),
            }
        }
    if computed <= 0:
        return {}, {"quantity": _("The quantity gives a weight of 0.")}
    fields = {
        "weight": computed,
        "product": product,
        "quantity": quantity,
        "coefficient": product.coefficient,
    }
    return fields, {}


# --- the weight of a task outside the catalogue ------------------------------------------------


def may_approve_weight(*, task: Task, by: Cadre | None, on: dt.date) -> bool:
    """The assigner's own superior: outranks the assigner (and so is not them) and the assignee
    in the task's unit; never the assignee."""
    if by is None or by.pk in (task.assignee_id, task.assigned_by_id):
        return False
    roles = acting_roles([by.pk, task.assignee_id, task.assigned_by_id], on)
    mine = roles.get(by.pk, [])
    return outranks(mine, roles.get(task.assigned_by_id, []), task.unit.path) and outranks(
        mine, roles.get(task.assignee_id, []), task.unit.path
    )


@transaction.atomic
def task_approve_weight(
    *,
    task: Task,
    by: Cadre | None,
    weight: Decimal,
    reason: str,
    user: User | None = None,
    on: dt.date,
) -> Task:
    """The assigner's superior sets a task outside the catalogue above weight 1, with a reason:
    a task event and an audit entry."""
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("unit", "assignee", "assigned_by")
        .get(pk=task.pk)
    )
    if not may_approve_weight(task=task, by=by, on=on):
        raise PermissionDenied(
            _(
                "Only a head or deputy above %(assigner)s, who assigned this task, approves a "
                "higher weight; never the assigner or the assignee."
            )
            % {"assigner": task.assigned_by.full_name}
        )
    if task.product_id is not None:
        raise ValidationError(
            _("This task's weight comes from the catalogue (%(code)s): it is not approved by hand.")
            % {"code": task.product.code if task.product else task.product_id}
        )
    if task.status not in APPROVABLE:
        raise ValidationError(
            _("The task is “%(status)s”: its weight no longer changes.")
            % {"status": task.get_status_display()}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("A reason is required.")})
    weight = Decimal(weight)
    if not OUTSIDE_MAX < weight <= MAX_WEIGHT:
        raise ValidationError(
            {
                "weight": _("Approve a weight above %(min)s and at most %(max)s.")
                % {"min": shown(OUTSIDE_MAX), "max": shown(MAX_WEIGHT)}
            }
        )
    old = task.weight
    task.weight = weight
    task.save(update_fields=["weight", "updated_at"])
    TaskEvent.objects.create(
        task=task,
        kind=TaskEventKind.WEIGHT_APPROVED,
        author=by,
        reason=_("Weight %(old)s → %(new)s: %(reason)s")
        % {"old": shown(old), "new": shown(weight), "reason": reason},
    )
    AuditEntry.objects.create(
        user=user,
        actor=AuditEntry.actor_of(user, by),
        action="task_weight_approved",
        object_type="task",
        object_id=task.code,
        old={"weight": str(old)},
        new={"weight": str(weight)},
        reason=reason,
    )
    return task


# --- the catalogue ---------------------------------------------------------------------------


def frozen_refusal(regulation: Regulation) -> str | None:
    reason = regulation_frozen_reason(regulation)
    if reason is None:
        return None
    return _("The catalogue of %(code)s can no longer change: %(reason)s") % {
        "code": regulation.code,
        "reason": reason,
    }


ITEM_FIELDS = ("job_group", "code", "name_vi", "name_en", "unit_of_measure", "coefficient", "note")


@transaction.atomic
def catalogue_item_save(
    *,
    regulation: Regulation,
    values: dict,
    item: CatalogueItem | None = None,
    user: User | None = None,
) -> CatalogueItem:
    """Add an item to a regulation's catalogue or change one (audited); refused when a decided
    month pins the regulation. Tasks already assigned keep their coefficient."""
    regulation = Regulation.objects.select_for_update().get(pk=regulation.pk)
    refusal = frozen_refusal(regulation)
    if refusal:
        raise ValidationError(refusal)
    values = {name: values[name] for name in ITEM_FIELDS}
    coefficient = values["coefficient"]
    if coefficient is None or not Decimal(0) < coefficient <= MAX_COEFFICIENT:
        raise ValidationError(
            {
                "coefficient": _("The coefficient must be above 0 and at most %(n)s.")
                % {"n": shown(MAX_COEFFICIENT)}
            }
        )
    taken = CatalogueItem.objects.filter(regulation=regulation, code=values["code"])
    if item is not None:
        taken = taken.exclude(pk=item.pk)
    if taken.exists():
        raise ValidationError(
            {
                "code": _("The catalogue of %(regulation)s already has the code %(code)s.")
                % {"regulation": regulation.code, "code": values["code"]}
            }
        )
    old = None
    if item is None:
        item = CatalogueItem(regulation=regulation, **values)
    else:
        old = {name: str(getattr(item, name)) for name in ITEM_FIELDS}
        for name, value in values.items():
            setattr(item, name, value)
    item.save()
    AuditEntry.objects.create(
        user=user,
        actor=AuditEntry.actor_of(user),
        action="catalogue_item_saved",
        object_type="catalogue item",
        object_id=f"{regulation.code}/{item.code}",
        old=old,
        new={name: str(getattr(item, name)) for name in ITEM_FIELDS},
    )
    return item


def catalogue_copy(*, source: Regulation, target: Regulation) -> int:
    """Copy a regulation's catalogue into its new version (`regulation_new_version`)."""
    items = list(CatalogueItem.objects.filter(regulation=source))
    for item in items:
        item.pk = None
        item.regulation = target
    CatalogueItem.objects.bulk_create(items)
    return len(items)
