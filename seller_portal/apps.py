from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SellerPortalConfig(AppConfig):
    name = "seller_portal"
    verbose_name = _("Portal penjual")
