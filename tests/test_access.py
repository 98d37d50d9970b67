"""The one door to a shop: members see their shops, everyone else gets 404."""

import pytest
from django.urls import reverse

from seller_portal.access import shop_access_or_404, shop_rows_for_user, shops_for_user

pytestmark = pytest.mark.django_db

SHOP_PAGES = ["dashboard", "penalties", "cs", "holiday", "tickets", "appeals"]


@pytest.fixture
def shops(make_shop):
    return make_shop("toko-a", "Toko A"), make_shop("toko-b", "Toko B", tier="regular")


@pytest.mark.parametrize("page", SHOP_PAGES)
def test_member_opens_every_page_of_their_shop(client, shops, make_user, page):
    client.force_login(make_user("agen", shop=shops[0], role="agent"))

    response = client.get(reverse(f"portal:{page}", args=["toko-a"]))

    assert response.status_code == 200
    assert response.context["current_shop"] == shops[0]
    assert response.context["shop_access"].role == "agent"


@pytest.mark.parametrize("page", SHOP_PAGES)
def test_another_shops_page_is_404_like_a_missing_shop(client, shops, make_user, page):
    client.force_login(make_user("pemilik-a", shop=shops[0]))

    other = client.get(reverse(f"portal:{page}", args=["toko-b"]))
    missing = client.get(reverse(f"portal:{page}", args=["toko-tidak-ada"]))

    assert other.status_code == missing.status_code == 404


@pytest.mark.parametrize("page", SHOP_PAGES)
def test_anonymous_is_sent_to_login(client, shops, page):
    url = reverse(f"portal:{page}", args=["toko-a"])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


def test_support_staff_read_any_shop_without_a_role(client, shops, make_user):
    client.force_login(make_user("cs-staf", groups=["support"], is_staff=True))

    response = client.get(reverse("portal:dashboard", args=["toko-b"]))

    assert response.status_code == 200
    assert response.context["shop_access"].role is None


def test_reviewer_without_membership_gets_404(client, shops, make_user):
    client.force_login(make_user("peninjau", groups=["reviewer"], is_staff=True))

    assert client.get(reverse("portal:dashboard", args=["toko-a"])).status_code == 404


def test_inactive_member_gets_404(shops, make_user):
    user = make_user("lama", shop=shops[0], is_active=False)

    with pytest.raises(Exception) as raised:
        shop_access_or_404(user, "toko-a")
    assert raised.type.__name__ == "Http404"


def test_shops_for_user(shops, make_user):
    member = make_user("dua-toko", shop=shops[1])
    support = make_user("support-1", groups=["support"])
    superuser = make_user("root", is_superuser=True)
    outsider = make_user("orang-luar")

    assert [s.code for s in shops_for_user(member)] == ["toko-b"]
    assert [s.code for s in shops_for_user(support)] == ["toko-a", "toko-b"]
    assert [s.code for s in shops_for_user(superuser)] == ["toko-a", "toko-b"]
    assert list(shops_for_user(outsider)) == []


def test_shop_rows_for_user_is_the_door_written_into_a_query(shops, make_user):
    """Reads of shop rows outside one shop's page (notices) narrow to exactly the shops of
    `shops_for_user`, permission held directly, through a group, or not at all."""
    from django.contrib.auth.models import Permission

    from seller_portal.models import Membership, Shop

    direct = make_user("langsung")
    direct.user_permissions.add(Permission.objects.get(codename="view_all_shops"))
    removed = make_user("keluar", shop=shops[0])
    Membership.objects.filter(user=removed).delete()
    users = [
        make_user("dua-toko", shop=shops[1]),
        make_user("support-1", groups=["support"]),
        make_user("peninjau", groups=["reviewer"], is_staff=True),
        make_user("root", is_superuser=True),
        make_user("orang-luar"),
        make_user("nonaktif", shop=shops[0], is_active=False),
        direct,
        removed,
    ]

    for user in users:
        user = type(user).objects.get(pk=user.pk)  # fresh: no cached permissions
        rows = shop_rows_for_user(user, Shop.objects.all(), shop_field="pk")
        assert sorted(s.code for s in rows) == sorted(s.code for s in shops_for_user(user)), user


def test_home_redirects_a_single_shop_member_to_its_dashboard(client, shops, make_user):
    client.force_login(make_user("pemilik-a", shop=shops[0]))

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/toko/toko-a/"


def test_home_lists_shops_for_staff(client, shops, make_user):
    client.force_login(make_user("support-1", groups=["support"]))

    response = client.get("/")

    assert response.status_code == 200
    assert [s.code for s in response.context["shops"]] == ["toko-a", "toko-b"]


def test_home_explains_when_a_user_has_no_shop(client, shops, make_user):
    client.force_login(make_user("orang-luar"))

    response = client.get("/")

    assert "Akun Anda belum terhubung ke toko mana pun" in response.content.decode()
