"""API clients for the events endpoint: tokens are random, shown once, stored hashed, and
each client has its own rate limit."""

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


def api_client_rotate(*, client: ApiClient) -> str:
    """Give the client a new token; the old one stops working at once."""
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    ApiClient.objects.filter(pk=client.pk).update(token_prefix=prefix, token_hash=_hash(token))
    client.token_prefix, client.token_hash = prefix, _hash(token)
    return token


def api_client_deactivate(*, clients: Iterable[ApiClient]) -> int:
    """Switch clients off: their tokens answer 403 from the next request on. Other clients
    and their tokens are untouched. Returns how many were active."""
    return ApiClient.objects.filter(pk__in=[c.pk for c in clients], is_active=True).update(
        is_active=False
    )


def api_client_for_token(token: str) -> ApiClient | None:
    """The client owning the token (active or not), or None when the token is unknown."""
    match = _TOKEN_RE.fullmatch(token)
    if match is None:
        return None
    client = ApiClient.objects.filter(token_prefix=match[1]).first()
    if client is None or not hmac.compare_digest(client.token_hash, _hash(token)):
        return None
    return client


def api_client_touch(*, client: ApiClient) -> None:
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())


def api_client_request_admit(*, client: ApiClient, now: datetime | None = None) -> int | None:
    """Count one request of `client` in the current clock minute (UTC). None when it is
    within EVENTS_API_RATE_PER_MINUTE; otherwise the seconds until the next minute, for a
    Retry-After header.

    The count lives in the database so that every web worker shares it. The increment is
    one UPDATE with F(), and the read happens in the same transaction, so the row lock
    makes each request see its own place in the minute. The first request of a minute
    creates the row (a concurrent creator loses on the unique constraint and increments
    instead) and deletes every client's earlier minutes, which keeps the table at about one
    row per client.
    """
    limit = settings.EVENTS_API_RATE_PER_MINUTE
    if limit <= 0:
        return None
    now = now or clock.now()
    start = now.replace(second=0, microsecond=0)
    window = ApiRequestWindow.objects.filter(client=client, window_start=start)
    first_of_minute = False
    with transaction.atomic():
        if not window.update(requests=F("requests") + 1):
            try:
                with transaction.atomic():
                    ApiRequestWindow.objects.create(client=client, window_start=start, requests=1)
                first_of_minute = True
            except IntegrityError:
                window.update(requests=F("requests") + 1)
        count = window.values_list("requests", flat=True).get()
    if first_of_minute:
        ApiRequestWindow.objects.filter(window_start__lt=start).delete()
    if count <= limit:
        return None
    return 60 - now.second
