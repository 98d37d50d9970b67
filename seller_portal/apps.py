from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SellerPortalConfig(AppConfig):
    name = "seller_portal"
    verbose_name = _("Portal penjual")

    def ready(self):
        from seller_portal import lockout  # noqa: F401 - connects the sign-in signals
        from seller_portal.roles import sync_staff_groups_after_migrate

        # post_migrate is sent once per app, and each app's permissions are created on its own
        # signal; syncing on every signal means the last one sees every app's permissions.
        post_migrate.connect(sync_staff_groups_after_migrate, dispatch_uid="sync_staff_groups")


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with the portal's site (its sign-in and password change counted by
    the sign-in lockout)."""

    default_site = "seller_portal.admin_site.PortalAdminSite"
