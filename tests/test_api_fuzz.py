"""Fuzzing POST /api/v1/events from the portal's own OpenAPI document, with schemathesis.

The document is read from /api/v1/openapi.json through the WSGI application, in process (no
socket), and each generated request goes through the same application: schema-valid batches
(mostly well-formed events of shops that do not exist, and registrations that create them)
and schema-violating ones (wrong types, missing fields, extra keys, NUL characters, broken
JSON), each with a valid token or with a missing, unknown, rotated or deactivated one.

Every answer must be one the document lists, in the shape it gives (status, content type,
headers, body), never a 5xx, and an answer other than 200 must have stored nothing. The runs
are deterministic (derandomized Hypothesis) and bounded: FUZZ_EXAMPLES (default below) per
test. `FUZZ_EXAMPLES=2000 pytest tests/test_api_fuzz.py` runs a longer search locally.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import ignored_auth

from performance.models import ApiClient, ApiRequestWindow, Event, JobRun, Penalty
from performance.services.api_clients import (
    api_client_create,
    api_client_deactivate,
    api_client_rotate,
)
from seller_portal.models import Shop

# Examples of the fuzzing phase with a valid token; the refused-token and rate-limit tests
# take a quarter each. The coverage phase (valid token only) adds the schema's boundary cases.
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 100))
# Small limits, so that the boundary cases (maxItems + 1, a body over the limit) stay cheap
# and both 413 paths are reached; the same values are in force for the document and the app.
LIMITS = {"EVENTS_API_MAX_EVENTS": 20, "EVENTS_API_MAX_BODY_BYTES": 64 * 1024}
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",  # a request the document forbids is refused (then: stores nothing)
    "missing_required_header",
    "unsupported_method",  # GET, PUT, ... answer 405
    "ignored_auth",  # the same request without a token is refused
    # Not positive_data_acceptance: a batch the document allows is still refused when its
    # shop is unknown or an id is taken with other content (RULES §2), which is correct.
]
# A request the document forbids may be refused with any of the endpoint's refusals: 413 for
# one over maxItems, 401/403/429 when the token or the rate limit stops it before the body.
REFUSALS = ["400", "401", "403", "413", "415", "429"]
# A deactivated client's token was revoked (401); one switched off in the database keeps its
# hash and is refused as deactivated (403).
REFUSED = {
    "rotated": 401,
    "deactivated": 401,
    "switched_off": 403,
    "unknown": 401,
    "malformed": 401,
    "missing": 401,
}
MINUTE = datetime(2025, 4, 7, 3, 0, 30, tzinfo=UTC)

WSGI_APP = get_wsgi_application()
HOST = "localhost"  # where schemathesis addresses an application in process


def load_schema(*, phases: list[str], max_examples: int):
    with override_settings(ALLOWED_HOSTS=[HOST], **LIMITS):
        loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGI_APP)
    loaded.config.phases.update(phases=phases)
    loaded.config.generation.update(
        modes=["positive", "negative"], max_examples=max_examples, deterministic=True
    )
    loaded.config.checks.update(included_check_names=CHECKS)
    loaded.config.checks.negative_data_rejection.expected_statuses = REFUSALS
    return loaded


schema = load_schema(phases=["examples", "coverage", "fuzzing"], max_examples=FUZZ_EXAMPLES)
quick_schema = load_schema(phases=["fuzzing"], max_examples=max(FUZZ_EXAMPLES // 4, 1))


# Answers by status, per test: printed after it, for docs/RELIABILITY.md.
ANSWERS: Counter[int] = Counter()


@pytest.fixture(autouse=True)
def _report_answers(request, capsys):
    ANSWERS.clear()
    yield
    if ANSWERS:
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(ANSWERS.items()))
        with capsys.disabled():
            print(f"\n{request.node.originalname}: {ANSWERS.total()} requests ({statuses})")


@pytest.fixture(autouse=True)
def _in_process_requests(db, settings):
    """Requests reach the application as gunicorn's would, with two test-only differences:
    the host name, and Django does not close "old" connections around each request, which
    would end the test's transaction (its own test client switches that off the same way)."""
    settings.ALLOWED_HOSTS = [HOST]
    for name, value in LIMITS.items():
        setattr(settings, name, value)
    settings.EVENTS_API_RATE_PER_MINUTE = 0  # on only where a test sets it
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens():
    """One token of each kind the endpoint can be sent."""
    _, valid = api_client_create(name="marketplace")
    rotated_client, rotated = api_client_create(name="rotated")
    api_client_rotate(client=rotated_client)
    deactivated_client, deactivated = api_client_create(name="deactivated")
    api_client_deactivate(clients=[deactivated_client])
    switched_off_client, switched_off = api_client_create(name="switched-off")
    ApiClient.objects.filter(pk=switched_off_client.pk).update(is_active=False)
    return {
        "valid": valid,
        "rotated": rotated,  # the old token of a rotated client
        "deactivated": deactivated,
        "switched_off": switched_off,
        "unknown": "spp_000000000000_" + "A" * 43,
        "malformed": "not-a-token",
    }


def stored() -> tuple[int, ...]:
    return (
        Event.objects.count(),
        Shop.objects.count(),
        Penalty.objects.count(),
        JobRun.objects.count(),
    )


def send(case, token: str | None, excluded_checks=None):
    """Send the case with the token, validate the answer against the document and every
    check, and hold the endpoint to "refused means nothing stored"."""
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    before = stored()
    response = case.call_and_validate(headers=headers, excluded_checks=excluded_checks)
    ANSWERS[response.status_code] += 1
    if response.status_code != 200:
        assert stored() == before, f"{response.status_code} stored something"
    return response


def expected_refusal(response) -> int | None:
    """The one status a request must get before its body matters, or None. Schemathesis
    also sends other methods (405) and drops the token on purpose (401) to test those."""
    request = response.request
    if request.method != "POST":
        return 405
    if "Authorization" not in request.headers:
        return 401
    return None


@schema.parametrize()
@hypothesis_settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_fuzz_with_a_valid_token(case, tokens):
    response = send(case, tokens["valid"])

    refusal = expected_refusal(response)
    if refusal is not None:
        assert response.status_code == refusal
    else:
        assert response.status_code in {200, 400, 413, 415}


@quick_schema.parametrize()
@hypothesis_settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_fuzz_with_refused_tokens(case, tokens):
    for kind, status in REFUSED.items():
        response = send(case, tokens.get(kind))

        assert response.status_code == (expected_refusal(response) or status), kind
    assert ApiRequestWindow.objects.count() == 0


@pytest.fixture
def one_request_a_minute(settings, monkeypatch):
    settings.EVENTS_API_RATE_PER_MINUTE = 1
    monkeypatch.setattr("seller_portal.clock.now", lambda: MINUTE)


@quick_schema.parametrize()
@hypothesis_settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_fuzz_over_the_rate_limit(case, tokens, one_request_a_minute):
    """With a limit of one request a minute, a second request is 429, in the documented
    shape, whatever its body. (Not ignored_auth here: its own requests without a token are
    counted too, against the address, so its second one is rightly 429, not 401.)"""
    ApiRequestWindow.objects.all().delete()
    send(case, tokens["valid"], excluded_checks=[ignored_auth])

    response = send(case, tokens["valid"], excluded_checks=[ignored_auth])

    if expected_refusal(response) is None:
        assert response.status_code == 429
        assert response.headers["retry-after"] == ["30"]
