from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.auth import admin as auth_admin  # registers User and Group first
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from seller_portal.admin_base import PortalAdminMixin, PortalModelAdmin, ReadOnlyInline
from seller_portal.admin_checks import CheckedDateFieldListFilter
from seller_portal.models import LoginFailure, Membership, MembershipChange, Shop
from seller_portal.services import (
    MembershipError,
    membership_add,
    membership_change_role,
    membership_last_owner_problem,
    membership_remove,
)


class MembershipAdminForm(forms.ModelForm):
    """Refuses, as a form error, a change the services would refuse: the shop's last owner
    made an agent (a second membership of a user in a shop is the model's own unique check)."""

    class Meta:
        model = Membership
        fields = ["user", "shop", "role"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and "role" in self.changed_data:
            problem = membership_last_owner_problem(self.instance, new_role=cleaned.get("role"))
            if problem:
                raise forms.ValidationError(problem)
        return cleaned


class MembershipInline(ReadOnlyInline):
    """The shop's members, to read: changes go through the membership admin, whose every
    change is audited and keeps the shop's last owner (seller_portal/services.py)."""

    model = Membership
    fields = readonly_fields = ["user", "role", "created_at"]
    show_change_link = True


@admin.register(Shop)
class ShopAdmin(PortalModelAdmin):
    list_display = ["code", "name", "tier", "registered_at"]
    list_filter = ["tier"]
    search_fields = ["code", "name"]
    # Name and tier come from shop.registered events; staff manage who belongs to the shop.
    readonly_fields = ["code", "name", "tier", "registered_at", "created_at", "updated_at"]
    inlines = [MembershipInline]

    def has_add_permission(self, request):
        return False


@admin.register(Membership)
class MembershipAdmin(PortalModelAdmin):
    """Staff add members, change roles and remove members through the same services as owners
    do on the members page: every change leaves a `MembershipChange` row, and the shop's last
    owner is never demoted or removed."""

    form = MembershipAdminForm
    list_display = ["user", "shop", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "shop__code", "shop__name"]
    autocomplete_fields = ["user", "shop"]
    list_select_related = ["user", "shop"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "shop"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            if "role" in form.changed_data:
                membership_change_role(membership=obj, role=obj.role, by=request.user)
            return
        added = membership_add(shop=obj.shop, user=obj.user, role=obj.role, by=request.user)
        obj.pk = added.pk

    def has_delete_permission(self, request, obj=None):
        if obj is not None and membership_last_owner_problem(obj, new_role=None):
            return False  # the shop's last owner
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        membership_remove(membership=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset.order_by("pk"):
            try:
                membership_remove(membership=membership, by=request.user)
            except MembershipError as refused:
                self.message_user(request, f"{membership}: {refused}", messages.ERROR)


class NameKnownFilter(admin.SimpleListFilter):
    """Names that belong to an account, or the others (shown masked)."""

    title = _("nama pengguna")
    parameter_name = "nama"

    def lookups(self, request, model_admin):
        return [("dikenal", _("milik sebuah akun")), ("tidak-dikenal", _("tidak dikenal"))]

    def queryset(self, request, queryset):
        if self.value() in ("dikenal", "tidak-dikenal"):
            return queryset.filter(name_known=self.value() == "dikenal")
        return queryset


@admin.register(LoginFailure)
class LoginFailureAdmin(PortalModelAdmin):
    """Failed sign-ins, newest first. Support lifts the lock of a seller who has proved who they
    are by deleting the failures of that name; nobody adds or edits them.

    What was typed as the name may be a password typed into the wrong field: a name that
    belongs to no account is shown as its first character and a fixed mask, here and in the
    unlock message, the object's title, delete page and history (`LoginFailure.__str__`). The
    raw text cannot be searched, filtered or sorted by: the search matches names of accounts
    and addresses, and a `username` lookup in the query string is refused (400).
    """

    list_display = ["name", "name_known", "ip", "at"]
    fields = readonly_fields = ["name", "name_known", "ip", "at"]
    ordering = ["-at"]
    search_fields = ["username", "ip"]  # see get_search_results: known names only
    search_help_text = _("Nama akun atau alamat IP. Nama yang tidak dikenal tidak dapat dicari.")
    list_filter = [NameKnownFilter, ("at", CheckedDateFieldListFilter)]
    date_hierarchy = "at"
    actions = ["unlock"]

    def get_queryset(self, request):
        known = get_user_model().objects.filter(username__iexact=OuterRef("username"))
        return super().get_queryset(request).annotate(name_known=Exists(known))

    @admin.display(description=_("nama pengguna"))
    def name(self, obj):
        return obj.shown_username

    @admin.display(description=_("milik sebuah akun"), boolean=True, ordering="name_known")
    def name_known(self, obj):
        return obj.name_known

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        matches = queryset.filter(name_known=True, username__icontains=term.casefold())
        return matches | queryset.filter(ip__startswith=term), False

    def lookup_allowed(self, lookup, value, request):
        if lookup.split("__")[0] == "username":
            return False  # `?username=...` would confirm a guess at a masked name
        return super().lookup_allowed(lookup, value, request)

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
        names = {row.username: row.shown_username for row in queryset}
        deleted, _ = LoginFailure.objects.filter(username__in=names).delete()
        self.message_user(
            request,
            ngettext(
                "%(names)s dapat masuk lagi (%(count)d kegagalan dihapus).",
                "%(names)s dapat masuk lagi (%(count)d kegagalan dihapus).",
                deleted,
            )
            % {"names": ", ".join(sorted(names.values())), "count": deleted},
        )


# Django's own user and group admins, with the portal's rules on search, filters and sorting.
User = get_user_model()


class UserAdmin(PortalAdminMixin, auth_admin.UserAdmin):
    pass


class GroupAdmin(PortalAdminMixin, auth_admin.GroupAdmin):
    pass


for _model, _model_admin in [(User, UserAdmin), (Group, GroupAdmin)]:
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _model_admin)


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

    class SuperuserQueueAdmin(PortalAdminMixin, QueueAdmin):
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


@admin.register(MembershipChange)
class MembershipChangeAdmin(PortalModelAdmin):
    """Who changed which shop's team, and when: written only by seller_portal/services.py,
    read-only for everyone."""

    list_display = ["at", "shop", "username", "action", "old_role", "new_role", "by_username"]
    list_filter = ["action"]
    search_fields = ["shop__code", "shop__name", "username", "by_username"]
    list_select_related = ["shop"]
    fields = readonly_fields = [
        "at",
        "shop",
        "username",
        "action",
        "old_role",
        "new_role",
        "by_username",
    ]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
