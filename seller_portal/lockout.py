"""Sign-in lockout against password guessing.

Every password check is counted before the password is hashed: the portal's sign-in, the
admin's, anything else that calls `authenticate` (all go through `LockoutBackend`) and the old
password of the admin's password change (`forms.LockoutPasswordChangeForm`). Five attempts for
one name from one address within 15 minutes lock that pair, and twenty for one name from
anywhere lock the name, until the window has passed: even the right password is refused
meanwhile, without being checked. A right password clears the pair's failures counted before
it.

An attempt is stored as a `LoginFailure` row the moment it starts, and judged only if fewer
than the limit were counted before it; attempts of one name are counted one at a time (a
per-name transaction lock on PostgreSQL; SQLite has a single writer), so however many arrive
at once, and in however many processes, the N-th sees the N-1 before it and no more than the
limit are ever judged. An attempt refused unchecked leaves no row (a lock is not
lengthened by tries against it). A judged one stays a failure unless the password proves
right, so a check that crashes or times out counts too. A right password deletes its own row
and the earlier failures of its name and address, by id: not the failures of attempts counted
after it.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.backends import ModelBackend, UserModel
from django.core.exceptions import PermissionDenied
from django.db import connections, router, transaction
from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from seller_portal import clock
from seller_portal.models import LoginFailure

WINDOW = timedelta(minutes=15)
PER_ADDRESS = 5
PER_NAME = 20
KEEP = timedelta(days=1)  # older failures lock nothing: they are deleted
# The first key of the two-key advisory locks taken here (the second is the name's hash), so
# they never collide with advisory locks taken elsewhere with one key.
ADVISORY_LOCK_SPACE = 14


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: behind the TLS proxy, the one it appended to X-Forwarded-For
    (the last entry; earlier ones come from the client and prove nothing). A last entry that
    is no address was not written by the proxy: the proxy's own address counts instead."""
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.HTTPS and forwarded:
        last = _address(forwarded.split(",")[-1].strip())
        if last is not None:
            return last
    return _address(request.META.get("REMOTE_ADDR") or "")


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


class Locked(Exception):
    """The name (from this address) is locked out until `until`: the password is not checked."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until)
        self.until = until


@dataclass(frozen=True)
class Attempt:
    """A counted password check, a failure until `succeeded` says otherwise."""

    pk: int
    username: str
    ip: str | None
    typed_digest: str

    def succeeded(self) -> None:
        """The password was right: forget this attempt and the failures of its name from its
        address counted before it; those counted after it (attempts of the same burst still
        being checked, or already refused) stay. Only failures typed exactly as this name:
        another account whose name case-folds alike ("strasse" for "straße") proves nothing
        about the guesses at this one (rows counted before names were kept, with no digest,
        are cleared as before)."""
        LoginFailure.objects.filter(
            username=self.username,
            ip=self.ip,
            pk__lte=self.pk,
            typed_digest__in=[self.typed_digest, ""],
        ).delete()


def typed_digest(username: str) -> str:
    return hashlib.sha256(username.encode("utf-8", "surrogatepass")).hexdigest()


def lock_key(username: str) -> str:
    """The name as the lockout counts it: case-folded (`Pemilik` and `PEMILIK` are one name),
    cut to the column's length (case folding may lengthen a name: `ß` becomes `ss`)."""
    return username.casefold()[: LoginFailure._meta.get_field("username").max_length]


def count_attempt(username: str, ip: str | None) -> Attempt:
    """Count a password check of `username` from `ip` before it is made, and return it; raise
    `Locked` instead, counting nothing, when the attempts counted before it reach a limit."""
    name = lock_key(username)
    using = router.db_for_write(LoginFailure)
    with transaction.atomic(using=using):
        connection = connections[using]
        if connection.vendor == "postgresql":
            # Held to the end of this short transaction, not while the password is hashed.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [ADVISORY_LOCK_SPACE, name]
                )
        # Elsewhere (SQLite) this insert takes the database's one write lock first.
        digest = typed_digest(username)
        attempt = LoginFailure.objects.using(using).create(
            username=name, ip=ip, typed_digest=digest
        )
        until = _locked_until(using, name, ip, before=attempt.pk)
        if until is not None:
            attempt.delete()  # refused unchecked: not a failure, and it does not extend the lock
    LoginFailure.objects.using(using).filter(at__lt=clock.now() - KEEP).delete()
    if until is not None:
        raise Locked(until)
    return Attempt(attempt.pk, name, ip, digest)


def _locked_until(
    using: str, name: str, ip: str | None, *, before: int | None = None
) -> datetime | None:
    """When the lock made by the attempts counted (before attempt `before`) ends, or None."""
    since = clock.now() - WINDOW
    earlier = LoginFailure.objects.using(using).filter(username=name, at__gt=since)
    if before is not None:
        earlier = earlier.filter(pk__lt=before)
    times = list(earlier.order_by("-at", "-pk").values_list("at", "ip")[:PER_NAME])
    ends = []
    if len(times) >= PER_NAME:
        ends.append(times[PER_NAME - 1][0] + WINDOW)
    from_here = [at for at, address in times if address == ip]
    if len(from_here) >= PER_ADDRESS:
        ends.append(from_here[PER_ADDRESS - 1] + WINDOW)
    return max(ends) if ends else None


_REFUSED = "_lockout_refused_until"


def refused_until(request: HttpRequest | None) -> datetime | None:
    """When the lock that refused this request's sign-in ends (None: it was not refused)."""
    return getattr(request, _REFUSED, None)


class LockoutBackend(ModelBackend):
    """The model backend, counting each attempt first and refusing names that are locked out.

    `authenticate()` reports every refusal and every wrong password through `user_login_failed`
    as before; the forms tell a refusal from a wrong password with `refused_until`."""

    @sensitive_variables("password")
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(UserModel.USERNAME_FIELD)
        if not username or password is None:
            return None
        try:
            attempt = count_attempt(username, client_ip(request))
        except Locked as locked:
            if request is not None:
                setattr(request, _REFUSED, locked.until)
            raise PermissionDenied from None  # authenticate() stops here and reports the failure
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            attempt.succeeded()
        return user

    @sensitive_variables("password")
    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        # ModelBackend's own async version would skip the count.
        return await sync_to_async(self.authenticate)(
            request, username=username, password=password, **kwargs
        )
