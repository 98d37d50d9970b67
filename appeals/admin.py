"""Staff review of abuse tickets and appeals (RULES §7, §8).

The queues list open cases oldest first; a case's page shows its data read-only (it came from
the seller, and only the services change a case) with its evidence, timeline and what it is
about; the decide page offers the steps valid for the case's state and calls the services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from appeals.models import AbuseTicket, Appeal, CaseEvent, Evidence
from appeals.services import (
    CaseError,
    appeal_accept,
    appeal_ask_info,
    appeal_reject,
    appeal_start_review,
    ticket_reject,
    ticket_start_review,
    ticket_verify,
)
from performance.forms import STATUS_CHOICES
from performance.models import CsWeek, EnforcementRecord, Event
from performance.rules.calendar import wib_midnight
from performance.rules.penalties import penalty_status
from seller_portal import clock
from seller_portal.admin_base import PortalModelAdmin, ReadOnlyInline

# --- Decisions ----------------------------------------------------------------------------------

START_REVIEW = "start_review"


@dataclass(frozen=True)
class Decision:
    label: str
    run: Callable  # (case, reviewer, note) -> case; raises CaseError when refused


TICKET_DECISIONS: dict[str, Decision] = {
    START_REVIEW: Decision(
        _("Mulai tinjau"), lambda case, user, note: ticket_start_review(ticket=case, reviewer=user)
    ),
    "verify": Decision(
        _("Verifikasi: pesan yang dilaporkan tidak dinilai"),
        lambda case, user, note: ticket_verify(ticket=case, reviewer=user, note=note),
    ),
    "reject": Decision(
        _("Tolak (alasan wajib)"),
        lambda case, user, note: ticket_reject(ticket=case, reviewer=user, reason=note),
    ),
}
APPEAL_DECISIONS: dict[str, Decision] = {
    START_REVIEW: Decision(
        _("Mulai tinjau"), lambda case, user, note: appeal_start_review(appeal=case, reviewer=user)
    ),
    "ask_info": Decision(
        _("Minta informasi dari penjual (pertanyaan wajib)"),
        lambda case, user, note: appeal_ask_info(appeal=case, reviewer=user, question=note),
    ),
    "accept": Decision(
        _("Terima: penalti atau catatan dibatalkan (alasan wajib)"),
        lambda case, user, note: appeal_accept(appeal=case, reviewer=user, reason=note),
    ),
    "reject": Decision(
        _("Tolak (alasan wajib)"),
        lambda case, user, note: appeal_reject(appeal=case, reviewer=user, reason=note),
    ),
}
# What may be done in each state. A submitted case may be decided at once: the review is
# started first, in the same transaction, so the timeline still shows both steps.
TICKET_ACTIONS: dict[str, list[str]] = {
    AbuseTicket.State.SUBMITTED: [START_REVIEW, "verify", "reject"],
    AbuseTicket.State.IN_REVIEW: ["verify", "reject"],
}
APPEAL_ACTIONS: dict[str, list[str]] = {
    Appeal.State.SUBMITTED: [START_REVIEW, "ask_info", "accept", "reject"],
    Appeal.State.IN_REVIEW: ["ask_info", "accept", "reject"],
}
TICKET_FINAL = (AbuseTicket.State.VERIFIED, AbuseTicket.State.REJECTED)
APPEAL_FINAL = (Appeal.State.ACCEPTED, Appeal.State.REJECTED)


class DecideForm(forms.Form):
    action = forms.ChoiceField(label=_("Keputusan"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Catatan untuk penjual"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=_(
            "Alasan penolakan atau penerimaan, atau pertanyaan untuk penjual. Dikirim ke toko."
        ),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = choices


# --- List filters and inlines -------------------------------------------------------------------


class AgeFilter(admin.SimpleListFilter):
    """Days since the case was filed, counted in WIB calendar days."""

    title = _("umur kasus")
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [("0-1", _("≤1 hari")), ("2-3", _("2–3 hari")), ("4+", _(">3 hari"))]

    def queryset(self, request, queryset):
        today = clock.today()
        one_day_ago = wib_midnight(today - timedelta(days=1))
        three_days_ago = wib_midnight(today - timedelta(days=3))
        if self.value() == "0-1":
            return queryset.filter(created_at__gte=one_day_ago)
        if self.value() == "2-3":
            return queryset.filter(created_at__gte=three_days_ago, created_at__lt=one_day_ago)
        if self.value() == "4+":
            return queryset.filter(created_at__lt=three_days_ago)
        return queryset


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["download", "content_type", "size", "uploaded_by", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description=_("berkas"))
    def download(self, evidence):
        try:
            url = reverse("evidence", args=[evidence.pk])
        except NoReverseMatch:
            return evidence.name
        return format_html('<a href="{}" download>{}</a>', url, evidence.name)


class TicketEvidenceInline(EvidenceInline):
    fk_name = "ticket"


class AppealEvidenceInline(EvidenceInline):
    fk_name = "appeal"


class TimelineInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["created_at", "from_label", "to_label", "actor", "note"]
    readonly_fields = fields
    states: dict[str, str] = {}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("dari"))
    def from_label(self, event):
        return self.states.get(event.from_state, event.from_state) or "-"

    @admin.display(description=_("menjadi"))
    def to_label(self, event):
        return self.states.get(event.to_state, event.to_state)


class TicketTimelineInline(TimelineInline):
    fk_name = "ticket"
    states = dict(AbuseTicket.State.choices)


class AppealTimelineInline(TimelineInline):
    fk_name = "appeal"
    states = dict(Appeal.State.choices)


# --- The queues ---------------------------------------------------------------------------------


class CaseAdmin(PortalModelAdmin):
    """Shared by the ticket and appeal queues. Case data is read-only here: it changes only
    through the decide view, which calls the services (timeline, notices, recomputation)."""

    change_form_template = "admin/appeals/case_change_form.html"
    change_list_template = "admin/appeals/case_change_list.html"
    list_per_page = 50
    final_states: tuple[str, ...] = ()
    actions_by_state: dict[str, list[str]] = {}
    decisions: dict[str, Decision] = {}
    case_label = ""

    def get_ordering(self, request):
        # Open cases first, oldest first; then decided ones.
        closed_last = Case(
            When(state__in=self.final_states, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        return [closed_last.asc(), "created_at", "id"]

    def get_readonly_fields(self, request, obj=None):
        model_fields = [field.name for field in self.opts.fields]
        return [*model_fields, *self.readonly_fields]

    def has_add_permission(self, request):
        # Cases are filed in the portal, where the evidence is checked and the timeline begins.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # Columns

    @admin.display(description=_("toko"), ordering="shop__code")
    def shop_code(self, obj):
        return obj.shop.code

    @admin.display(description=_("umur (hari)"), ordering="-created_at")
    def age_days(self, obj):
        return max(0, (clock.today() - timezone.localdate(obj.created_at)).days)

    @admin.display(description=_("batas keputusan"), ordering="due_on")
    def due(self, obj):
        text = date_format(obj.due_on, "d/m/Y")
        if obj.state not in self.final_states and obj.due_on < clock.today():
            return format_html(
                '<span class="overdue" style="color: #ba2121; font-weight: bold">{} ({})</span>',
                text,
                gettext("lewat batas"),
            )
        return text

    @admin.display(description=_("diajukan oleh"), ordering="filed_by__username")
    def filer(self, obj):
        return obj.filed_by.get_username()

    # Pages

    def changelist_view(self, request, extra_context=None):
        counts = dict(
            self.model.objects.exclude(state__in=self.final_states)
            .order_by()
            .values("state")
            .annotate(n=Count("id"))
            .values_list("state", "n")
        )
        open_counts = [
            (label, counts.get(state, 0))
            for state, label in self.model.State.choices
            if state not in self.final_states
        ]
        return super().changelist_view(
            request, {"open_counts": open_counts, **(extra_context or {})}
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method not in ("GET", "HEAD"):
            # Nothing is edited here; decisions go through the decide view.
            return HttpResponseNotAllowed(["GET", "HEAD"])
        info = self.opts.app_label, self.opts.model_name
        context = {
            "decide_url": reverse(f"admin:{info[0]}_{info[1]}_decide", args=[object_id]),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="{}_{}_decide".format(*info),
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, object_id):
        case = self.get_object(request, unquote(object_id))
        if case is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, case):
            raise PermissionDenied
        actions = self.actions_by_state.get(case.state, [])
        choices = [(action, self.decisions[action].label) for action in actions]
        form = DecideForm(request.POST or None, choices=choices)
        if request.method == "POST" and form.is_valid():
            action = form.cleaned_data["action"]
            note = form.cleaned_data["note"]
            try:
                case = self._decide(case.pk, action, request.user, note)
            except CaseError as exc:
                form.add_error(None, str(exc))
                case = self.get_object(request, unquote(object_id))  # the refused step's state
            else:
                self.message_user(
                    request,
                    gettext("%(case)s #%(id)s sekarang berstatus %(state)s.")
                    % {
                        "case": self.case_label,
                        "id": case.pk,
                        "state": case.get_state_display(),
                    },
                    messages.SUCCESS,
                )
                info = self.opts.app_label, self.opts.model_name
                return HttpResponseRedirect(
                    reverse("admin:{}_{}_change".format(*info), args=[case.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "original": case,
            "title": gettext("Putuskan %(case)s #%(id)s")
            % {"case": self.case_label, "id": case.pk},
            "subtitle": str(case),
            "form": form if choices else None,
            "summary": self.decide_summary(case),
            "timeline": self._timeline(case),
            "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/appeals/decide.html", context)

    def _timeline(self, case) -> list[dict]:
        states = dict(self.model.State.choices)
        return [
            {
                "at": event.created_at,
                "from": states.get(event.from_state, event.from_state) or "-",
                "to": states.get(event.to_state, event.to_state),
                "actor": event.actor.get_username() if event.actor else "-",
                "note": event.note,
            }
            for event in case.timeline.select_related("actor")
        ]

    def _decide(self, pk: int, action: str, reviewer, note: str):
        """Run the decision; from "submitted", the review starts first in the same
        transaction, so a refused decision leaves the case as it was."""
        with transaction.atomic():
            case = (
                self.model.objects.select_for_update(of=("self",)).select_related("shop").get(pk=pk)
            )
            if action not in self.actions_by_state.get(case.state, []):
                raise CaseError(
                    gettext("Tidak bisa: status sekarang %(state)s.")
                    % {"state": case.get_state_display()}
                )
            if case.state == "submitted" and action != START_REVIEW:
                self.decisions[START_REVIEW].run(case, reviewer, "")
            self.decisions[action].run(case, reviewer, note)
        return case

    def decide_summary(self, case) -> list[tuple[str, object]]:
        raise NotImplementedError


@admin.register(AbuseTicket)
class AbuseTicketAdmin(CaseAdmin):
    list_display = [
        "id",
        "shop_code",
        "state",
        "category",
        "buyer",
        "created_at",
        "age_days",
        "due",
        "filer",
    ]
    list_display_links = ["id", "shop_code"]
    list_filter = ["state", ("shop", admin.RelatedOnlyFieldListFilter), AgeFilter, "category"]
    search_fields = ["shop__code", "buyer", "conversation"]
    list_select_related = ["shop", "filed_by"]
    readonly_fields = ["chat"]
    inlines = [TicketEvidenceInline, TicketTimelineInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "id",
                    "shop",
                    "state",
                    "category",
                    "buyer",
                    "conversation",
                    "description",
                    "filed_by",
                    "filed_by_support",
                    "created_at",
                    "due_on",
                ]
            },
        ),
        (_("Percakapan"), {"fields": ["chat", "message_ids"]}),
        (_("Keputusan"), {"fields": ["decided_at", "decision_reason"]}),
    ]
    final_states = TICKET_FINAL
    actions_by_state = TICKET_ACTIONS
    decisions = TICKET_DECISIONS
    case_label = _("Tiket")

    @admin.display(description=_("pesan dalam percakapan"))
    def chat(self, ticket):
        reported = set(ticket.message_ids)
        messages_ = Event.objects.filter(
            shop_id=ticket.shop_id, type="chat.message", subject=ticket.conversation
        ).order_by("at", "id")
        senders = {"buyer": gettext("Pembeli"), "seller": gettext("Penjual")}
        rows = []
        for message in messages_:
            data = message.data
            sender = senders.get(data.get("sender"), data.get("sender"))
            if data.get("auto_reply"):
                sender = f"{sender} ({gettext('balasan otomatis')})"
            cells = (
                date_format(timezone.localtime(message.at), "d/m/Y H:i"),
                sender,
                data.get("text") or "—",
                data.get("message", ""),
            )
            if data.get("message") in reported:
                rows.append(
                    format_html(
                        '<tr class="chat-message reported" style="background: #fdecea; '
                        'font-weight: bold"><td>{}</td><td>{}</td><td>{}</td>'
                        "<td><code>{}</code></td><td>{}</td></tr>",
                        *cells,
                        gettext("dilaporkan"),
                    )
                )
            else:
                rows.append(
                    format_html(
                        '<tr class="chat-message"><td>{}</td><td>{}</td><td>{}</td>'
                        "<td><code>{}</code></td><td></td></tr>",
                        *cells,
                    )
                )
        if not rows:
            return gettext("Tidak ada pesan dalam percakapan ini.")
        return format_html(
            '<table class="chat"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>'
            "<th></th></tr></thead><tbody>{}</tbody></table>",
            gettext("waktu"),
            gettext("pengirim"),
            gettext("pesan"),
            gettext("id pesan"),
            format_html_join("", "{}", ((row,) for row in rows)),
        )

    def decide_summary(self, ticket):
        return [
            (_("toko"), ticket.shop),
            (_("status"), ticket.get_state_display()),
            (_("kategori"), ticket.get_category_display()),
            (_("pembeli"), ticket.buyer),
            (_("percakapan"), ticket.conversation),
            (_("keterangan"), ticket.description),
            (_("batas keputusan"), self.due(ticket)),
        ]


@admin.register(Appeal)
class AppealAdmin(CaseAdmin):
    list_display = [
        "id",
        "shop_code",
        "state",
        "reason",
        "target_label",
        "attempt",
        "created_at",
        "age_days",
        "due",
        "filer",
    ]
    list_display_links = ["id", "shop_code"]
    list_filter = ["state", ("shop", admin.RelatedOnlyFieldListFilter), AgeFilter, "reason"]
    search_fields = ["shop__code", "penalty__source", "enforcement__key"]
    list_select_related = ["shop", "filed_by", "penalty", "enforcement"]
    readonly_fields = ["target_detail"]
    inlines = [AppealEvidenceInline, AppealTimelineInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "id",
                    "shop",
                    "state",
                    "attempt",
                    "reason",
                    "explanation",
                    "order_ids",
                    "filed_by",
                    "created_at",
                    "due_on",
                ]
            },
        ),
        (_("Yang diajukan banding"), {"fields": ["target_detail"]}),
        (_("Keputusan"), {"fields": ["decided_at", "decision_reason"]}),
    ]
    final_states = APPEAL_FINAL
    actions_by_state = APPEAL_ACTIONS
    decisions = APPEAL_DECISIONS
    case_label = _("Banding")

    @admin.display(description=_("yang diajukan banding"))
    def target_label(self, appeal):
        if appeal.penalty is not None:
            return f"{appeal.penalty.get_rule_display()} · {appeal.penalty.source}"
        return appeal.enforcement.get_kind_display()

    @admin.display(description=_("rincian"))
    def target_detail(self, appeal):
        rows = self._penalty_rows(appeal) if appeal.penalty_id else self._record_rows(appeal)
        return format_html(
            '<table class="appeal-target">{}</table>',
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
        )

    def _penalty_rows(self, appeal):
        penalty = appeal.penalty
        status = penalty_status(
            penalty.issued_on,
            clock.today(),
            voided=penalty.voided_at is not None,
            lifetime_days=penalty.rule_set.params.penalty_lifetime_days,
        )
        rows = [
            (gettext("aturan"), penalty.get_rule_display()),
            (gettext("poin"), penalty.points),
            (gettext("diterbitkan"), date_format(penalty.issued_on, "d/m/Y")),
            (gettext("sumber"), f"{penalty.get_source_kind_display()}: {penalty.source}"),
            (gettext("status"), dict(STATUS_CHOICES)[status]),
        ]
        if penalty.void_reason:
            rows.append((gettext("alasan pembatalan"), penalty.void_reason))
        rows.append(
            (
                "",
                _admin_link("admin:performance_penalty_change", penalty.pk, gettext("penalti")),
            )
        )
        return rows

    def _record_rows(self, appeal):
        record = appeal.enforcement
        if record.voided_at is not None:
            status = gettext("Dibatalkan")
        elif record.withdrawn_at is not None:
            status = gettext("Ditarik")
        else:
            status = gettext("Berlaku")
        rows = [
            (gettext("jenis"), record.get_kind_display()),
            (gettext("diterbitkan"), date_format(record.issued_on, "d/m/Y")),
            (gettext("status"), status),
        ]
        if record.kind == EnforcementRecord.Kind.CS_RESPONSE_WARNING:
            week = (
                CsWeek.objects.filter(
                    shop_id=record.shop_id,
                    week_start=record.details.get("week_start"),
                    is_current=True,
                )
                .only("pk", "week_start")
                .first()
            )
            if week is not None:
                text = gettext("minggu %(start)s") % {
                    "start": date_format(week.week_start, "d/m/Y")
                }
                rows.append(
                    (
                        gettext("evaluasi layanan pelanggan"),
                        _admin_link("admin:performance_csweek_change", week.pk, text),
                    )
                )
        if record.void_reason:
            rows.append((gettext("alasan pembatalan"), record.void_reason))
        rows.append(
            (
                "",
                _admin_link(
                    "admin:performance_enforcementrecord_change", record.pk, gettext("catatan")
                ),
            )
        )
        return rows

    def decide_summary(self, appeal):
        return [
            (_("toko"), appeal.shop),
            (_("status"), appeal.get_state_display()),
            (_("banding ke"), appeal.attempt),
            (_("yang diajukan banding"), self.target_label(appeal)),
            (_("alasan"), appeal.get_reason_display()),
            (_("penjelasan"), appeal.explanation),
            (_("nomor pesanan"), ", ".join(appeal.order_ids) or "-"),
            (_("batas keputusan"), self.due(appeal)),
        ]


def _admin_link(url_name: str, pk: int, text: str):
    return format_html('<a href="{}">{}</a>', reverse(url_name, args=[pk]), text)
