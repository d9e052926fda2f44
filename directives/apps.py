from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectivesConfig(AppConfig):
    name = "directives"
    verbose_name = _("Regulations and tasks")
    # The cards this app adds to the home page (units/views.py: home), in INSTALLED_APPS order.
    home_cards = "directives/home_cards.html"
