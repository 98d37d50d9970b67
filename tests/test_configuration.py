"""Configuration from the environment, the health check, and jobs with and without Redis."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from seller_portal import jobs, local_env
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


# --- The local settings file (.env, seller_portal/local_env.py) -------------------------------

LOCAL_KEY = "local-only-8f3Kq2xZ7wP1mN5vB9cR4tY6uI0oL3aS8dF2gH7jK1"


def settings_of(env: dict, *names: str) -> subprocess.CompletedProcess:
    script = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps([str(getattr(s, n)) for n in {list(names)!r}]))"
    )
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", script],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "seller_portal.settings"} | env,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def local_env_file(tmp_path):
    path = tmp_path / ".env"
    path.write_text(
        f"# as make run writes it\nDJANGO_DEBUG=true\nDJANGO_SECRET_KEY={LOCAL_KEY}\n"
        "export DJANGO_SESSION_HOURS='8'\n",
        encoding="utf-8",
    )
    return path


def test_a_local_env_file_gives_every_command_debug_and_its_key(local_env_file, tmp_path):
    env = {
        "DJANGO_ENV_FILE": str(local_env_file),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SESSION_HOURS": "2",  # the environment wins over the file
    }

    result = settings_of(env, "DEBUG", "SECRET_KEY", "SESSION_COOKIE_AGE", "LOCAL_ENV_FILE")

    assert json.loads(result.stdout) == ["True", LOCAL_KEY, "7200", str(local_env_file)], (
        result.stderr
    )


@pytest.mark.parametrize(
    "configured",
    [{"DJANGO_DEBUG": "false"}, {"DJANGO_DEBUG": "0"}, {"DJANGO_DEBUG": "off"}],
)
def test_production_without_a_secret_key_fails_fast_even_with_a_local_env_file(
    local_env_file, configured
):
    result = settings_of({"DJANGO_ENV_FILE": str(local_env_file)} | configured, "DEBUG")

    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr
    assert LOCAL_KEY not in result.stderr


def test_an_environment_with_a_secret_key_never_reads_the_local_env_file(local_env_file):
    env = PRODUCTION | {"DJANGO_ENV_FILE": str(local_env_file)}
    del env["DJANGO_DEBUG"]  # even left at its default (off)

    result = settings_of(env, "DEBUG", "SECRET_KEY", "SESSION_COOKIE_AGE", "LOCAL_ENV_FILE")

    assert json.loads(result.stdout) == [
        "False",
        PRODUCTION["DJANGO_SECRET_KEY"],
        str(12 * 3600),
        "None",
    ], result.stderr


def test_without_a_local_env_file_the_environment_is_all_there_is(tmp_path):
    result = settings_of({"DJANGO_ENV_FILE": str(tmp_path / "absent.env")}, "DEBUG")

    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_an_unreadable_local_env_file_is_named_in_one_line(tmp_path):
    bad = tmp_path / ".env"
    bad.write_text("DJANGO_DEBUG=true\nthis is not a setting\n", encoding="utf-8")

    result = settings_of({"DJANGO_ENV_FILE": str(bad)}, "DEBUG")

    assert result.returncode == 1
    assert (
        f"cannot read the local settings file {bad}: line 2: expected KEY=VALUE, "
        "got 'this is not a setting'"
    ) in result.stderr


def test_the_local_env_file_is_written_once_private_and_git_ignored(tmp_path):
    path = tmp_path / ".env"
    command = [sys.executable, "-m", "seller_portal.local_env", str(path)]

    first = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    written = path.read_text(encoding="utf-8")
    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)

    assert first.stdout.startswith(f"wrote {path}: DJANGO_DEBUG=true")
    assert again.stdout == ""  # never overwritten: sessions signed with the key stay valid
    assert path.read_text(encoding="utf-8") == written
    assert path.stat().st_mode & 0o777 == 0o600
    values = local_env.parse(written)
    assert values["DJANGO_DEBUG"] == "true"
    assert len(values["DJANGO_SECRET_KEY"]) >= 50
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", ".env"], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0, ".env must be git-ignored"


def test_local_env_parsing_and_precedence(tmp_path):
    path = tmp_path / "dev.env"
    path.write_text(
        'A=1\n\n  # note\nexport B = "two words"\nDJANGO_LOG_LEVEL=DEBUG\nC=\n', encoding="utf-8"
    )
    environ = {"DJANGO_ENV_FILE": str(path), "DJANGO_LOG_LEVEL": "WARNING"}

    assert local_env.load(environ) == path
    assert environ == {
        "DJANGO_ENV_FILE": str(path),
        "DJANGO_LOG_LEVEL": "WARNING",  # the environment wins
        "A": "1",
        "B": "two words",
        "C": "",
    }
    assert local_env.load({"DJANGO_ENV_FILE": str(path), "DJANGO_SECRET_KEY": "k"}) is None
    with pytest.raises(ValueError, match="line 1: expected KEY=VALUE, got '1A=x'"):
        local_env.parse("1A=x")
    assert local_env.env_file_path({}) == ROOT / ".env"
    assert local_env.env_file_path({"DJANGO_ENV_FILE": ""}) is None
    assert local_env.env_file_path({"DJANGO_ENV_FILE": "conf/dev.env"}) == ROOT / "conf/dev.env"


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
