"""The events API: POST /api/v1/events and its OpenAPI document."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from performance.event_types import JsonUnreadable, json_decode
from performance.openapi import openapi_document
from performance.services.api_clients import (
    api_client_for_token,
    api_client_touch,
    api_rate_key,
    api_request_admit,
)
from performance.services.ingest import events_ingest
from seller_portal.lockout import client_ip


def _errors(status: int, reason: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"errors": [{"index": None, "reason": reason}]}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


@csrf_exempt
@require_POST
def events_post(request: HttpRequest) -> JsonResponse:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip() if scheme.lower() == "bearer" else ""
    client = api_client_for_token(token) if token else None
    # Every request is counted before it is refused or its body read: a known token in its
    # client's count, a missing, unknown or revoked one in its address's. An over-limit
    # request costs two small queries, no parsing, and learns nothing about its token.
    retry_after = api_request_admit(key=api_rate_key(client=client, address=client_ip(request)))
    if retry_after is not None:
        return _errors(
            429,
            f"more than {settings.EVENTS_API_RATE_PER_MINUTE} requests a minute from this "
            f"API client; retry after {retry_after} s",
            Retry_After=str(retry_after),
        )
    if not token:
        return _errors(401, "missing bearer token", WWW_Authenticate='Bearer realm="events"')
    if client is None:
        return _errors(
            401, "unknown token", WWW_Authenticate='Bearer realm="events", error="invalid_token"'
        )
    if not client.is_active:
        return _errors(403, f"API client {client.name!r} is deactivated")

    limit = settings.EVENTS_API_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _errors(400, "invalid Content-Length")
    if declared > limit:
        return _errors(413, f"body is larger than {limit} bytes; send smaller batches")
    content_type = request.content_type or ""
    if content_type != "application/json":
        return _errors(415, "Content-Type must be application/json")
    body = request.read(limit + 1)
    if len(body) > limit:
        return _errors(413, f"body is larger than {limit} bytes; send smaller batches")
    try:
        # An integer too long to read is refused as the error of the event holding it.
        payload = json_decode(body)
    except JsonUnreadable as exc:
        return _errors(400, f"body is {exc.reason}")
    if not isinstance(payload, list):
        return _errors(400, "body must be a JSON array of events")
    if len(payload) > settings.EVENTS_API_MAX_EVENTS:
        return _errors(
            413, f"more than {settings.EVENTS_API_MAX_EVENTS} events; send smaller batches"
        )

    result = events_ingest(items=enumerate(payload), describe_position="index {}".format)
    api_client_touch(client=client)
    if result.errors:
        return JsonResponse(
            {"errors": [{"index": e.position, "reason": e.reason} for e in result.errors]},
            status=400,
        )
    return JsonResponse({"stored": result.stored, "already_present": result.already_present})


@require_GET
def openapi_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})
