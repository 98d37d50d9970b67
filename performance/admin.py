import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override as translation_override

from performance.models import (
    ApiClient,
    CalendarOverride,
    CsWeek,
    EnforcementRecord,
    Event,
    GuidelineFlag,
    HolidayModeChange,
    HolidayPeriod,
    JobRun,
    Penalty,
    RuleSet,
    ScoreSnapshot,
)
from performance.services.api_clients import (
    api_client_create,
    api_client_deactivate,
    api_client_reactivate,
    api_client_rotate,
)
from performance.services.guidelines import guideline_flag_confirm, guideline_flag_dismiss
from performance.services.rule_sets import rule_set_has_results, rule_set_validate
from seller_portal.admin_base import PortalModelAdmin
from seller_portal.admin_checks import CheckedJSONField


class ReadOnlyAdmin(PortalModelAdmin):
    """Results and records: computed from events, so staff read them and never edit them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """Events are the marketplace's record: staff read them, nobody edits them here."""

    list_display = ["event_id", "type", "shop", "at", "subject", "received_at"]
    list_filter = ["type"]
    search_fields = ["event_id", "shop__code", "subject"]
    date_hierarchy = "at"
    list_select_related = ["shop"]
    show_full_result_count = False


def _changed(model, field_name: str) -> list[dict]:
    """An admin history entry "changed <field>", in the form the change form writes (field
    names untranslated, so the history page shows them in the reader's language)."""
    with translation_override(None):
        label = str(model._meta.get_field(field_name).verbose_name)
    return [{"changed": {"fields": [label]}}]


@admin.register(ApiClient)
class ApiClientAdmin(PortalModelAdmin):
    """Tokens are shown once, in the body of the page that answers the add or the action
    (`token.html`, no-store): never in a message, which would travel in a cookie or sit in
    the session, nor in a URL or a log. Deactivation revokes the token; a deactivated client
    comes back only with a new one ("reactivate"), so `is_active` is not editable here."""

    list_display = ["name", "token_prefix", "is_active", "created_by", "created_at", "last_used_at"]
    list_filter = ["is_active"]
    readonly_fields = ["token_prefix", "is_active", "created_by", "created_at", "last_used_at"]
    actions = ["rotate_token", "reactivate", "deactivate"]
    token_template = "admin/performance/apiclient/token.html"

    def get_fields(self, request, obj=None):
        return ["name"] if obj is None else ["name", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        client, token = api_client_create(name=obj.name, created_by=request.user)
        obj.pk = client.pk
        obj.token_prefix = client.token_prefix
        obj.issued_token = token  # read by response_add, on this request only

    def response_add(self, request, obj, post_url_continue=None):
        token = getattr(obj, "issued_token", None)
        if token is None:  # pragma: no cover - every add goes through save_model
            return super().response_add(request, obj, post_url_continue)
        return self.token_response(request, [(obj, token)], title=_("Klien API dibuat"))

    def token_response(self, request, issued, *, title, skipped=()):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "issued": issued,
            "skipped": [client.name for client in skipped],
        }
        response = TemplateResponse(request, self.token_template, context)
        add_never_cache_headers(response)
        return response

    @admin.action(description=_("Buat token baru (token lama langsung tidak berlaku)"))
    def rotate_token(self, request, queryset):
        issued, skipped = [], []
        for client in queryset.order_by("name"):
            if not client.is_active:
                skipped.append(client)
                continue
            token = api_client_rotate(client=client)
            self.log_change(request, client, _changed(ApiClient, "token_prefix"))
            issued.append((client, token))
        return self.token_response(request, issued, title=_("Token baru"), skipped=skipped)

    @admin.action(description=_("Aktifkan lagi dengan token baru"))
    def reactivate(self, request, queryset):
        issued = []
        for client in queryset.filter(is_active=False).order_by("name"):
            token = api_client_reactivate(client=client)
            self.log_change(request, client, _changed(ApiClient, "is_active"))
            issued.append((client, token))
        return self.token_response(request, issued, title=_("Klien API aktif lagi"))

    @admin.action(description=_("Nonaktifkan klien terpilih (tokennya dicabut)"))
    def deactivate(self, request, queryset):
        clients = list(queryset.filter(is_active=True))
        count = api_client_deactivate(clients=clients)
        for client in clients:
            self.log_change(request, client, _changed(ApiClient, "is_active"))
        messages.success(request, _("%(count)d klien dinonaktifkan.") % {"count": count})


@admin.register(Penalty)
class PenaltyAdmin(ReadOnlyAdmin):
    list_display = ["shop", "rule", "points", "issued_on", "source", "voided_at", "rule_set"]
    list_filter = ["rule", "rule_set", ("voided_at", admin.EmptyFieldListFilter)]
    search_fields = ["shop__code", "source", "key"]
    date_hierarchy = "issued_on"
    list_select_related = ["shop", "rule_set"]
    show_full_result_count = False


@admin.register(ScoreSnapshot)
class ScoreSnapshotAdmin(ReadOnlyAdmin):
    list_display = [
        "shop",
        "refreshed_on",
        "score",
        "service",
        "product",
        "deduction",
        "at_risk",
        "is_current",
        "rule_set",
    ]
    list_filter = ["is_current", "at_risk", "tier", "rule_set"]
    search_fields = ["shop__code"]
    date_hierarchy = "refreshed_on"
    list_select_related = ["shop", "rule_set"]
    show_full_result_count = False


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "kind",
        "run_date",
        "status",
        "parent",
        "attempts",
        "triggered_by",
        "started_at",
        "finished_at",
    ]
    list_filter = ["status", "kind", "triggered_by"]
    search_fields = ["error"]
    date_hierarchy = "created_at"
    list_select_related = ["parent"]


class IndentedJSONField(CheckedJSONField):
    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value  # show what staff typed, with the error
        return json.dumps(value, indent=2, ensure_ascii=False)


class RuleSetForm(forms.ModelForm):
    parameters = IndentedJSONField(
        label=_("Parameter"),
        widget=forms.Textarea(attrs={"rows": 30, "cols": 90, "spellcheck": "false"}),
        help_text=_("Semua nilai poin, tabel dan ambang docs/RULES.md §3–§4, dalam JSON."),
    )

    class Meta:
        model = RuleSet
        fields = ["version", "effective_from", "parameters", "note"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        candidate = RuleSet(
            pk=self.instance.pk,
            version=data["version"],
            effective_from=data["effective_from"],
            parameters=data["parameters"],
        )
        try:
            rule_set_validate(rule_set=candidate, today=timezone.localdate())
        except ValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        return data


@admin.register(RuleSet)
class RuleSetAdmin(PortalModelAdmin):
    """Editable by staff; a version that produced results is frozen (new version instead)."""

    form = RuleSetForm
    list_display = ["version", "effective_from", "created_by", "created_at", "in_use"]
    readonly_fields = ["summary", "created_by", "created_at"]
    save_as = True  # "Save as new": the usual way to start the next version

    @admin.display(boolean=True, description=_("sudah dipakai"))
    def in_use(self, obj):
        return rule_set_has_results(obj)

    @admin.display(description=_("ringkasan"))
    def summary(self, obj):
        if obj.pk is None:
            return "-"
        params = obj.params
        rows = [
            (
                _("Penalti per kejadian"),
                ", ".join(f"{k} {v}" for k, v in params.event_penalties.items()),
            ),
            (_("Penyalahgunaan pembatalan"), params.cancellation_abuse),
            (_("Manipulasi transaksi"), params.transaction_manipulation),
            (_("Kirim sebagian"), f"{params.partial_points} / {params.partial_every}"),
            (_("Masa aktif penalti (hari)"), params.penalty_lifetime_days),
            (_("Batas pengurangan"), params.deduction_cap),
            (_("Batas skor per tingkat"), params.tier_thresholds),
        ]
        return format_html_join("", "<p><strong>{}</strong>: {}</p>", rows)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(PortalModelAdmin):
    """Staff corrections of the working-day calendar; re-run `recalculate` for past weeks."""

    list_display = ["day", "is_working_day", "note", "created_by", "created_at"]
    list_filter = ["is_working_day"]
    date_hierarchy = "day"
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CsWeek)
class CsWeekAdmin(ReadOnlyAdmin):
    list_display = [
        "shop",
        "week_start",
        "status",
        "on_time",
        "evaluated",
        "is_current",
        "created_at",
    ]
    list_filter = ["status", "is_current"]
    search_fields = ["shop__code"]
    date_hierarchy = "week_start"
    list_select_related = ["shop"]
    show_full_result_count = False


@admin.register(EnforcementRecord)
class EnforcementRecordAdmin(ReadOnlyAdmin):
    """Records come from the jobs and the guideline review and are voided only by an accepted
    appeal (with its timeline): staff read them here, superusers included."""

    list_display = ["shop", "kind", "issued_on", "key", "withdrawn_at", "voided_at"]
    list_filter = ["kind", ("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["shop__code", "key"]
    date_hierarchy = "issued_on"
    list_select_related = ["shop"]
    readonly_fields = ["shop", "kind", "key", "issued_on", "details", "withdrawn_at", "created_at"]


@admin.register(HolidayPeriod)
class HolidayPeriodAdmin(ReadOnlyAdmin):
    list_display = ["shop", "starts_at", "ends_at", "source", "created_by"]
    list_filter = ["source"]
    search_fields = ["shop__code"]
    list_select_related = ["shop", "created_by"]


@admin.register(HolidayModeChange)
class HolidayModeChangeAdmin(ReadOnlyAdmin):
    list_display = ["shop", "action", "starts_at", "ends_at", "changed_by", "changed_at"]
    list_filter = ["action"]
    search_fields = ["shop__code"]
    list_select_related = ["shop", "changed_by"]


class GuidelineFlagReviewForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=[
            ("confirm", _("Konfirmasi: catatan pelanggaran pedoman (bisa dibanding)")),
            ("dismiss", _("Abaikan (alasan wajib)")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Catatan / alasan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    class Meta:
        model = GuidelineFlag
        fields = []

    def clean(self):
        data = super().clean()
        if data.get("decision") == "dismiss" and not data.get("note", "").strip():
            raise ValidationError(_("Alasan mengabaikan wajib diisi."))
        if self.instance.status != GuidelineFlag.Status.OPEN:
            raise ValidationError(_("Tanda ini sudah ditinjau."))
        return data


@admin.register(GuidelineFlag)
class GuidelineFlagAdmin(PortalModelAdmin):
    """Review queue of flagged seller messages: confirm (an appealable enforcement record) or
    dismiss with a reason."""

    form = GuidelineFlagReviewForm
    list_display = ["id", "shop", "rule", "section", "match", "message_at", "status"]
    list_filter = ["status", "rule", "section"]
    search_fields = ["shop__code", "match"]
    list_select_related = ["shop", "event"]
    readonly_fields = [
        "shop",
        "rule",
        "section",
        "match",
        "message",
        "conversation",
        "status",
        "reviewed_by",
        "reviewed_at",
        "review_note",
        "enforcement",
    ]
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None and obj.status == GuidelineFlag.Status.OPEN:
            fields += ["decision", "note"]
        return fields

    @admin.display(description=_("waktu pesan"), ordering="event__at")
    def message_at(self, obj):
        return obj.event.at

    @admin.display(description=_("pesan"))
    def message(self, obj):
        text = obj.event.data.get("text", "")
        return format_html(
            "{}<mark>{}</mark>{}", text[: obj.start], text[obj.start : obj.end], text[obj.end :]
        )

    @admin.display(description=_("percakapan"))
    def conversation(self, obj):
        return obj.event.subject

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        decision, note = form.cleaned_data.get("decision"), form.cleaned_data.get("note", "")
        if decision == "confirm":
            guideline_flag_confirm(flag=obj, reviewer=request.user, note=note)
        elif decision == "dismiss":
            guideline_flag_dismiss(flag=obj, reviewer=request.user, reason=note)
