"""The portal's notion of today, in WIB: one seam, so pages can be tested on a fixed date."""

from datetime import date, datetime

from django.utils import timezone


def today() -> date:
    return timezone.localdate()


def now() -> datetime:
    return timezone.now()
