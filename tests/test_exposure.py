"""Secrets and data exposure (issue 14): what staff may search, filter and sort by in the admin,
the failed sign-in list's names, and where messages are kept.

The admin rule is checked twice: by walking every registered ModelAdmin for every staff role
(so an admin added later is held to it), and by the requests that used to leak.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR
from django.contrib.auth.models import Permission
from django.core.exceptions import FieldDoesNotExist
from django.test import RequestFactory

from appeals.models import AbuseTicket, Appeal
from performance.models import Penalty, RuleSet
from seller_portal.admin_base import PortalAdminMixin
from seller_portal.models import LoginFailure, Membership
from tests.helpers import create_shop, create_user

pytestmark = pytest.mark.django_db

SEARCH_PREFIXES = "^=@"


@pytest.fixture
def shop():
    return create_shop("toko-a")


@pytest.fixture
def owner(shop):
    return create_user("pemilik-a", shop=shop, email="rahasia.pemilik@contoh.id")


def staff_roles():
    """Every kind of staff member, down to one who may view memberships and nothing else."""
    only_memberships = create_user("hanya-anggota", is_staff=True)
    only_memberships.user_permissions.add(Permission.objects.get(codename="view_membership"))
    return {
        "support": create_user("cs-staf", groups=["support"], is_staff=True),
        "reviewer": create_user("peninjau", groups=["reviewer"], is_staff=True),
        "memberships only": only_memberships,
    }


def reached(model, path: str) -> list:
    """The models a lookup path passes through, written without the code under test."""
    models = []
    for part in path.lstrip("-").lstrip(SEARCH_PREFIXES).split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            break
        if not field.is_relation:
            break
        model = field.related_model
        models.append(model)
    return models


def may_view(user, model) -> bool:
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or user.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    )


def filter_path(item) -> str:
    if isinstance(item, (list, tuple)):
        return item[0]
    if isinstance(item, str):
        return item
    return getattr(item, "parameter_name", "")


def order_path(model_admin, column) -> str:
    try:
        model_admin.model._meta.get_field(column)
    except FieldDoesNotExist:
        attr = getattr(model_admin, column, None) or getattr(model_admin.model, column, None)
        return getattr(attr, "admin_order_field", "") or ""
    return column


def test_every_registered_admin_is_guarded():
    unguarded = [
        f"{model._meta.label}: {type(model_admin).__name__}"
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, PortalAdminMixin)
    ]

    assert unguarded == []


def test_no_staff_member_searches_filters_or_sorts_through_a_model_they_cannot_view():
    """Walks every registered admin as every staff role: each search field, filter, ordering,
    sortable column and date hierarchy reaches only models the role may view."""
    leaks = []
    for role, user in staff_roles().items():
        request = RequestFactory().get("/admin/")
        request.user = user
        for model, model_admin in admin.site._registry.items():
            if not model_admin.has_view_or_change_permission(request):
                continue
            paths = [
                *(("search", f) for f in model_admin.get_search_fields(request)),
                *(("filter", filter_path(f)) for f in model_admin.get_list_filter(request)),
                *(("ordering", f) for f in model_admin.get_ordering(request) or []),
                *(
                    ("sort", order_path(model_admin, c))
                    for c in model_admin.get_sortable_by(request)
                    if isinstance(order_path(model_admin, c), str)
                ),
                ("date hierarchy", model_admin.date_hierarchy or ""),
            ]
            leaks += [
                f"{role}: {model._meta.label} {kind} {path!r} reaches {target._meta.label}"
                for kind, path in paths
                if isinstance(path, str)
                for target in reached(model, path)
                if not may_view(user, target)
            ]

    assert leaks == []


def test_a_superuser_keeps_every_search_field(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user

    fields = admin.site._registry[Membership].get_search_fields(request)

    assert fields == ["user__username", "user__email", "shop__code", "shop__name"]


def test_support_cannot_find_memberships_by_an_e_mail_address(client, owner, support):
    client.force_login(support)
    url = "/admin/seller_portal/membership/"

    by_email = client.get(url, {"q": "rahasia.pemilik"})
    by_username = client.get(url, {"q": "pemilik-a"})  # also the User model's
    by_shop = client.get(url, {"q": "toko-a"})
    by_lookup = client.get(url, {"user__email__startswith": "rahasia"})

    assert list(by_email.context["cl"].result_list) == []
    assert list(by_username.context["cl"].result_list) == []
    assert [m.user.username for m in by_shop.context["cl"].result_list] == ["pemilik-a"]
    assert by_lookup.status_code == 400


def test_a_superuser_still_finds_memberships_by_e_mail(admin_client, owner):
    response = admin_client.get("/admin/seller_portal/membership/", {"q": "rahasia.pemilik"})

    assert [m.user.username for m in response.context["cl"].result_list] == ["pemilik-a"]


@pytest.fixture
def penalty(shop):
    return Penalty.objects.create(
        shop=shop,
        rule="ORDER_IGNORED",
        key="event:x",
        points=1,
        issued_on=date(2025, 4, 14),
        source_kind="order",
        source="INV/RAHASIA-1",
        rule_set=RuleSet.objects.get(version="v1"),
    )


def test_reviewers_are_not_offered_rule_sets_they_cannot_view(client, reviewer, penalty):
    v1 = RuleSet.objects.get(version="v1")
    RuleSet.objects.create(version="v2", effective_from=date(2030, 1, 1), parameters=v1.parameters)
    client.force_login(reviewer)
    url = "/admin/performance/penalty/"

    page = client.get(url)
    by_version = client.get(url, {"rule_set__id__exact": v1.pk})

    assert [spec.title for spec in page.context["cl"].filter_specs] == [
        "aturan",
        "dibatalkan pada",
    ]
    assert by_version.status_code == 400


def test_support_cannot_find_appeals_by_a_penalty_they_cannot_view(client, support, owner, penalty):
    appeal = Appeal.objects.create(
        shop=penalty.shop,
        penalty=penalty,
        attempt=1,
        reason="other",
        explanation="x",
        filed_by=owner,
        due_on=date(2025, 4, 20),
    )
    client.force_login(support)

    by_source = client.get("/admin/appeals/appeal/", {"q": "RAHASIA"})
    by_shop = client.get("/admin/appeals/appeal/", {"q": "toko-a"})

    assert list(by_source.context["cl"].result_list) == []
    assert list(by_shop.context["cl"].result_list) == [appeal]


def test_sorting_by_a_column_that_reaches_users_is_ignored_for_support(client, support, shop):
    for name in ("budi", "agus"):
        AbuseTicket.objects.create(
            shop=shop,
            conversation="c",
            buyer="b",
            message_ids=["m"],
            category="harassment",
            description="x",
            filed_by=create_user(name, shop=shop),
            due_on=date(2025, 4, 20),
        )
    client.force_login(support)
    columns = list(admin.site._registry[AbuseTicket].list_display)
    by_filer = f"{columns.index('filer')}"

    response = client.get("/admin/appeals/abuseticket/", {ORDER_VAR: by_filer})

    ordering = response.context["cl"].get_ordering(response.wsgi_request, AbuseTicket.objects.all())
    assert not any("filed_by" in str(field) for field in ordering)
    assert "filer" not in response.context["cl"].sortable_by


# --- The failed sign-in list ----------------------------------------------------------------

PASSWORD_AS_NAME = "hunter2-rahasia"
FAILURES = "/admin/seller_portal/loginfailure/"


@pytest.fixture
def failures(owner):
    known = LoginFailure.objects.create(username="pemilik-a", ip="10.0.0.9")
    typed = [
        LoginFailure.objects.create(username=PASSWORD_AS_NAME, ip="10.0.0.7") for _ in range(2)
    ]
    return known, typed


def body(response) -> str:
    return response.content.decode()


def test_failed_sign_ins_show_known_names_and_mask_the_others(client, support, failures):
    known, [typed, _] = failures
    client.force_login(support)

    pages = [
        client.get(FAILURES),
        client.get(f"{FAILURES}{typed.pk}/change/"),
        client.get(f"{FAILURES}{typed.pk}/delete/"),
        client.get(f"{FAILURES}{typed.pk}/history/"),
    ]

    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    assert all(PASSWORD_AS_NAME not in body(page) for page in pages)
    assert all("h•••••" in body(page) for page in pages)
    assert "pemilik-a" in body(pages[0])
    assert [row.shown_username for row in pages[0].context["cl"].result_list] == [
        "h•••••",
        "h•••••",
        "pemilik-a",
    ]


@pytest.mark.parametrize(
    "query",
    [
        {"q": PASSWORD_AS_NAME},
        {"q": "hunter"},
        {"q": "h•••••"},
    ],
)
def test_a_masked_name_cannot_be_found_by_its_text(client, support, failures, query):
    client.force_login(support)

    response = client.get(FAILURES, query)

    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize(
    "query",
    [
        {"username": PASSWORD_AS_NAME},
        {"username__startswith": "hun"},
        {"username__exact": PASSWORD_AS_NAME},
        {"username__in": PASSWORD_AS_NAME},
    ],
)
def test_a_masked_name_cannot_be_guessed_in_the_query_string(client, support, failures, query):
    client.force_login(support)

    response = client.get(FAILURES, query)

    assert response.status_code == 400
    assert PASSWORD_AS_NAME not in body(response)


def test_known_names_and_addresses_are_searchable_and_the_filter_tells_them_apart(
    client, support, failures
):
    known, typed = failures
    client.force_login(support)

    def rows(query):
        return sorted(r.pk for r in client.get(FAILURES, query).context["cl"].result_list)

    assert rows({"q": "pemilik"}) == [known.pk]
    assert rows({"q": "10.0.0.7"}) == sorted(r.pk for r in typed)
    assert rows({"nama": "tidak-dikenal"}) == sorted(r.pk for r in typed)
    assert rows({"nama": "dikenal"}) == [known.pk]


def test_sorting_the_list_by_the_name_column_is_ignored(client, support, failures):
    client.force_login(support)

    response = client.get(FAILURES, {ORDER_VAR: "0"})

    cl = response.context["cl"]
    assert cl.get_ordering(response.wsgi_request, LoginFailure.objects.all()) == ["-pk"]
    assert PASSWORD_AS_NAME not in body(response)


def test_unlocking_a_masked_name_clears_it_and_says_so_masked(client, support, failures):
    known, [typed, _] = failures
    client.force_login(support)

    response = client.post(
        FAILURES, {"action": "unlock", "_selected_action": [typed.pk]}, follow=True
    )

    # The admin capitalises messages.
    assert "H••••• dapat masuk lagi (2 kegagalan dihapus)." in body(response)
    assert PASSWORD_AS_NAME not in body(response)
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["pemilik-a"]


def test_a_failure_reads_masked_wherever_it_is_named(failures):
    known, [typed, _] = failures

    assert str(typed).startswith("h••••• from 10.0.0.7 at ")
    assert str(known).startswith("pemilik-a from 10.0.0.9 at ")


# --- Messages -------------------------------------------------------------------------------


def test_messages_are_kept_in_the_session_not_a_cookie(client, support, failures):
    known, _ = failures
    client.force_login(support)

    response = client.post(FAILURES, {"action": "unlock", "_selected_action": [known.pk]})

    assert settings.MESSAGE_STORAGE == "django.contrib.messages.storage.session.SessionStorage"
    assert response.status_code == 302
    assert "messages" not in response.cookies
    assert "Pemilik-a dapat masuk lagi" in body(client.get(FAILURES))


# --- Cache-Control --------------------------------------------------------------------------
# Every signed-in answer: tests/test_access_matrix.py, over every URL and role.


def test_answers_without_a_session_are_left_cacheable(client):
    """The events API and the OpenAPI document, asked without a session, are not marked
    private (nor made to vary on a cookie they never read)."""
    answers = [
        client.post("/api/v1/events", data="[]", content_type="application/json"),
        client.get("/api/v1/openapi.json"),
    ]

    assert [a.status_code for a in answers] == [401, 200]
    assert [a.get("Cache-Control") for a in answers] == [None, None]
    assert [a.get("Vary") for a in answers] == [None, None]


def test_a_sign_in_answer_is_private_and_not_stored(client, owner):
    response = client.post("/login/", {"username": "pemilik-a", "password": "pw-12345-test"})

    assert response.status_code == 302
    assert {"private", "no-store"} <= {
        part.strip().split("=")[0] for part in response["Cache-Control"].split(",")
    }
