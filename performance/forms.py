from django import forms
from django.utils.formats import date_format
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


class HolidayCancelForm(forms.Form):
    """Cancel one scheduled period: its id, as the page's button sends it."""

    period = forms.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        error_messages={
            "required": _("Jadwal ini tidak ada atau sudah dimulai."),
            "invalid": _("Jadwal ini tidak ada atau sudah dimulai."),
            "min_value": _("Jadwal ini tidak ada atau sudah dimulai."),
            "max_value": _("Jadwal ini tidak ada atau sudah dimulai."),
        },
    )


ISO_DATE = ["%Y-%m-%d"]


class CsWeekForm(forms.Form):
    """`?minggu=YYYY-MM-DD` of the customer-service page: a Monday from the shop's first
    week with rules (its registration and the first rule set) to the current week."""

    minggu = forms.DateField(
        required=False,
        input_formats=ISO_DATE,
        error_messages={"invalid": _("Tanggal minggu tidak valid; gunakan format TTTT-BB-HH.")},
    )

    def __init__(self, data, *, first_week, this_week):
        super().__init__(data)
        self.first_week, self.this_week = first_week, this_week

    def clean_minggu(self):
        week = self.cleaned_data["minggu"]
        if week is None:
            return None
        shown = date_format(week, "d/m/Y")
        if week.weekday() != 0:
            raise forms.ValidationError(
                _("Minggu layanan pelanggan dimulai hari Senin; %(day)s bukan hari Senin.")
                % {"day": shown}
            )
        if week > self.this_week:
            raise forms.ValidationError(_("Minggu %(week)s belum dimulai.") % {"week": shown})
        if self.first_week is None or week < self.first_week:
            raise forms.ValidationError(
                _(
                    "Tidak ada data layanan pelanggan untuk minggu %(week)s: toko ini dinilai "
                    "mulai minggu %(first)s."
                )
                % {"week": shown, "first": date_format(self.first_week, "d/m/Y")}
                if self.first_week is not None
                else _("Belum ada set aturan untuk menilai layanan pelanggan.")
            )
        return week


class RefreshDateForm(forms.Form):
    """`?minggu=YYYY-MM-DD` of the score page: a Monday refresh date (checked against the
    shop's refreshes by the view)."""

    minggu = forms.DateField(required=False, input_formats=ISO_DATE)
