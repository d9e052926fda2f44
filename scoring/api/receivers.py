"""The webhooks' answers to scoring/events.py: a delivery row per subscribed client, written in
the publishing or answering transaction."""

from django.dispatch import receiver

from scoring import events
from scoring.api import webhooks
from scoring.models import PeriodMember


@receiver(events.month_published, dispatch_uid="api.month_published")
def queue_month_published(sender, period, **kwargs):
    webhooks.month_published(period)


@receiver(events.appeal_answered, dispatch_uid="api.appeal_answered")
def queue_appeal_answered(sender, appeal, **kwargs):
    member = (
        PeriodMember.objects.filter(period_id=appeal.period_id, cadre_id=appeal.cadre_id)
        .select_related("unit")
        .first()
    )
    if member is not None:
        webhooks.appeal_answered(appeal, member.unit)
