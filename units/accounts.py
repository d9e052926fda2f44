"""Set-password links: who may issue one for whom, how long it lives, whether a person has ever
set a password (docs/RULES.md §3, "Set-password links").

An administrator issues links for any account but an administrator's; a head issues one only for
a cadre strictly below them who has never set a password. The link itself is Django's stateless
password-reset token: it dies when the password changes (its hash is in the token), and after
PASSWORD_LINK_HOURS.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.http import base36_to_int
from django.utils.translation import gettext as _

from units.models import AccountEvent, AccountEventKind, RoleKind


class PasswordLinkTokenGenerator(PasswordResetTokenGenerator):
    """Tokens of set-password links, valid PASSWORD_LINK_HOURS (read when checked)."""

    key_salt = "units.accounts.PasswordLinkTokenGenerator"

    def check_token(self, user, token):
        if not super().check_token(user, token):
            return False
        issued = base36_to_int(token.split("-")[0])
        age = self._num_seconds(self._now()) - issued
        return age <= settings.PASSWORD_LINK_HOURS * 3600


password_link_tokens = PasswordLinkTokenGenerator()


def has_set_password(user) -> bool:
    """Whether the account has, or has ever had, a password of its own.

    A usable password, a login (which needs one) or a recorded set: an account whose password
    was later disabled still counts, so a head cannot hand it a new one.
    """
    if user is None:
        return False
    if user.has_usable_password() or user.last_login is not None:
        return True
    return AccountEvent.objects.filter(account=user, kind=AccountEventKind.PASSWORD_SET).exists()


def _at_or_above(subject_role, head_role) -> bool:
    """The subject's role is equal to or higher than the head's: over the head's unit or an
    ancestor of it, unless it is a deputy of the head's own unit."""
    if not head_role.unit.path.startswith(subject_role.unit.path):
        return False
    return not (subject_role.unit_id == head_role.unit_id and subject_role.role == RoleKind.DEPUTY)


def heads_over(scope, unit, cadre_roles) -> bool:
    """Whether one of the scope's head roles covers `unit` (the cadre's unit) and outranks every
    role the cadre holds (`cadre_roles`, valid on the scope's day). Deputies and leaders do not
    issue links."""
    if unit is None:
        return False
    for role in scope.roles:
        if role.role != RoleKind.HEAD or not unit.path.startswith(role.unit.path):
            continue
        if not any(_at_or_above(held, role) for held in cadre_roles):
            return True
    return False


def password_link_refusal(*, scope, cadre, unit, cadre_roles) -> str | None:
    """Why the scope's user may not issue a set-password link for `cadre`; None if they may.

    `unit` is the cadre's unit today and `cadre_roles` their roles valid today (unit loaded).
    """
    account = cadre.user
    if account is not None and (account.is_superuser or account.is_staff):
        return _("Set-password links are never issued for administrator accounts.")
    if scope.cadre is not None and scope.cadre.pk == cadre.pk:
        return _(
            "Nobody issues a set-password link for themself: change your own password from "
            "the account menu."
        )
    if account is None and get_user_model().objects.filter(username=cadre.code).exists():
        return _(
            "The account name “%(code)s” belongs to another account: an administrator links "
            "this person to their own account first."
        ) % {"code": cadre.code}
    if scope.is_admin:
        return None
    if not heads_over(scope, unit, cadre_roles):
        return _(
            "Only an administrator, or the head of a unit above this person, may issue them "
            "a set-password link."
        )
    if has_set_password(account):
        return _(
            "This person has already set a password: only an administrator may issue them a "
            "new set-password link."
        )
    return None


def replaces_a_password(cadre) -> bool:
    """Whether a link for `cadre` would replace a password they have: the issuer confirms."""
    return cadre.user is not None and cadre.user.has_usable_password()


class RecordPasswordSet:
    """Not a check: Django tells every password validator when a password has been set
    (`password_changed`), which is where the account log records it, whatever the path
    (a set-password link, the password change page, the admin)."""

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        AccountEvent.objects.create(
            kind=AccountEventKind.PASSWORD_SET, account=user, username=user.get_username()
        )

    def get_help_text(self):
        return _("Setting a password ends every set-password link issued for you.")
