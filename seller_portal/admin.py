from django.contrib import admin

from seller_portal.models import Membership, Shop


class MembershipInline(admin.TabularInline):
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
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "shop", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "shop__code", "shop__name"]
    autocomplete_fields = ["user", "shop"]
    list_select_related = ["user", "shop"]
