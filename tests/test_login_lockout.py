"""Sign-in lockout: five failures for a name from one address in 15 minutes lock the pair,
twenty from anywhere lock the name; the portal's and the admin's sign-in alike."""

import http.client
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.utils import timezone

from seller_portal.models import LoginFailure

pytestmark = pytest.mark.django_db

RIGHT = "pw-12345-test"
LOCKED = "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 15 menit."


@pytest.fixture
def owner(make_user):
    return make_user("pemilik")


def sign_in(client, password, *, username="pemilik", address="10.0.0.1", path="/login/"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, times, **kwargs):
    for _ in range(times):
        assert sign_in(client, "salah", **kwargs).status_code == 200


def test_five_failures_lock_out_even_the_right_password(client, owner):
    fail(client, 5)

    response = sign_in(client, RIGHT)

    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_still_let_the_right_password_in_and_clear_them(client, owner):
    fail(client, 4)

    assert sign_in(client, RIGHT).status_code == 302
    assert LoginFailure.objects.count() == 0


def test_the_lock_ends_when_the_window_has_passed(client, owner):
    fail(client, 5)
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=15, seconds=1))

    assert sign_in(client, RIGHT).status_code == 302


def test_the_message_counts_the_minutes_left(client, owner):
    fail(client, 5)
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=10, seconds=30))

    response = sign_in(client, RIGHT)

    assert "Coba lagi dalam 5 menit." in response.content.decode()


def test_another_address_is_not_locked_by_the_first(client, owner):
    fail(client, 5, address="10.0.0.1")

    assert sign_in(client, RIGHT, address="10.0.0.2").status_code == 302


def test_twenty_failures_from_anywhere_lock_the_name(client, owner):
    for n in range(20):
        fail(client, 1, address=f"10.0.1.{n}")

    response = sign_in(client, RIGHT, address="10.0.2.1")

    assert LOCKED in response.content.decode()


def test_the_name_is_counted_whatever_its_case(client, owner):
    fail(client, 3, username="Pemilik")
    fail(client, 2, username="PEMILIK")

    assert LOCKED in sign_in(client, RIGHT).content.decode()


def test_the_admin_sign_in_is_locked_too(client, make_user):
    make_user("staf", is_staff=True, is_superuser=True)
    fail(client, 5, username="staf", path="/admin/login/")

    response = sign_in(client, RIGHT, username="staf", path="/admin/login/")

    assert response.status_code == 200  # the form again, not the admin index
    assert "_auth_user_id" not in client.session


def test_behind_the_proxy_the_address_is_the_one_it_appended(client, owner, settings):
    settings.HTTPS = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    headers = {"X-Forwarded-Proto": "https"}
    for n in range(5):
        # A client cannot dodge the lock by forging the start of X-Forwarded-For.
        client.post(
            "/login/",
            {"username": "pemilik", "password": "salah"},
            headers=headers | {"X-Forwarded-For": f"1.2.3.{n}, 203.0.113.9"},
            REMOTE_ADDR="10.0.0.100",
        )

    assert list(LoginFailure.objects.values_list("ip", flat=True).distinct()) == ["203.0.113.9"]
    response = client.post(
        "/login/",
        {"username": "pemilik", "password": RIGHT},
        headers=headers | {"X-Forwarded-For": "203.0.113.9"},
        REMOTE_ADDR="10.0.0.100",
    )
    assert LOCKED in response.content.decode()


def test_behind_the_proxy_a_last_entry_that_is_no_address_counts_as_the_proxy(
    client, owner, settings
):
    settings.HTTPS = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    response = client.post(
        "/login/",
        {"username": "pemilik", "password": "salah"},
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9, bukan-alamat"},
        REMOTE_ADDR="10.0.0.100",
    )

    assert response.status_code == 200
    assert list(LoginFailure.objects.values_list("ip", flat=True)) == ["10.0.0.100"]


def test_a_name_that_case_folding_lengthens_is_counted_and_locked(client):
    name = "ß" * 150  # the longest name the form takes; folded, "ss" * 150

    fail(client, 5, username=name)

    assert LOCKED in sign_in(client, RIGHT, username=name).content.decode()
    assert LoginFailure.objects.filter(username="s" * 150).count() == 5


def test_failures_older_than_a_day_are_deleted(client, owner):
    LoginFailure.objects.create(username="lama", at=timezone.now() - timedelta(days=2))

    fail(client, 1)

    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["pemilik"]


def test_the_lock_is_explained_in_english_on_request(client, owner):
    fail(client, 5)
    client.cookies["django_language"] = "en"

    response = sign_in(client, RIGHT)

    assert "Too many failed sign-in attempts. Try again in 15 minutes." in response.content.decode()


# --- Passwords and sessions -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("pendek1", "This password is too short. It must contain at least 8 characters."),
        ("password123", "This password is too common."),
        ("8172635498", "This password is entirely numeric."),
        ("pemilik-toko", "The password is too similar to the username."),
    ],
)
def test_weak_passwords_are_refused(password, message):
    from django.contrib.auth.models import User
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        validate_password(password, user=User(username="pemilik-toko"))

    assert message in refused.value.messages


def test_a_session_lasts_twelve_hours_and_then_asks_to_sign_in_again(client, owner, make_shop):
    from django.contrib.sessions.models import Session

    from seller_portal.models import Membership

    shop = make_shop()
    Membership.objects.create(user=owner, shop=shop, role="owner")
    assert sign_in(client, RIGHT).status_code == 302
    session = Session.objects.get()
    assert session.expire_date - timezone.now() == pytest.approx(
        timedelta(hours=12), abs=timedelta(seconds=30)
    )
    assert client.get(f"/toko/{shop.code}/").status_code == 200

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get(f"/toko/{shop.code}/")
    assert (response.status_code, response["Location"]) == (302, f"/login/?next=/toko/{shop.code}/")


def test_support_lifts_a_lock_in_admin(client, owner, support):
    fail(client, 5)
    fail(client, 2, username="orang-lain")
    assert LOCKED in sign_in(client, RIGHT).content.decode()
    staff = client.__class__()
    staff.force_login(support)
    one_row = LoginFailure.objects.filter(username="pemilik").first()

    response = staff.post(
        "/admin/seller_portal/loginfailure/",
        {"action": "unlock", "_selected_action": [one_row.pk]},
        follow=True,
    )

    assert "Pemilik dapat masuk lagi (5 kegagalan dihapus)." in response.content.decode()
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["orang-lain"] * 2
    assert sign_in(client, RIGHT).status_code == 302


def test_the_admin_offers_unlock_and_not_row_deletion(client, owner, support):
    fail(client, 1)
    client.force_login(support)

    html = client.get("/admin/seller_portal/loginfailure/").content.decode()

    assert 'value="unlock"' in html
    assert 'value="delete_selected"' not in html


def test_the_failed_sign_in_list_costs_the_same_for_5_and_25_rows(
    client, support, django_assert_max_num_queries
):
    from seller_portal.models import LoginFailure

    client.force_login(support)
    url = "/admin/seller_portal/loginfailure/"

    def add(count):
        LoginFailure.objects.bulk_create(
            LoginFailure(username=f"nama-{n}", ip="10.0.0.1") for n in range(count)
        )

    add(5)
    # session, user, 2 × permissions, 2 × count, rows, date hierarchy (range and days)
    with django_assert_max_num_queries(9) as five:
        response = client.get(url)
    assert len(response.context["cl"].result_list) == 5
    add(20)
    with django_assert_max_num_queries(9) as twenty_five:
        response = client.get(url)
    assert len(response.context["cl"].result_list) == 25
    assert len(twenty_five.captured_queries) == len(five.captured_queries)


def test_the_admin_sign_in_says_it_is_locked(client, make_user):
    make_user("staf", is_staff=True, is_superuser=True)
    fail(client, 5, username="staf", path="/admin/login/")

    response = sign_in(client, RIGHT, username="staf", path="/admin/login/")

    assert LOCKED in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_async_authenticate_is_counted_and_locked_too(owner):
    """In a thread of its own (Playwright's tests leave an event loop in the main thread),
    so with a connection of its own: a transactional test, whose rows are flushed after."""
    from asgiref.sync import async_to_sync
    from django.contrib.auth import aauthenticate
    from django.db import connections
    from django.test import RequestFactory

    request = RequestFactory().post("/login/", REMOTE_ADDR="10.0.0.1")

    def signed_in(password):
        try:
            return async_to_sync(aauthenticate)(request, username="pemilik", password=password)
        finally:
            connections.close_all()

    def sign_in(password):
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(signed_in, password).result()

    for _ in range(5):
        assert sign_in("salah") is None

    assert sign_in(RIGHT) is None
    assert LoginFailure.objects.count() == 5


# --- The admin's password change --------------------------------------------------------------

PASSWORD_CHANGE = "/admin/password_change/"
NEW = "kata-sandi-baru-2026"
WRONG_OLD = "Sandi lama Anda yang dimasukkan salah. Masukkan sekali lagi."
CHANGE_LOCKED = (
    "Terlalu banyak percobaan kata sandi yang salah. Kata sandi belum dapat diubah; coba lagi "
    "dalam 15 menit."
)


@pytest.fixture
def staff(make_user):
    return make_user("staf", is_staff=True, is_superuser=True)


def change_password(client, old, *, address="10.0.0.1"):
    return client.post(
        PASSWORD_CHANGE,
        {"old_password": old, "new_password1": NEW, "new_password2": NEW},
        REMOTE_ADDR=address,
    )


def test_five_wrong_old_passwords_lock_the_password_change_even_for_the_right_one(client, staff):
    client.force_login(staff)
    for _ in range(5):
        assert WRONG_OLD in change_password(client, "salah").content.decode()

    response = change_password(client, RIGHT)

    assert response.status_code == 200
    assert CHANGE_LOCKED in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(RIGHT)  # unchanged
    assert LoginFailure.objects.filter(username="staf").count() == 5


def test_wrong_old_passwords_lock_the_sign_in_from_that_address(client, staff):
    client.force_login(staff)
    for _ in range(5):
        change_password(client, "salah")
    client.logout()

    assert LOCKED in sign_in(client, RIGHT, username="staf", path="/admin/login/").content.decode()


def test_failed_sign_ins_lock_the_password_change(client, staff):
    fail(client, 5, username="staf", path="/admin/login/")
    client.force_login(staff)

    assert CHANGE_LOCKED in change_password(client, RIGHT).content.decode()


def test_the_password_change_lock_explained_in_english_on_request(client, staff):
    client.force_login(staff)
    for _ in range(5):
        change_password(client, "salah")
    client.cookies["django_language"] = "en"

    response = change_password(client, RIGHT)

    assert (
        "Too many wrong password attempts. The password cannot be changed now; try again in "
        "15 minutes."
    ) in response.content.decode()


def test_the_right_old_password_changes_it_and_clears_the_earlier_failures(client, staff):
    fail(client, 2, username="staf", path="/admin/login/")
    client.force_login(staff)
    for _ in range(2):
        change_password(client, "salah")

    response = change_password(client, RIGHT)

    assert (response.status_code, response["Location"]) == (302, "/admin/password_change/done/")
    staff.refresh_from_db()
    assert staff.check_password(NEW)
    assert LoginFailure.objects.count() == 0


# --- Under concurrency (issue 14) -------------------------------------------------------------
# Real requests at once, on the live server's threads or gunicorn's processes, each with its
# own PostgreSQL connection. The password hasher is MD5 made as slow as production's PBKDF2 and
# counted: "judged" is the number of times it checked a password.

INVALID = "Masukkan nama pengguna dan kata sandi yang benar."
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class CountingHasher(MD5PasswordHasher):
    """MD5 that takes 0.3 s per check and records each password it checks; a password with a
    gate waits there first, until the test opens it."""

    checked: list[str] = []
    gates: dict[str, threading.Event] = {}
    lock = threading.Lock()

    def verify(self, password, encoded):
        with self.lock:
            self.checked.append(password)
        gate = self.gates.get(password)
        if gate is not None:
            assert gate.wait(timeout=60), "the gate was never opened"
        time.sleep(0.3)
        return super().verify(password, encoded)


@pytest.fixture
def hasher(settings):
    if connection.vendor != "postgresql":
        pytest.fail("the concurrency tests need PostgreSQL (DATABASE_URL), as in CI")
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.checked = []
    CountingHasher.gates = {}
    yield CountingHasher
    for gate in CountingHasher.gates.values():
        gate.set()


class Browser:
    """One HTTP client on loopback: its own cookies, a CSRF token from the first page."""

    def __init__(self, base_url: str, cookies: dict | None = None):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies = dict(cookies or {})

    def connect(self) -> http.client.HTTPConnection:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=90)
        conn.connect()
        return conn

    def request(self, method, path, form=None, headers=None, conn=None) -> tuple[int, dict, str]:
        conn = conn or self.connect()
        try:
            all_headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
            body = None
            if form is not None:
                body = urlencode(form)
                all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=body, headers=all_headers | (headers or {}))
            response = conn.getresponse()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            conn.close()

    def form_token(self, path) -> str:
        status, _, html = self.request("GET", path)
        assert status == 200, (path, status)
        return CSRF_INPUT.search(html).group(1)


def at_once(base_url: str, count: int, attempt) -> list:
    """`attempt(n, conn)` in `count` threads, each on a connection of its own, all sent at the
    same moment; their results in order."""
    # Connected one by one beforehand: the live server's accept queue is short.
    connections = [Browser(base_url).connect() for _ in range(count)]
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(n):
        barrier.wait(timeout=60)
        results[n] = attempt(n, connections[n])

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def kind(status: int, html: str) -> str:
    if status == 302:
        return "signed in"
    if LOCKED in html:
        return "locked"
    if INVALID in html or WRONG_OLD in html:
        return "wrong"
    return f"{status}?"


def login_poster(base_url: str, password_for=lambda n: "salah", headers_for=lambda n: {}):
    browser = Browser(base_url)
    token = browser.form_token("/login/")

    def post(n, conn=None):
        status, _, html = Browser(base_url, browser.cookies).request(
            "POST",
            "/login/",
            form={"csrfmiddlewaretoken": token, "username": "pemilik", "password": password_for(n)},
            headers=headers_for(n),
            conn=conn,
        )
        return kind(status, html)

    return post


def wait_until(condition, timeout=30):
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, "timed out"
        time.sleep(0.02)


@pytest.mark.django_db(transaction=True)
def test_24_simultaneous_wrong_passwords_are_judged_only_5_times(live_server, hasher, make_user):
    make_user("pemilik")

    kinds = at_once(live_server.url, 24, login_poster(live_server.url))

    assert len(hasher.checked) == 5
    assert sorted(kinds) == ["locked"] * 19 + ["wrong"] * 5
    assert LoginFailure.objects.count() == 5
    assert login_poster(live_server.url, lambda n: RIGHT)(0) == "locked"
    assert len(hasher.checked) == 5


@pytest.mark.django_db(transaction=True)
def test_24_simultaneous_attempts_from_24_addresses_are_judged_only_20_times(
    live_server, hasher, make_user, settings
):
    settings.HTTPS = True  # behind the proxy: the address is the last X-Forwarded-For entry
    make_user("pemilik")

    kinds = at_once(
        live_server.url,
        24,
        login_poster(live_server.url, headers_for=lambda n: {"X-Forwarded-For": f"10.0.3.{n}"}),
    )

    assert len(hasher.checked) == 20
    assert sorted(kinds) == ["locked"] * 4 + ["wrong"] * 20


@pytest.mark.django_db(transaction=True)
def test_the_right_password_is_refused_while_5_wrong_ones_are_still_being_checked(
    live_server, hasher, make_user
):
    make_user("pemilik")
    hasher.gates["salah"] = threading.Event()  # the wrong passwords stay in the hasher
    post = login_poster(live_server.url)
    wrong = [threading.Thread(target=post, args=(n,)) for n in range(5)]
    for thread in wrong:
        thread.start()
    wait_until(lambda: len(hasher.checked) == 5)

    right = login_poster(live_server.url, lambda n: RIGHT)(0)

    hasher.gates["salah"].set()
    for thread in wrong:
        thread.join(timeout=60)
    assert right == "locked"
    assert hasher.checked == ["salah"] * 5  # the right one was not even checked
    assert LoginFailure.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_a_success_clears_only_the_failures_counted_before_it(live_server, hasher, make_user):
    make_user("pemilik")
    wrong = login_poster(live_server.url)
    assert [wrong(0), wrong(1)] == ["wrong", "wrong"]
    earlier = set(LoginFailure.objects.values_list("pk", flat=True))
    hasher.gates[RIGHT] = threading.Event()  # the right password is still being checked ...
    right: list[str] = []
    signing_in = threading.Thread(
        target=lambda: right.append(login_poster(live_server.url, lambda n: RIGHT)(0))
    )
    signing_in.start()
    wait_until(lambda: hasher.checked[-1:] == [RIGHT])

    later = [wrong(2), wrong(3)]  # ... when two more wrong ones are judged
    hasher.gates[RIGHT].set()
    signing_in.join(timeout=60)

    assert later == ["wrong", "wrong"]
    assert right == ["signed in"]
    remaining = set(LoginFailure.objects.values_list("pk", flat=True))
    assert len(remaining) == 2
    assert not remaining & earlier
    # The two later failures still count: three more lock the pair.
    assert [wrong(4), wrong(5), wrong(6), wrong(7)] == ["wrong"] * 3 + ["locked"]


@pytest.mark.django_db(transaction=True)
def test_12_simultaneous_old_password_guesses_in_the_admin_are_judged_only_5_times(
    live_server, hasher, make_user, client
):
    client.force_login(make_user("staf", is_staff=True, is_superuser=True))
    browser = Browser(live_server.url, {"sessionid": client.cookies["sessionid"].value})
    token = browser.form_token(PASSWORD_CHANGE)

    def guess(n, conn):
        status, _, html = Browser(live_server.url, browser.cookies).request(
            "POST",
            PASSWORD_CHANGE,
            form={
                "csrfmiddlewaretoken": token,
                "old_password": f"tebakan-{n}",
                "new_password1": NEW,
                "new_password2": NEW,
            },
            conn=conn,
        )
        return "locked" if CHANGE_LOCKED in html else kind(status, html)

    kinds = at_once(live_server.url, 12, guess)

    assert len(hasher.checked) == 5
    assert sorted(kinds) == ["locked"] * 7 + ["wrong"] * 5


def _database_url() -> str:
    """The test database (transactional tests commit to it), for a server process."""
    database = settings.DATABASES["default"]
    user = quote(database["USER"] or "postgres", safe="")
    password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
    host, port = database["HOST"] or "127.0.0.1", database["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{quote(database['NAME'], safe='')}"


@pytest.mark.django_db(transaction=True)
def test_2_gunicorn_workers_judge_only_5_of_12_simultaneous_wrong_passwords(make_user, tmp_path):
    """Production settings: the real PBKDF2 hasher (~0.6 s a check here), sync workers, each
    process with its own connection; before issue 14 was fixed 6 of 12 were judged."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from benchmarks.server import free_port, production_env, start_gunicorn, stop_gunicorn

    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (DATABASE_URL), as in CI")
    user = make_user("pemilik")
    pbkdf2 = PBKDF2PasswordHasher()
    user.password = pbkdf2.encode(RIGHT, pbkdf2.salt())  # as production stores it
    user.save(update_fields=["password"])
    port = free_port()
    server = start_gunicorn(
        production_env(_database_url()), port, workers=2, log=(tmp_path / "log").open("wb")
    )
    try:
        base = f"http://127.0.0.1:{port}"

        kinds = at_once(base, 12, login_poster(base))

        assert sorted(kinds) == ["locked"] * 7 + ["wrong"] * 5
        assert LoginFailure.objects.count() == 5
        assert login_poster(base, lambda n: RIGHT)(0) == "locked"
    finally:
        stop_gunicorn(server)
