"""The OpenAPI 3.1 document of the events API, generated from the event contract."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from performance.event_types import EVENT_TYPES, ID_MAX_LENGTH, SHOP_CODE_RE


def _field_schema(spec) -> dict[str, Any]:
    schema: dict[str, Any]
    if spec.kind == "ref":
        schema = {"type": "string", "minLength": 1, "maxLength": spec.length_limit}
    elif spec.kind == "text":
        schema = {"type": "string", "maxLength": spec.length_limit}
        if spec.single_line:
            # The control characters and line breaks validation refuses (event_types).
            schema["pattern"] = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$"
    elif spec.kind == "int":
        schema = {"type": "integer"}
        if spec.minimum is not None:
            schema["minimum"] = spec.minimum
        if spec.maximum is not None:
            schema["maximum"] = spec.maximum
    elif spec.kind == "bool":
        schema = {"type": "boolean"}
    else:
        schema = {"type": "string", "enum": list(spec.choices)}
    if spec.default is not None:
        schema["default"] = spec.default
    schema["description"] = spec.description
    return schema


def _event_schema(event_type) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "id": {"type": "string", "minLength": 1, "maxLength": ID_MAX_LENGTH},
        "type": {"const": event_type.name},
        "shop": {"type": "string", "pattern": SHOP_CODE_RE.pattern},
        "at": {"type": "string", "format": "date-time", "description": "ISO 8601 with offset"},
    }
    required = ["id", "type", "shop", "at"]
    for spec in event_type.fields:
        properties[spec.name] = _field_schema(spec)
        if spec.required:
            required.append(spec.name)
    return {
        "type": "object",
        "description": event_type.description,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _component_name(type_name: str) -> str:
    return "".join(part.capitalize() for part in type_name.replace("_", ".").split("."))


def openapi_document() -> dict[str, Any]:
    components = {_component_name(name): _event_schema(t) for name, t in EVENT_TYPES.items()}
    error_list = {
        "type": "object",
        "properties": {
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "index": {"type": ["integer", "null"]},
                        "reason": {"type": "string"},
                    },
                    "required": ["index", "reason"],
                },
            }
        },
        "required": ["errors"],
    }
    components["Event"] = {
        "oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in list(components)],
        "discriminator": {
            "propertyName": "type",
            "mapping": {
                name: f"#/components/schemas/{_component_name(name)}" for name in EVENT_TYPES
            },
        },
    }
    components["ErrorList"] = error_list

    def error(description: str, **headers: dict[str, Any]) -> dict[str, Any]:
        response: dict[str, Any] = {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorList"}}},
        }
        if headers:
            response["headers"] = {name.replace("_", "-"): h for name, h in headers.items()}
        return response

    rate = settings.EVENTS_API_RATE_PER_MINUTE

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Seller Performance Portal — events API",
            "version": "1",
            "description": (
                "The marketplace sends events here. A batch is stored atomically: when any "
                "event is invalid nothing is stored and every error is listed with its index. "
                "Re-sending a stored event is a no-op; the same id with different content is "
                "an error. Every refused request (any status but 200) stores nothing."
                + (
                    f" Each API client may make {rate} requests per clock minute, and so may "
                    "each address sending a missing, unknown or revoked token; more answer "
                    "429 with Retry-After."
                    if rate > 0
                    else ""
                )
            ),
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/events": {
                "post": {
                    "operationId": "postEvents",
                    "summary": "Store a batch of events",
                    "security": [{"bearerToken": []}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Event"},
                                    "maxItems": settings.EVENTS_API_MAX_EVENTS,
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "Stored (or already present)",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "stored": {"type": "integer"},
                                            "already_present": {"type": "integer"},
                                        },
                                        "required": ["stored", "already_present"],
                                    }
                                }
                            },
                        },
                        "400": error(
                            "Invalid JSON, not an array, or invalid events (each listed with "
                            "its index); nothing stored"
                        ),
                        "401": error(
                            "Missing or unknown token (a rotated token, and a deactivated "
                            "client's, which deactivation revoked, are unknown); nothing stored",
                            WWW_Authenticate={
                                "description": "Bearer challenge",
                                "required": True,
                                "schema": {"type": "string"},
                            },
                        ),
                        "403": error(
                            "The token's client was switched off without revoking its token "
                            "(deactivation in admin revokes it: 401); nothing stored"
                        ),
                        "413": error(
                            f"Body over {settings.EVENTS_API_MAX_BODY_BYTES} bytes or more than "
                            f"{settings.EVENTS_API_MAX_EVENTS} events; nothing stored"
                        ),
                        "415": error("Content-Type is not application/json; nothing stored"),
                        "429": error(
                            (
                                f"More than {rate} requests in this clock minute from this API "
                                "client (requests without a known token: from this address); "
                                "answered before the token is judged; nothing stored"
                            )
                            if rate > 0
                            else "Rate limit (switched off on this server); nothing stored",
                            Retry_After={
                                "description": "Seconds until the next minute starts",
                                "required": True,
                                "schema": {"type": "integer", "minimum": 1, "maximum": 60},
                            },
                        ),
                        "503": error(
                            "The database is unavailable (seller_portal.views.server_error), "
                            "or the request took longer than the server allows and was stopped "
                            "(seller_portal/gunicorn_conf.py); nothing stored, send the batch "
                            "again later",
                            Retry_After={
                                "description": "Seconds to wait before sending again",
                                "required": True,
                                "schema": {"type": "integer", "minimum": 1},
                            },
                        ),
                    },
                }
            }
        },
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token created by staff in Django admin (API clients).",
                }
            },
        },
    }
