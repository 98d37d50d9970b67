"""Bad input gets a clear answer, never a 500 or a traceback (issue 14).

One test (or one parametrized case) per finding, with the exact input that failed before the
fix, the exact answer now, and on every refusal that nothing changed. The fuzzing of every
page is tests/test_form_fuzz.py; of the events API, tests/test_api_fuzz.py.
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appeals.models import AbuseTicket
from appeals.services import ticket_file, ticket_reject, ticket_start_review
from performance.event_types import OversizedNumber, json_decode, validate_event
from performance.models import Event, HolidayModeChange, HolidayPeriod
from performance.services.api_clients import api_client_create
from performance.services.ingest import events_ingest
from seller_portal.mail import header_text
from seller_portal.models import Membership, Shop
from tests.helpers import create_shop, create_user, event, registration

pytestmark = pytest.mark.django_db

UNREADABLE = (
    "Permintaan ini berisi karakter yang tidak dapat diproses (karakter NUL, surrogat tunggal, "
    "atau teks yang bukan UTF-8). Periksa isian atau alamat halaman lalu coba lagi."
)
UNREADABLE_EN = (
    "This request contains characters that cannot be processed (NUL characters, unpaired "
    "surrogates or text that is not UTF-8). Check what you entered or the page address and try "
    "again."
)
BIG = "9" * 5000
BIG_REASON = "field 'amount' is an integer of 5000 digits; an integer may have at most 4300 digits"


def stored() -> tuple[int, ...]:
    return (
        Event.objects.count(),
        Shop.objects.count(),
        AbuseTicket.objects.count(),
        HolidayPeriod.objects.count(),
        HolidayModeChange.objects.count(),
        Membership.objects.count(),
    )


def verified(amount: str, id_: str = "o-1") -> str:
    """An order.verified event as JSON text with `amount` written as given."""
    return (
        f'{{"id": "{id_}", "type": "order.verified", "shop": "toko-a", '
        f'"at": "2025-04-07T10:00:00+07:00", "order": "INV/1", "buyer": "b-1", '
        f'"amount": {amount}}}'
    )


@pytest.fixture
def token():
    return api_client_create(name="marketplace")[1]


def post_events(client, body: str, token: str):
    return client.post(
        "/api/v1/events",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def import_lines(tmp_path: Path, *lines: str) -> tuple[int, str]:
    path = tmp_path / "events.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    err = io.StringIO()
    try:
        call_command("import_events", str(path), progress="never", stdout=io.StringIO(), stderr=err)
    except SystemExit as exc:
        return exc.code, err.getvalue()
    return 0, err.getvalue()


# --- JSON the decoder cannot read -----------------------------------------------------------

# Each number as written in the event, and the reason it is refused.
NUMBERS = [
    pytest.param(BIG, BIG_REASON, id="integer-over-4300-digits-500"),
    pytest.param(
        "-" + BIG,
        "field 'amount' is an integer of 5000 digits; an integer may have at most 4300 digits",
        id="negative-integer-over-4300-digits",
    ),
    pytest.param("1e999999999", "field 'amount' must be an integer, got Infinity", id="exp"),
    pytest.param(
        "1" + "0" * 5000 + ".5", "field 'amount' must be an integer, got Infinity", id="f"
    ),
    pytest.param("NaN", "field 'amount' must be an integer, got NaN", id="nan"),
    pytest.param("-Infinity", "field 'amount' must be an integer, got -Infinity", id="inf"),
    pytest.param(
        "[" * 500 + "]" * 500,
        "field 'amount' must be an integer, got " + "[" * 57 + "...",
        id="nested-500-deep",
    ),
    pytest.param(
        f"[{BIG}]",
        "field 'amount' must be an integer, got [\"an integer of 5000 digits\"]",
        id="big-integer-inside-a-list",
    ),
]


@pytest.mark.parametrize(("number", "reason"), NUMBERS)
def test_the_api_reports_an_unreadable_number_as_its_events_error(client, token, number, reason):
    body = f"[{json.dumps(registration())}, {verified(number)}]"

    response = post_events(client, body, token)

    assert response.status_code == 400
    assert response.json() == {"errors": [{"index": 1, "reason": reason}]}
    assert stored() == (0, 0, 0, 0, 0, 0)


@pytest.mark.parametrize(("number", "reason"), NUMBERS)
def test_import_events_reports_an_unreadable_number_as_its_lines_error(tmp_path, number, reason):
    code, err = import_lines(tmp_path, json.dumps(registration()), verified(number))

    assert (code, err) == (1, f"line 2: {reason}\n1 line is invalid; nothing was stored.\n")
    assert stored() == (0, 0, 0, 0, 0, 0)


def test_a_body_nested_beyond_the_stack_is_a_request_error(client, token, tmp_path):
    deep = "[" * 100_000 + "]" * 100_000

    response = post_events(client, deep, token)
    code, err = import_lines(tmp_path, json.dumps(registration()), deep)

    assert response.json() == {
        "errors": [{"index": None, "reason": "body is not valid JSON: nested too deeply"}]
    }
    assert (code, err.splitlines()[0]) == (1, "line 2: not valid JSON: nested too deeply")
    assert stored() == (0, 0, 0, 0, 0, 0)


def test_a_body_that_is_not_utf8_is_named_so(client, token):
    response = post_events(client, b'[{"id": "\xff"}]', token)

    assert response.json() == {
        "errors": [{"index": None, "reason": "body is not UTF-8 text (byte 10)"}]
    }


# Number literals of every shape the decoder reads: integers of any length, floats with any
# exponent, the non-standard constants.
number_literals = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.tuples(st.sampled_from(["", "-"]), st.integers(min_value=4290, max_value=6000)).map(
        lambda sign_digits: sign_digits[0] + "7" * sign_digits[1]
    ),
    st.from_regex(r"\A-?[1-9][0-9]{0,20}(\.[0-9]{1,20})?[eE][+-]?[0-9]{1,12}\Z"),
    st.integers(min_value=4000, max_value=6000).map(lambda n: "1" * n),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "-0", "0.0"]),
)


@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(literal=number_literals, field=st.sampled_from(["amount", "order", "colour"]))
def test_any_number_anywhere_is_decoded_or_refused_as_an_events_error(literal, field):
    """The shared decoder never raises for a number, and validation refuses any the contract
    does not accept with a reason (never an exception)."""
    text = verified("0").replace('"amount": 0', f'"{field}": {literal}')
    if field != "amount":
        text = text[:-1] + ', "amount": 0}'

    decoded = json_decode(text)
    normalized, reasons = validate_event(decoded)

    value = decoded[field]
    accepted = field == "amount" and type(value) is int and value >= 0
    assert (normalized is not None) == accepted
    assert bool(reasons) != accepted
    if isinstance(value, OversizedNumber):
        assert reasons == [BIG_REASON.replace("5000", str(value.digits))] or field != "amount"


# --- The customer-service week ----------------------------------------------------------------

TODAY = date(2025, 5, 19)  # a Monday


@pytest.fixture
def owner(client, monkeypatch):
    monkeypatch.setattr("seller_portal.clock.today", lambda: TODAY)
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: datetime(2025, 5, 19, 3, 0, tzinfo=UTC)
    )
    shop = create_shop()  # registered 2025-01-01 (a Wednesday) 00:00 WIB
    user = create_user("pemilik", shop=shop, role="owner")
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    ("week", "message"),
    [
        pytest.param(
            "1999-12-20",
            "Tidak ada data layanan pelanggan untuk minggu 20/12/1999: toko ini dinilai mulai "
            "minggu 30/12/2024.",
            id="before-the-first-rule-set-500",
        ),
        pytest.param(
            "2024-12-23",
            "Tidak ada data layanan pelanggan untuk minggu 23/12/2024: toko ini dinilai mulai "
            "minggu 30/12/2024.",
            id="before-the-shop-registered",
        ),
        pytest.param(
            "0001-01-01",  # a Monday
            "Tidak ada data layanan pelanggan untuk minggu 01/01/0001: toko ini dinilai mulai "
            "minggu 30/12/2024.",
            id="year-1",
        ),
        pytest.param("2025-05-26", "Minggu 26/05/2025 belum dimulai.", id="future"),
        pytest.param(
            "2025-05-13",
            "Minggu layanan pelanggan dimulai hari Senin; 13/05/2025 bukan hari Senin.",
            id="not-a-monday",
        ),
        pytest.param(
            "99999-01-01", "Tanggal minggu tidak valid; gunakan format TTTT-BB-HH.", id="year-99999"
        ),
    ],
)
def test_a_week_the_cs_page_cannot_show_is_404_with_the_reason(client, owner, week, message):
    response = client.get(f"/toko/toko-a/layanan-pelanggan/?minggu={week}")

    assert response.status_code == 404
    html = response.content.decode()
    assert f'<p class="form-error" role="alert">{message}</p>' in html
    assert "Minggu 19/05/2025 – 25/05/2025" in html  # the current week is shown instead


def test_the_first_week_of_the_shop_is_shown(client, owner):
    response = client.get("/toko/toko-a/layanan-pelanggan/?minggu=2024-12-30")

    assert response.status_code == 200
    assert "Minggu 30/12/2024 – 05/01/2025" in response.content.decode()
    assert "form-error" not in response.content.decode()


@pytest.mark.parametrize("wanted", ["abc", "2025-05-12", "0001-01-01", "9" * 5000])
def test_a_score_date_that_is_no_refresh_is_404_with_the_reason(client, owner, wanted):
    response = client.get(f"/toko/toko-a/skor/?minggu={wanted}")

    assert response.status_code == 404
    assert "Belum ada data" in response.content.decode()  # no refresh at all for this shop


# --- NUL, lone surrogates, undecodable escapes --------------------------------------------------


@pytest.fixture
def support(client, monkeypatch):
    shop = create_shop()
    user = create_user("cs-staf", groups=["support"], is_staff=True)
    create_user("pemilik", shop=shop, role="owner")
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("/toko/toko-a/tiket/baru/?percakapan=%00", id="percakapan-nul-500"),
        pytest.param("/dukungan/tiket/?toko=a%00b", id="toko-nul-500"),
        pytest.param("/dukungan/tiket/?toko=%ED%A0%80", id="surrogate-utf8"),
        pytest.param("/dukungan/tiket/?toko=%ff", id="not-utf8"),
        pytest.param("/toko/toko-a/penalti/?page=%C3", id="cut-utf8"),
        pytest.param("/toko/toko-a/tiket/baru/%00/", id="nul-in-path"),
        pytest.param("/admin/performance/event/?q=%00", id="admin-search"),
    ],
)
def test_unreadable_query_text_is_a_400_page(client, support, url):
    response = client.get(url)

    assert response.status_code == 400
    assert UNREADABLE in response.content.decode()
    assert stored() == (0, 1, 0, 0, 0, 1)


def test_the_400_page_follows_the_language_switcher(client, support):
    client.cookies["django_language"] = "en"

    response = client.get("/dukungan/tiket/?toko=a%00b")

    assert response.status_code == 400
    assert UNREADABLE_EN in response.content.decode()


def test_the_api_answers_unreadable_query_text_in_its_own_format(client, token):
    response = client.post("/api/v1/events?x=%00", "[]", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"errors": [{"index": None, "reason": UNREADABLE_EN}]}


@pytest.fixture
def ticket_owner(client):
    shop = create_shop()
    owner = create_user("pemilik", shop=shop, role="owner")
    chat = event(
        "chat.message",
        id="m1",
        conversation="c1",
        message="m1",
        sender="buyer",
        buyer="b1",
        text="Kasar",
        at="2025-04-28T09:00:00+07:00",
    )
    assert events_ingest(items=enumerate([chat])).ok
    client.force_login(owner)
    return owner


TICKET = {"messages": "m1", "category": "harassment", "description": "Kasar sekali."}


@pytest.mark.parametrize("multipart", [False, True], ids=["urlencoded", "multipart"])
@pytest.mark.parametrize(
    ("name", "value"),
    [
        pytest.param("conversation", "x\x00y", id="conversation-nul-500"),
        pytest.param("description", "a\x00b", id="description-nul"),
        pytest.param("conversation", "\ud800", id="conversation-surrogate"),
    ],
)
def test_unreadable_form_values_are_a_400_page_and_store_nothing(
    client, ticket_owner, name, value, multipart
):
    data = {**TICKET, "conversation": "c1", name: value}
    before = stored()
    if multipart:
        body = {k: [v.encode("utf-8", "surrogatepass")] for k, v in data.items()}
        response = client.post("/toko/toko-a/tiket/baru/", body)
    else:
        encoded = "&".join(
            f"{k}={''.join(f'%{b:02X}' for b in v.encode('utf-8', 'surrogatepass'))}"
            for k, v in data.items()
        )
        response = client.post(
            "/toko/toko-a/tiket/baru/", encoded, content_type="application/x-www-form-urlencoded"
        )

    assert response.status_code == 400
    assert stored() == before
    if multipart and value == "\ud800":
        # Django decodes multipart values with replacement characters before any code sees
        # them (docs/RELIABILITY.md): the conversation "\ufffd\ufffd\ufffd" is none of the shop's.
        assert "m1 bukan salah satu dari pilihan yang tersedia." in response.content.decode()
    else:
        assert UNREADABLE in response.content.decode()


def test_a_readable_ticket_is_still_filed(client, ticket_owner):
    response = client.post("/toko/toko-a/tiket/baru/", {**TICKET, "conversation": "c1"})

    assert response.status_code == 302
    assert AbuseTicket.objects.get().conversation == "c1"


def test_a_session_cookie_holding_nul_is_ignored(client):
    client.cookies["sessionid"] = '"\\000abcdefgh12345"'

    response = client.get("/toko/toko-a/")

    assert (response.status_code, response["Location"]) == (302, "/login/?next=/toko/toko-a/")


# --- Exception text shown to users -----------------------------------------------------------


@pytest.mark.parametrize("period", ["abc", "", "9" * 5000, "-1", "99999999999999999999999"])
def test_cancelling_a_period_that_is_no_id_is_a_sentence(client, period):
    shop = create_shop()
    client.force_login(create_user("pemilik", shop=shop, role="owner"))

    response = client.post("/toko/toko-a/mode-libur/", {"action": "cancel", "period": period})

    assert response.status_code == 400
    html = response.content.decode()
    assert '<p class="form-error" role="alert">Jadwal ini tidak ada atau sudah dimulai.</p>' in html
    assert "invalid literal" not in html and "int()" not in html
    assert (HolidayPeriod.objects.count(), HolidayModeChange.objects.count()) == (0, 0)


# --- Names with line breaks and e-mail subjects -------------------------------------------------

NAMES = ["Toko\r\nA", "Toko\nBcc: x@y", "Toko\tA", "Toko\x85A", "Toko\u2028A", "Toko\x7fA"]


@pytest.mark.parametrize("name", NAMES)
def test_the_contract_refuses_a_shop_name_with_control_characters(client, token, tmp_path, name):
    reason = "field 'name' must not contain control characters or line breaks"

    response = post_events(client, json.dumps([registration(name=name)]), token)
    code, err = import_lines(tmp_path, json.dumps(registration(name=name)))

    assert response.json() == {"errors": [{"index": 0, "reason": reason}]}
    assert (code, err.splitlines()[0]) == (1, f"line 1: {reason}")
    assert stored() == (0, 0, 0, 0, 0, 0)


def test_a_name_with_other_unicode_is_still_accepted(client, token):
    name = "Toko Émas 日本 😀 ‮"  # the Unicode right-to-left override (Cf) is no line break

    response = post_events(client, json.dumps([registration(name=name)]), token)

    assert response.status_code == 200
    assert Shop.objects.get().name == name


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("[Toko\r\nA] Tiket #1 ditolak", "[Toko A] Tiket #1 ditolak"),
        ("a\x00b\x1fc\x7fd\x85e\u2028f\u2029g\th\x0bi\x0cj", "a b c d e f g h i j"),
        ("  padded\n\n  ", "padded"),
        ("x" * 250, "x" * 199 + "…"),
    ],
)
def test_header_text_is_one_line(text, subject):
    assert header_text(text) == subject


def test_a_shop_stored_with_a_line_break_in_its_name_still_gets_its_e_mails(
    django_capture_on_commit_callbacks, ticket_owner
):
    Shop.objects.update(name="Toko\r\nA")  # stored before the contract refused it
    shop = Shop.objects.get()
    User.objects.filter(pk=ticket_owner.pk).update(email="pemilik@toko-a.test")
    reviewer = create_user("peninjau", groups=["reviewer"], is_staff=True)
    ticket = ticket_file(
        shop=shop,
        user=ticket_owner,
        conversation="c1",
        message_ids=["m1"],
        category="harassment",
        description="Kasar.",
        files=[],
        today=date(2025, 4, 29),
    )
    ticket_start_review(ticket=ticket, reviewer=reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        ticket_reject(ticket=ticket, reviewer=reviewer, reason="Wajar.")

    assert [m.subject for m in mail.outbox] == [f"[Toko A] Tiket #{ticket.pk} ditolak: Wajar."]


def test_no_module_but_seller_portal_mail_sends_e_mail():
    root = Path(__file__).resolve().parent.parent
    senders = re.compile(
        r"\b(send_mail|send_mass_mail|EmailMessage|EmailMultiAlternatives|mail_admins)\b"
    )
    found = sorted(
        str(path.relative_to(root))
        for package in ("appeals", "performance", "seller_portal")
        for path in (root / package).rglob("*.py")
        if senders.search(path.read_text(encoding="utf-8"))
    )
    assert found == ["seller_portal/mail.py"]


# --- The admin, found by the fuzzer ---------------------------------------------------------------


@pytest.fixture
def superuser(client):
    create_shop()
    user = create_user("root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "url",
    [
        "/admin/performance/event/?at__year=-9223372036854775809",
        "/admin/performance/enforcementrecord/?issued_on__year=99999999999999999999",
        "/admin/seller_portal/loginfailure/?at__gte=0001-01-01",
        "/admin/seller_portal/loginfailure/?at__gte=00010101&at__lt=abc",
    ],
)
def test_admin_date_parameters_out_of_range_are_an_incorrect_lookup(client, superuser, url):
    response = client.get(url)

    assert (response.status_code, response["Location"]) == (302, url.split("?")[0] + "?e=1")


@pytest.mark.parametrize("user", ["abc", "9" * 5000, "1.5"])
def test_an_autocomplete_value_that_is_no_id_is_a_form_error(client, superuser, user):
    before = stored()

    response = client.post(
        "/admin/seller_portal/membership/add/",
        {"user": user, "shop": Shop.objects.get().pk, "role": "owner"},
    )

    assert response.status_code == 200
    assert (
        "Select a valid choice" in response.content.decode() or "Pilih" in response.content.decode()
    )
    assert stored() == before


def test_the_date_filter_links_still_work(client, superuser):
    today = datetime.now(UTC).astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow = today + timedelta(days=1)
    query = f"at__gte={today.isoformat(' ')}&at__lt={tomorrow.isoformat(' ')}"

    response = client.get(
        "/admin/seller_portal/loginfailure/",
        {"at__gte": today.isoformat(" "), "at__lt": tomorrow.isoformat(" ")},
    )

    assert response.status_code == 200, query


@pytest.mark.parametrize(
    "parameters",
    [pytest.param("9" * 5000, id="integer-over-4300-digits-500"), "[" * 100_000 + "]" * 100_000],
)
def test_rule_set_parameters_that_json_cannot_read_are_a_form_error(client, superuser, parameters):
    from performance.models import RuleSet

    before = list(RuleSet.objects.values_list("version", "parameters"))

    response = client.post(
        "/admin/performance/ruleset/add/",
        {"version": "v9", "effective_from": "2099-01-01", "parameters": parameters, "note": ""},
    )

    assert response.status_code == 200
    assert "Masukkan JSON yang valid." in response.content.decode()
    assert list(RuleSet.objects.values_list("version", "parameters")) == before
