"""The seller shell: Indonesian by default, English on request, WIB times, query budgets."""

import pytest
from django.urls import reverse

from tests.helpers import event, registration

pytestmark = pytest.mark.django_db

NAV = [
    "Dashboard",
    "Penalti",
    "Layanan Pelanggan",
    "Mode Libur",
    "Pedoman Chat",
    "Tiket",
    "Banding",
]
NAV_EN = [
    "Dashboard",
    "Penalties",
    "Customer Service",
    "Holiday Mode",
    "Chat Guideline",
    "Tickets",
    "Appeals",
]


@pytest.fixture
def owner(client, make_shop, make_user):
    shop = make_shop()
    user = make_user("pemilik", shop=shop)
    client.force_login(user)
    return user


def test_dashboard_is_indonesian_even_for_an_english_browser(client, owner):
    response = client.get("/toko/toko-a/", headers={"Accept-Language": "en-US,en;q=0.9"})

    html = response.content.decode()
    assert response["Content-Language"] == "id"
    assert '<html lang="id">' in html
    for label in NAV:
        assert f">{label}</a>" in html
    assert "Skor performa toko" in html


def test_language_switcher_turns_the_portal_english(client, owner):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/toko/toko-a/"}, follow=True
    )

    html = response.content.decode()
    assert response.redirect_chain == [("/toko/toko-a/", 302)]
    assert '<html lang="en">' in html
    for label in NAV_EN:
        assert f">{label}</a>" in html
    assert "Store performance score" in html


def test_last_event_time_is_shown_in_wib(client, owner):
    from performance.services.ingest import events_ingest

    events_ingest(
        items=enumerate(
            [
                registration(),
                event("order.shipped", id="e-1", order="I/1", at="2025-04-07T23:30:00Z"),
            ]
        )
    )

    html = client.get("/toko/toko-a/").content.decode()

    assert "8 Apr 2025, 06:30 WIB" in html


@pytest.mark.parametrize(
    ("page", "budget"),
    [
        ("dashboard", 9),
        ("penalties", 8),
        ("cs", 14),
        ("holiday", 8),
        ("tickets", 6),
        ("appeals", 7),
    ],
)
def test_page_query_budget(client, owner, django_assert_max_num_queries, page, budget):
    url = reverse(f"portal:{page}", args=["toko-a"])
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_pages_send_a_strict_content_security_policy(client, owner):
    policy = client.get("/toko/toko-a/")["Content-Security-Policy"]

    assert "script-src 'self'" in policy
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_login_page_in_indonesian_and_login_works(client, make_shop, make_user):
    shop = make_shop()
    make_user("pemilik", shop=shop)

    page = client.get("/login/")
    response = client.post("/login/", {"username": "pemilik", "password": "pw-12345-test"})

    assert "Kata sandi" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_wrong_password_is_explained(client, make_user):
    make_user("pemilik")

    response = client.post("/login/", {"username": "pemilik", "password": "salah"})

    assert response.status_code == 200
    assert "Masukkan nama pengguna dan kata sandi yang benar" in response.content.decode()


def test_logout_is_a_post_and_ends_the_session(client, owner):
    response = client.post("/logout/")

    assert response.status_code == 302
    assert client.get("/toko/toko-a/").status_code == 302


def test_plotly_is_served_locally(client):
    from django.contrib.staticfiles import finders

    path = finders.find("vendor/plotly.min.js")

    assert path is not None
    assert path.endswith("plotly/package_data/plotly.min.js")
