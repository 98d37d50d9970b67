"""POST /api/v1/events: token auth, size limits, atomic validation; the OpenAPI document."""

import json

import pytest
from django.test import override_settings

from performance.event_types import EVENT_TYPES
from performance.models import ApiClient, Event
from performance.services.api_clients import api_client_create, api_client_rotate
from seller_portal.models import Shop
from tests.helpers import event, registration

pytestmark = pytest.mark.django_db
URL = "/api/v1/events"


@pytest.fixture
def token():
    _, token = api_client_create(name="marketplace")
    return token


def post(client, body, token=None, content_type="application/json"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(URL, data=data, content_type=content_type, headers=headers)


def test_valid_batch_is_stored(client, token):
    batch = [registration(), event("order.verified", id="e-1", order="I/1", amount=1, buyer="b")]

    response = post(client, batch, token)

    assert response.status_code == 200
    assert response.json() == {"stored": 2, "already_present": 0}
    assert Event.objects.count() == 2
    assert ApiClient.objects.get().last_used_at is not None


def test_resending_is_a_no_op(client, token):
    batch = [registration(), event("order.shipped", id="e-1", order="I/1")]
    post(client, batch, token)

    response = post(client, batch, token)

    assert response.json() == {"stored": 0, "already_present": 2}
    assert Event.objects.count() == 2


def test_invalid_batch_stores_nothing_and_lists_errors_by_index(client, token):
    batch = [
        registration(),
        event("order.shipped", id="e-1", order="I/1"),
        event("order.shipped", id="e-2", shop="toko-x", order="I/2"),
        event("review.posted", id="e-3", order="I/1", rating="5", buyer="b"),
    ]

    response = post(client, batch, token)

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "index": 2,
                "reason": "unknown shop 'toko-x': a shop.registered event must come first",
            },
            {"index": 3, "reason": "field 'rating' must be an integer, got \"5\""},
        ]
    }
    assert Event.objects.count() == 0
    assert Shop.objects.count() == 0


def test_conflicting_id_names_the_earlier_index(client, token):
    batch = [
        registration(),
        event("order.shipped", id="e-1", order="I/1"),
        event("order.shipped", id="e-1", order="I/2"),
    ]

    response = post(client, batch, token)

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"index": 2, "reason": "id 'e-1' already appears on index 1 with different content"}
    ]


def test_no_token_is_401(client):
    response = post(client, [registration()])

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="events"'
    assert response.json() == {"errors": [{"index": None, "reason": "missing bearer token"}]}
    assert Shop.objects.count() == 0


def test_unknown_or_rotated_token_is_401(client, token):
    assert post(client, [registration()], token + "x").status_code == 401
    assert post(client, [registration()], "spp_nothere_secret").status_code == 401
    api_client_rotate(client=ApiClient.objects.get())

    response = post(client, [registration()], token)

    assert response.status_code == 401
    assert response.json()["errors"][0]["reason"] == "unknown token"
    assert Shop.objects.count() == 0


def test_deactivated_client_is_403(client, token):
    ApiClient.objects.update(is_active=False)

    response = post(client, [registration()], token)

    assert response.status_code == 403
    assert response.json()["errors"][0]["reason"] == "API client 'marketplace' is deactivated"
    assert Shop.objects.count() == 0


def test_token_is_stored_only_hashed(token):
    stored = ApiClient.objects.get()
    assert token not in (stored.token_hash, stored.token_prefix)
    assert token.startswith(f"spp_{stored.token_prefix}_")
    assert len(stored.token_hash) == 64


@override_settings(EVENTS_API_MAX_BODY_BYTES=200)
def test_body_over_the_limit_is_413(client, token):
    batch = [registration(name="x" * 300)]

    response = post(client, batch, token)

    assert response.status_code == 413
    assert response.json()["errors"][0]["reason"] == (
        "body is larger than 200 bytes; send smaller batches"
    )
    assert Shop.objects.count() == 0


@override_settings(EVENTS_API_MAX_EVENTS=2)
def test_too_many_events_is_413(client, token):
    response = post(client, [registration(id=f"r-{i}") for i in range(3)], token)

    assert response.status_code == 413
    assert response.json()["errors"][0]["reason"] == "more than 2 events; send smaller batches"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{not json", "body is not valid JSON: Expecting property name enclosed in double quotes"),
        (json.dumps({"events": []}), "body must be a JSON array of events"),
    ],
)
def test_malformed_body_is_400(client, token, body, reason):
    response = post(client, body, token)

    assert response.status_code == 400
    assert response.json() == {"errors": [{"index": None, "reason": reason}]}


def test_wrong_content_type_is_415(client, token):
    response = post(client, json.dumps([registration()]), token, content_type="text/plain")

    assert response.status_code == 415
    assert Shop.objects.count() == 0


def test_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405


def test_openapi_document_describes_every_event_type(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"] == "3.1.0"
    mapping = doc["components"]["schemas"]["Event"]["discriminator"]["mapping"]
    assert set(mapping) == set(EVENT_TYPES)
    chat = doc["components"]["schemas"]["ChatMessage"]
    assert chat["required"] == [
        "id",
        "type",
        "shop",
        "at",
        "conversation",
        "message",
        "sender",
        "buyer",
        "text",
    ]
    assert chat["properties"]["sender"]["enum"] == ["buyer", "seller"]
    assert doc["paths"]["/api/v1/events"]["post"]["responses"].keys() == {
        "200",
        "400",
        "401",
        "403",
        "413",
        "415",
    }
