from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "appeals"
    verbose_name = _("Tiket dan banding")

    def ready(self):
        from appeals.services import verified_ticket_messages
        from performance.services.cs_evaluation import register_ticket_exclusions

        # Messages named by verified abuse tickets leave the CS evaluation (RULES §7).
        register_ticket_exclusions(verified_ticket_messages)
