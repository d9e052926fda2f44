from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Scoring")
    # The cards this app adds to the home page (units/views.py: home), in INSTALLED_APPS order.
    home_cards = "scoring/home_cards.html"

    def ready(self):
        from django.db.models.signals import post_migrate

        from scoring import signals  # connects the regulation freeze

        post_migrate.connect(
            signals.summarize_the_unsummarized,
            sender=self,
            dispatch_uid="scoring.summarize_the_unsummarized",
        )
