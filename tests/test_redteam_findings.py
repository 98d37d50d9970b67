"""Red-team findings (issue 14, hostile input): each test fails on the code it was written
against and states the behaviour the portal should have. See the report of branch
`i14-redteam` for the input, the traceback, where it goes wrong and a suggested fix."""

import pytest
from django.test import Client

from tests.helpers import PASSWORD, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client():
    client = Client(raise_request_exception=False)
    client.force_login(create_user("root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def support_client():
    client = Client(raise_request_exception=False)
    client.force_login(create_user("cs-staf", groups=["support"], is_staff=True))
    return client


# The date hierarchy's year 9999 is a valid int, so PortalChangeList's OverflowError guard
# misses it: Django computes the next year (10000) and raises ValueError -> 500.
@pytest.mark.parametrize(
    "url",
    [
        "/admin/performance/event/?at__year=9999",
        "/admin/performance/enforcementrecord/?issued_on__year=9999",
        "/admin/performance/scoresnapshot/?refreshed_on__year=9999",
    ],
)
def test_date_hierarchy_last_year_is_not_a_server_error(superuser_client, url):
    response = superuser_client.get(url)
    assert response.status_code < 500, response.status_code


# Support reaches the same 500 on a changelist it may view (login failures, date hierarchy "at").
def test_date_hierarchy_last_year_is_not_a_server_error_for_support(support_client):
    response = support_client.get("/admin/seller_portal/loginfailure/?at__year=9999")
    assert response.status_code < 500, response.status_code


# A `__year` lookup typed into any changelist's query string with a year outside 1..9999 is
# compiled only when the page counts its rows: datetime(10000, 1, 1) raises ValueError -> 500.
@pytest.mark.parametrize(
    "url",
    [
        "/admin/seller_portal/shop/?created_at__year=10000",
        "/admin/seller_portal/membership/?created_at__year=99999",
        "/admin/appeals/appeal/?due_on__year=10000",
        "/admin/auth/user/?date_joined__year=10000",
        "/admin/performance/jobrun/?run_date__year=10000",
    ],
)
def test_year_lookup_beyond_9999_is_an_incorrect_lookup_not_a_server_error(superuser_client, url):
    response = superuser_client.get(url)
    assert response.status_code < 500, response.status_code


def test_year_lookup_beyond_9999_is_not_a_server_error_for_support(support_client):
    response = support_client.get("/admin/seller_portal/shop/?created_at__year=10000")
    assert response.status_code < 500, response.status_code


# `_to_field` naming a reverse many-to-many relation (User.groups seen from Group): Django's
# to_field_allowed reads `.primary_key` of a ManyToManyRel -> AttributeError -> 500.
@pytest.mark.parametrize(
    "url", ["/admin/auth/group/?_to_field=user", "/admin/auth/group/add/?_to_field=user"]
)
def test_to_field_naming_a_reverse_many_to_many_is_refused_not_a_server_error(
    superuser_client, url
):
    response = superuser_client.get(url)
    assert response.status_code == 400, response.status_code


# Two accounts whose names case-fold alike ("straße" and "strasse") share one lock key: the
# right password of the attacker's own account clears the failures counted against the
# victim's name from that address (Attempt.succeeded), so the attacker guesses 4 at a time
# without end and the victim's name never locks.
def test_another_accounts_right_password_does_not_clear_the_victims_failures(client):
    create_user("straße")  # the victim
    create_user("strasse")  # an account the attacker holds (same casefold key)

    def sign_in(username, password):
        return client.post(
            "/login/", {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7"
        )

    for _ in range(4):
        assert sign_in("straße", "tebakan-salah").status_code == 200
    sign_in("strasse", PASSWORD)  # the attacker signs in to their own account
    client.logout()
    for _ in range(4):
        assert sign_in("straße", "tebakan-salah").status_code == 200

    # 8 wrong passwords for "straße" from one address within a minute: the pair is locked,
    # so even the right password is refused.
    response = sign_in("straße", PASSWORD)
    assert response.status_code == 200, response.status_code
    assert "_auth_user_id" not in client.session
