"""What happened to a month that systems outside may want to know (docs/API.md, webhooks).

The services send these inside their transaction; the integration API (scoring/api/receivers.py)
answers by storing a webhook delivery in the same transaction, so a rolled-back publication
notifies nobody. The receivers must not fail the sender's transaction for an outside reason.
"""

from django.dispatch import Signal

month_published = Signal()  # period=
appeal_answered = Signal()  # appeal=
