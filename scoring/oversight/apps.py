from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """Inspections, the radar and personnel review cases (docs/RULES.md §8): at the top of the
    import chain like `scoring.api`; nothing below imports it."""

    name = "scoring.oversight"
    label = "oversight"
    verbose_name = _("Oversight")
    # Its card on the home page (units/views.py: home): the radar, inspections and cases.
    home_cards = "oversight/home_card.html"
