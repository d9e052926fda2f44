from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "scoring.api"
    label = "api"
    verbose_name = _("Integration API")

    def ready(self):
        from scoring.api import receivers  # noqa: F401  (the webhooks' signal receivers)
