"""The portal served as docs/DEPLOY.md serves it, on loopback: for the benchmarks, the soak and
the fault tests that need a real server process.

`production_env` is the production environment (debug off, a secret key, the loopback host,
plain HTTP since no TLS proxy is in front); `start_gunicorn` collects the static files (the
production storage reads their manifest), starts gunicorn and returns once every worker is up
and the port answers; `stop_gunicorn` stops it and whatever workers it leaves.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


STATIC_ROOT = (
    Path(tempfile.gettempdir())
    / f"seller-portal-static-{hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]}"
)


def production_env(database_url: str | None) -> dict[str, str]:
    """The production environment of docs/DEPLOY.md, on loopback, on `database_url` (None: the
    settings' default); nothing inherited that could point the portal elsewhere (a test run's
    settings module, database, Redis)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "EVENTS_API", "RESULTS_"))
    }
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return env | {
        "DJANGO_SETTINGS_MODULE": "seller_portal.settings",
        "DJANGO_DEBUG": "false",
        # The caller's key if it has one: sessions it made in-process must verify.
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or os.urandom(32).hex(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_HTTPS": "false",  # plain HTTP on loopback, no TLS proxy in front
        # Collected outside the checkout (one directory per checkout, reused between runs).
        "DJANGO_STATIC_ROOT": str(STATIC_ROOT),
    }


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return sorted(found)


def start_gunicorn(
    env: dict, port: int, *, workers: int, log=None, timeout: int = 30
) -> subprocess.Popen:
    """collectstatic, then gunicorn as deployed (seller_portal/gunicorn_conf.py) with `workers`
    sync workers (request `timeout` in s)."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=300,
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            *("--config", "python:seller_portal.gunicorn_conf"),
            "seller_portal.wsgi",
            *("--workers", str(workers), "--bind", f"127.0.0.1:{port}"),
            *("--timeout", str(timeout), "--log-level", "warning"),
            # No ~/.gunicorn/gunicorn.ctl shared by every gunicorn running at once.
            "--no-control-socket",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT if log is not None else None,
    )
    started = time.monotonic()
    while time.monotonic() - started < 60:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode} while starting")
        if len(children(server.pid)) == workers:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return server
            except OSError:
                pass
        time.sleep(0.2)
    stop_gunicorn(server)
    raise RuntimeError("gunicorn did not start within 60 s")


def stop_gunicorn(server: subprocess.Popen) -> None:
    """SIGTERM (gunicorn stops its workers gracefully), then SIGKILL for what is left."""
    workers = children(server.pid)
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    for pid in workers:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                ours = b"gunicorn" in cmdline.read()
            if ours:
                os.kill(pid, signal.SIGKILL)
        except OSError:
            pass  # already gone
