from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from performance.event_types import EVENT_TYPES
from performance.rules.parameters import RuleParameters
from seller_portal.models import Shop

EVENT_TYPE_CHOICES = [(name, name) for name in EVENT_TYPES]


class Event(models.Model):
    """One marketplace event as received (RULES §2). Every result is recomputed from these."""

    event_id = models.CharField(_("id peristiwa"), max_length=100, unique=True)
    # No index of its own: the composite indexes below lead with the shop (a lone shop index
    # lured the planner into reading a shop's whole history for one week).
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="events", db_index=False)
    type = models.CharField(_("jenis"), max_length=48, choices=EVENT_TYPE_CHOICES)
    at = models.DateTimeField(_("waktu"))
    # The order, case, product or conversation the event is about (see event_types.py).
    subject = models.CharField(_("subjek"), max_length=100, null=True, blank=True)
    data = models.JSONField(_("data"), default=dict)
    # sha256 of the normalized content: a re-sent id must carry the same content.
    digest = models.CharField(max_length=64)
    received_at = models.DateTimeField(_("diterima pada"), default=timezone.now, editable=False)

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
    """A system allowed to POST events. Its token is shown once and stored only hashed; a
    deactivated client's hash is erased (see performance/services/api_clients.py)."""

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
    """A versioned set of every point value, table and threshold of RULES §3–§4.

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
    """Penalty points issued to a shop (RULES §3).

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
            # (shop, key) first: "has this event its penalty yet?" is a probe of this index.
            models.UniqueConstraint(fields=["shop", "key", "rule"], name="penalty_natural_key"),
            models.CheckConstraint(
                condition=models.Q(points__gt=0), name="penalty_points_positive"
            ),
        ]
        indexes = [models.Index(fields=["shop", "issued_on"], name="penalty_shop_issued")]

    def __str__(self) -> str:
        return f"{self.shop.code} {self.rule} −{self.points} ({self.issued_on:%Y-%m-%d})"


class ScoreSnapshot(models.Model):
    """One shop's score at one Monday refresh (RULES §4), with how it was computed.

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
        indexes = [
            models.Index(fields=["kind", "-created_at"], name="jobrun_kind_created"),
            # The reconciliation job's "what is still pending" is a few rows of many.
            models.Index(
                fields=["created_at"],
                name="jobrun_open",
                condition=models.Q(status__in=["queued", "running"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.run_date or ''} ({self.get_status_display()})"


class CalendarOverride(models.Model):
    """A staff correction of the working-day calendar: a date made a working day or a day off."""

    day = models.DateField(_("tanggal"), unique=True)
    is_working_day = models.BooleanField(
        _("hari kerja"),
        help_text=_("Centang: hari kerja walau libur nasional. Kosong: hari libur tambahan."),
    )
    note = models.CharField(_("catatan"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("koreksi kalender")
        verbose_name_plural = _("koreksi kalender")

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}: {self.note}"


class HolidaySource(models.TextChoices):
    PORTAL = "portal", _("Portal")
    MARKETPLACE = "marketplace", _("Marketplace")


class HolidayPeriod(models.Model):
    """A period of holiday mode (RULES §6). `ends_at` empty: on until switched off.

    Periods from the portal are written by the holiday-mode services; periods from the
    marketplace are rebuilt from `shop.holiday_mode` events, so late events fix them.
    """

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="holiday_periods")
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    source = models.CharField(_("sumber"), max_length=16, choices=HolidaySource.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("periode mode libur")
        verbose_name_plural = _("periode mode libur")
        indexes = [models.Index(fields=["shop", "starts_at"], name="holiday_shop_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="holiday_period_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.shop.code} {self.starts_at:%Y-%m-%d %H:%M} – {self.ends_at or '…'}"


class HolidayModeChange(models.Model):
    """Who changed holiday mode, when, and to what: the history a seller and staff see."""

    class Action(models.TextChoices):
        SWITCH_ON = "switch_on", _("Diaktifkan")
        SCHEDULE = "schedule", _("Dijadwalkan")
        SWITCH_OFF = "switch_off", _("Dimatikan")
        CANCEL = "cancel", _("Jadwal dibatalkan")
        MARKETPLACE_ON = "marketplace_on", _("Diaktifkan dari marketplace")
        MARKETPLACE_OFF = "marketplace_off", _("Dimatikan dari marketplace")

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="holiday_changes")
    action = models.CharField(_("tindakan"), max_length=20, choices=Action.choices)
    starts_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    ends_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("waktu perubahan"))
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("perubahan mode libur")
        verbose_name_plural = _("perubahan mode libur")
        constraints = [
            models.UniqueConstraint(fields=["event"], name="holiday_change_one_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.shop.code} {self.get_action_display()} {self.changed_at:%Y-%m-%d %H:%M}"


class CsWeek(models.Model):
    """One shop's customer-service evaluation of one Monday–Sunday week (RULES §5).

    Re-evaluating (late events, a verified ticket) that changes the result adds a new row and
    marks the earlier one superseded, so history keeps both.
    """

    class Status(models.TextChoices):
        PASS = "pass", _("Lulus")
        FAIL = "fail", _("Tidak lulus")
        NO_MESSAGES = "no_messages", _("Tidak ada pesan")
        NOT_EVALUATED = "not_evaluated", _("Tidak dinilai")

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="cs_weeks")
    week_start = models.DateField(_("awal minggu"))  # a Monday (WIB)
    evaluated_on = models.DateField(_("dievaluasi"))  # the Monday after it
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    evaluated = models.PositiveIntegerField(_("dinilai"))
    on_time = models.PositiveIntegerField(_("tepat waktu"))
    excluded = models.JSONField(default=dict)  # reason -> turns
    # The evaluated turns by the WIB day they started: "YYYY-MM-DD" -> [on time, evaluated].
    # The score's reply rate sums these over its 90 days instead of re-reading the chats.
    days = models.JSONField(default=dict)
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="cs_weeks")
    is_current = models.BooleanField(default=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week_start", "-created_at"]
        verbose_name = _("evaluasi layanan pelanggan")
        verbose_name_plural = _("evaluasi layanan pelanggan")
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "week_start"],
                condition=models.Q(is_current=True),
                name="csweek_one_current_per_week",
            )
        ]
        indexes = [models.Index(fields=["shop", "is_current", "week_start"], name="csweek_shop")]

    def __str__(self) -> str:
        return f"{self.shop.code} {self.week_start:%Y-%m-%d}: {self.status}"

    @property
    def rate(self) -> float | None:
        return round(100 * self.on_time / self.evaluated, 1) if self.evaluated else None

    @property
    def week_end(self):
        return self.week_start + timedelta(days=6)


class EnforcementRecord(models.Model):
    """An enforcement action against a shop (RULES §8), which the seller may appeal.

    An output of the performance rules (a failed CS week, a score below the tier's threshold, a
    confirmed guideline flag), so it lives here; appeals point at it. `key` names what the
    record is about (the CS week, the score refresh, ...), so re-evaluating never issues it
    twice. A record whose cause disappears on re-evaluation is withdrawn, not deleted: the
    seller saw it, so history keeps it.

    The table keeps the name it had when the model lived in `appeals` (migrations
    performance 0013 and appeals 0004 moved it without touching a row).
    """

    class Kind(models.TextChoices):
        CS_RESPONSE_WARNING = "cs_response_warning", _("Peringatan waktu balas chat")
        TIER_AT_RISK = "tier_at_risk", _("Tingkat toko berisiko")
        GUIDELINE_VIOLATION = "guideline_violation", _("Pelanggaran pedoman")
        MANUAL_RESTRICTION = "manual_restriction", _("Pembatasan oleh staf")

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="enforcement_records")
    kind = models.CharField(_("jenis"), max_length=32, choices=Kind.choices)
    key = models.CharField(max_length=100)
    issued_on = models.DateField(_("diterbitkan"))
    details = models.JSONField(default=dict, blank=True)
    withdrawn_at = models.DateTimeField(_("ditarik pada"), null=True, blank=True)
    voided_at = models.DateTimeField(_("dibatalkan pada"), null=True, blank=True)
    void_reason = models.TextField(_("alasan pembatalan"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "appeals_enforcementrecord"
        ordering = ["-issued_on", "-id"]
        verbose_name = _("catatan penegakan")
        verbose_name_plural = _("catatan penegakan")
        constraints = [
            models.UniqueConstraint(fields=["shop", "kind", "key"], name="enforcement_natural_key")
        ]

    def __str__(self) -> str:
        return f"{self.shop.code} {self.get_kind_display()} ({self.issued_on:%Y-%m-%d})"


class ExclusionSource(models.TextChoices):
    """What took a message out of the CS evaluation (RULES §7)."""

    ABUSE_TICKET = "abuse_ticket", _("Tiket pembeli kasar terverifikasi")


class MessageExclusion(models.Model):
    """A buyer message the customer-service evaluation leaves out (RULES §7).

    Written only by `services.exclusions.message_exclusions_set`, which the appeals app calls
    when a ticket is verified: the evaluation reads these rows, never the tickets, so
    performance does not depend on appeals. `source_id` is the id of the case in its app (the
    ticket), kept as a number, not a foreign key, for the same reason.
    """

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="message_exclusions")
    conversation = models.CharField(_("percakapan"), max_length=100)
    message_id = models.CharField(_("id pesan"), max_length=100)  # the marketplace's id
    source_kind = models.CharField(
        _("jenis sumber"), max_length=16, choices=ExclusionSource.choices
    )
    source_id = models.PositiveBigIntegerField(_("sumber"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shop", "message_id", "source_id"]
        verbose_name = _("pesan yang dikecualikan")
        verbose_name_plural = _("pesan yang dikecualikan")
        constraints = [
            models.UniqueConstraint(
                fields=["source_kind", "source_id", "message_id"],
                name="message_exclusion_per_source",
            )
        ]
        indexes = [models.Index(fields=["shop", "message_id"], name="message_exclusion_shop")]

    def __str__(self) -> str:
        return f"{self.shop.code} {self.message_id} ({self.source_kind} #{self.source_id})"


class GuidelineFlag(models.Model):
    """A seller chat message that may break the chat guideline (RULES §9): for staff to review,
    never a penalty by itself. Confirmed: a guideline-violation enforcement record the seller
    can appeal. Dismissed: kept with who and why, shown to nobody else."""

    class Status(models.TextChoices):
        OPEN = "open", _("Menunggu tinjauan")
        CONFIRMED = "confirmed", _("Dikonfirmasi")
        DISMISSED = "dismissed", _("Diabaikan")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="guideline_flags")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="guideline_flags")
    rule = models.CharField(_("aturan"), max_length=32)
    section = models.CharField(_("bagian pedoman"), max_length=10)
    match = models.CharField(_("teks yang cocok"), max_length=300)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default="open")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("ditinjau pada"), null=True, blank=True)
    review_note = models.TextField(_("catatan tinjauan"), blank=True)
    enforcement = models.ForeignKey(
        EnforcementRecord,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tanda pedoman chat")
        verbose_name_plural = _("tanda pedoman chat")
        constraints = [
            models.UniqueConstraint(fields=["event", "rule"], name="guideline_flag_per_rule")
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="guideline_flag_queue")]

    def __str__(self) -> str:
        return f"{self.shop.code} {self.rule} {self.match!r}"

    @property
    def rule_title(self) -> str:
        from django.utils.translation import get_language

        from performance.rules.guidelines import RULES

        rule = RULES.get(self.rule)
        if rule is None:
            return self.rule
        return rule.title_en if (get_language() or "id").startswith("en") else rule.title_id


class ApiRequestWindow(models.Model):
    """How many requests one API client, or one address without a known token, made in one
    clock minute: the events API's rate limit (`api_rate_key` names the key).

    Kept in the database, not the cache, because every web worker process must see the same
    count (the cache is per process). The first request of a minute deletes every earlier
    minute, so the table holds about one row per key that sent something lately.
    """

    key = models.CharField(max_length=100)  # "client:<id>" or "address:<ip>"
    window_start = models.DateTimeField()  # the minute, seconds and microseconds zero
    requests = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="api_window_per_minute")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.window_start:%Y-%m-%d %H:%M}: {self.requests}"
