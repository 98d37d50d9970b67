from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from seller_portal.admin_checks import (
    CheckedAutocomplete,
    CheckedChangeList,
    CheckedDateFieldListFilter,
)
from seller_portal.models import LoginFailure, Membership, Shop


class MembershipInline(CheckedAutocomplete, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "tier", "registered_at"]
    list_filter = ["tier"]
    search_fields = ["code", "name"]
    # Name and tier come from shop.registered events; staff manage who belongs to the shop.
    readonly_fields = ["code", "name", "tier", "registered_at", "created_at", "updated_at"]
    inlines = [MembershipInline]

    def has_add_permission(self, request):
        return False


@admin.register(Membership)
class MembershipAdmin(CheckedAutocomplete, admin.ModelAdmin):
    list_display = ["user", "shop", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "shop__code", "shop__name"]
    autocomplete_fields = ["user", "shop"]
    list_select_related = ["user", "shop"]


@admin.register(LoginFailure)
class LoginFailureAdmin(CheckedChangeList, admin.ModelAdmin):
    """Failed sign-ins, newest first. Support lifts the lock of a seller who has proved who they
    are by deleting the failures of that name; nobody adds or edits them."""

    list_display = ["username", "ip", "at"]
    ordering = ["-at"]
    search_fields = ["username"]
    list_filter = [("at", CheckedDateFieldListFilter)]
    date_hierarchy = "at"
    actions = ["unlock"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)  # `unlock` clears whole names, not single rows
        return actions

    @admin.action(
        description=_("Buka kunci nama yang dipilih (hapus semua kegagalannya)"),
        permissions=["delete"],
    )
    def unlock(self, request, queryset):
        names = set(queryset.values_list("username", flat=True))
        deleted, _ = LoginFailure.objects.filter(username__in=names).delete()
        self.message_user(
            request,
            ngettext(
                "%(names)s dapat masuk lagi (%(count)d kegagalan dihapus).",
                "%(names)s dapat masuk lagi (%(count)d kegagalan dihapus).",
                deleted,
            )
            % {"names": ", ".join(sorted(names)), "count": deleted},
        )


def _superusers_only(view):
    """Staff who are not superusers are refused; everyone else meets the view's own checks
    (anonymous users are sent to the admin login, API calls answer 401)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.is_staff and not user.is_superuser:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


if settings.REDIS_URL:
    from django_rq.admin import QueueAdmin
    from django_rq.models import Dashboard

    class SuperuserQueueAdmin(QueueAdmin):
        """RQ's dashboard — queues, jobs with their arguments, emptying, requeueing — for
        superusers only: django_rq itself admits any staff member, support and reviewers
        included. It has no objects: an object URL is a missing object."""

        def has_module_permission(self, request):
            return request.user.is_active and request.user.is_superuser

        def has_view_permission(self, request, obj=None):
            return self.has_module_permission(request)

        def has_change_permission(self, request, obj=None):
            return self.has_module_permission(request)

        def has_delete_permission(self, request, obj=None):
            return self.has_module_permission(request)  # nothing to delete: see get_object

        def get_object(self, request, object_id, from_field=None):
            return None

        def get_urls(self):
            urls = super().get_urls()
            for pattern in urls:
                pattern.callback = _superusers_only(pattern.callback)
            return urls

    if admin.site.is_registered(Dashboard):
        admin.site.unregister(Dashboard)
    admin.site.register(Dashboard, SuperuserQueueAdmin)
