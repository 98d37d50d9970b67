"""Owners run their team (RULES §10, issue 16 §4): the members page, role changes and removals,
never the last owner, every change kept with who and when."""

import threading
import time
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from appeals.models import Notice
from seller_portal.models import Membership, MembershipChange
from seller_portal.services import MembershipError, membership_change_role, membership_remove
from tests.helpers import create_shop, create_user

URL = "/toko/toko-a/anggota/"
AT = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("seller_portal.clock.now", lambda: AT)
    return AT


@pytest.fixture
def shop(db):
    return create_shop()


@pytest.fixture
def owner(shop):
    return create_user("pemilik", shop=shop, role="owner", first_name="Sari")


@pytest.fixture
def agent(shop):
    return create_user("agen", shop=shop, role="agent", first_name="Budi")


def reader(who):
    """A staff member who reads every shop without belonging to it."""
    if who == "support":
        return create_user("cs", groups=["support"], is_staff=True)
    return create_user("root", is_staff=True, is_superuser=True)


def membership(user):
    return Membership.objects.get(user=user)


def state(shop):
    """Everything a refused change must leave as it was."""
    return (
        sorted(Membership.objects.filter(shop=shop).values_list("pk", "user__username", "role")),
        MembershipChange.objects.count(),
    )


def changes():
    return list(
        MembershipChange.objects.order_by("id").values_list(
            "shop__code",
            "user__username",
            "username",
            "action",
            "old_role",
            "new_role",
            "by__username",
            "by_username",
            "at",
        )
    )


# --- Services -------------------------------------------------------------------------------


def test_an_agent_made_owner_is_recorded_with_who_and_when(shop, owner, agent, frozen):
    changed = membership_change_role(membership=membership(agent), role="owner", by=owner)

    assert changed.role == "owner"
    assert membership(agent).role == "owner"
    assert changes() == [
        ("toko-a", "agen", "agen", "role_changed", "agent", "owner", "pemilik", "pemilik", AT)
    ]


def test_an_owner_is_made_agent_while_another_owner_remains(shop, owner, agent, frozen):
    second = create_user("pemilik-2", shop=shop, role="owner")

    membership_change_role(membership=membership(second), role="agent", by=owner)

    assert membership(second).role == "agent"
    assert membership(owner).role == "owner"
    assert changes() == [
        (
            "toko-a",
            "pemilik-2",
            "pemilik-2",
            "role_changed",
            "owner",
            "agent",
            "pemilik",
            "pemilik",
            AT,
        )
    ]


def test_a_removed_member_is_recorded_and_the_row_outlives_the_account(shop, owner, agent, frozen):
    membership_remove(membership=membership(agent), by=owner)

    assert not Membership.objects.filter(user=agent).exists()
    assert changes() == [
        ("toko-a", "agen", "agen", "removed", "agent", "", "pemilik", "pemilik", AT)
    ]
    agent.delete()
    assert changes() == [("toko-a", None, "agen", "removed", "agent", "", "pemilik", "pemilik", AT)]


def test_the_last_owner_cannot_make_themselves_agent(shop, owner, agent):
    before = state(shop)

    with pytest.raises(MembershipError, match=r"^Toko harus memiliki setidaknya satu pemilik\.$"):
        membership_change_role(membership=membership(owner), role="agent", by=owner)

    assert state(shop) == before
    assert membership(owner).role == "owner"


def test_the_last_owner_cannot_remove_themselves(shop, owner, agent):
    before = state(shop)

    with pytest.raises(MembershipError, match=r"^Toko harus memiliki setidaknya satu pemilik\.$"):
        membership_remove(membership=membership(owner), by=owner)

    assert state(shop) == before


def test_an_owner_may_leave_while_another_owner_remains(shop, owner, frozen):
    second = create_user("pemilik-2", shop=shop, role="owner")

    membership_remove(membership=membership(owner), by=owner)

    assert list(Membership.objects.filter(shop=shop).values_list("user__username", "role")) == [
        ("pemilik-2", "owner")
    ]
    assert changes() == [
        ("toko-a", "pemilik", "pemilik", "removed", "owner", "", "pemilik", "pemilik", AT)
    ]
    assert second.pk


@pytest.mark.parametrize("action", ["role", "remove"])
def test_an_agent_cannot_manage_members(shop, owner, agent, action):
    before = state(shop)

    with pytest.raises(
        MembershipError, match=r"^Hanya pemilik toko yang dapat mengelola anggota\.$"
    ):
        if action == "role":
            membership_change_role(membership=membership(owner), role="agent", by=agent)
        else:
            membership_remove(membership=membership(owner), by=agent)

    assert state(shop) == before


def test_an_owner_of_another_shop_cannot_manage_this_one(shop, owner, agent):
    other = create_user("pemilik-b", shop=create_shop("toko-b", "Toko B"), role="owner")
    before = state(shop)

    with pytest.raises(MembershipError, match="Hanya pemilik toko"):
        membership_remove(membership=membership(agent), by=other)

    assert state(shop) == before


def test_an_unknown_role_and_the_same_role_are_refused(shop, owner, agent):
    before = state(shop)

    with pytest.raises(MembershipError, match=r"^Peran tidak dikenal\.$"):
        membership_change_role(membership=membership(agent), role="admin", by=owner)
    with pytest.raises(MembershipError, match=r"^agen sudah berperan sebagai Agen\.$"):
        membership_change_role(membership=membership(agent), role="agent", by=owner)

    assert state(shop) == before


def test_a_membership_removed_meanwhile_is_refused(shop, owner, agent):
    stale = membership(agent)
    membership_remove(membership=membership(agent), by=owner)
    before = state(shop)

    with pytest.raises(MembershipError, match=r"^Anggota ini tidak ditemukan di toko\.$"):
        membership_change_role(membership=stale, role="owner", by=owner)
    with pytest.raises(MembershipError, match=r"^Anggota ini tidak ditemukan di toko\.$"):
        membership_remove(membership=stale, by=owner)

    assert state(shop) == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second_action", ["role", "remove"])
def test_two_owners_acting_at_once_never_leave_the_shop_without_an_owner(second_action):
    """Owner A demotes B while B, at the same moment, demotes or removes A. B's change waits
    for A's lock, then finds B no longer an owner: one owner is left, not none."""
    shop = create_shop()
    a = create_user("pemilik-a", shop=shop, role="owner")
    b = create_user("pemilik-b", shop=shop, role="owner")
    outcome = {}

    def b_acts():
        try:
            if second_action == "role":
                membership_change_role(membership=membership(a), role="agent", by=b)
            else:
                membership_remove(membership=membership(a), by=b)
            outcome["b"] = "done"
        except MembershipError as exc:
            outcome["b"] = str(exc)
        finally:
            connection.close()

    with transaction.atomic():
        membership_change_role(membership=membership(b), role="agent", by=a)
        thread = threading.Thread(target=b_acts)
        thread.start()
        time.sleep(0.5)
        assert thread.is_alive()  # waiting for A's lock
    thread.join(10)

    assert outcome == {"b": "Hanya pemilik toko yang dapat mengelola anggota."}
    assert sorted(Membership.objects.values_list("user__username", "role")) == [
        ("pemilik-a", "owner"),
        ("pemilik-b", "agent"),
    ]
    assert list(MembershipChange.objects.values_list("username", "action", "by_username")) == [
        ("pemilik-b", "role_changed", "pemilik-a")
    ]


# --- The page -------------------------------------------------------------------------------


def test_the_owner_sees_every_member_with_the_controls(client, shop, owner, agent):
    client.force_login(owner)

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Anggota toko</h1>" in html
    assert html.count('data-testid="member-') == 2
    assert html.index('data-testid="member-pemilik"') < html.index('data-testid="member-agen"')
    assert "@agen" in html and "Budi" in html and "Sari" in html
    assert html.count(">Ubah peran</button>") == 2
    assert html.count(">Hapus dari toko</button>") == 2
    assert f'<select id="role-{membership(agent).pk}" name="role">' in html
    assert ">Anggota</a>" in html  # the shop menu links the page for owners


@pytest.mark.parametrize("who", ["agent", "support", "superuser"])
def test_others_who_open_the_shop_read_the_list_without_controls(client, shop, owner, agent, who):
    user = agent if who == "agent" else reader(who)
    client.force_login(user)

    html = client.get(URL).content.decode()

    assert html.count('data-testid="member-') == 2
    assert "Ubah peran" not in html and "Hapus dari toko" not in html
    assert "Hanya pemilik toko yang dapat mengubah peran dan menghapus anggota." in html
    assert 'href="/toko/toko-a/anggota/"' not in html  # no menu link either


@pytest.mark.parametrize("who", ["agent", "support", "superuser"])
def test_only_owners_may_post(client, shop, owner, agent, who):
    user = agent if who == "agent" else reader(who)
    client.force_login(user)
    before = state(shop)

    for data in [
        {"action": "role", "membership": membership(owner).pk, "role": "agent"},
        {"action": "remove", "membership": membership(owner).pk, "confirm": "1"},
    ]:
        assert client.post(URL, data).status_code == 403

    assert state(shop) == before


def test_another_shops_member_gets_404(client, shop, owner, agent):
    stranger = create_user("agen-b", shop=create_shop("toko-b", "Toko B"), role="owner")
    client.force_login(stranger)
    before = state(shop)

    assert client.get(URL).status_code == 404
    data = {"action": "remove", "membership": membership(agent).pk, "confirm": "1"}
    assert client.post(URL, data).status_code == 404
    assert state(shop) == before


def test_the_owner_makes_an_agent_owner(client, shop, owner, agent, frozen):
    client.force_login(owner)

    response = client.post(
        URL, {"action": "role", "membership": membership(agent).pk, "role": "owner"}, follow=True
    )

    assert response.redirect_chain == [(URL, 302)]
    assert membership(agent).role == "owner"
    html = response.content.decode()
    assert "Peran Budi sekarang Pemilik." in html
    assert "<td>agen</td><td>Peran diubah: Agen → Pemilik</td><td>pemilik</td>" in html.replace(
        "\n", ""
    ).replace("            ", "")


def test_removal_asks_first_then_removes(client, shop, owner, agent, frozen):
    client.force_login(owner)
    before = state(shop)
    data = {"action": "remove", "membership": membership(agent).pk}

    asked = client.post(URL, data)

    assert asked.status_code == 200
    assert "Hapus Budi dari toko?" in asked.content.decode()
    assert state(shop) == before

    response = client.post(URL, {**data, "confirm": "1"}, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert "Budi dihapus dari toko." in response.content.decode()
    assert not Membership.objects.filter(user=agent).exists()
    assert changes() == [
        ("toko-a", "agen", "agen", "removed", "agent", "", "pemilik", "pemilik", AT)
    ]


def test_the_removed_member_loses_the_shop_and_its_notices_at_once(client, shop, owner, agent):
    Notice.objects.create(user=agent, shop=shop, text="Tiket diterima.", url="/toko/toko-a/tiket/")
    client.force_login(agent)
    assert client.get("/toko/toko-a/").status_code == 200
    assert "Tiket diterima." in client.get("/pemberitahuan/").content.decode()

    membership_remove(membership=membership(agent), by=owner)

    for url in ["/toko/toko-a/", URL, "/toko/toko-a/tiket/", "/toko/toko-a/penalti/"]:
        assert client.get(url).status_code == 404, url
    notices = client.get("/pemberitahuan/").content.decode()
    assert "Tiket diterima." not in notices
    assert 'class="badge"' not in notices.split("</header>")[0]  # no unread count
    assert Notice.objects.filter(user=agent).count() == 1  # kept, not shown


def test_refusing_the_last_owner_speaks_a_sentence_and_changes_nothing(client, shop, owner, agent):
    client.force_login(owner)
    before = state(shop)

    demoted = client.post(
        URL, {"action": "role", "membership": membership(owner).pk, "role": "agent"}
    )
    removed = client.post(
        URL, {"action": "remove", "membership": membership(owner).pk, "confirm": "1"}
    )

    for response in (demoted, removed):
        assert response.status_code == 400
        assert "Toko harus memiliki setidaknya satu pemilik." in response.content.decode()
    assert state(shop) == before


def test_the_page_in_english(client, shop, owner, agent):
    client.force_login(owner)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    page = client.get(URL).content.decode()
    refused = client.post(
        URL, {"action": "remove", "membership": membership(owner).pk, "confirm": "1"}
    ).content.decode()

    assert "<h1>Shop members</h1>" in page
    assert ">Change role</button>" in page
    assert ">Members</a>" in page
    assert "The shop must have at least one owner." in refused


def test_an_owner_who_leaves_goes_home(client, shop, owner, frozen):
    create_user("pemilik-2", shop=shop, role="owner")
    client.force_login(owner)

    response = client.post(
        URL, {"action": "remove", "membership": membership(owner).pk, "confirm": "1"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get(URL).status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        {"action": "role", "membership": "999999", "role": "owner"},
        {"action": "role", "membership": "{other}", "role": "owner"},
        {"action": "remove", "membership": "{other}", "confirm": "1"},
        {"action": "remove", "membership": "9" * 30, "confirm": "1"},
        {"action": "remove", "membership": str(2**63), "confirm": "1"},
        {"action": "remove", "membership": "9" * 5000, "confirm": "1"},
        {"action": "remove", "membership": "-1", "confirm": "1"},
        {"action": "remove", "membership": "0", "confirm": "1"},
        {"action": "remove", "membership": "abc", "confirm": "1"},
        {"action": "remove", "membership": "", "confirm": "1"},
        {"action": "remove", "confirm": "1"},
        {"action": "role", "membership": "{agent}", "role": "admin"},
        {"action": "role", "membership": "{agent}", "role": ""},
        {"action": "role", "membership": "{agent}"},
        {"action": "drop", "membership": "{agent}", "confirm": "1"},
        {"membership": "{agent}", "confirm": "1"},
    ],
)
def test_hostile_values_are_refused_and_change_nothing(client, shop, owner, agent, data):
    other_shop = create_shop("toko-b", "Toko B")
    other = create_user("agen-b", shop=other_shop, role="agent")
    ids = {"other": membership(other).pk, "agent": membership(agent).pk}
    data = {key: value.format(**ids) for key, value in data.items()}
    client.force_login(owner)
    before, before_b = state(shop), state(other_shop)

    response = client.post(URL, data)

    assert response.status_code == 400
    assert 'data-testid="members-error"' in response.content.decode()
    assert state(shop) == before
    assert state(other_shop) == before_b


@pytest.mark.parametrize("who", ["owner", "agent"])
def test_the_query_count_does_not_grow_with_the_members(client, shop, owner, agent, who):
    client.force_login(owner if who == "owner" else agent)
    with CaptureQueriesContext(connection) as two:
        assert client.get(URL).status_code == 200
    for n in range(8):
        user = create_user(f"agen-{n}", shop=shop, role="agent")
        membership_change_role(membership=membership(user), role="owner", by=owner)
    with CaptureQueriesContext(connection) as ten:
        html = client.get(URL).content.decode()

    assert html.count('data-testid="member-') == 10
    assert html.count("Peran diubah: Agen → Pemilik") == 8
    assert len(ten) == len(two)
    assert len(two) <= 8


# --- Staff in admin: the same services, audited, never the last owner ------------------------


@pytest.fixture
def admin_client(client, db):
    staff = create_user("admin", is_staff=True, is_superuser=True)
    client.force_login(staff)
    return client


MEMBERSHIPS = "/admin/seller_portal/membership/"


def test_staff_adding_a_member_in_admin_is_recorded(admin_client, shop, owner, frozen):
    newcomer = create_user("baru")

    response = admin_client.post(
        f"{MEMBERSHIPS}add/", {"user": newcomer.pk, "shop": shop.pk, "role": "agent"}
    )

    assert response.status_code == 302
    assert membership(newcomer).role == "agent"
    assert changes() == [
        ("toko-a", "baru", "baru", "added", "", "agent", "admin", "admin", AT),
    ]


def test_staff_changing_a_role_in_admin_is_recorded(admin_client, shop, owner, agent, frozen):
    response = admin_client.post(f"{MEMBERSHIPS}{membership(agent).pk}/change/", {"role": "owner"})

    assert response.status_code == 302
    assert membership(agent).role == "owner"
    assert changes() == [
        ("toko-a", "agen", "agen", "role_changed", "agent", "owner", "admin", "admin", AT),
    ]


def test_staff_cannot_make_the_last_owner_an_agent_in_admin(admin_client, shop, owner, agent):
    before = state(shop)

    response = admin_client.post(f"{MEMBERSHIPS}{membership(owner).pk}/change/", {"role": "agent"})

    assert response.status_code == 200
    assert "Toko harus memiliki setidaknya satu pemilik." in response.content.decode()
    assert state(shop) == before


def test_staff_removing_a_member_in_admin_is_recorded(admin_client, shop, owner, agent, frozen):
    response = admin_client.post(f"{MEMBERSHIPS}{membership(agent).pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Membership.objects.filter(user=agent).exists()
    assert changes() == [
        ("toko-a", "agen", "agen", "removed", "agent", "", "admin", "admin", AT),
    ]


def test_the_last_owner_cannot_be_deleted_in_admin(admin_client, shop, owner, agent):
    before = state(shop)

    page = admin_client.get(f"{MEMBERSHIPS}{membership(owner).pk}/delete/")
    response = admin_client.post(f"{MEMBERSHIPS}{membership(owner).pk}/delete/", {"post": "yes"})

    assert (page.status_code, response.status_code) == (403, 403)
    assert state(shop) == before


def test_deleting_several_in_admin_with_the_last_owner_among_them_deletes_none(
    admin_client, shop, owner, agent
):
    before = state(shop)

    response = admin_client.post(
        MEMBERSHIPS,
        {
            "action": "delete_selected",
            "_selected_action": [membership(owner).pk, membership(agent).pk],
            "post": "yes",
        },
    )

    assert response.status_code == 403
    assert state(shop) == before


def test_the_shop_page_in_admin_lists_members_without_changing_them(admin_client, shop, owner):
    page = admin_client.get(f"/admin/seller_portal/shop/{shop.pk}/change/")

    assert page.status_code == 200
    assert "pemilik" in page.content.decode()
    assert 'name="memberships-0-role"' not in page.content.decode()  # no editable inline
