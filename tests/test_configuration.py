"""Configuration from the environment, the health check, and jobs with and without Redis."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from seller_portal import jobs
from seller_portal.env import database_from_url, env_bool

BASE = Path("/srv/portal")
ROOT = Path(__file__).resolve().parent.parent


def test_sqlite_urls():
    assert database_from_url("sqlite:///db.sqlite3", base_dir=BASE) == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "/srv/portal/db.sqlite3",
    }
    assert database_from_url("sqlite:////var/lib/portal.db", base_dir=BASE)["NAME"] == (
        "/var/lib/portal.db"
    )


def test_postgres_url():
    config = database_from_url(
        "postgres://portal:s%40cret@db.internal:6543/seller?sslmode=require", base_dir=BASE
    )
    assert {k: config[k] for k in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT")} == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "seller",
        "USER": "portal",
        "PASSWORD": "s@cret",
        "HOST": "db.internal",
        "PORT": "6543",
    }
    assert config["OPTIONS"] == {"options": "-c jit=off", "sslmode": "require"}


def test_postgres_url_options_replace_the_default_session_settings():
    config = database_from_url(
        "postgres://portal@db/seller?options=-c%20jit%3Don%20-c%20work_mem%3D64MB", base_dir=BASE
    )
    assert config["OPTIONS"] == {"options": "-c jit=on -c work_mem=64MB"}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/portal", "scheme 'mysql' is not supported"),
        ("postgres://localhost:5432/", "needs a database name"),
        ("sqlite://", "needs a file"),
    ],
)
def test_bad_database_urls_are_explained(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        database_from_url(url, base_dir=BASE)


def test_env_bool(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "off")
    assert env_bool("FLAG", True) is False
    monkeypatch.delenv("FLAG")
    assert env_bool("FLAG", True) is True
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be true or false, not 'maybe'"):
        env_bool("FLAG", False)


def test_production_without_a_secret_key_refuses_to_start():
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "seller_portal.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


PRODUCTION = {
    "PATH": "/usr/bin:/bin",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k7#Qm2!vX9$pL4@wR8^tY6&zN3*bH5(cJ1)dF0_gS7+hA2=eU9-iO4",
    "DJANGO_ALLOWED_HOSTS": "portal.example.com",
    "DATABASE_URL": "postgres://portal@db.internal/portal",
    "DJANGO_SETTINGS_MODULE": "seller_portal.settings",
}


def test_production_settings_pass_the_deployment_checks():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=PRODUCTION,
        capture_output=True,
        text=True,
    )

    assert (result.returncode, result.stdout.strip()) == (
        0,
        "System check identified no issues (0 silenced).",
    ), result.stderr


def test_production_is_https_only_behind_the_proxy_with_smtp_mail():
    script = (
        "import json; from django.conf import settings as s; print(json.dumps(["
        "s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SESSION_COOKIE_AGE, s.MAILERS]))"
    )
    env = PRODUCTION | {"DJANGO_EMAIL_HOST": "smtp.example.com", "DJANGO_EMAIL_USER": "portal"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )

    assert json.loads(result.stdout) == [
        True,
        ["HTTP_X_FORWARDED_PROTO", "https"],
        True,
        True,
        31536000,
        True,
        12 * 3600,
        {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": "smtp.example.com",
                    "port": 587,
                    "username": "portal",
                    "password": "",
                    "use_tls": True,
                    "timeout": 10,
                },
            }
        },
    ], result.stderr


def test_behind_the_proxy_http_is_redirected_and_https_gets_hsts(db, client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    plain = client.get("/ping")
    secure = client.get("/ping", headers={"X-Forwarded-Proto": "https"})

    assert (plain.status_code, plain["Location"]) == (301, "https://testserver/ping")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_business_time_zone_and_language(settings):
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]


@pytest.mark.django_db
def test_health_reports_database_and_redis(client, settings):
    response = client.get("/healthz")

    assert response.status_code == 200
    expected_redis = "ok" if settings.REDIS_URL else "not configured"
    assert response.json() == {"status": "ok", "database": "ok", "redis": expected_redis}


@pytest.mark.django_db
@override_settings(JOBS_IN_PROCESS=False, RQ_QUEUES={"default": {"URL": "redis://127.0.0.1:1/0"}})
def test_health_is_503_when_redis_is_unreachable(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["redis"] == "error: ConnectionError"


RESULTS: list[tuple[str, int]] = []


def record(label: str, number: int) -> None:
    RESULTS.append((label, number))


@pytest.mark.django_db(transaction=True)
@override_settings(JOBS_IN_PROCESS=True)
def test_in_process_jobs_run_after_commit():
    from django.db import transaction

    RESULTS.clear()
    with transaction.atomic():
        jobs.enqueue(record, "in-process", 1)
        assert RESULTS == []  # not before commit
    assert RESULTS == [("in-process", 1)]


@pytest.mark.django_db(transaction=True)
def test_rq_jobs_go_through_redis_and_a_worker(settings):
    """With REDIS_URL (as in CI), enqueue puts the job on the real queue; a worker runs it."""
    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL is not set: this test needs the Redis server (see README)")
    import django_rq
    from django.db import transaction
    from rq import SimpleWorker

    queue = django_rq.get_queue("default")
    queue.empty()
    RESULTS.clear()
    with override_settings(JOBS_IN_PROCESS=False):
        with transaction.atomic():
            jobs.enqueue(record, "rq", 2)
            assert queue.count == 0  # held until commit
        assert queue.count == 1
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    assert RESULTS == [("rq", 2)]
    assert queue.count == 0


def test_ping_is_the_smallest_view(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/ping")

    assert (response.status_code, response.content, response["Content-Type"]) == (
        200,
        b"ok",
        "text/plain",
    )
