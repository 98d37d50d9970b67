from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "appeals"
    verbose_name = _("Tiket dan banding")

    def ready(self):
        from appeals.services import notify_enforcement
        from performance.services.enforcement import enforcement_listener_register

        # A record a reviewer issues (a confirmed guideline flag) is a notice to the shop.
        enforcement_listener_register(notify_enforcement)
