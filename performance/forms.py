from django import forms
from django.utils.translation import gettext_lazy as _

from performance.models import RuleGroup
from performance.rules.penalties import PenaltyStatus
from performance.selectors import PenaltyFilters

STATUS_CHOICES = [
    ("", _("Semua status")),
    (PenaltyStatus.PENDING, _("Poin belum terpotong")),
    (PenaltyStatus.ACTIVE, _("Sedang berlangsung")),
    (PenaltyStatus.EXPIRED, _("Kedaluwarsa")),
    (PenaltyStatus.VOIDED, _("Dibatalkan")),
]
SORT_CHOICES = [
    ("-issued_on", _("Terbaru")),
    ("issued_on", _("Terlama")),
    ("-points", _("Poin terbesar")),
    ("points", _("Poin terkecil")),
]


class PenaltyFilterForm(forms.Form):
    group = forms.ChoiceField(
        label=_("Jenis"), required=False, choices=[("", _("Semua jenis")), *RuleGroup.choices]
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    date_from = forms.DateField(
        label=_("Dari tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Sampai tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(label=_("Urutkan"), required=False, choices=SORT_CHOICES)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("Tanggal awal harus sebelum tanggal akhir."))
        return data

    def filters(self) -> PenaltyFilters:
        """The valid filters; an invalid form filters nothing (its errors are shown)."""
        if not self.is_valid():
            return PenaltyFilters()
        data = self.cleaned_data
        return PenaltyFilters(
            group=data["group"],
            status=data["status"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            sort=data["sort"] or "-issued_on",
        )


class HolidayModeForm(forms.Form):
    """Switch on now (optional end) or schedule a period; times are WIB."""

    starts_at = forms.DateTimeField(
        label=_("Mulai (WIB)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Kosongkan untuk mengaktifkan sekarang."),
    )
    ends_at = forms.DateTimeField(
        label=_("Selesai (WIB)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Kosongkan bila belum tahu; matikan sendiri saat kembali."),
    )
