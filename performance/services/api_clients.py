"""API clients for the events endpoint: tokens are random, shown once, stored hashed."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from performance.models import ApiClient

TOKEN_PREFIX = "spp"


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


def api_client_for_token(token: str) -> ApiClient | None:
    """The client owning the token (active or not), or None when the token is unknown."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    client = ApiClient.objects.filter(token_prefix=parts[1]).first()
    if client is None or not hmac.compare_digest(client.token_hash, _hash(token)):
        return None
    return client


def api_client_touch(*, client: ApiClient) -> None:
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
