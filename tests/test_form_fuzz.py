"""Hostile values in every seller, support and staff form and query parameter.

The pages are the access matrix's (tests/test_access_matrix.py): every GET probe of the
portal and of the admin that some role may open, visited as that role (the owner first, then
the agent, support, a reviewer, the superuser, or anonymously for the sign-in pages), in the
matrix's shared world. So a page added to the portal is fuzzed as soon as the matrix lists it.

From each page's HTML the fuzzer takes what a browser could send: the names of its query
parameters (GET forms and `?name=` links) and every POST form with its fields and their
default values. Then it sends each parameter, and each field of each form (the others left
at their defaults), every value of HOSTILE, and the ids in the page's path hostile ids; and
Hypothesis draws more values (any Unicode text, huge and negative integers, dates of any
year, malformed ids) for FORM_FUZZ_EXAMPLES (default below) further requests per page.
NUL and lone surrogates are also sent as multipart, where the middleware checks the values
after Django decodes them; undecodable percent-escapes are sent raw.

Every answer must be below 500, and an answer that is not an accepted POST (a redirect
elsewhere) must have stored nothing: the row count of every table is compared before and
after, in one query. Each request runs in a savepoint that is rolled back, so an accepted
submit does not change what the next request sees. Derandomized, so CI sees the same
requests every run; `FORM_FUZZ_EXAMPLES=500 pytest tests/test_form_fuzz.py` searches longer.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote_plus, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from appeals.models import Notice
from performance.admin import ApiClientAdmin
from seller_portal.models import LoginFailure
from tests import test_access_matrix
from tests.test_access_matrix import ADMIN, PORTAL, ROLES, Bug, Probe

# The matrix's shared world (a module fixture): its users, sessions and objects.
matrix_world = test_access_matrix.world

FORM_FUZZ_EXAMPLES = int(os.environ.get("FORM_FUZZ_EXAMPLES", 2))
# Each parameter and field gets VALUES_PER_CASE of the HOSTILE values (seller and support
# pages 4, the admin, with far more fields, 1), rotating so that every value meets several
# fields of each page; FORM_FUZZ_FULL=1 sends every value everywhere (about 10 minutes).
FULL = os.environ.get("FORM_FUZZ_FULL") == "1"
VALUES_PER_CASE = {"portal": 4, "admin": 1}

# The roles a page is fuzzed as, in order of preference: the first that may open it (200).
# The most capable first, so that the forms of editing users are fuzzed, not read-only pages.
PORTAL_ROLES = ("owner", "agent", "support", "superuser", "reviewer", "anonymous")
ADMIN_ROLES = ("superuser", "support", "reviewer", "anonymous")
# Not pages with parameters or forms of their own: the API (tests/test_api_fuzz.py), files,
# health checks, and the RQ dashboards (django_rq's, only mounted with Redis).
SKIPPED = {"api-events", "api-openapi", "health", "ping", "evidence", "admin:jsi18n"}

# Put in every parameter and field (a part of them in the admin: see VALUES_PER_CASE).
HOSTILE = [
    "x" * 10_000,
    "9" * 5_000,  # beyond Python's int-string limit
    "99999999999999999999",  # beyond 64 bits
    "-9223372036854775809",
    "-1",
    "1.5",
    "abc",
    "0001-01-01",
    "1999-12-20",  # a Monday before the first rule set
    "9999-12-31",
    "10000-01-01",
    "2025-02-30",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "a\r\nb",
    "\u202e\u2028",
    "",
]
# NUL (PostgreSQL stores none: DataError) and a lone surrogate (UTF-8 cannot encode it) are
# refused by the middleware whatever the field: sent to one parameter and one field of each
# form of each page (every field with FORM_FUZZ_FULL=1), url-encoded and as multipart, where
# the middleware sees the values only after Django decodes them.
ENCODED_HOSTILE = ["a\x00b", "\ud800"]
# Raw query strings: percent-escapes that are not UTF-8, a lone surrogate's UTF-8 form.
RAW_ESCAPES = ["%ff%fe", "%ed%a0%80", "%00", "%c3"]
HOSTILE_IDS = ["0", "-1", "99999999999999999999", "9" * 5_000, "abc", "1.5", "%00", "%ff"]

# Any text, integers far beyond 64 bits, dates of any year, malformed ids.
hostile_values = st.one_of(
    st.text(max_size=300),
    st.text(st.characters(exclude_categories=()), min_size=1, max_size=50),  # surrogates too
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.from_regex(r"\A-?[0-9]{1,30}(\.[0-9]+)?(e[+-]?[0-9]{1,6})?\Z"),
    st.sampled_from(HOSTILE + ENCODED_HOSTILE),
)

ANSWERS: Counter[int] = Counter()


# --- Reading pages ---------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    multipart: bool
    fields: dict[str, str] = field(default_factory=dict)  # name -> default value
    files: set[str] = field(default_factory=set)
    buttons: set[str] = field(default_factory=set)  # submit buttons: sent, not fuzzed


class PageParser(HTMLParser):
    """The query parameter names (GET forms, `?name=` links) and the POST forms of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.params: set[str] = set()
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None
        self.select_value: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("?"):
            self.params.update(name for name, _ in parse_qsl(a["href"][1:], True))
        elif tag == "form":
            method = a.get("method", "get").lower()
            self.form = Form(
                a.get("action", ""), method, "multipart" in a.get("enctype", "").lower()
            )
        elif self.form is not None and "name" in a:
            name, kind = a["name"], a.get("type", "text").lower()
            if tag == "input" and kind == "file":
                self.form.files.add(name)
            elif tag == "input" and kind in ("checkbox", "radio"):
                if name not in self.form.fields or "checked" in a:
                    self.form.fields[name] = a.get("value", "on")
            elif tag in ("input", "button"):
                if kind == "submit" or tag == "button":
                    if self.form.buttons:
                        return  # one submit button is pressed
                    self.form.buttons.add(name)
                self.form.fields.setdefault(name, a.get("value", ""))
            elif tag == "select":
                self.select, self.select_value = name, None
            elif tag == "textarea":
                self.textarea = name
                self.form.fields[name] = ""
        if (
            tag == "option"
            and self.select is not None
            and self.form is not None
            and (self.select_value is None or "selected" in a)
        ):
            self.select_value = a.get("value", "")
            self.form.fields[self.select] = self.select_value

    def handle_data(self, data):
        if self.textarea is not None and self.form is not None:
            self.form.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            if self.select and self.form is not None:
                self.form.fields.setdefault(self.select, "")
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.form is not None:
            if self.form.method == "get":
                self.params.update(self.form.fields)
            else:
                self.forms.append(self.form)
            self.form = None


@dataclass(frozen=True)
class Case:
    """One place to put a hostile value: a query parameter, or a field of a POST form."""

    kind: str  # "param" or "field"
    name: str
    form: Form | None = None


@dataclass
class Page:
    probe: Probe
    role: str
    url: str
    cases: list[Case]


def fuzz_role(p: Probe) -> str | None:
    for role in ADMIN_ROLES if p.key.startswith("admin") else PORTAL_ROLES:
        if p.answers[ROLES.index(role)] == 200:
            return role
    return None


# Pages whose forms show only with a parameter: the ticket form of a chosen conversation.
EXTRA = [
    Probe(
        "portal:ticket_new",
        "/toko/toko-a/tiket/baru/?percakapan=toko-a-c1",
        next(p.answers for p in PORTAL if p.key == "portal:ticket_new"),
        label="a conversation",
    )
]


def targets() -> list[Probe]:
    return [
        p
        for p in PORTAL + EXTRA + ADMIN
        if p.key not in SKIPPED and p.method == "get" and fuzz_role(p) is not None
    ]


def client_for(world, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def load_page(world, p: Probe) -> Page:
    role = fuzz_role(p)
    url = p.url.format(**world.ids)
    response = client_for(world, role).get(url)
    assert response.status_code == 200, (url, role, response.status_code)
    parser = PageParser()
    parser.feed(response.content.decode())
    params = set(parser.params) | {name for name, _ in parse_qsl(urlsplit(url).query, True)}
    cases = [Case("param", name) for name in sorted(params)]
    for form in parser.forms:
        # A form on every page (the language switcher) is fuzzed on the first page only.
        key = (form.action, tuple(sorted(form.fields)))
        if form.action and key in FORMS_SEEN:
            continue
        FORMS_SEEN.add(key)
        cases += [
            Case("field", name, form)
            for name in sorted(form.fields)
            if name != "csrfmiddlewaretoken" and name not in form.buttons
        ]
    return Page(p, role, url, cases)


FORMS_SEEN: set[tuple] = set()


# --- Sending -----------------------------------------------------------------------------------

# Sessions come and go with sign-ins; a refused sign-in records a failure by design
# (seller_portal/lockout.py).
NOT_COUNTED = {"django_session"}
SIGN_IN_TABLES = {LoginFailure._meta.db_table}
TABLES = sorted(
    model._meta.db_table
    for model in apps.get_models()
    if model._meta.managed and not model._meta.proxy
)


def writes(ignore: set[str]) -> dict[str, int]:
    """Rows written so far in this transaction, by table. On PostgreSQL, its statistics of
    the transaction (inserts, updates and deletes, even of rolled-back savepoints): one cheap
    query that also sees an update. Elsewhere, the row count of every table."""
    skipped = sorted(NOT_COUNTED | ignore)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
                " WHERE n_tup_ins + n_tup_upd + n_tup_del > 0 AND NOT relname = ANY(%s)",
                [skipped],
            )
            return dict(cursor.fetchall())
        tables = [t for t in TABLES if t not in skipped]
        quoted = connection.ops.quote_name
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quoted(t)})" for t in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))


def encoded(value: str) -> bytes:
    """A value as a hostile client sends it: a lone surrogate as its (invalid) UTF-8 bytes."""
    return value.encode("utf-8", "surrogatepass")


def form_body(data: dict[str, str]) -> str:
    return "&".join(f"{quote_plus(k)}={quote_plus(encoded(v))}" for k, v in data.items())


def path_of(page: Page, form: Form) -> str:
    if not form.action:
        return urlsplit(page.url).path + (
            "?" + urlsplit(page.url).query if urlsplit(page.url).query else ""
        )
    return form.action


def send(world, page: Page, case: Case, value: str, *, multipart=False, raw=False):
    """Send one hostile value; hold the answer to < 500 and "refused means nothing stored"."""
    client = client_for(world, page.role)
    # Signing in, and the admin's password change, count an attempt before the password is
    # checked: a failure row on refusal is the lockout at work.
    signing_in = "login" in page.probe.key or "password_change" in page.probe.key
    ignore = SIGN_IN_TABLES if signing_in else set()
    with transaction.atomic():
        before = writes(ignore)
        if case.kind == "param":
            base = urlsplit(page.url)
            query = [(k, v) for k, v in parse_qsl(base.query, True) if k != case.name]
            pairs = [f"{quote_plus(k)}={quote_plus(v)}" for k, v in query]
            pairs.append(f"{quote_plus(case.name)}={value if raw else quote_plus(encoded(value))}")
            response = client.get(f"{base.path}?{'&'.join(pairs)}")
            accepted = False
        else:
            form = case.form
            data = {**form.fields, case.name: value}
            path = path_of(page, form)
            if multipart or form.multipart:
                response = client.post(path, {k: [encoded(v)] for k, v in data.items()})
            else:
                response = client.post(
                    path, form_body(data), content_type="application/x-www-form-urlencoded"
                )
            location = response.get("Location", "")
            # Success is a redirect, except where the answer must carry a secret in its body
            # (a new API client's token, shown once).
            accepted = (response.status_code == 302 and "login" not in location) or any(
                t.name == ApiClientAdmin.token_template for t in response.templates
            )
        after = writes(ignore)
        transaction.set_rollback(True)
    ANSWERS[response.status_code] += 1
    where = f"{page.role} {case.kind} {case.name!r}={value[:40]!r} on {page.url}"
    assert response.status_code < 500, where
    if not accepted:
        changed = {t: n - before.get(t, 0) for t, n in after.items() if n != before.get(t, 0)}
        assert changed == {}, f"{where}: {response.status_code} stored {changed}"
    return response


def send_path(world, page: Page, hostile_id: str):
    """The page's URL with each of its numeric path segments replaced by a hostile id."""
    client = client_for(world, page.role)
    path = urlsplit(page.url).path
    with transaction.atomic():
        before = writes(set())
        response = client.get(re.sub(r"/\d+/", f"/{hostile_id}/", path))
        after = writes(set())
        transaction.set_rollback(True)
    ANSWERS[response.status_code] += 1
    assert response.status_code < 500, f"{page.role} {path} with id {hostile_id[:40]!r}"
    assert before == after


# --- Tests -------------------------------------------------------------------------------------


@pytest.fixture(autouse=True, scope="module")
def _report_answers():
    yield
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(ANSWERS.items()))
    print(f"\ntest_form_fuzz: {ANSWERS.total()} requests ({statuses})")


def test_every_page_of_the_matrix_is_fuzzed_or_skipped_on_purpose():
    fuzzed = {p.key for p in targets()}
    probes = PORTAL + ADMIN
    # Pages someone may open; POST-only URLs are fuzzed through the forms that post to them.
    openable = {p.key for p in probes if p.method == "get" and fuzz_role(p) is not None}
    assert fuzzed == openable - SKIPPED
    assert {"portal:cs", "portal:holiday", "support_ticket", "login"} <= fuzzed
    assert not any(isinstance(a, Bug) for p in targets() for a in p.answers)


@pytest.mark.django_db
@pytest.mark.parametrize("p", targets(), ids=lambda p: p.id)
def test_hostile_values_never_fail_and_refusals_store_nothing(matrix_world, p):
    world = matrix_world
    page = load_page(world, p)
    per_case = VALUES_PER_CASE["admin" if p.key.startswith("admin") else "portal"]
    encodings_sent = set()
    for number, case in enumerate(page.cases):
        if FULL:
            values = HOSTILE
        else:
            first = number * per_case
            values = [HOSTILE[(first + n) % len(HOSTILE)] for n in range(per_case)]
        for value in values:
            send(world, page, case, value)
        where = case.kind if case.form is None else id(case.form)
        if where in encodings_sent and not FULL:
            continue
        encodings_sent.add(where)
        for value in ENCODED_HOSTILE:
            send(world, page, case, value)
            if case.kind == "field":
                send(world, page, case, value, multipart=True)
        if case.kind == "param":
            for escape in RAW_ESCAPES:
                send(world, page, case, escape, raw=True)
    if re.search(r"/\d+/", urlsplit(page.url).path):
        for hostile_id in HOSTILE_IDS:
            send_path(world, page, hostile_id)
    if not page.cases:
        return

    @hypothesis_settings(
        max_examples=FORM_FUZZ_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def search(data):
        case = data.draw(st.sampled_from(page.cases))
        send(world, page, case, data.draw(hostile_values))

    search()


@pytest.mark.django_db
def test_writes_sees_inserts_and_updates_of_the_transaction(matrix_world):
    world = matrix_world
    before = writes(set())
    with transaction.atomic():
        notice = Notice.objects.create(
            user=world.users["owner"], shop_id=world.ids["shop_a"], text="x", url="/"
        )
        Notice.objects.filter(pk=notice.pk).update(text="y")
        transaction.set_rollback(True)
    after = writes(set())
    assert after[Notice._meta.db_table] - before.get(Notice._meta.db_table, 0) == 2
