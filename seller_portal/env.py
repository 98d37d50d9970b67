"""Reading configuration from the environment, once, with clear errors.

Kept apart from settings.py so the parsing can be tested without reloading settings.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str, *, base_dir: Path) -> dict:
    """Turn a DATABASE_URL into a Django DATABASES entry.

    Supported: ``sqlite:///relative/or/absolute.db`` (``sqlite:////abs/path``) and
    ``postgres://user:password@host:port/name?option=value`` (``postgresql://`` too).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(parts.path)
        if path in ("", "/"):
            raise ImproperlyConfigured("DATABASE_URL for SQLite needs a file: sqlite:///db.sqlite3")
        # sqlite:///name.db -> relative to the project; sqlite:////abs/name.db -> absolute.
        path = path[1:] if path.startswith("/") else path
        name = Path(path) if Path(path).is_absolute() else base_dir / path
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(name)}
    if scheme in ("postgres", "postgresql", "pgsql"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL for PostgreSQL needs a database name")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            # The JIT compiler costs ~100 ms on the batch queries of the jobs and never pays
            # back on this workload; `?options=...` in the URL replaces this default.
            "OPTIONS": {"options": "-c jit=off"} | dict(parse_qsl(parts.query)),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {scheme!r} is not supported; use sqlite:/// or postgres://"
    )


REDIS_TIMEOUTS = {"socket_connect_timeout": "2", "socket_timeout": "5"}


def redis_url_with_timeouts(url: str) -> str:
    """REDIS_URL with connect and read timeouts unless it sets its own.

    Without them, a request that queues work waits for the kernel's TCP timeout (minutes)
    when Redis is unreachable rather than failing fast and leaving the work to the
    reconciliation job. RQ workers raise the read timeout above their blocking wait themselves.
    """
    parts = urlsplit(url)
    given = dict(parse_qsl(parts.query))
    missing = {name: value for name, value in REDIS_TIMEOUTS.items() if name not in given}
    if not missing:
        return url
    query = "&".join(filter(None, [parts.query, urlencode(missing)]))
    return parts._replace(query=query).geturl()
