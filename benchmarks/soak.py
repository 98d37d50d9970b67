"""Soak test: N sellers use their shops at once for minutes, on gunicorn, over loopback.

    .venv/bin/python -m benchmarks.soak --sellers 50 --seconds 300

Needs PostgreSQL (trust or a password in the URL); nothing else. Steps:

1. a scratch database (`--database-url`, default the `soak` database on DATABASE_URL's
   PostgreSQL server, else 127.0.0.1:5432), dropped and created again, then, in a child
   process with the production settings: `migrate`; `seed_demo` for N shops × W weeks (the
   demo generator through the ingest service; each shop gets an owner, `pemilik.<shop>`);
   `results_recalculate` up to today (scores, penalties, CS weeks); `VACUUM ANALYZE`
   (autovacuum is off on the development machine); through the services, one abuse ticket
   per shop and one appeal per shop that has an appealable penalty; an API client;
2. `collectstatic` and gunicorn as docs/DEPLOY.md runs it (`seller_portal.wsgi`, 4 sync
   workers), DJANGO_DEBUG off, a secret key, DJANGO_ALLOWED_HOSTS=127.0.0.1 and
   DJANGO_HTTPS=false (plain HTTP on loopback: no TLS proxy in front). No REDIS_URL, so the
   recompute after each API batch runs inside the web worker that stored it: the harsher
   case for the web processes' memory and latency;
3. every seller logs in through the login form (GET for the CSRF token, POST, follow the
   redirects to its dashboard) and gets its own session;
4. N seller clients for `--seconds`, each cycling through its shop's pages (dashboard, score
   computation, penalty history, a penalty with its appeal form, CS results of a week, a
   chat, holiday mode, chat guideline, tickets and a ticket, appeals and an appeal, and a
   language switch through the header form, POST with CSRF), each client starting at another
   page, with a random think time of 0–2× `--think` between requests; beside them an events
   API client posting a small batch (an order and a chat) every `--api-every` seconds with a
   real bearer token, and re-sending every fifth batch, which must be stored once;
5. every `--sample-every` seconds the RSS of the gunicorn master and each worker (from
   /proc), their CPU time, the database's connection count and the machine's load average
   (other work on the machine slows the server down; it does not change its memory);
6. a report: requests, errors by kind, throughput, p50/p95/p99/max per page, the memory
   series and its growth from the first minute to the last, the connection count at the end
   of the load and after the server stopped.

Before the measured load every seller opens each page of its cycle once, so that each
worker has loaded its templates, translations and lazy imports: the first minute is then
the baseline of a warm server, and what grows after it is what the soak is looking for.

An error is any answer other than 200 (302 for the language switch and the login), a
connection error or timeout, a page without the seller's shop name, a page in the wrong
language after a switch, or an API answer that did not store the batch as expected. The exit
status is 1 when there was any error, the RSS (master and workers together) grew by more than
`--max-growth-mb` from the first minute to the last, a worker was replaced, the connections
outnumbered the (single-threaded) workers, some were left after the server stopped, or the
server logged an error; 0 otherwise. The run stops on its own (the clients stop at the
deadline, each request times out after 30 s) and always stops the server and drops the
database (`--keep-database` to inspect it).

The clients are Python threads with http.client rather than wrk: each seller carries its own
cookies (session, CSRF token, language) through a multi-step login and a CSRF-protected POST,
every answer is checked for the seller's shop name and language, and latency is kept per page
kind; wrk reports one latency distribution per run. The threads share the two cores with the
server, which is fine here: the question is whether the portal stays correct and its memory
flat under sustained load, not its peak throughput (benchmarks/pages.py measures that).
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import math
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from benchmarks.server import (
    ROOT,
    children,
    free_port,
    production_env,
    start_gunicorn,
    stop_gunicorn,
)

PASSWORD = "demo12345"  # seed_demo's published password: a scratch database on loopback only
PAGE_KINDS = (
    "dashboard",
    "score",
    "penalties",
    "penalty",
    "cs",
    "chat",
    "holiday",
    "guidelines",
    "tickets",
    "ticket",
    "appeals",
    "appeal",
    "language",
    "api",
)
PROTECTED_DATABASES = {"postgres", "template0", "template1"}
REQUEST_TIMEOUT = 30.0
WIB = timezone(timedelta(hours=7))
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- The scratch database ---------------------------------------------------------------------


def _default_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme in ("postgres", "postgresql"):
        return urlsplit(url)._replace(path="/soak", query="").geturl()
    return "postgres://postgres@127.0.0.1:5432/soak"


def _connect(url: str, dbname: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname=dbname,
        autocommit=True,
        connect_timeout=10,
    )


def _database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name or name in PROTECTED_DATABASES or name.startswith("test"):
        raise SystemExit(
            f"refusing to use the database {name!r}: the soak test drops it; name a scratch "
            "database (e.g. .../soak)"
        )
    return name


def _drop_database(url: str, *, create: bool = False) -> None:
    """Drop the scratch database (its connections too); with `create`, make it afresh."""
    from psycopg import sql

    name = sql.Identifier(_database_name(url))
    with _connect(url, "postgres") as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if create:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(name))


def _connections(url: str) -> Counter:
    """Connections to the scratch database by state, this one left out."""
    with _connect(url, "postgres") as conn:
        rows = conn.execute(
            "SELECT coalesce(state, '?'), count(*) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid() GROUP BY 1",
            (_database_name(url),),
        ).fetchall()
    return Counter(dict(rows))


# --- Preparing the data (a child process with the production settings) ------------------------


def _prepare(sellers: int, weeks: int, out: str) -> None:
    """Load the demo for `sellers` shops and write what the clients need as JSON to `out`."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone as dj_timezone

    from appeals import selectors as case_selectors
    from appeals.models import AppealReason, TicketCategory
    from appeals.services import appeal_allowance, appeal_file, ticket_file
    from performance.models import CsWeek, Event, Penalty
    from performance.services.api_clients import api_client_create
    from performance.services.recalculation import results_recalculate
    from seller_portal.demo import demo_shops

    today = dj_timezone.localdate()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command(
        "seed_demo",
        *("--today", today.isoformat(), "--shops", str(sellers), "--weeks", str(weeks)),
        "--allow-demo-accounts",
    )
    counts = results_recalculate(as_of=today)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"recalculated as of {today}: {counts.get('snapshots_created', 0)} score snapshots, "
        f"{counts.get('cs_weeks_created', 0)} CS weeks, {Penalty.objects.count()} penalties "
        f"(load and recalculation {time.perf_counter() - started:.0f} s)",
        flush=True,
    )

    User = get_user_model()
    now = dj_timezone.now()
    shops = []
    for code, name, _tier, _profile in demo_shops(sellers):
        owner = User.objects.get(username=f"pemilik.{code}")
        shop = owner.memberships.get().shop
        conversation = case_selectors.shop_conversations(shop=shop, now=now)[0]["subject"]
        buyer_messages = [
            m["data"]["message"]
            for m in case_selectors.conversation_messages(shop=shop, conversation=conversation)
            if m["data"]["sender"] == "buyer"
        ]
        ticket = ticket_file(
            shop=shop,
            user=owner,
            conversation=conversation,
            message_ids=buyer_messages[:1],
            category=TicketCategory.ABUSIVE,
            description="Pembeli mengirim pesan kasar (uji beban).",
            files=[],
            today=today,
        )
        penalties = list(
            Penalty.objects.filter(shop=shop, voided_at__isnull=True).order_by("-issued_on", "-pk")
        )
        appealable = next(
            (p for p in penalties if appeal_allowance(target=p, today=today).allowed), None
        )
        appeal = None
        if appealable is not None:
            appeal = appeal_file(
                target=appealable,
                user=owner,
                reason=AppealReason.LOGISTICS,
                explanation="Kurir terlambat menjemput paket (uji beban).",
                order_ids=[],
                files=[],
                today=today,
            )
        week = (
            CsWeek.objects.filter(shop=shop, is_current=True)
            .order_by("-week_start")
            .values_list("week_start", flat=True)
            .first()
        )
        shops.append(
            {
                "code": code,
                "name": name,
                "username": owner.username,
                "penalty": penalties[0].pk if penalties else None,
                "cs_week": week.isoformat() if week else None,
                "conversation": conversation,
                "ticket": ticket.pk,
                "appeal": appeal.pk if appeal else None,
            }
        )
    _client, token = api_client_create(name="soak")
    document = {"token": token, "events": Event.objects.count(), "shops": shops}
    Path(out).write_text(json.dumps(document), encoding="utf-8")


# --- Clients ------------------------------------------------------------------------------------


class SoakError(Exception):
    """An answer that counts as an error; the message is its kind."""


@dataclass
class Tally:
    """What one client saw; merged after the run."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def error(self, kind: str, reason: str, detail: str) -> None:
        self.errors[f"{kind}: {reason}"] += 1
        if len(self.examples) < 5:
            self.examples.append(f"{kind}: {reason} — {detail}")


class Browser:
    """One seller's connection and cookies (session, CSRF token, language)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None
        self.login_seconds = 0.0  # the login form's POST: the password hash is its cost

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict | None = None,
        body: str | None = None,
        headers: dict | None = None,
    ) -> tuple[int, http.client.HTTPResponse, str]:
        """(status, response, decoded body). gunicorn's sync workers close the connection
        after each answer, so in practice each request opens one, as a browser would."""
        headers = dict(headers or {})
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT
                )
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.will_close:
            self.close()
        for header in response.headers.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response, text

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def csrf(self, page: str) -> str:
        """The token of the page's forms, as a browser submits it (the cookie's otherwise)."""
        found = CSRF_INPUT.search(page)
        return found[1] if found else self.cookies.get("csrftoken", "")


def _login(port: int, shop: dict) -> Browser:
    """Log in through the form, as a browser does; land on the shop's dashboard."""
    browser = Browser(port)
    status, _, page = browser.request("GET", "/login/")
    if status != 200:
        raise RuntimeError(f"GET /login/ answered {status}")
    form = {
        "csrfmiddlewaretoken": browser.csrf(page),
        "username": shop["username"],
        "password": PASSWORD,
        "next": "",
    }
    path = "/login/"
    started = time.perf_counter()
    status, response, _ = browser.request("POST", path, form=form)
    browser.login_seconds = time.perf_counter() - started
    for _hop in range(3):  # /login/ -> / -> /toko/<shop>/
        if status != 302:
            break
        path = response.headers["Location"]
        status, response, page = browser.request("GET", path)
    dashboard = f"/toko/{shop['code']}/"
    if status != 200 or path != dashboard or html.escape(shop["name"]) not in page:
        raise RuntimeError(f"{shop['username']} did not land on {dashboard} ({status} at {path})")
    return browser


def _pages(shop: dict) -> list[tuple[str, str]]:
    """(kind, path) of one cycle through the shop. A shop without penalties has no penalty
    page and none to appeal; the language switch posts the header's form."""
    base = f"/toko/{shop['code']}/"
    cs_week = f"?minggu={shop['cs_week']}" if shop["cs_week"] else ""
    pages = [
        ("dashboard", base),
        ("score", f"{base}skor/"),
        ("penalties", f"{base}penalti/"),
        ("penalty", shop["penalty"] and f"{base}banding/baru/penalti/{shop['penalty']}/"),
        ("cs", f"{base}layanan-pelanggan/{cs_week}"),
        ("chat", f"{base}tiket/baru/?percakapan={quote(shop['conversation'])}"),
        ("holiday", f"{base}mode-libur/"),
        ("guidelines", f"{base}pedoman-chat/"),
        ("tickets", f"{base}tiket/"),
        ("ticket", f"{base}tiket/{shop['ticket']}/"),
        ("appeals", f"{base}banding/"),
        ("appeal", shop["appeal"] and f"{base}banding/{shop['appeal']}/"),
        ("language", "/i18n/setlang/"),
    ]
    return [(kind, path) for kind, path in pages if path]


def _seller(
    browser: Browser,
    shop: dict,
    deadline: float,
    think: float,
    tally: Tally,
    seed: int,
    *,
    once: bool = False,
) -> None:
    """Cycle through the shop's pages until the deadline (`once`: one cycle, no deadline)."""
    rng = random.Random(seed)
    pages = _pages(shop)
    position = rng.randrange(len(pages))
    expected_name = html.escape(shop["name"])
    language = browser.cookies.get("django_language", "id")
    last_page = ""
    done = 0
    while done < len(pages) if once else time.monotonic() < deadline:
        done += 1
        kind, path = pages[position % len(pages)]
        position += 1
        started = time.perf_counter()
        try:
            if kind == "language":
                language = "en" if language == "id" else "id"
                form = {
                    "csrfmiddlewaretoken": browser.csrf(last_page),
                    "language": language,
                    "next": f"/toko/{shop['code']}/",
                }
                status, response, _ = browser.request("POST", path, form=form)
                if status != 302:
                    raise SoakError(f"HTTP {status}")
                if response.headers.get("Location") != form["next"]:
                    raise SoakError("redirected elsewhere")
            else:
                status, response, last_page = browser.request("GET", path)
                if status != 200:
                    raise SoakError(f"HTTP {status}")
                if expected_name not in last_page:
                    raise SoakError("shop name missing")
                if response.headers.get("Content-Language") != language:
                    raise SoakError("wrong language")
        except SoakError as exc:
            tally.error(kind, str(exc), path)
        except (OSError, http.client.HTTPException) as exc:
            tally.error(kind, type(exc).__name__, f"{path}: {exc}")
        else:
            tally.latencies[kind].append(time.perf_counter() - started)
        if think:
            time.sleep(rng.uniform(0, 2 * think))


def _api_batch(shop: dict, run: str, n: int) -> list[dict]:
    """A small valid batch for one shop: an order verified and shipped, a buyer's question and
    the seller's answer, all in the last two minutes (the live feed's shape)."""
    from seller_portal.demo import PRE_SALE, SELLER_REPLIES

    now = datetime.now(WIB)
    order, conversation, buyer = f"INV/SOAK/{run}/{n}", f"cv-soak-{run}-{n}", f"byr-soak-{n % 97}"

    def event(i: int, type_: str, seconds_ago: int, **fields) -> dict:
        at = (now - timedelta(seconds=seconds_ago)).isoformat()
        return {"id": f"soak-{run}-{n}-{i}", "type": type_, "shop": shop["code"], "at": at} | fields

    chat = {"conversation": conversation, "buyer": buyer, "phase": "pre_sale"}
    question = {
        "message": f"m-{conversation}-1",
        "sender": "buyer",
        "text": PRE_SALE[n % len(PRE_SALE)],
    }
    answer = {"message": f"m-{conversation}-2", "sender": "seller", "text": SELLER_REPLIES[0]}
    return [
        event(1, "order.verified", 110, order=order, amount=150_000, buyer=buyer),
        event(2, "chat.message", 90, **chat, **question),
        event(3, "chat.message", 60, **chat, **answer),
        event(4, "order.shipped", 30, order=order),
    ]


def _api_client(
    port: int, token: str, shops: list[dict], deadline: float, every: float, tally: Tally
) -> None:
    run = f"{os.getpid()}-{int(time.time())}"
    client = Browser(port)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    n, previous = 0, None
    while time.monotonic() + every < deadline:
        time.sleep(every)
        n += 1
        resend = previous is not None and n % 5 == 0
        batch = previous if resend else _api_batch(shops[n % len(shops)], run, n)
        # Re-sent events are stored once: the whole batch is already present.
        want = (0, len(batch)) if resend else (len(batch), 0)
        text = ""
        started = time.perf_counter()
        try:
            status, _, text = client.request(
                "POST", "/api/v1/events", body=json.dumps(batch), headers=headers
            )
            if status != 200:
                raise SoakError(f"HTTP {status}")
            answer = json.loads(text)
            if (answer.get("stored"), answer.get("already_present")) != want:
                raise SoakError("not stored as expected")
        except SoakError as exc:
            tally.error("api", str(exc), text[:200])
        except (OSError, http.client.HTTPException, ValueError) as exc:
            tally.error("api", type(exc).__name__, str(exc))
        else:
            tally.latencies["api"].append(time.perf_counter() - started)
        previous = batch


# --- The server and its memory -----------------------------------------------------------------


def _rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process so far."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Sample:
    at: float  # seconds since the load started
    master: float  # RSS, MB
    workers: dict[int, float]  # pid -> RSS, MB
    connections: int
    requests: int
    errors: int
    cpu: float  # CPU seconds of master and workers so far
    load: float  # the machine's 1-minute load average (other work shares the cores)

    @property
    def total(self) -> float:
        return self.master + sum(self.workers.values())


def _sample(master: int, url: str, at: float, tallies: list[Tally]) -> Sample:
    pids = children(master)
    workers = {pid: rss for pid in pids if (rss := _rss_mb(pid)) is not None}
    return Sample(
        at=at,
        master=_rss_mb(master) or 0.0,
        workers=workers,
        connections=sum(_connections(url).values()),
        requests=sum(len(v) for t in tallies for v in list(t.latencies.values())),
        errors=sum(sum(t.errors.values()) for t in tallies),
        cpu=sum(_cpu_seconds(pid) for pid in [master, *pids]),
        load=os.getloadavg()[0],
    )


# --- The run ------------------------------------------------------------------------------------


@dataclass
class Report:
    seconds: float = 0.0  # measured duration of the load
    requests: Counter = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    growth_mb: float | None = None
    connections_during: Counter = field(default_factory=Counter)
    connections_after: int | None = None
    worker_pids_changed: bool = False
    server_log_errors: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0


def _percentile(ordered: list[float], p: float) -> float:
    """Nearest rank."""
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def _growth(samples: list[Sample], seconds: float) -> tuple[float, float, float]:
    """Median total RSS of the first minute, of the last minute, and the difference (MB).

    The sample at 0 s (before any load) is left out; a run shorter than two minutes compares
    its first half with its second."""
    window = min(60.0, seconds / 2)
    loaded = [s for s in samples if s.at > 0] or samples
    first = [s.total for s in loaded if s.at <= window] or [loaded[0].total]
    last = [s.total for s in loaded if s.at >= seconds - window] or [loaded[-1].total]
    before, after = statistics.median(first), statistics.median(last)
    return before, after, after - before


def _print_sample(sample: Sample) -> None:
    workers = " ".join(f"{rss:6.1f}" for _pid, rss in sorted(sample.workers.items()))
    print(
        f"{sample.at:6.0f} s  master {sample.master:6.1f}  workers {workers}  "
        f"total {sample.total:7.1f} MB  db connections {sample.connections:2d}  "
        f"requests {sample.requests:7,d}  errors {sample.errors}  load {sample.load:4.1f}",
        flush=True,
    )


def run(options: argparse.Namespace) -> Report:
    url = options.database_url
    _database_name(url)  # refuse a protected database before touching anything
    report = Report()
    server = None
    workdir = tempfile.TemporaryDirectory(prefix="soak-")
    env = production_env(url)
    try:
        print(
            f"scratch database {_database_name(url)}: {options.sellers} shops × "
            f"{options.weeks} weeks of demo history",
            flush=True,
        )
        _drop_database(url, create=True)
        prepared = Path(workdir.name) / "prepared.json"
        subprocess.run(
            [
                *(sys.executable, "-m", "benchmarks.soak", "--prepare-into", str(prepared)),
                *("--sellers", str(options.sellers), "--weeks", str(options.weeks)),
            ],
            env=env | {"RESULTS_UPDATE_AFTER_INGEST": "false"},  # `recalculate` follows
            cwd=ROOT,
            check=True,
            timeout=options.setup_timeout,
        )
        data = json.loads(prepared.read_text(encoding="utf-8"))
        shops = data["shops"]
        port = free_port()
        log_path = Path(workdir.name) / "gunicorn.log"
        with log_path.open("w") as log:
            server = start_gunicorn(
                env, port, workers=options.workers, log=log, timeout=int(REQUEST_TIMEOUT)
            )
        master = server.pid

        started = time.perf_counter()
        threads = max(1, min(8, len(shops)))
        browsers = _in_threads(lambda shop: _login(port, shop), shops, threads)
        logins = sorted(b.login_seconds for b in browsers)
        print(
            f"{len(shops)} sellers logged in through the form in "
            f"{time.perf_counter() - started:.1f} s ({threads} at a time; the POST p50 "
            f"{statistics.median(logins):.2f} s, max {logins[-1]:.2f} s); "
            f"{data['events']:,} events stored; "
            f"gunicorn with {options.workers} workers on port {port}",
            flush=True,
        )
        # Warm-up: every seller opens every page of the cycle once (each worker loads its
        # templates, translations and imports), so the first minute measures a warm server.
        warm = Tally()
        _in_threads(
            lambda i: _seller(browsers[i], shops[i], 0.0, 0.0, warm, i, once=True),
            range(len(shops)),
            threads,
        )
        report.errors.update(warm.errors)
        report.examples.extend(warm.examples)

        think = f"think 0–{2 * options.think:g} s" if options.think else "no think time"
        api = f"events API every {options.api_every:g} s" if options.api_every else "no API"
        print(
            f"load: {len(shops)} sellers for {options.seconds:g} s, {think}, {api}; "
            f"RSS in MB every {options.sample_every:g} s",
            flush=True,
        )
        tallies = [Tally() for _ in shops] + [Tally()]
        begin = time.monotonic()
        deadline = begin + options.seconds
        clients = [
            threading.Thread(
                target=_seller,
                args=(browsers[i], shops[i], deadline, options.think, tallies[i], i),
                daemon=True,
            )
            for i in range(len(shops))
        ]
        if options.api_every:
            clients.append(
                threading.Thread(
                    target=_api_client,
                    args=(port, data["token"], shops, deadline, options.api_every, tallies[-1]),
                    daemon=True,
                )
            )
        report.samples.append(_sample(master, url, 0.0, tallies))
        _print_sample(report.samples[-1])
        for client in clients:
            client.start()
        for tick in range(1, int(options.seconds // options.sample_every) + 1):
            time.sleep(max(0.0, begin + tick * options.sample_every - time.monotonic()))
            report.samples.append(_sample(master, url, time.monotonic() - begin, tallies))
            _print_sample(report.samples[-1])
        for client in clients:
            client.join(timeout=REQUEST_TIMEOUT + 5)
        report.seconds = time.monotonic() - begin
        if report.samples[-1].at < options.seconds - 0.5:
            report.samples.append(_sample(master, url, report.seconds, tallies))
            _print_sample(report.samples[-1])
        report.connections_during = _connections(url)
        for tally in tallies:
            for kind, values in tally.latencies.items():
                report.latencies[kind].extend(values)
            report.errors.update(tally.errors)
            report.examples.extend(tally.examples)
        for kind in PAGE_KINDS:
            report.requests[kind] = len(report.latencies[kind]) + sum(
                n for k, n in report.errors.items() if k.startswith(f"{kind}: ")
            )
        pids = [set(s.workers) for s in report.samples]
        report.worker_pids_changed = any(p != pids[0] for p in pids)
    finally:
        if server is not None:
            stop_gunicorn(server)
            report.connections_after = _settled_connections(url)
            log_text = (Path(workdir.name) / "gunicorn.log").read_text(errors="replace")
            report.server_log_errors = [
                line
                for line in log_text.splitlines()
                if any(word in line for word in ("ERROR", "CRITICAL", "Traceback"))
            ]
        if not options.keep_database:
            _drop_database(url)
        workdir.cleanup()
    _judge(report, options)
    _print_report(report, options)
    return report


def _in_threads(func, items, threads: int) -> list:
    """[func(item) for item in items] on a few threads; the first exception is raised."""
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(func, items))


def _settled_connections(url: str) -> int:
    """Connections left once the server stopped (backends take a moment to exit)."""
    for _ in range(50):
        left = sum(_connections(url).values())
        if not left:
            return 0
        time.sleep(0.1)
    return left


def _judge(report: Report, options: argparse.Namespace) -> None:
    if report.errors:
        report.failures.append(f"{sum(report.errors.values())} errors")
    if report.samples:
        _before, _after, growth = _growth(report.samples, report.seconds or options.seconds)
        report.growth_mb = growth
        if growth > options.max_growth_mb:
            report.failures.append(
                f"memory grew by {growth:.1f} MB (more than {options.max_growth_mb:g} MB)"
            )
    if report.worker_pids_changed:
        report.failures.append("a gunicorn worker was replaced during the run")
    during = sum(report.connections_during.values())
    if during > options.workers:
        report.failures.append(
            f"{during} database connections for {options.workers} single-threaded workers"
        )
    if report.connections_after:
        report.failures.append(f"{report.connections_after} connections left after the server")
    if report.server_log_errors:
        report.failures.append(f"{len(report.server_log_errors)} errors in the server log")


def _print_report(report: Report, options: argparse.Namespace) -> None:
    total = sum(report.requests.values())
    errors = sum(report.errors.values())
    seconds = report.seconds or options.seconds
    print(
        f"\nrequests: {total:,} in {seconds:.0f} s ({total / seconds:,.1f} req/s), errors: {errors}"
    )
    for kind, count in report.errors.most_common():
        print(f"  {count:6,d}  {kind}")
    for example in report.examples[:5]:
        print(f"  e.g. {example}")
    print(f"\n{'page':<11} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    everything = []
    for kind in PAGE_KINDS:
        values = sorted(report.latencies.get(kind, ()))
        everything.extend(values)
        if values:
            print(_latency_row(kind, report.requests[kind], values))
        else:
            print(f"{kind:<11} {report.requests[kind]:8,d}")
    if everything:
        print(_latency_row("all", total, sorted(everything)))
    if report.samples:
        before, after, growth = _growth(report.samples, seconds)
        first = report.samples[1] if len(report.samples) > 1 else report.samples[0]
        peak = max(s.total for s in report.samples)
        print(
            f"\nRSS, gunicorn master + {options.workers} workers: {report.samples[0].total:.1f} MB "
            f"before the load, {first.total:.1f} MB at {first.at:.0f} s, peak {peak:.1f} MB; "
            f"median of the first minute {before:.1f} MB, of the last minute {after:.1f} MB: "
            f"growth {growth:+.1f} MB (limit {options.max_growth_mb:g} MB)"
        )
    if len(report.samples) > 1 and total:
        cpu = report.samples[-1].cpu - report.samples[0].cpu
        loads = [s.load for s in report.samples[1:]]
        print(
            f"gunicorn CPU during the load: {cpu:.0f} s ({cpu / seconds:.2f} of "
            f"{os.cpu_count()} cores, {1000 * cpu / total:.0f} ms a request); machine load "
            f"average {min(loads):.1f}–{max(loads):.1f}"
        )
    during = report.connections_during
    states = ", ".join(f"{n} {state}" for state, n in sorted(during.items())) or "none"
    print(
        f"PostgreSQL connections to the scratch database: {sum(during.values())} at the end of "
        f"the load ({states}), {report.connections_after} after the server stopped"
    )
    for line in report.server_log_errors[:10]:
        print(f"server log: {line}")
    verdict = "; ".join(report.failures) if report.failures else "no error, memory stable"
    print(f"{'FAIL' if report.failures else 'PASS'}: {verdict}", flush=True)


def _latency_row(kind: str, count: int, values: list[float]) -> str:
    ms = [1000 * _percentile(values, p) for p in (0.50, 0.95, 0.99)] + [1000 * values[-1]]
    return f"{kind:<11} {count:8,d} " + " ".join(f"{v:8.1f}" for v in ms)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sellers", type=int, default=50, help="Shops, one seller each")
    parser.add_argument("--seconds", type=float, default=300.0, help="Length of the load")
    parser.add_argument("--weeks", type=int, default=12, help="Weeks of demo history a shop")
    parser.add_argument(
        "--think", type=float, default=0.25, help="Mean think time between a seller's requests"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument(
        "--api-every",
        type=float,
        default=2.0,
        help="Seconds between events API batches (0: none; the API allows 120 a minute)",
    )
    parser.add_argument(
        "--sample-every", type=float, default=10.0, help="Seconds between RSS samples"
    )
    parser.add_argument(
        "--max-growth-mb",
        type=float,
        default=50.0,
        help="Fail when master + workers RSS grow more than this (MB), first minute to last",
    )
    parser.add_argument(
        "--database-url",
        default=_default_database_url(),
        help="Scratch database, dropped and created again (default: %(default)s)",
    )
    parser.add_argument(
        "--keep-database", action="store_true", help="Leave the scratch database for inspection"
    )
    parser.add_argument("--setup-timeout", type=float, default=1800.0, help=argparse.SUPPRESS)
    parser.add_argument("--prepare-into", help=argparse.SUPPRESS)  # the child's entry point
    return parser


def main(argv: list[str] | None = None) -> Report | None:
    options = _parser().parse_args(argv)
    if options.prepare_into:
        _prepare(options.sellers, options.weeks, options.prepare_into)
        return None
    if options.sellers < 1 or options.seconds <= 0 or options.sample_every <= 0:
        raise SystemExit("--sellers, --seconds and --sample-every must be positive")
    return run(options)


if __name__ == "__main__":
    # A SIGTERM unwinds like Ctrl-C, so the server is stopped and the database dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    report = main()
    sys.exit(report.exit_code if report is not None else 0)
