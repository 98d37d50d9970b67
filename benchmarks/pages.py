"""Dashboard latency under load vs the smallest Django view, on gunicorn, over loopback.

    DATABASE_URL=postgres://…/bench .venv/bin/python -m benchmarks.pages [--clients 16]

Needs a database with shops and scores (e.g. after `manage.py benchmark`) and
DJANGO_SECRET_KEY (it runs with DEBUG off, after `collectstatic`). Starts gunicorn
(4 workers) on a free port, logs a benchmark user in as a member of the shop with the most
events, then runs N concurrent keep-alive clients for a few seconds against `/ping` (the floor:
no database, no template) and the shop's dashboard, and prints p50/p95 and their ratio.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_for_busiest_shop() -> tuple[str, str]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seller_portal.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from seller_portal.models import Membership, Shop

    shop = Shop.objects.annotate(n=Count("events")).order_by("-n").first()
    if shop is None:
        sys.exit("no shops: run `manage.py benchmark` (or seed_demo) on this database first")
    user, _ = get_user_model().objects.get_or_create(username="bench-pages")
    Membership.objects.get_or_create(user=user, shop=shop, defaults={"role": "owner"})
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value, shop.code


def _load(port: int, path: str, cookie: str, clients: int, seconds: float) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.perf_counter() < stop:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}")
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    cookie, code = _session_for_busiest_shop()
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "benchmark-only-secret"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    # Production static storage needs its manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, check=True
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "seller_portal.wsgi",
            "--workers",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        _load(port, "/ping", cookie, 4, 1.0)  # warm up every worker
        _load(port, f"/toko/{code}/", cookie, 4, 1.0)
        results = {}
        for name, path in (("minimal view /ping", "/ping"), ("dashboard", f"/toko/{code}/")):
            latencies = sorted(_load(port, path, cookie, args.clients, args.seconds))
            p95 = latencies[int(len(latencies) * 0.95) - 1]
            results[name] = p95
            print(
                f"{name:<20} {len(latencies) / args.seconds:8,.0f} req/s  "
                f"p50 {statistics.median(latencies) * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms"
            )
        ratio = results["dashboard"] / results["minimal view /ping"]
        print(f"dashboard p95 / minimal p95 = {ratio:.1f}×")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
