from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from performance.event_types import EVENT_TYPES
from performance.rules.parameters import RuleParameters
from seller_portal.models import Shop

EVENT_TYPE_CHOICES = [(name, name) for name in EVENT_TYPES]


class Event(models.Model):
    """One marketplace event as received (SPEC §2). Every result is recomputed from these."""

    event_id = models.CharField(_("id peristiwa"), max_length=100, unique=True)
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(_("jenis"), max_length=48, choices=EVENT_TYPE_CHOICES)
    at = models.DateTimeField(_("waktu"))
    # The order, case, product or conversation the event is about (see event_types.py).
    subject = models.CharField(_("subjek"), max_length=100, null=True, blank=True)
    data = models.JSONField(_("data"), default=dict)
    # sha256 of the normalized content: a re-sent id must carry the same content.
    digest = models.CharField(max_length=64)
    received_at = models.DateTimeField(_("diterima pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("peristiwa")
        verbose_name_plural = _("peristiwa")
        indexes = [
            # Per-shop pages and recomputation of one shop's periods.
            models.Index(fields=["shop", "type", "at"], name="event_shop_type_at"),
            # Weekly and monthly aggregations over all shops: one type, one period.
            models.Index(fields=["type", "at"], name="event_type_at"),
            # Joining an order's events (verified -> shipped -> completed).
            models.Index(fields=["shop", "subject", "type", "at"], name="event_shop_subject_type"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"


class ApiClient(models.Model):
    """A system allowed to POST events. Its token is shown once and stored only hashed."""

    name = models.CharField(_("nama"), max_length=100, unique=True)
    token_prefix = models.CharField(_("awalan token"), max_length=16, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)

    class Meta:
        verbose_name = _("klien API")
        verbose_name_plural = _("klien API")

    def __str__(self) -> str:
        return self.name


class RuleSet(models.Model):
    """A versioned set of every point value, table and threshold of SPEC §3–§4.

    The rule set in force on a date is the one with the latest `effective_from` on or before
    it. Results keep the rule set they were computed under, and a rule set that has produced
    results is never edited: a change is a new version from a future date.
    """

    version = models.SlugField(_("versi"), max_length=20, unique=True)
    effective_from = models.DateField(_("berlaku mulai"), unique=True)
    parameters = models.JSONField(_("parameter"))
    note = models.TextField(_("catatan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("set aturan")
        verbose_name_plural = _("set aturan")

    def __str__(self) -> str:
        return f"{self.version} ({self.effective_from:%Y-%m-%d})"

    @cached_property
    def params(self) -> RuleParameters:
        return RuleParameters.parse(self.parameters)


class PenaltyRule(models.TextChoices):
    ORDER_IGNORED = "ORDER_IGNORED", _("Mengabaikan pesanan")
    SHIPMENT_IGNORED = "SHIPMENT_IGNORED", _("Mengabaikan pengiriman")
    SHIPMENT_CANCELLED = "SHIPMENT_CANCELLED", _("Membatalkan pengiriman")
    CANCELLATION_ABUSE = "CANCELLATION_ABUSE", _("Penyalahgunaan pembatalan pesanan")
    RESOLUTION_FAULT = "RESOLUTION_FAULT", _("Penalti di Pusat Resolusi")
    RESOLUTION_COMBINED = "RESOLUTION_COMBINED", _("Penalti gabungan di Pusat Resolusi")
    EXTENSION_LIMIT = "EXTENSION_LIMIT", _("Perpanjangan waktu pesanan melebihi limit")
    TRANSACTION_MANIPULATION = "TRANSACTION_MANIPULATION", _("Manipulasi transaksi")
    PRODUCT_DUPLICATE = "PRODUCT_DUPLICATE", _("Duplikasi produk atau toko")
    PRODUCT_LIGHT = "PRODUCT_LIGHT", _("Pelanggaran produk ringan")
    PRODUCT_MANIPULATION = "PRODUCT_MANIPULATION", _("Manipulasi produk atau toko")
    PRODUCT_MEDIUM = "PRODUCT_MEDIUM", _("Pelanggaran produk sedang")
    SHOP_FRAUD = "SHOP_FRAUD", _("Toko terindikasi melakukan penipuan")
    PRODUCT_HEAVY = "PRODUCT_HEAVY", _("Pelanggaran produk berat")
    PARTIAL_SHIPMENT = "PARTIAL_SHIPMENT", _("Kirim pesanan sebagian")


class RuleGroup(models.TextChoices):
    """The groups of the seed's penalty page, for filtering."""

    CANCELLATION = "cancellation", _("Pembatalan pesanan")
    CANCELLATION_ABUSE = "cancellation_abuse", _("Penyalahgunaan pembatalan")
    RESOLUTION = "resolution", _("Pusat Resolusi")
    EXTENSION = "extension", _("Perpanjangan waktu pesanan")
    MANIPULATION = "manipulation", _("Manipulasi transaksi")
    PRODUCT = "product", _("Pelanggaran produk")
    PARTIAL_SHIPMENT = "partial_shipment", _("Kirim pesanan sebagian")


RULE_GROUPS: dict[str, tuple[str, ...]] = {
    RuleGroup.CANCELLATION: ("ORDER_IGNORED", "SHIPMENT_IGNORED", "SHIPMENT_CANCELLED"),
    RuleGroup.CANCELLATION_ABUSE: ("CANCELLATION_ABUSE",),
    RuleGroup.RESOLUTION: ("RESOLUTION_FAULT", "RESOLUTION_COMBINED"),
    RuleGroup.EXTENSION: ("EXTENSION_LIMIT",),
    RuleGroup.MANIPULATION: ("TRANSACTION_MANIPULATION",),
    RuleGroup.PRODUCT: (
        "PRODUCT_DUPLICATE",
        "PRODUCT_LIGHT",
        "PRODUCT_MANIPULATION",
        "PRODUCT_MEDIUM",
        "SHOP_FRAUD",
        "PRODUCT_HEAVY",
    ),
    RuleGroup.PARTIAL_SHIPMENT: ("PARTIAL_SHIPMENT",),
}


class SourceKind(models.TextChoices):
    ORDER = "order", _("Pesanan")
    CASE = "case", _("Kasus")
    PRODUCT = "product", _("Produk")
    PERIOD = "period", _("Periode")
    EVENT = "event", _("Kejadian")


class Penalty(models.Model):
    """Penalty points issued to a shop (SPEC §3).

    `key` makes a penalty's identity natural — the event for per-event rules, the week or
    month for aggregate ones — so recomputing never issues it twice. The status (pending,
    active, expired) follows from the dates and is computed as of a day; only voiding is
    stored.
    """

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="penalties")
    rule = models.CharField(_("aturan"), max_length=32, choices=PenaltyRule.choices)
    key = models.CharField(max_length=120)
    points = models.PositiveSmallIntegerField(_("poin"))
    issued_on = models.DateField(_("diterbitkan"))
    source_kind = models.CharField(_("jenis sumber"), max_length=16, choices=SourceKind.choices)
    source = models.CharField(_("sumber"), max_length=100)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    # What the rule counted (aggregate rules) or referred to (case of a resolution fault).
    details = models.JSONField(default=dict, blank=True)
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="penalties")
    voided_at = models.DateTimeField(_("dibatalkan pada"), null=True, blank=True)
    void_reason = models.TextField(_("alasan pembatalan"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_on", "rule", "source"]
        verbose_name = _("penalti")
        verbose_name_plural = _("penalti")
        constraints = [
            models.UniqueConstraint(fields=["shop", "rule", "key"], name="penalty_natural_key"),
            models.CheckConstraint(
                condition=models.Q(points__gt=0), name="penalty_points_positive"
            ),
        ]
        indexes = [models.Index(fields=["shop", "issued_on"], name="penalty_shop_issued")]

    def __str__(self) -> str:
        return f"{self.shop.code} {self.rule} −{self.points} ({self.issued_on:%Y-%m-%d})"


class ScoreSnapshot(models.Model):
    """One shop's score at one Monday refresh (SPEC §4), with how it was computed.

    Recomputing a refresh (late events, an accepted appeal) that changes the result adds a
    new row and marks the earlier one superseded, so history keeps both.
    """

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="score_snapshots")
    refreshed_on = models.DateField(_("tanggal pembaruan"))  # a Monday (WIB)
    score = models.DecimalField(_("skor"), max_digits=4, decimal_places=1, null=True)
    service = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    product = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    penalty_points = models.PositiveIntegerField(_("poin penalti"))
    deduction = models.PositiveSmallIntegerField(_("pengurangan"))
    components = models.JSONField(default=list)  # [{name, value, weight, points}]
    scale = models.FloatField(null=True)
    tier = models.CharField(max_length=32)
    threshold = models.PositiveSmallIntegerField(null=True)
    at_risk = models.BooleanField(_("berisiko"), default=False)
    # The penalties it deducted, frozen as they were: [{id, rule, points, issued_on, source}].
    deducted = models.JSONField(default=list)
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="snapshots")
    is_current = models.BooleanField(default=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-refreshed_on", "-created_at"]
        verbose_name = _("snapshot skor")
        verbose_name_plural = _("snapshot skor")
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "refreshed_on"],
                condition=models.Q(is_current=True),
                name="snapshot_one_current_per_refresh",
            )
        ]
        indexes = [
            models.Index(fields=["shop", "is_current", "refreshed_on"], name="snapshot_shop")
        ]

    def __str__(self) -> str:
        return f"{self.shop.code} {self.refreshed_on:%Y-%m-%d}: {self.score}"


class JobRun(models.Model):
    """One run of a background job, as staff see it in admin (started, finished, failed)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Antre")
        RUNNING = "running", _("Berjalan")
        SUCCEEDED = "succeeded", _("Berhasil")
        FAILED = "failed", _("Gagal")

    kind = models.CharField(_("jenis"), max_length=40)
    run_date = models.DateField(_("tanggal jalan"), null=True, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="batches"
    )
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default="queued")
    attempts = models.PositiveSmallIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    triggered_by = models.CharField(_("dipicu oleh"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("jalannya tugas")
        verbose_name_plural = _("jalannya tugas")
        indexes = [models.Index(fields=["kind", "-created_at"], name="jobrun_kind_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.run_date or ''} ({self.get_status_display()})"
