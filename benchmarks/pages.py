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
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from benchmarks.server import free_port, production_env, start_gunicorn, stop_gunicorn


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


WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def _wrk(port: int, path: str, cookie: str, clients: int, seconds: float) -> tuple:
    """(requests/s, p50 s, p95 s) measured by wrk, which fails on any error or non-2xx."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    try:
        output = subprocess.run(
            [
                "wrk",
                f"--threads={min(clients, 2)}",
                f"--connections={clients}",
                f"--duration={int(seconds)}s",
                "--timeout=30s",
                f"--header=Cookie: sessionid={cookie}",
                f"--script={script.name}",
                f"http://127.0.0.1:{port}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    requests, duration_us, p50_us, p95_us, errors = map(int, output.split("RESULT ")[1].split())
    if errors:
        raise RuntimeError(f"{path}: {errors} errors or non-2xx answers under wrk")
    return requests / (duration_us / 1e6), p50_us / 1e6, p95_us / 1e6


def _python_client(port: int, path: str, cookie: str, clients: int, seconds: float) -> tuple:
    latencies = sorted(_load(port, path, cookie, clients, seconds))
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    return len(latencies) / seconds, statistics.median(latencies), p95


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
    parser.add_argument(
        "--client",
        choices=("wrk", "python"),
        default="wrk" if shutil.which("wrk") else "python",
        help="load generator: wrk (apt-get install wrk; the default when installed) or "
        "Python threads (slower: it shares the cores with the server)",
    )
    args = parser.parse_args()
    cookie, code = _session_for_busiest_shop()
    port = free_port()
    server = start_gunicorn(production_env(os.environ.get("DATABASE_URL")), port, workers=4)
    try:
        _load(port, "/ping", cookie, 4, 1.0)  # warm up every worker
        _load(port, f"/toko/{code}/", cookie, 4, 1.0)
        measure = _wrk if args.client == "wrk" else _python_client
        print(f"{args.clients} concurrent clients ({args.client}), {args.seconds:g} s each")
        results = {}
        for name, path in (("minimal view /ping", "/ping"), ("dashboard", f"/toko/{code}/")):
            rate, p50, p95 = measure(port, path, cookie, args.clients, args.seconds)
            results[name] = p95
            print(
                f"{name:<20} {rate:8,.0f} req/s  p50 {p50 * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms"
            )
        ratio = results["dashboard"] / results["minimal view /ping"]
        print(f"dashboard p95 / minimal p95 = {ratio:.1f}×")
    finally:
        stop_gunicorn(server)


if __name__ == "__main__":
    main()
