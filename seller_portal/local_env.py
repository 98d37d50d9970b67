"""The local settings file: `.env` in the checkout, written by `make run`, read by settings.

A laptop has no environment to speak of, so `make run` writes `.env` once (git-ignored) with
`DJANGO_DEBUG=true` and a generated `DJANGO_SECRET_KEY`; every later command of the checkout
(`manage.py ...`, `make worker`, `make cron`) reads it and runs with the same local defaults.

It is a local default and nothing more, so it is never read where an environment is
configured: production (and the test suite) set `DJANGO_SECRET_KEY`, and an environment that
sets `DJANGO_SECRET_KEY` or turns `DJANGO_DEBUG` off is taken as the whole configuration; the
file is then ignored, and a missing secret key still fails fast. `DJANGO_ENV_FILE` names
another file, or none when empty. Within the file, variables already in the environment win.

Standard library only (settings import it before anything else): one `KEY=VALUE` a line,
blank lines and `#` comments ignored, an optional `export ` prefix and matching quotes around
the value stripped; no interpolation.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Mapping, MutableMapping
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_PATH = BASE_DIR / ".env"
OFF_WORDS = {"0", "false", "no", "off", ""}


def env_file_path(environ: Mapping[str, str]) -> Path | None:
    """The file to read: `DJANGO_ENV_FILE` (relative to the checkout), `.env` by default,
    None when the variable is set empty."""
    name = environ.get("DJANGO_ENV_FILE")
    if name is None:
        return DEFAULT_PATH
    if not name.strip():
        return None
    path = Path(name)
    return path if path.is_absolute() else BASE_DIR / path


def is_configured_environment(environ: Mapping[str, str]) -> bool:
    """A deployment (or the test suite): it sets the secret key or turns debugging off."""
    if environ.get("DJANGO_SECRET_KEY"):
        return True
    debug = environ.get("DJANGO_DEBUG")
    return debug is not None and debug.strip().lower() in OFF_WORDS


def parse(text: str) -> dict[str, str]:
    """`KEY=VALUE` lines; a line that is none of the accepted forms is an error."""
    values = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").lstrip()
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key.isidentifier():
            raise ValueError(f"line {number}: expected KEY=VALUE, got {raw.strip()!r}")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


def load(environ: MutableMapping[str, str] = os.environ) -> Path | None:
    """Add the local file's variables to `environ` (those it has win); the path read, if any."""
    path = env_file_path(environ)
    if path is None or is_configured_environment(environ) or not path.is_file():
        return None
    try:
        values = parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        # Settings turn this into ImproperlyConfigured; say which file, not a traceback line.
        raise ValueError(f"{path}: {exc}") from None
    for key, value in values.items():
        environ.setdefault(key, value)
    return path


def write(path: Path = DEFAULT_PATH) -> bool:
    """Write the local defaults to `path` unless it exists; whether it was written."""
    if path.exists():
        return False
    text = (
        "# Local settings written by `make run`: for this checkout only, never for production.\n"
        "# Settings read this file unless the environment sets DJANGO_SECRET_KEY or\n"
        "# DJANGO_DEBUG=false (README, Configuration). Variables of the environment win.\n"
        "DJANGO_DEBUG=true\n"
        f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}\n"
    )
    # Created private (the key signs sessions) and never overwritten.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    return True


if __name__ == "__main__":  # python -m seller_portal.local_env [PATH]
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH
    if write(target):
        print(f"wrote {target}: DJANGO_DEBUG=true and a new DJANGO_SECRET_KEY (local only)")
