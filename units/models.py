from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from units.formats import clean_text
from units.signals import unit_moved

PATH_SEPARATOR = "/"

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Use letters, digits, dot, dash or underscore, starting with a letter or digit."),
)


def ancestor_paths(path: str) -> list[str]:
    """The materialised paths of a unit's path and of its ancestors, nearest last."""
    parts = path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR)
    return [
        PATH_SEPARATOR + PATH_SEPARATOR.join(parts[: i + 1]) + PATH_SEPARATOR
        for i in range(len(parts))
    ]


def valid_on_q(on, prefix=""):
    """Rows whose [valid_from, valid_to] date range contains `on` (open ends allowed)."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": on})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on})
    )


def is_valid_on(row, on) -> bool:
    """The same test as `valid_on_q` on a row already loaded (a membership, a role)."""
    return (row.valid_from is None or row.valid_from <= on) and (
        row.valid_to is None or row.valid_to >= on
    )


class UnitQuerySet(models.QuerySet):
    def subtree_of(self, *paths):
        """Units at or below any of the given materialized paths."""
        if not paths:
            return self.none()
        condition = Q()
        for path in paths:
            condition |= Q(path__startswith=path)
        return self.filter(condition)


class Unit(models.Model):
    """A node of the organisation tree (city, ward, department, office, team, ...).

    The tree keeps a materialized path of codes ("/HN/W1/W1-VP/") so that a subtree is one
    indexed prefix query; codes are stable identifiers, so paths can be computed before insert
    (bulk imports) and stay readable in the database.
    """

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, help_text=_("city, ward, department, ..."))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=1000, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False, default=0)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active to"), null=True, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["path"], name="unit_path_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        self.code, self.name, self.kind = map(clean_text, (self.code, self.name, self.kind))
        old_path = self.path
        self.path, self.depth = self.compute_path()
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            self._move_descendants(old_path)
            unit_moved.send(sender=Unit, unit=self, old_path=old_path)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("units:detail", args=[self.code])

    def compute_path(self):
        if self.parent_id is None:
            return f"{PATH_SEPARATOR}{self.code}{PATH_SEPARATOR}", 0
        parent = self.parent
        return f"{parent.path}{self.code}{PATH_SEPARATOR}", parent.depth + 1

    def clean(self):
        super().clean()
        if self.parent_id is None or self.pk is None:
            return  # a root, or a new unit: nothing can lie under it yet
        if self.parent_id == self.pk or self.parent.path.startswith(self.path):
            raise ValidationError({"parent": _("A unit cannot be placed under itself.")})

    def _move_descendants(self, old_path):
        depth_delta = self.path.count(PATH_SEPARATOR) - old_path.count(PATH_SEPARATOR)
        Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
            path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + depth_delta,
        )

    def ancestor_paths(self):
        """Paths of this unit and every ancestor, nearest last."""
        return ancestor_paths(self.path)


class Category(models.TextChoices):
    CADRE = "cadre", _("Cadre")
    CIVIL_SERVANT = "civil_servant", _("Civil servant")
    PUBLIC_EMPLOYEE = "public_employee", _("Public employee")
    WORKER = "worker", _("Worker")


class Cadre(models.Model):
    """A scored person: cán bộ, công chức, viên chức or người lao động."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    full_name = models.CharField(_("full name"), max_length=200)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
    )
    job_group = models.CharField(_("job group"), max_length=64)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.CIVIL_SERVANT
    )
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["code"]

    def __str__(self):
        return f"{self.full_name} ({self.code})"

    def save(self, *args, **kwargs):
        # A job group typed with combining accents must not start a quota group of its own.
        self.code, self.full_name, self.job_group = map(
            clean_text, (self.code, self.full_name, self.job_group)
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("units:cadre", args=[self.code])


class DatedQuerySet(models.QuerySet):
    def valid_on(self, on):
        return self.filter(valid_on_q(on))


class Dated(models.Model):
    """A row valid from one date to another, both ends open when empty (`valid_on`)."""

    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="%(class)s_dates_ordered",
            )
        ]


class Membership(Dated):
    """A cadre's unit over time; the unit in month M is the one valid on M's last day."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )

    class Meta(Dated.Meta):
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["cadre", "valid_from"]
        indexes = [models.Index(fields=["unit", "valid_to"], name="membership_unit_idx")]

    def __str__(self):
        return f"{self.cadre.code} @ {self.unit.code}"


class RoleKind(models.TextChoices):
    HEAD = "head", _("Head")
    DEPUTY = "deputy", _("Deputy head")
    LEADER = "leader", _("Leader")
    ADMIN = "admin", _("Administrator")
    # Reads the subtree like a leader and records inspections there (docs/RULES.md §8).
    INSPECTOR = "inspector", _("Inspector")


class Role(Dated):
    """Authority over a unit's whole subtree for a date range."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="roles"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=10, choices=RoleKind.choices)

    class Meta(Dated.Meta):
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["unit", "role", "cadre"]
        indexes = [models.Index(fields=["unit", "role"], name="role_unit_idx")]

    def __str__(self):
        return f"{self.cadre.code}: {self.get_role_display()} {self.unit.code}"


class AppendOnlyQuerySet(models.QuerySet):
    """Rows of a log are only ever added: updates, deletes and upserts are refused. The logs of
    every app (the account log here, the task imports' and the month's audit) use it; on
    PostgreSQL a trigger of each log's migration refuses raw SQL too."""

    def update(self, **kwargs):
        raise PermissionError(f"The {self.model.LOG_NAME} is append-only.")

    def delete(self):
        raise PermissionError(f"The {self.model.LOG_NAME} is append-only.")

    def bulk_create(
        self, objs, batch_size=None, ignore_conflicts=False, update_conflicts=False, **kwargs
    ):
        if update_conflicts:  # an upsert would overwrite the rows it collides with
            raise PermissionError(f"The {self.model.LOG_NAME} is append-only.")
        return super().bulk_create(
            objs, batch_size=batch_size, ignore_conflicts=ignore_conflicts, **kwargs
        )


class AppendOnlyModel(models.Model):
    """A row of a log, stamped when it is written: saved once, never changed or deleted (with
    `AppendOnlyQuerySet`), newest first. A subclass names its log in LOG_NAME, and its own Meta
    extends this one, whose `base_manager_name = "objects"` makes Django's own reach into the
    rows (a related manager's add) append-only too. On PostgreSQL each log's migration adds a
    trigger that refuses raw SQL (`units.log_tables`)."""

    LOG_NAME = "log"

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-at", "-pk"]
        base_manager_name = "objects"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(f"The {self.LOG_NAME} is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"The {self.LOG_NAME} is append-only.")


class AuditLog(AppendOnlyModel):
    """An audit log's row: who (the account, and as shown), when, which action on which object,
    the old and new values, why. A subclass adds `object_id` (its own length) and what else
    it needs, and inherits this Meta (ordering, names, the append-only base manager)."""

    LOG_NAME = "audit log"
    COMMAND_LINE = "manage.py"  # the actor of what is done from the command line

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor = models.CharField(_("actor"), max_length=150, help_text=_("who, as shown"))
    action = models.CharField(_("action"), max_length=40)
    object_type = models.CharField(_("object"), max_length=40)
    old = models.JSONField(_("old"), null=True, blank=True)
    new = models.JSONField(_("new"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta(AppendOnlyModel.Meta):
        abstract = True
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}"

    @classmethod
    def actor_of(cls, user, cadre: "Cadre | None" = None) -> str:
        """Who, as every log shows it: "Full name (username)", the username of an account that
        is no cadre's, or the command line. The user's cadre is looked up unless given (a cadre
        that is not the user's is not taken for it)."""
        if user is None:
            return cls.COMMAND_LINE
        if cadre is None or cadre.user_id != user.pk:
            cadre = Cadre.objects.filter(user=user).only("full_name").first()
        username = user.get_username()
        return f"{cadre.full_name} ({username})" if cadre is not None else username


class AccountEventKind(models.TextChoices):
    PASSWORD_LINK = "password_link", _("Set-password link issued")
    PASSWORD_SET = "password_set", _("Password set")
    LOCKOUT = "lockout", _("Login locked out")
    UNLOCK = "unlock", _("Lockout lifted")


class AccountEvent(AppendOnlyModel):
    """Append-only record of what happens to accounts: set-password links issued (who, for
    whom, when), passwords set, logins locked out and lockouts lifted (docs/RULES.md §3).

    The organisation's own log: `scoring.AuditEntry` records the month's work, and units never
    import scoring.
    """

    LOG_NAME = "account log"

    kind = models.CharField(_("event"), max_length=20, choices=AccountEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("by (as shown)"), max_length=200, blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    username = models.CharField(
        _("username"), max_length=255, help_text=_("the account concerned, as typed or named")
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("account event")
        verbose_name_plural = _("account log")
        indexes = [
            models.Index(fields=["username", "kind", "at"], name="accountevent_user_kind_idx")
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"
