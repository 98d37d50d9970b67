import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from appeals.evidence import evidence_storage
from seller_portal.models import Shop


class TicketCategory(models.TextChoices):
    """Seed 000 §5.3."""

    HARASSMENT = "harassment", _("Pelecehan atau perundungan")
    ABUSIVE = "abusive", _("Komunikasi cabul, mengancam atau kasar")
    UNREASONABLE = (
        "unreasonable_demands",
        _("Tuntutan tidak wajar atau ancaman demi jaminan, pengembalian dana, diskon"),
    )
    IRRELEVANT = "irrelevant", _("Iklan atau pesan yang tidak relevan")


class AbuseTicket(models.Model):
    """A shop's report of an abusive buyer (RULES §7). Verified: the named messages leave the
    customer-service evaluation."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Diajukan")
        IN_REVIEW = "in_review", _("Sedang ditinjau")
        VERIFIED = "verified", _("Terverifikasi")
        REJECTED = "rejected", _("Ditolak")

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="abuse_tickets")
    conversation = models.CharField(_("percakapan"), max_length=100)
    buyer = models.CharField(_("pembeli"), max_length=100)
    message_ids = models.JSONField(_("pesan"), default=list)  # marketplace message ids
    category = models.CharField(_("kategori"), max_length=32, choices=TicketCategory.choices)
    description = models.TextField(_("keterangan"))
    state = models.CharField(_("status"), max_length=16, choices=State.choices, default="submitted")
    decision_reason = models.TextField(_("alasan keputusan"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_by_support = models.BooleanField(_("diajukan oleh tim dukungan"), default=False)
    due_on = models.DateField(_("batas keputusan"))
    created_at = models.DateTimeField(_("diajukan pada"), auto_now_add=True)
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tiket pembeli kasar")
        verbose_name_plural = _("tiket pembeli kasar")
        indexes = [models.Index(fields=["shop", "state"], name="ticket_shop_state")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.shop.code} {self.buyer}"


class AppealReason(models.TextChoices):
    """Seed 000 §8."""

    FORCE_MAJEURE = "force_majeure", _("Keadaan kahar (force majeure)")
    LOGISTICS = "platform_logistics", _("Kesalahan penilaian platform: logistik")
    SYSTEM_ERROR = "platform_system_error", _("Kesalahan penilaian platform: kesalahan sistem")
    BUYER_SPAM = "platform_buyer_spam", _("Kesalahan penilaian platform: spam pembeli")
    BUYER_REQUEST = "buyer_request", _("Permintaan pembeli")
    OTHER = "other", _("Lainnya")


class Appeal(models.Model):
    """An appeal against a penalty or an enforcement record (RULES §8)."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Diajukan")
        IN_REVIEW = "in_review", _("Sedang ditinjau")
        NEEDS_INFO = "needs_info", _("Perlu informasi")
        ACCEPTED = "accepted", _("Diterima")
        REJECTED = "rejected", _("Ditolak")

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="appeals")
    penalty = models.ForeignKey(
        "performance.Penalty",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    enforcement = models.ForeignKey(
        "performance.EnforcementRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    attempt = models.PositiveSmallIntegerField(_("banding ke"))
    reason = models.CharField(_("alasan"), max_length=32, choices=AppealReason.choices)
    explanation = models.TextField(_("penjelasan"))
    order_ids = models.JSONField(_("nomor pesanan"), default=list, blank=True)
    state = models.CharField(_("status"), max_length=16, choices=State.choices, default="submitted")
    decision_reason = models.TextField(_("alasan keputusan"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("batas keputusan"))
    created_at = models.DateTimeField(_("diajukan pada"), auto_now_add=True)
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("banding")
        verbose_name_plural = _("banding")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(penalty__isnull=False, enforcement__isnull=True)
                | models.Q(penalty__isnull=True, enforcement__isnull=False),
                name="appeal_has_one_target",
            ),
            models.UniqueConstraint(
                fields=["penalty", "attempt"], name="appeal_attempt_per_penalty"
            ),
            models.UniqueConstraint(
                fields=["enforcement", "attempt"], name="appeal_attempt_per_record"
            ),
        ]
        indexes = [models.Index(fields=["shop", "state"], name="appeal_shop_state")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.shop.code} ({self.get_state_display()})"

    @property
    def target(self):
        return self.penalty or self.enforcement


def evidence_path(instance, filename: str) -> str:
    """`evidence/<shop id>/<32 hex digits>`: the sender's name (`filename`) is never used on
    disk; its cleaned copy is the row's `name`."""
    return f"evidence/{int(instance.shop_id)}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A supporting file of a ticket or an appeal, stored privately."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(
        AbuseTicket, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    appeal = models.ForeignKey(
        Appeal, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(upload_to=evidence_path, storage=evidence_storage)
    name = models.CharField(_("nama berkas"), max_length=200)  # appeals.evidence.evidence_name
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("bukti")
        verbose_name_plural = _("bukti")

    def __str__(self) -> str:
        return self.name


class CaseEvent(models.Model):
    """One step in a ticket's or an appeal's timeline: who, when, from which state to which,
    and the note (a decision reason, a question, an answer)."""

    ticket = models.ForeignKey(
        AbuseTicket, null=True, blank=True, on_delete=models.CASCADE, related_name="timeline"
    )
    appeal = models.ForeignKey(
        Appeal, null=True, blank=True, on_delete=models.CASCADE, related_name="timeline"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("riwayat kasus")
        verbose_name_plural = _("riwayat kasus")

    def __str__(self) -> str:
        return f"{self.from_state or '-'} → {self.to_state}"


class Notice(models.Model):
    """An in-portal notice to a user about a decision on their shop's ticket or appeal."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pemberitahuan")
        verbose_name_plural = _("pemberitahuan")
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]

    def __str__(self) -> str:
        return self.text
