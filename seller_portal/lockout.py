"""Sign-in lockout against password guessing.

Every failed sign-in (the portal's form, the admin's, anything that calls `authenticate`)
is recorded. Five failures for one name from one address within 15 minutes lock that pair,
and twenty for one name from anywhere lock the name, until the window has passed: even the
right password is refused meanwhile. A successful sign-in clears the pair's failures.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest

from seller_portal import clock
from seller_portal.models import LoginFailure

WINDOW = timedelta(minutes=15)
PER_ADDRESS = 5
PER_NAME = 20


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: behind the TLS proxy, the one it appended to X-Forwarded-For
    (the last entry; earlier ones come from the client and prove nothing)."""
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.HTTPS and forwarded:
        return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def locked_until(username: str, ip: str | None) -> datetime | None:
    """When the lock on this name (from this address) ends, or None when there is none."""
    name = username.casefold()
    since = clock.now() - WINDOW
    recent = LoginFailure.objects.filter(username=name, at__gt=since).order_by("-at")
    times = list(recent.values_list("at", "ip")[:PER_NAME])
    ends = []
    if len(times) >= PER_NAME:
        ends.append(times[PER_NAME - 1][0] + WINDOW)
    from_here = [at for at, address in times if address == ip]
    if len(from_here) >= PER_ADDRESS:
        ends.append(from_here[PER_ADDRESS - 1] + WINDOW)
    return max(ends) if ends else None


class LockoutBackend(ModelBackend):
    """The model backend, refusing names that are locked out."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and locked_until(username, client_ip(request)):
            raise PermissionDenied  # authenticate() stops here and reports the failure
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed)
def _record_failure(sender, credentials, request=None, **kwargs) -> None:
    username = credentials.get("username")
    if not username:
        return
    LoginFailure.objects.create(username=username.casefold(), ip=client_ip(request))
    # Old failures lock nothing: keep the table small.
    LoginFailure.objects.filter(at__lt=clock.now() - timedelta(days=1)).delete()


@receiver(user_logged_in)
def _clear_failures(sender, request, user, **kwargs) -> None:
    LoginFailure.objects.filter(
        username=user.get_username().casefold(), ip=client_ip(request)
    ).delete()
