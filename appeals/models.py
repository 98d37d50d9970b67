from django.db import models
from django.utils.translation import gettext_lazy as _

from seller_portal.models import Shop


class EnforcementRecord(models.Model):
    """An enforcement action against a shop (SPEC §8), which the seller may appeal.

    `key` names what the record is about (the CS week, the score refresh, ...), so
    re-evaluating never issues it twice. A record whose cause disappears on re-evaluation is
    withdrawn, not deleted: the seller saw it, so history keeps it.
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
        ordering = ["-issued_on", "-id"]
        verbose_name = _("catatan penegakan")
        verbose_name_plural = _("catatan penegakan")
        constraints = [
            models.UniqueConstraint(fields=["shop", "kind", "key"], name="enforcement_natural_key")
        ]

    def __str__(self) -> str:
        return f"{self.shop.code} {self.get_kind_display()} ({self.issued_on:%Y-%m-%d})"
