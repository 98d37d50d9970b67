from django.contrib import admin

from appeals.models import EnforcementRecord


@admin.register(EnforcementRecord)
class EnforcementRecordAdmin(admin.ModelAdmin):
    list_display = ["shop", "kind", "issued_on", "key", "withdrawn_at", "voided_at"]
    list_filter = ["kind", ("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["shop__code", "key"]
    date_hierarchy = "issued_on"
    list_select_related = ["shop"]
    readonly_fields = ["shop", "kind", "key", "issued_on", "details", "withdrawn_at", "created_at"]
