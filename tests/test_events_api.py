"""POST /api/v1/events: token auth, per-client rate limit and revocation, size limits, atomic
validation, hostile bodies; the OpenAPI document."""

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.db import OperationalError, connection, connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from performance.event_types import EVENT_TYPES, SHOP_NAME_MAX_LENGTH
from performance.models import ApiClient, ApiRequestWindow, Event
from performance.services.api_clients import (
    ApiClientInactive,
    api_client_create,
    api_client_deactivate,
    api_client_reactivate,
    api_client_request_admit,
    api_client_rotate,
)
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
    """A client switched off without its token being revoked (directly in the database; the
    service and the admin revoke it, see below) is still refused."""
    ApiClient.objects.update(is_active=False)

    response = post(client, [registration()], token)

    assert response.status_code == 403
    assert response.json()["errors"][0]["reason"] == "API client 'marketplace' is deactivated"
    assert Shop.objects.count() == 0


def test_deactivation_revokes_the_token_for_good(client, token):
    """Before, switching a deactivated client on again (the admin's checkbox, or any update of
    `is_active`) brought its old token back."""
    api_client = ApiClient.objects.get()

    assert api_client_deactivate(clients=[api_client]) == 1
    revoked = post(client, [registration()], token)
    ApiClient.objects.update(is_active=True)
    switched_on = post(client, [registration()], token)

    assert revoked.status_code == switched_on.status_code == 401
    assert switched_on.json()["errors"][0]["reason"] == "unknown token"
    assert ApiClient.objects.get().token_hash == ""
    assert Shop.objects.count() == 0


def test_reactivation_gives_a_new_token_and_the_old_one_stays_unknown(client, token):
    api_client = ApiClient.objects.get()
    api_client_deactivate(clients=[api_client])

    new_token = api_client_reactivate(client=api_client)

    assert new_token != token
    assert post(client, [registration()], token).status_code == 401
    assert post(client, [registration()], new_token).status_code == 200
    assert ApiClient.objects.get().is_active is True


def test_an_inactive_client_is_not_rotated(token):
    api_client = ApiClient.objects.get()
    api_client_deactivate(clients=[api_client])
    before = ApiClient.objects.values_list("token_prefix", "token_hash", "is_active").get()

    with pytest.raises(ApiClientInactive):
        api_client_rotate(client=api_client)

    assert ApiClient.objects.values_list("token_prefix", "token_hash", "is_active").get() == before


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
    responses = doc["paths"]["/api/v1/events"]["post"]["responses"]
    assert responses.keys() == {"200", "400", "401", "403", "413", "415", "429", "503"}
    assert responses["429"]["headers"]["Retry-After"]["required"] is True
    assert responses["503"]["headers"]["Retry-After"]["required"] is True
    assert responses["401"]["headers"]["WWW-Authenticate"]["required"] is True


# --- Rate limit -----------------------------------------------------------------------------

MINUTE = datetime(2025, 4, 7, 3, 0, tzinfo=UTC)


@pytest.fixture
def at_second(monkeypatch):
    """Pins the clock to a second of MINUTE (or of a later minute)."""

    def pin(second: int, minutes: int = 0) -> None:
        moment = MINUTE + timedelta(minutes=minutes, seconds=second)
        monkeypatch.setattr("seller_portal.clock.now", lambda: moment)

    return pin


@override_settings(EVENTS_API_RATE_PER_MINUTE=2)
def test_request_over_the_rate_limit_is_429_and_stores_nothing(client, token, at_second):
    at_second(15)
    assert [post(client, [], token).status_code for _ in range(2)] == [200, 200]

    response = post(client, [registration()], token)

    assert response.status_code == 429
    assert response["Retry-After"] == "45"
    assert response.json() == {
        "errors": [
            {
                "index": None,
                "reason": "more than 2 requests a minute from this API client; retry after 45 s",
            }
        ]
    }
    assert Shop.objects.count() == 0
    assert Event.objects.count() == 0


@override_settings(EVENTS_API_RATE_PER_MINUTE=1)
def test_next_minute_admits_again_and_old_windows_are_deleted(client, token, at_second):
    at_second(59)
    assert post(client, [], token).status_code == 200
    refused = post(client, [registration()], token)
    at_second(0, minutes=1)

    response = post(client, [registration()], token)

    assert (refused.status_code, refused["Retry-After"]) == (429, "1")
    assert response.status_code == 200
    assert list(ApiRequestWindow.objects.values_list("window_start", "requests")) == [
        (MINUTE + timedelta(minutes=1), 1)
    ]
    assert Shop.objects.count() == 1


@override_settings(EVENTS_API_RATE_PER_MINUTE=1)
def test_rate_limit_is_per_client(client, token, at_second):
    at_second(10)
    _, other_token = api_client_create(name="other")
    post(client, [], token)
    assert post(client, [], token).status_code == 429

    response = post(client, [registration()], other_token)

    assert response.status_code == 200
    assert Shop.objects.count() == 1


def windows() -> dict[str, int]:
    return dict(ApiRequestWindow.objects.values_list("key", "requests"))


@override_settings(EVENTS_API_RATE_PER_MINUTE=2)
def test_unknown_and_missing_tokens_are_rate_limited_by_address(client, token, at_second):
    """Guessing tokens is limited like sending events: requests without a known token count
    against their address, and never against a client's own count."""
    at_second(10)
    guesses = [
        post(client, [], "spp_000000000000_guess").status_code,
        post(client, [], None).status_code,
        post(client, [registration()], "not-a-token").status_code,
    ]
    refused = post(client, [], "spp_000000000000_guess")

    assert guesses == [401, 401, 429]
    assert (refused.status_code, refused["Retry-After"]) == (429, "50")
    assert post(client, [registration()], token).status_code == 200
    assert windows() == {"address:127.0.0.1": 4, f"client:{ApiClient.objects.get().pk}": 1}
    assert Shop.objects.count() == 1


@override_settings(EVENTS_API_RATE_PER_MINUTE=2)
def test_a_deactivated_clients_token_is_rate_limited_like_a_valid_one(client, token, at_second):
    at_second(10)
    api_client_deactivate(clients=list(ApiClient.objects.all()))

    statuses = [post(client, [registration()], token).status_code for _ in range(3)]

    assert statuses == [401, 401, 429]
    assert windows() == {"address:127.0.0.1": 3}
    assert Shop.objects.count() == 0


@override_settings(EVENTS_API_RATE_PER_MINUTE=2)
def test_a_client_switched_off_in_the_database_is_counted_as_its_client(client, token, at_second):
    at_second(10)
    ApiClient.objects.update(is_active=False)  # not through the service: the hash is kept

    statuses = [post(client, [], token).status_code for _ in range(3)]

    assert statuses == [403, 403, 429]
    assert windows() == {f"client:{ApiClient.objects.get().pk}": 3}


@pytest.mark.parametrize(
    ("forwarded", "key"),
    [
        ("203.0.113.9", "address:203.0.113.9"),
        ("10.0.0.1, 2001:db8::1", "address:2001:db8::1"),
        # Not an address, so not the proxy's: the proxy's own address counts.
        ("bukan-alamat\x00", "address:127.0.0.1"),
    ],
)
@override_settings(EVENTS_API_RATE_PER_MINUTE=5, HTTPS=True)
def test_behind_the_proxy_unknown_tokens_count_against_the_appended_address(client, forwarded, key):
    response = client.post(
        URL,
        data="[]",
        content_type="application/json",
        headers={"Authorization": "Bearer spp_abc_x", "X-Forwarded-For": forwarded},
        secure=True,
    )

    assert response.status_code == 401
    assert windows() == {key: 1}


@override_settings(EVENTS_API_RATE_PER_MINUTE=0)
def test_rate_limit_zero_is_off(client, token):
    statuses = {post(client, [], token).status_code for _ in range(5)}

    assert statuses == {200}
    assert ApiRequestWindow.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@override_settings(EVENTS_API_RATE_PER_MINUTE=50)
def test_concurrent_workers_share_one_count():
    """Eight threads, each with its own database connection (as gunicorn workers have), send
    80 requests in one minute: exactly 50 are admitted."""
    api_client, _ = api_client_create(name="busy")
    moment = MINUTE + timedelta(seconds=30)
    barrier = threading.Barrier(8)

    def worker() -> list[int | None]:
        try:
            barrier.wait()
            return [api_client_request_admit(client=api_client, now=moment) for _ in range(10)]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(8) as pool:
        answers = [a for answers in pool.map(lambda _: worker(), range(8)) for a in answers]

    assert answers.count(None) == 50
    assert answers.count(30) == 30
    assert windows() == {f"client:{api_client.pk}": 80}


# --- One client's revocation or rotation leaves the others alone ----------------------------


def test_deactivating_one_client_leaves_another_working(client):
    first, first_token = api_client_create(name="first")
    _, second_token = api_client_create(name="second")

    assert api_client_deactivate(clients=[first]) == 1

    assert post(client, [registration()], first_token).status_code == 401
    assert post(client, [registration()], second_token).status_code == 200
    assert Shop.objects.count() == 1


def test_rotating_one_client_invalidates_only_its_old_token(client):
    first, old_first_token = api_client_create(name="first")
    _, second_token = api_client_create(name="second")

    new_first_token = api_client_rotate(client=first)

    assert post(client, [registration()], old_first_token).status_code == 401
    assert post(client, [registration()], second_token).status_code == 200
    assert post(client, [registration("toko-b")], new_first_token).status_code == 200
    assert Shop.objects.count() == 2


def test_a_secret_under_another_clients_prefix_is_unknown(client):
    _, first_token = api_client_create(name="first")
    second, _ = api_client_create(name="second")
    secret = first_token.split("_", 2)[2]

    response = post(client, [registration()], f"spp_{second.token_prefix}_{secret}")

    assert response.status_code == 401
    assert Shop.objects.count() == 0


TOKEN_RE = re.compile(r"spp_[0-9a-f]{12}_[\w-]{43}")
CHANGELIST = "/admin/performance/apiclient/"


def shown_tokens(response) -> list[str]:
    return TOKEN_RE.findall(response.content.decode())


def assert_token_only_in_the_body(response, token, admin_client):
    """The answer carries the token in its body and nowhere else: not in a header or cookie
    (Django's default message storage is a readable cookie), not in the session, not in the
    admin history; and it is not shown again."""
    assert response.status_code == 200
    assert response.templates[0].name == "admin/performance/apiclient/token.html"
    assert "no-store" in response["Cache-Control"]
    assert all(token not in value for value in response.headers.values())
    assert all(token not in morsel.OutputString() for morsel in response.cookies.values())
    assert "messages" not in admin_client.cookies
    session = admin_client.session
    assert token not in str(dict(session.items()))
    assert token not in str(list(LogEntry.objects.values_list("object_repr", "change_message")))
    assert shown_tokens(admin_client.get(CHANGELIST)) == []


def test_admin_shows_a_new_clients_token_once_in_the_body(client, admin_client):
    response = admin_client.post(f"{CHANGELIST}add/", {"name": "gudang"})

    [token] = shown_tokens(response)
    assert_token_only_in_the_body(response, token, admin_client)
    assert post(client, [registration()], token).status_code == 200
    assert list(LogEntry.objects.values_list("object_repr", "action_flag")) == [("gudang", 1)]


def test_admin_actions_change_only_the_selected_client(client, admin_client):
    first, first_token = api_client_create(name="first")
    second, second_token = api_client_create(name="second")

    rotated = admin_client.post(
        CHANGELIST, {"action": "rotate_token", "_selected_action": [first.pk]}
    )
    [new_first_token] = shown_tokens(rotated)
    assert_token_only_in_the_body(rotated, new_first_token, admin_client)
    deactivated = admin_client.post(
        CHANGELIST, {"action": "deactivate", "_selected_action": [second.pk]}, follow=True
    )

    assert new_first_token != first_token
    assert deactivated.status_code == 200
    assert post(client, [registration()], first_token).status_code == 401
    assert post(client, [registration()], second_token).status_code == 401
    assert post(client, [registration()], new_first_token).status_code == 200
    assert list(ApiClient.objects.order_by("name").values_list("name", "is_active")) == [
        ("first", True),
        ("second", False),
    ]
    assert sorted(LogEntry.objects.values_list("object_repr", "change_message")) == [
        ("first", '[{"changed": {"fields": ["awalan token"]}}]'),
        ("second", '[{"changed": {"fields": ["aktif"]}}]'),
    ]


def test_admin_cannot_switch_a_client_back_on_without_a_new_token(client, admin_client):
    api_client, token = api_client_create(name="pasar")
    api_client_deactivate(clients=[api_client])

    edited = admin_client.post(
        f"{CHANGELIST}{api_client.pk}/change/", {"name": "pasar", "is_active": "on"}
    )
    still_off = post(client, [registration()], token)
    reactivated = admin_client.post(
        CHANGELIST, {"action": "reactivate", "_selected_action": [api_client.pk]}
    )

    assert edited.status_code == 302
    assert still_off.status_code == 401
    [new_token] = shown_tokens(reactivated)
    assert_token_only_in_the_body(reactivated, new_token, admin_client)
    assert post(client, [registration()], token).status_code == 401
    assert post(client, [registration()], new_token).status_code == 200
    assert sorted(LogEntry.objects.values_list("object_repr", "change_message")) == [
        ("pasar", "[]"),
        ("pasar", '[{"changed": {"fields": ["aktif"]}}]'),
    ]


def test_admin_rotation_skips_an_inactive_client(admin_client):
    api_client, _ = api_client_create(name="pasar")
    api_client_deactivate(clients=[api_client])
    before = ApiClient.objects.values_list("token_prefix", "token_hash", "is_active").get()

    response = admin_client.post(
        CHANGELIST, {"action": "rotate_token", "_selected_action": [api_client.pk]}
    )

    assert shown_tokens(response) == []
    assert "Tidak diubah" in response.content.decode()
    assert ApiClient.objects.values_list("token_prefix", "token_hash", "is_active").get() == before
    assert LogEntry.objects.count() == 0


@pytest.mark.parametrize(
    "header",
    [
        "Bearer spp_\x00_x",
        "Bearer spp_abc\x00def_secret",
        "Bearer spp_" + "f" * 17 + "_secret",
        "Bearer spp__secret",
        "Bearer spp_abc_",
        "Bearer " + "x" * 10000,
        "Bearer spp_abc_sec ret",
    ],
)
def test_malformed_tokens_are_unknown_without_a_lookup(client, header):
    """A malformed token is refused without looking it up: the only queries count the request
    against its address (the rate limit), and the token's text is in none of them."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            URL, data="[]", content_type="application/json", headers={"Authorization": header}
        )

    assert response.status_code == 401
    assert response.json()["errors"][0]["reason"] == "unknown token"
    assert [q["sql"] for q in queries if "performance_apiclient" in q["sql"]] == []
    assert all(header.split(" ", 1)[1] not in q["sql"] for q in queries)
    assert windows() == {"address:127.0.0.1": 1}


# --- Hostile bodies: each input once answered 500, was stored when it should not have been, or
# (before 2000) failed the results update of its whole batch. Found by tests/test_api_fuzz.py
# (NUL, a long shop name: 500 on PostgreSQL) and by probing; now each is a 400 that names the
# event and stores nothing. ------------------------------------------------------------------

NUL_OR_SURROGATE = "must not contain NUL characters or unpaired surrogates"
CHAT = {"conversation": "c-1", "message": "m-1", "sender": "buyer", "buyer": "b"}


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        pytest.param(
            json.dumps([registration(), event("chat.message", id="c-1", text="a\x00b", **CHAT)]),
            [{"index": 1, "reason": f"field 'text' {NUL_OR_SURROGATE}"}],
            id="nul-in-text-postgresql-500",
        ),
        pytest.param(
            json.dumps([registration(id="reg\x00")]),
            [{"index": 0, "reason": f"field 'id' {NUL_OR_SURROGATE}"}],
            id="nul-in-id-postgresql-500",
        ),
        pytest.param(
            json.dumps([registration(id="reg-\ud800")]),
            [{"index": 0, "reason": f"field 'id' {NUL_OR_SURROGATE}"}],
            id="lone-surrogate-in-id-500",
        ),
        pytest.param(
            json.dumps([registration(name="Toko \udc00")]),
            [{"index": 0, "reason": f"field 'name' {NUL_OR_SURROGATE}"}],
            id="lone-surrogate-in-name-500",
        ),
        pytest.param(
            json.dumps([registration(at="0001-01-01T00:00:00+14:00")]),
            [
                {
                    "index": 0,
                    "reason": "field 'at' must be an ISO 8601 time with an offset (e.g. 2025-04-07T09:30:00+07:00), got \"0001-01-01T00:00:00+14:00\"",
                }
            ],
            id="time-before-year-1-in-utc-500",
        ),
        pytest.param(
            json.dumps([registration(at="9999-12-31T23:59:59-12:00")]),
            [
                {
                    "index": 0,
                    "reason": "field 'at' must be an ISO 8601 time with an offset (e.g. 2025-04-07T09:30:00+07:00), got \"9999-12-31T23:59:59-12:00\"",
                }
            ],
            id="time-after-year-9999-in-utc-500",
        ),
        pytest.param(
            json.dumps([registration("toko-a\n")]),
            [
                {
                    "index": 0,
                    "reason": "field 'shop' must be a shop code of 3-50 characters a-z, 0-9 or '-', got \"toko-a\\n\"",
                }
            ],
            id="shop-code-with-trailing-newline-was-stored",
        ),
        pytest.param(
            json.dumps([registration(at="1999-12-31T23:59:59+07:00")]),
            [
                {
                    "index": 0,
                    "reason": "field 'at' is before 2000-01-01 (WIB), the first day the rules cover",
                }
            ],
            id="before-the-first-rule-set-failed-the-results-update",
        ),
        pytest.param(
            json.dumps([registration(name="0" * 201)]),
            [{"index": 0, "reason": "field 'name' is longer than 200 characters"}],
            id="shop-name-over-its-column-postgresql-500",
        ),
        pytest.param(
            "[" * 100_000 + "]" * 100_000,
            [{"index": None, "reason": "body is not valid JSON: nested too deeply"}],
            id="deep-nesting-500",
        ),
    ],
)
def test_hostile_body_is_400_and_stores_nothing(client, token, body, errors):
    response = post(client, body, token)

    assert response.status_code == 400
    assert response.json() == {"errors": errors}
    assert Event.objects.count() == 0
    assert Shop.objects.count() == 0


def test_emoji_and_other_astral_text_is_stored(client, token):
    """Surrogate pairs in JSON are one character, not an unpaired surrogate."""
    body = '[{"id": "r-\\ud83d\\ude00", "type": "shop.registered", "shop": "toko-a", '
    body += '"at": "2025-01-01T08:00:00+07:00", "name": "Toko \\ud83d\\ude00", "tier": "regular"}]'

    response = post(client, body, token)

    assert response.status_code == 200
    assert Shop.objects.get().name == "Toko \N{GRINNING FACE}"
    assert Event.objects.get().event_id == "r-\N{GRINNING FACE}"


def test_shop_name_limit_is_the_column_length():
    assert Shop._meta.get_field("name").max_length == SHOP_NAME_MAX_LENGTH


def test_database_down_is_the_documented_503(token, monkeypatch):
    def unreachable(token):
        raise OperationalError("connection refused")

    monkeypatch.setattr("performance.api.api_client_for_token", unreachable)

    response = post(Client(raise_request_exception=False), [registration()], token)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "errors": [{"index": None, "reason": "database unavailable; retry later"}]
    }
