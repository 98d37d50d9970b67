from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = _("Performa toko")

    def ready(self):
        from performance.defaults import ensure_rule_set_v1_after_migrate

        post_migrate.connect(ensure_rule_set_v1_after_migrate, sender=self)
