"""API clients for the events endpoint: tokens are random, shown once, stored hashed, and
each client has its own rate limit.

Deactivating a client revokes its token: the stored hash is erased, so the old token is unknown
from then on whatever `is_active` says later, and the only way back is `api_client_reactivate`,
which makes a new token. Every request is counted against the limit before it is refused or
served: a known token (active or not) in its client's count, a missing, unknown or revoked one
in the count of the address it came from, so guessing tokens is limited like sending events.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from performance.models import ApiClient, ApiRequestWindow
from seller_portal import clock

TOKEN_PREFIX = "spp"
# What api_client_create makes: spp_<12 hex>_<43 URL-safe base64>. Anything else is unknown
# without a query (a header may carry any byte, and PostgreSQL refuses NUL in a parameter).
_TOKEN_RE = re.compile(rf"{TOKEN_PREFIX}_([0-9a-f]{{1,16}})_[A-Za-z0-9_-]{{1,100}}")


REVOKED = ""  # token_hash of a deactivated client: no token hashes to it


def _hash(token: str) -> str:
    # Tokens carry 256 bits of randomness, so a plain SHA-256 is enough (no slow KDF needed).
    return hashlib.sha256(token.encode()).hexdigest()


def api_client_create(*, name: str, created_by=None) -> tuple[ApiClient, str]:
    """Create a client and return it with its token, which is not stored and not shown again."""
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        client = ApiClient.objects.create(
            name=name, token_prefix=prefix, token_hash=_hash(token), created_by=created_by
        )
    return client, token


def _new_token(client: ApiClient, **changes) -> str:
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    changes.update(token_prefix=prefix, token_hash=_hash(token))
    ApiClient.objects.filter(pk=client.pk).update(**changes)
    for name, value in changes.items():
        setattr(client, name, value)
    return token


class ApiClientInactive(ValueError):
    """Rotation is for active clients; an inactive one comes back through reactivation."""


def api_client_rotate(*, client: ApiClient) -> str:
    """Give an active client a new token; the old one stops working at once."""
    if not ApiClient.objects.filter(pk=client.pk, is_active=True).exists():
        raise ApiClientInactive(client.name)
    return _new_token(client)


def api_client_reactivate(*, client: ApiClient) -> str:
    """Switch a client back on with a new token (its old one was revoked when it was
    deactivated and stays unknown)."""
    return _new_token(client, is_active=True)


def api_client_deactivate(*, clients: Iterable[ApiClient]) -> int:
    """Switch clients off and revoke their tokens: the hash is erased, so the token is
    unknown (401) from the next request on, and stays so if the client is switched on again
    by any other way than `api_client_reactivate`. Other clients and their tokens are
    untouched. Returns how many were active."""
    chosen = ApiClient.objects.filter(pk__in=[c.pk for c in clients])
    with transaction.atomic():
        count = chosen.filter(is_active=True).update(is_active=False, token_hash=REVOKED)
        chosen.exclude(token_hash=REVOKED).update(is_active=False, token_hash=REVOKED)
    for client in clients:
        client.is_active, client.token_hash = False, REVOKED
    return count


def api_client_for_token(token: str) -> ApiClient | None:
    """The client owning the token (active or not), or None when the token is unknown or
    revoked."""
    match = _TOKEN_RE.fullmatch(token)
    if match is None:
        return None
    client = ApiClient.objects.filter(token_prefix=match[1]).first()
    if client is None or client.token_hash == REVOKED:
        return None
    if not hmac.compare_digest(client.token_hash, _hash(token)):
        return None
    return client


def api_client_touch(*, client: ApiClient) -> None:
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())


def api_rate_key(*, client: ApiClient | None, address: str | None) -> str:
    """Whose count a request joins: its client's when the token is known (active or not),
    else its address's (a missing, unknown, revoked or malformed token). `address` is
    `lockout.client_ip`'s, a valid IP address or None; requests without one share a count."""
    if client is not None:
        return f"client:{client.pk}"
    return f"address:{address or 'unknown'}"


def api_client_request_admit(*, client: ApiClient, now: datetime | None = None) -> int | None:
    """`api_request_admit` for a request with the client's token."""
    return api_request_admit(key=api_rate_key(client=client, address=None), now=now)


def api_request_admit(*, key: str, now: datetime | None = None) -> int | None:
    """Count one request of `key` (see `api_rate_key`) in the current clock minute (UTC).
    None when it is within EVENTS_API_RATE_PER_MINUTE; otherwise the seconds until the next
    minute, for a Retry-After header.

    The count lives in the database so that every web worker shares it. The increment is
    one UPDATE with F(), and the read happens in the same transaction, so the row lock
    makes each request see its own place in the minute. The first request of a minute
    creates the row (a concurrent creator loses on the unique constraint and increments
    instead) and deletes every key's earlier minutes, which keeps the table at about one
    row per client or address that sent something lately.
    """
    limit = settings.EVENTS_API_RATE_PER_MINUTE
    if limit <= 0:
        return None
    now = now or clock.now()
    start = now.replace(second=0, microsecond=0)
    window = ApiRequestWindow.objects.filter(key=key, window_start=start)
    first_of_minute = False
    with transaction.atomic():
        if not window.update(requests=F("requests") + 1):
            try:
                with transaction.atomic():
                    ApiRequestWindow.objects.create(key=key, window_start=start, requests=1)
                first_of_minute = True
            except IntegrityError:
                window.update(requests=F("requests") + 1)
        count = window.values_list("requests", flat=True).get()
    if first_of_minute:
        ApiRequestWindow.objects.filter(window_start__lt=start).delete()
    if count <= limit:
        return None
    return 60 - now.second
