from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from performance.event_types import EVENT_TYPES
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
            models.Index(fields=["shop", "subject"], name="event_shop_subject"),
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
