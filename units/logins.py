"""Logins: the slowdown of a username across addresses, the lockouts of username and address
pairs (django-axes) and their log (docs/RULES.md §3, "Wrong passwords").

axes locks a pair of username and client address after AXES_FAILURE_LIMIT failures. Across
addresses a username is only slowed: once it has LOGIN_SLOWDOWN_AFTER failures from any
addresses within the window, each attempt must wait 2, 4, 8, ... seconds (at most
LOGIN_SLOWDOWN_MAX_SECONDS) after the last failure. A successful login or an administrator's
unlock starts the count again. The wait is checked before the password is, so a refused
attempt is no failure and never moves a lock.
"""

import datetime as dt
import math

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import ngettext

from units.models import AccountEvent, AccountEventKind

FIRST_WAIT_SECONDS = 2


def slowdown_delay(failures: int) -> int:
    """Seconds an attempt waits after the last failure, given the username's failures."""
    if failures < settings.LOGIN_SLOWDOWN_AFTER:
        return 0
    doublings = min(failures - settings.LOGIN_SLOWDOWN_AFTER, 32)
    return min(settings.LOGIN_SLOWDOWN_MAX_SECONDS, FIRST_WAIT_SECONDS * 2**doublings)


def login_wait(username: str | None, now: dt.datetime | None = None) -> int:
    """Whole seconds `username` must still wait before trying a password (0: try now)."""
    if not username:
        return 0
    now = now or timezone.now()
    since = now - dt.timedelta(minutes=settings.LOGIN_SLOWDOWN_WINDOW_MINUTES)
    restarts = [
        AccessLog.objects.filter(username=username).aggregate(at=Max("attempt_time"))["at"],
        AccountEvent.objects.filter(username=username, kind=AccountEventKind.UNLOCK).aggregate(
            at=Max("at")
        )["at"],
    ]
    since = max([since, *[at for at in restarts if at is not None]])
    failures = AccessFailureLog.objects.filter(username=username, attempt_time__gt=since)
    seen = failures.aggregate(count=Count("pk"), last=Max("attempt_time"))
    delay = slowdown_delay(seen["count"])
    if not delay:
        return 0
    left = (seen["last"] + dt.timedelta(seconds=delay) - now).total_seconds()
    return max(0, math.ceil(left))


class SlowdownMixin:
    """Refuses a login attempt while its username must wait, before the password is checked."""

    wait_seconds = 0

    def clean(self):
        self.wait_seconds = login_wait(self.cleaned_data.get("username"))
        if self.wait_seconds:
            raise ValidationError(
                ngettext(
                    "Too many wrong passwords for this account: try again in %(seconds)s second.",
                    "Too many wrong passwords for this account: try again in %(seconds)s seconds.",
                    self.wait_seconds,
                )
                % {"seconds": self.wait_seconds},
                code="slowed",
            )
        return super().clean()


class LoginForm(SlowdownMixin, AuthenticationForm):
    pass


class AdminLoginForm(SlowdownMixin, AdminAuthenticationForm):
    pass


# --- lockouts ----------------------------------------------------------------------------


def current_lockouts(now: dt.datetime | None = None) -> list[dict]:
    """Username and address pairs locked now, newest first, in one query: their failures
    within the cool-off (summed over user agents, as axes counts them) reach the limit."""
    now = now or timezone.now()
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=now - settings.AXES_COOLOFF_TIME)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last", "username")
    )
    return [row | {"until": row["last"] + settings.AXES_COOLOFF_TIME} for row in rows]


def lockout_log(limit: int = 100):
    """The latest lockouts and unlocks, newest first."""
    kinds = [AccountEventKind.LOCKOUT, AccountEventKind.UNLOCK]
    return AccountEvent.objects.filter(kind__in=kinds).order_by("-at", "-pk")[:limit]


def record_lockout(sender, request, username, ip_address, **kwargs):
    """axes' user_locked_out: the failure that reaches the limit locks the pair; it goes into
    the account log (axes sends the signal again for every attempt refused while locked, and
    its failure log marks those)."""
    if getattr(request, "axes_failures_since_start", None) != settings.AXES_FAILURE_LIMIT:
        return
    account = get_user_model().objects.filter(username=username).first() if username else None
    AccountEvent.objects.create(
        kind=AccountEventKind.LOCKOUT,
        account=account,
        username=username or "",
        ip_address=ip_address,
        detail={
            "failures": settings.AXES_FAILURE_LIMIT,
            "until": (timezone.now() + settings.AXES_COOLOFF_TIME).isoformat(),
        },
    )
