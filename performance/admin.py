from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from performance.models import ApiClient, Event
from performance.services.api_clients import api_client_create, api_client_rotate


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Events are the marketplace's record: staff read them, nobody edits them here."""

    list_display = ["event_id", "type", "shop", "at", "subject", "received_at"]
    list_filter = ["type"]
    search_fields = ["event_id", "shop__code", "subject"]
    date_hierarchy = "at"
    list_select_related = ["shop"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "token_prefix", "is_active", "created_by", "created_at", "last_used_at"]
    list_filter = ["is_active"]
    readonly_fields = ["token_prefix", "created_by", "created_at", "last_used_at"]
    actions = ["rotate_token", "deactivate"]

    def get_fields(self, request, obj=None):
        return ["name"] if obj is None else ["name", "is_active", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        client, token = api_client_create(name=obj.name, created_by=request.user)
        obj.pk = client.pk
        obj.token_prefix = client.token_prefix
        messages.warning(
            request,
            _("Token untuk %(name)s (disalin sekarang, tidak akan ditampilkan lagi): %(token)s")
            % {"name": client.name, "token": token},
        )

    @admin.action(description=_("Buat token baru (token lama langsung tidak berlaku)"))
    def rotate_token(self, request, queryset):
        for client in queryset:
            token = api_client_rotate(client=client)
            messages.warning(
                request,
                _("Token baru untuk %(name)s (tidak akan ditampilkan lagi): %(token)s")
                % {"name": client.name, "token": token},
            )

    @admin.action(description=_("Nonaktifkan klien terpilih"))
    def deactivate(self, request, queryset):
        count = queryset.update(is_active=False)
        messages.success(request, _("%(count)d klien dinonaktifkan.") % {"count": count})
