from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Scoring")
    # The cards this app adds to the home page (units/views.py: home), in INSTALLED_APPS order.
    home_cards = "scoring/home_cards.html"

    def ready(self):
        from scoring import signals  # noqa: F401  (connects the regulation freeze)
