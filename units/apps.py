from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Organisation")

    def ready(self):
        from axes.signals import user_locked_out

        from units.logins import record_lockout

        user_locked_out.connect(record_lockout, dispatch_uid="units.record_lockout")
