"""Sign-in lockout: five failures for a name from one address in 15 minutes lock the pair,
twenty from anywhere lock the name; the portal's and the admin's sign-in alike."""

from datetime import timedelta

import pytest
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
