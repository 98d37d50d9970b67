from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from appeals.models import AppealReason, TicketCategory
from performance.event_types import ID_MAX_LENGTH, SHOP_CODE_RE


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Up to five files; their size and content are checked by the service
    (appeals.evidence), which names the file it refuses, an empty one included."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_empty_file", True)
        kwargs.setdefault(
            "help_text",
            _("Maksimal %(n)s berkas, masing-masing %(mb)s MB: gambar, PDF atau teks.")
            % {"n": settings.EVIDENCE_MAX_FILES, "mb": settings.EVIDENCE_MAX_BYTES // 2**20},
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(EvidenceField, self).clean(f, initial) for f in files]


class TicketForm(forms.Form):
    messages = forms.MultipleChoiceField(
        label=_("Pesan pembeli yang dilaporkan"), widget=forms.CheckboxSelectMultiple
    )
    category = forms.ChoiceField(
        label=_("Kategori"), choices=TicketCategory.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Keterangan"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    evidence = EvidenceField(label=_("Bukti (riwayat chat, tangkapan layar)"))

    def __init__(self, *args, message_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["messages"].choices = message_choices


class AppealForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Alasan"), choices=AppealReason.choices, widget=forms.RadioSelect
    )
    explanation = forms.CharField(
        label=_("Penjelasan"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )
    order_ids = forms.CharField(
        label=_("Nomor pesanan terkait"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Satu per baris atau dipisahkan koma."),
    )
    evidence = EvidenceField(label=_("Dokumen pendukung"))

    def clean_order_ids(self):
        raw = self.cleaned_data["order_ids"].replace(",", "\n")
        orders = [line.strip() for line in raw.splitlines() if line.strip()]
        if any(len(o) > 100 for o in orders):
            raise forms.ValidationError(_("Nomor pesanan terlalu panjang."))
        return orders[:50]


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Jawaban Anda"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    evidence = EvidenceField(label=_("Dokumen tambahan"))


class ConversationPickForm(forms.Form):
    """The conversation a ticket is about (`?percakapan=` to open it, `conversation` when the
    ticket is sent): an id as events carry it, kept exactly (not stripped)."""

    conversation = forms.CharField(max_length=ID_MAX_LENGTH, required=False, strip=False)

    @classmethod
    def picked(cls, value: str) -> str:
        """The conversation asked for, or "" when the value cannot be one (nothing chosen)."""
        form = cls({"conversation": value})
        return form.cleaned_data["conversation"] if form.is_valid() else ""


class SupportShopForm(forms.Form):
    """Support's `?toko=` shop code (stripped, as typed)."""

    toko = forms.RegexField(regex=SHOP_CODE_RE, max_length=50)
