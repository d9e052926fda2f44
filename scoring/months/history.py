"""The month's history on its page: its own audit entries, newest first, each in words.

Opening, every move (by a person or by `run_schedule`), stepping back, reopening, refreshing the
members, pools and flags, reminders, the decision, publication, appeals and the lock — not each
score saved (those are the grid's). One query.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from scoring.models import AuditEntry, Period, Phase, ScorecardKind
from units.formats import date_text, vnd_text

SCHEDULE_ACTOR = "run_schedule"
HISTORY_PREFIXES = ("period.", "pool.", "unit.", "reminder.", "appeal.")
HISTORY_LENGTH = 60


def history(period: Period) -> list[AuditEntry]:
    """The month's own actions, newest first (not every score saved: those are the grid's)."""
    condition = Q()
    for prefix in HISTORY_PREFIXES:
        condition |= Q(action__startswith=prefix)
    entries = list(
        AuditEntry.objects.filter(period=period)
        .filter(condition)
        .order_by("-at", "-pk")[:HISTORY_LENGTH]
    )
    for entry in entries:
        entry.who = actor_label(entry.actor)
        entry.what = describe(entry)
    return entries


def actor_label(actor: str) -> str:
    if actor == SCHEDULE_ACTOR:
        return _("Automatic schedule")
    if actor == AuditEntry.COMMAND_LINE:
        return _("Command line")
    return actor


def _phase(value) -> str:
    return Phase(value).label if value in Phase.values else str(value or "")


def _day(value) -> str:
    try:
        return date_text(dt.date.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value or "")


def _money(value) -> str:
    return vnd_text(value or 0)


STEP_NAMES = {
    ScorecardKind.SELF: Phase.SELF,
    ScorecardKind.PEER: Phase.PEER,
    ScorecardKind.SUPERVISOR: Phase.REVIEW,
}


def describe(entry: AuditEntry) -> str:
    """One line of the month's history, in words."""
    old, new = entry.old or {}, entry.new or {}
    action = entry.action
    if action == "period.open":
        return _(
            "Opened with regulation %(regulation)s: %(members)s people in %(units)s units."
        ) % {
            "regulation": new.get("regulation", ""),
            "members": new.get("members", 0),
            "units": new.get("units", 0),
        }
    if action == "period.advance":
        return _("Moved from “%(old)s” to “%(new)s”.") % {
            "old": _phase(old.get("phase")),
            "new": _phase(new.get("phase")),
        }
    if action == "period.step_back":
        return _("Stepped back from “%(old)s” to “%(new)s”.") % {
            "old": _phase(old.get("phase")),
            "new": _phase(new.get("phase")),
        }
    if action == "period.reopen_units":
        return _("Step “%(step)s” reopened for %(units)s until %(date)s.") % {
            "step": _phase(STEP_NAMES.get(new.get("kind"), "")),
            "units": ", ".join(new.get("units", [])),
            "date": _day(new.get("until")),
        }
    if action == "period.reopen_step":
        return _("A step reopened for every unit: new deadline %(date)s.") % {
            "date": ", ".join(_day(v) for v in new.values())
        }
    if action == "period.refresh_members":
        return _("Members refreshed: %(added)s joined, %(removed)s left, %(changed)s changed.") % {
            "added": len(new.get("added", [])),
            "removed": len(new.get("removed", [])),
            "changed": len(new.get("changed", [])),
        }
    if action == "period.decide":
        return _("Decided: %(cadres)s people.") % {"cadres": new.get("cadres", 0)}
    if action == "period.publish":
        return _("Published; appeals until %(date)s.") % {"date": _day(new.get("appeals_until"))}
    if action == "period.lock":
        return _("Locked: nothing in the month changes any more.")
    if action in ("period.reopen", "period.reopen_by_appeal"):
        return _("Reopened: back in supervisor review.")
    if action == "pool.set":
        return _("Pool of %(unit)s: %(old)s → %(new)s VND.") % {
            "unit": new.get("unit", ""),
            "old": _money(old.get("pool")),
            "new": _money(new.get("pool")),
        }
    if action == "unit.outstanding":
        if new.get("outstanding"):
            return _("%(unit)s flagged as an outstanding unit.") % {"unit": new.get("unit", "")}
        return _("%(unit)s no longer flagged as outstanding.") % {"unit": new.get("unit", "")}
    if action in ("reminder.send", "reminder.due"):
        return _("Reminders emailed to %(n)s people.") % {"n": len(new.get("sent", []))}
    if action == "appeal.file":
        return _("An appeal was filed.")
    if action == "appeal.accept":
        return _("An appeal was accepted.")
    if action == "appeal.reject":
        return _("An appeal was answered (not accepted).")
    return action
