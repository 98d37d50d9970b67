"""Every URL of the portal, visited by every kind of user, with the exact answer each gets.

The matrix below is the access policy in one table: seller pages, support pages, the events
API, the admin (one rule per registered model, from the permissions in seller_portal/roles.py)
and, when REDIS_URL is set, the RQ dashboards. `test_every_url_is_in_the_matrix` walks the URL
resolver, so a URL added to the portal fails the suite until its answers are written here.

Answers are to GET unless a row says otherwise. POST is used only where the view accepts
nothing else and the POST changes nothing: the draft check (`portal:guidelines_check`) and the
events API (sent an empty batch, so a session user learns it needs a bearer token). Logout,
admin logout and the RQ "stop job" view answer GET with 405, which is what the matrix records.

A cell wrapped in `Bug(...)` is the answer the portal should give but does not yet: the case is
a strict xfail, so it fails loudly once the application is fixed and the wrapper must go.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from appeals.models import AbuseTicket, Appeal, Notice
from appeals.services import appeal_file, ticket_file
from performance.models import (
    CalendarOverride,
    CsWeek,
    EnforcementRecord,
    Event,
    GuidelineFlag,
    HolidayModeChange,
    HolidayPeriod,
    JobRun,
    Penalty,
    RuleSet,
    ScoreSnapshot,
)
from performance.services.api_clients import api_client_create
from performance.services.ingest import events_ingest
from seller_portal import clock
from seller_portal.models import LoginFailure, Membership, MembershipChange, Shop
from tests.helpers import create_shop, create_user, event

ROLES = ("anonymous", "other_agent", "agent", "owner", "support", "reviewer", "superuser")
REDIS = bool(settings.REDIS_URL)


# --- Answers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    """A 302 to exactly this Location; `{path}` is the visited path, other fields are ids."""

    to: str


@dataclass(frozen=True)
class Bug:
    """The right answer, which the portal does not give yet (a strict xfail)."""

    answer: int | Redirect
    reason: str


LOGIN = Redirect("/login/?next={path}")
ADMIN_LOGIN = Redirect("/admin/login/?next={path}")

# Rows of answers, in ROLES order: anonymous, other_agent, agent, owner, support, reviewer,
# superuser.
SHOP_PAGE = (LOGIN, 404, 200, 200, 200, 404, 200)
OWNER_ONLY = (LOGIN, 404, 403, 200, 403, 404, 403)
# Another shop's object under toko-a's code: 404 for everyone who may open toko-a at all.
FOREIGN_OBJECT = (LOGIN, 404, 404, 404, 404, 404, 404)
ANY_USER = (LOGIN, 200, 200, 200, 200, 200, 200)
PUBLIC = (200, 200, 200, 200, 200, 200, 200)
STAFF = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200, 200, 200)
SUPERUSER_ONLY = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403, 403, 200)


@dataclass(frozen=True)
class Probe:
    key: str  # the URL pattern's key (see `pattern_keys`)
    url: str  # formatted with the ids of the shared objects
    answers: tuple  # one per role, in ROLES order
    method: str = "get"
    data: dict | list | None = None
    label: str = ""  # tells apart several probes of one pattern

    @property
    def id(self) -> str:
        return f"{self.key}[{self.label}]" if self.label else self.key


def probe(key, url, *answers, **extra) -> Probe:
    if len(answers) == 1:
        answers = answers[0]
    assert len(answers) == len(ROLES), key
    return Probe(key, url, tuple(answers), **extra)


# --- Portal ---------------------------------------------------------------------------------

A = "/toko/toko-a"
PORTAL = [
    probe(
        "home",
        "/",
        LOGIN,
        Redirect("/toko/toko-b/"),
        Redirect("/toko/toko-a/"),
        Redirect("/toko/toko-a/"),
        200,
        200,  # the "no shop yet" page: reviewers belong to no shop
        200,
    ),
    probe("login", "/login/", 200, *[Redirect("/")] * 6),
    probe("logout", "/logout/", (405,) * 7),  # POST only
    probe("set_language", "/i18n/setlang/", (Redirect("/"),) * 7),
    probe("portal:dashboard", f"{A}/", SHOP_PAGE),
    probe("portal:score_detail", f"{A}/skor/", SHOP_PAGE),
    probe("portal:penalties", f"{A}/penalti/", SHOP_PAGE),
    probe("portal:cs", f"{A}/layanan-pelanggan/", SHOP_PAGE),
    probe("portal:holiday", f"{A}/mode-libur/", SHOP_PAGE),
    probe("portal:guidelines", f"{A}/pedoman-chat/", SHOP_PAGE),
    probe(
        "portal:guidelines_check",
        f"{A}/pedoman-chat/cek/",
        SHOP_PAGE,
        method="post",
        data={"text": "Halo kak"},
    ),
    probe("portal:tickets", f"{A}/tiket/", SHOP_PAGE),
    # Members file tickets; support (appeals.add_abuseticket) files on the shop's behalf.
    probe("portal:ticket_new", f"{A}/tiket/baru/", SHOP_PAGE),
    probe("portal:ticket", f"{A}/tiket/{{ticket}}/", SHOP_PAGE),
    probe("portal:ticket", f"{A}/tiket/{{ticket_b}}/", FOREIGN_OBJECT, label="toko-b's ticket"),
    probe("portal:appeals", f"{A}/banding/", SHOP_PAGE),
    probe("portal:appeal", f"{A}/banding/{{appeal}}/", SHOP_PAGE),
    probe("portal:appeal", f"{A}/banding/{{appeal_b}}/", FOREIGN_OBJECT, label="toko-b's appeal"),
    # Only owners appeal; agents, support and superusers are refused.
    probe("portal:appeal_penalty", f"{A}/banding/baru/penalti/{{penalty}}/", OWNER_ONLY),
    probe(
        "portal:appeal_penalty",
        f"{A}/banding/baru/penalti/{{penalty_b}}/",
        FOREIGN_OBJECT,
        label="toko-b's penalty",
    ),
    probe("portal:appeal_record", f"{A}/banding/baru/penegakan/{{record}}/", OWNER_ONLY),
    probe(
        "portal:appeal_record",
        f"{A}/banding/baru/penegakan/{{record_b}}/",
        FOREIGN_OBJECT,
        label="toko-b's record",
    ),
    # Everyone who opens the shop reads its members; only owners see the controls and POST
    # (tests/test_members.py: agents, support and superusers get 403 on POST).
    probe("portal:members", f"{A}/anggota/", SHOP_PAGE),
    # Members, staff who read every shop, and reviewers (appeals.view_evidence) download.
    probe("evidence", "/bukti/{evidence}/", LOGIN, 404, 200, 200, 200, 200, 200),
    probe("notices", "/pemberitahuan/", ANY_USER),
    probe("support_ticket", "/dukungan/tiket/", LOGIN, 403, 403, 403, 200, 403, 200),
    # Bearer tokens only: a session, even a superuser's, is not a credential here.
    probe("api-events", "/api/v1/events", (401,) * 7, method="post", data=[]),
    probe("api-openapi", "/api/v1/openapi.json", PUBLIC),
    probe("health", "/healthz", PUBLIC),
    probe("ping", "/ping", PUBLIC),
]


# --- Admin site -----------------------------------------------------------------------------

STAFF_HOME = Redirect("/admin/")
ADMIN_SITE = [
    probe("admin:index", "/admin/", STAFF),
    probe("admin:login", "/admin/login/", 200, 200, 200, 200, STAFF_HOME, STAFF_HOME, STAFF_HOME),
    # POST only; admin_view sends everyone else to the index (which then asks them to log in).
    probe("admin:logout", "/admin/logout/", *[Redirect("/admin/")] * 4, 405, 405, 405),
    probe("admin:password_change", "/admin/password_change/", STAFF),
    probe("admin:password_change_done", "/admin/password_change/done/", STAFF),
    probe("admin:jsi18n", "/admin/jsi18n/", STAFF),
    # The remote model's view permission decides: users are the superuser's alone.
    probe(
        "admin:autocomplete",
        "/admin/autocomplete/?app_label=seller_portal&model_name=membership&field_name=user&term=a",
        SUPERUSER_ONLY,
        label="users",
    ),
    probe(
        "admin:autocomplete",
        "/admin/autocomplete/?app_label=seller_portal&model_name=membership&field_name=shop&term=t",
        STAFF,
        label="shops",
    ),
    # Shops have no public page, so "view on site" has nowhere to go.
    probe("admin:view_on_site", "/admin/r/{shop_type}/{shop_a}/", *STAFF[:4], 404, 404, 404),
    probe("admin:app_list", "/admin/seller_portal/", STAFF, label="seller_portal"),
    probe("admin:app_list", "/admin/performance/", STAFF, label="performance"),
    probe("admin:app_list", "/admin/appeals/", STAFF, label="appeals"),
    probe("admin:app_list", "/admin/auth/", *STAFF[:4], 404, 404, 200, label="auth"),
    probe("admin/(?P<url>.*)$", "/admin/tidak-ada/", *STAFF[:4], 404, 404, 404),
    # Deciding a case needs the change permission: reviewers decide, support only reads.
    probe(
        "admin:appeals_abuseticket_decide",
        "/admin/appeals/abuseticket/{ticket}/decide/",
        *STAFF[:4],
        403,
        200,
        200,
    ),
    probe(
        "admin:appeals_appeal_decide",
        "/admin/appeals/appeal/{appeal}/decide/",
        *STAFF[:4],
        403,
        200,
        200,
    ),
    probe(
        "admin:auth_user_password_change",
        "/admin/auth/user/{owner}/password/",
        SUPERUSER_ONLY,
    ),
]


# Which staff role may do what to each registered model: V view, A add, C change, D delete.
# From seller_portal/roles.py and each ModelAdmin (read-only admins, case queues filed only in
# the portal, shops registered only by events). Superusers hold every permission, so their
# column is what the ModelAdmin allows at all.
@dataclass(frozen=True)
class AdminModel:
    id: str  # the shared object's name in the world's ids
    support: str
    reviewer: str
    superuser: str


ADMIN_MODELS = {
    "seller_portal/shop": AdminModel("shop_a", "V", "V", "VCD"),
    "seller_portal/membership": AdminModel("membership", "V", "V", "VACD"),
    "seller_portal/loginfailure": AdminModel("login_failure", "VD", "", "VD"),
    "seller_portal/membershipchange": AdminModel("membership_change", "V", "V", "V"),
    "performance/event": AdminModel("event", "V", "V", "V"),
    "performance/apiclient": AdminModel("api_client", "", "", "VACD"),
    "performance/penalty": AdminModel("penalty", "", "V", "V"),
    "performance/scoresnapshot": AdminModel("snapshot", "", "V", "V"),
    "performance/jobrun": AdminModel("job_run", "", "", "V"),
    "performance/ruleset": AdminModel("rule_set", "", "", "VACD"),
    "performance/calendaroverride": AdminModel("calendar_override", "", "", "VACD"),
    "performance/csweek": AdminModel("cs_week", "", "V", "V"),
    "performance/holidayperiod": AdminModel("holiday_period", "", "", "V"),
    "performance/holidaymodechange": AdminModel("holiday_change", "", "", "V"),
    "performance/guidelineflag": AdminModel("guideline_flag", "", "VC", "VC"),
    "performance/enforcementrecord": AdminModel("record", "", "V", "V"),  # from services only
    "appeals/abuseticket": AdminModel("ticket", "V", "VC", "VC"),
    "appeals/appeal": AdminModel("appeal", "V", "VC", "VC"),
    "auth/group": AdminModel("group", "", "", "VACD"),
    "auth/user": AdminModel("owner", "", "", "VACD"),
}

# The view each model URL serves, and the letters any one of which lets a staff user in.
ADMIN_VIEWS = {
    "changelist": ("", "VC"),
    "add": ("add/", "A"),
    "change": ("{id}/change/", "VC"),
    "delete": ("{id}/delete/", "D"),
    "history": ("{id}/history/", "VC"),
}


def admin_model_probes(path: str, model: AdminModel) -> list[Probe]:
    app_label, model_name = path.split("/")
    base = f"/admin/{path}/"
    probes = []
    for view, (suffix, letters) in ADMIN_VIEWS.items():
        staff = [
            200 if set(granted) & set(letters) else 403
            for granted in (model.support, model.reviewer, model.superuser)
        ]
        url = base + suffix.format(id="{" + model.id + "}")
        probes.append(probe(f"admin:{app_label}_{model_name}_{view}", url, *STAFF[:4], *staff))
    # The bare object URL forwards staff to the change page, which then checks permissions.
    to_change = Redirect(base + "{" + model.id + "}/change/")
    probes.append(
        probe(
            base[1:] + "<path:object_id>/",
            base + "{" + model.id + "}/",
            *STAFF[:4],
            to_change,
            to_change,
            to_change,
        )
    )
    return probes


ADMIN = ADMIN_SITE + [
    p for path, model in ADMIN_MODELS.items() for p in admin_model_probes(path, model)
]


# --- RQ dashboards (only mounted when REDIS_URL is set) -------------------------------------

# django_rq admits any staff member; seller_portal/admin.py re-registers its dashboard for
# superusers only, so support and reviewers are refused everywhere in it.
RQ_JOB = "access-matrix-job"
RQ_STAFF_REFUSED = 403
Q = "queues/0/"
JOB = f"{Q}{RQ_JOB}/"
# django_rq's views: (name, path under the dashboard, the superuser's answer). Support and
# reviewers get 403 from each. The job pages use a stored RQ job; "tidak-ada"
# names a result, worker or cron scheduler that does not exist.
RQ_VIEWS = [
    ("home", "", 200),
    ("jobs", Q, 200),
    ("queue_details", f"{Q}details/", 200),
    ("finished_jobs", f"{Q}finished/", 200),
    ("failed_jobs", f"{Q}failed/", 200),
    ("delete_failed_jobs", f"{Q}failed/clear/", 200),  # a confirmation page on GET
    ("scheduled_jobs", f"{Q}scheduled/", 200),
    ("started_jobs", f"{Q}started/", 200),
    ("deferred_jobs", f"{Q}deferred/", 200),
    ("clear", f"{Q}empty/", 200),
    ("requeue_all", f"{Q}requeue-all/", 200),
    ("job_detail", JOB, 200),
    ("result_detail", f"{JOB}results/tidak-ada/", 404),
    ("delete_job", f"{JOB}delete/", 200),
    ("requeue_job", f"{JOB}requeue/", 200),
    ("enqueue_job", f"{JOB}enqueue/", 200),
    ("stop_job", f"{JOB}stop/", 405),  # POST only
    ("confirm_action", "queues/confirm-action/0/", Redirect("{rq}" + Q)),
    ("actions", "queues/actions/0/", Redirect("{rq}" + Q)),
    ("workers", "workers/0/", 200),
    (
        "worker_details",
        "workers/0/rq:worker:tidak-ada/",
        Bug(404, "500: django_rq asserts that the worker exists instead of answering 404"),
    ),
    (
        "scheduler_jobs",
        "schedulers/0/",
        Bug(404, "500: rq_scheduler is not installed (ImproperlyConfigured)"),
    ),
    ("cron_scheduler_detail", "cron-schedulers/0/tidak-ada/", 404),
    ("cron_job_detail", "cron-schedulers/0/tidak-ada/jobs/x/", 404),
]
RQ_STATS_JSON = [
    ("^stats.json/?$", "stats.json"),
    ("^stats.json/(?P<token>[\\w]+)?/?$", "stats.json/salah/"),
]
RQ_ADMIN = "/admin/django_rq/dashboard/"


def rq_admin_probes() -> list[Probe]:
    """The dashboard django_rq registers in the admin, at /admin/django_rq/dashboard/."""
    probes = [
        probe(
            f"admin:django_rq_{view}",
            RQ_ADMIN + suffix,
            *STAFF[:4],
            RQ_STAFF_REFUSED,
            RQ_STAFF_REFUSED,
            Redirect(superuser.to.replace("{rq}", RQ_ADMIN))
            if isinstance(superuser, Redirect)
            else superuser,
        )
        for view, suffix, superuser in RQ_VIEWS
    ]
    # Queue counts as JSON, for superusers or django_rq's own API token (none is configured).
    refused = 403
    probes += [
        probe(RQ_ADMIN[1:] + route, RQ_ADMIN + url, 401, 401, 401, 401, refused, refused, 200)
        for route, url in RQ_STATS_JSON
    ]
    probes += [
        probe("admin:app_list", "/admin/django_rq/", *STAFF[:4], 404, 404, 200, label="django_rq"),
        # The dashboard "model": its changelist is the stats page, and nothing can be added.
        probe(
            "admin:django_rq_dashboard_changelist",
            RQ_ADMIN,
            *STAFF[:4],
            RQ_STAFF_REFUSED,
            RQ_STAFF_REFUSED,
            200,
        ),
        probe("admin:django_rq_dashboard_add", f"{RQ_ADMIN}add/", *STAFF[:4], 403, 403, 403),
        probe(
            "admin/django_rq/dashboard/<path:object_id>/",
            f"{RQ_ADMIN}1/",
            *STAFF[:4],
            403,
            403,
            Redirect(f"{RQ_ADMIN}1/change/"),
        ),
    ]
    # There is no dashboard object: support and reviewers are refused, and the superuser is
    # sent to the index like for any missing object.
    missing = (403, 403, Redirect("/admin/"))
    probes += [
        probe(f"admin:django_rq_dashboard_{view}", f"{RQ_ADMIN}1/{view}/", *STAFF[:4], *missing)
        for view in ("change", "delete", "history")
    ]
    return probes


RQ = rq_admin_probes() if REDIS else []

PROBES = PORTAL + ADMIN + RQ


# --- The URLs the resolver knows --------------------------------------------------------------


def url_patterns(resolver=None, prefix="", namespace=""):
    """(namespaced name or None, full route) of every pattern, admin and includes too."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, route, inner)
        else:
            assert isinstance(entry, URLPattern)
            yield (f"{namespace}{entry.name}" if entry.name else None), route


def pattern_keys() -> set[str]:
    """A pattern's key is its namespaced name; its route when unnamed or the name is shared
    (django_rq names both stats.json patterns alike)."""
    patterns = list(url_patterns())
    names = Counter(name for name, _ in patterns)
    return {name if name and names[name] == 1 else route for name, route in patterns}


def test_every_url_is_in_the_matrix():
    assert pattern_keys() == {p.key for p in PROBES}


def test_the_matrix_has_one_answer_per_role_and_distinct_probes():
    assert all(len(p.answers) == len(ROLES) for p in PROBES)
    assert [i for i, n in Counter(p.id for p in PROBES).items() if n > 1] == []


# --- The shared world -------------------------------------------------------------------------


@dataclass
class World:
    ids: dict[str, int]
    users: dict[str, User]
    sessions: dict[str, str]  # role -> session key, logged in once for the module


def chat(n: int, sender: str, at: str, shop: str = "toko-a"):
    return event(
        "chat.message",
        id=f"{shop}-chat-{n}",
        shop=shop,
        at=at,
        conversation=f"{shop}-c1",
        message=f"{shop}-m{n}",
        sender=sender,
        buyer="pembeli-1",
        text=f"teks {n}",
    )


def build_world() -> World:
    """toko-a with a member of each role, a ticket with evidence, a penalty and an enforcement
    record each appealed, results of every kind; toko-b with its agent and its own cases."""
    today = clock.today()
    now = clock.now()
    shop_a = create_shop("toko-a", "Toko A", "power_merchant")
    shop_b = create_shop("toko-b", "Toko B", "regular")
    users = {
        "other_agent": create_user("agen-b", shop=shop_b, role="agent"),
        "agent": create_user("agen-a", shop=shop_a, role="agent"),
        "owner": create_user("pemilik-a", shop=shop_a, role="owner"),
        "support": create_user("cs-staf", groups=["support"], is_staff=True),
        "reviewer": create_user("peninjau", groups=["reviewer"], is_staff=True),
        "superuser": create_user("root", is_staff=True, is_superuser=True),
    }
    owner = users["owner"]

    at = (now - timedelta(days=1)).isoformat()
    later = (now - timedelta(hours=20)).isoformat()
    assert events_ingest(items=enumerate([chat(1, "buyer", at), chat(2, "seller", later)])).ok
    message = Event.objects.get(event_id="toko-a-chat-1")

    rule_set = RuleSet.objects.get(version="v1")

    def penalty(shop, key):
        return Penalty.objects.create(
            shop=shop,
            rule="ORDER_IGNORED",
            key=f"event:{key}",
            points=1,
            issued_on=today,
            source_kind="order",
            source=f"INV/{key}",
            rule_set=rule_set,
        )

    def record(shop, key):
        return EnforcementRecord.objects.create(
            shop=shop, kind="tier_at_risk", key=f"score:{key}", issued_on=today
        )

    ticket = ticket_file(
        shop=shop_a,
        user=owner,
        conversation="toko-a-c1",
        message_ids=["toko-a-m1"],
        category="harassment",
        description="Pembeli memaki.",
        files=[SimpleUploadedFile("catatan.txt", b"bukti percakapan", content_type="text/plain")],
        today=today,
    )
    appealed = penalty(shop_a, "a1")
    appeal = appeal_file(
        target=appealed,
        user=owner,
        reason="platform_logistics",
        explanation="Kurir tidak datang.",
        order_ids=["INV/a1"],
        files=[],
        today=today,
    )
    penalty_b, record_b = penalty(shop_b, "b1"), record(shop_b, "b1")
    ticket_b = AbuseTicket.objects.create(
        shop=shop_b,
        conversation="toko-b-c1",
        buyer="pembeli-2",
        message_ids=["toko-b-m1"],
        category="harassment",
        description="Kasar.",
        filed_by=users["other_agent"],
        due_on=today,
    )
    appeal_b = Appeal.objects.create(
        shop=shop_b,
        enforcement=record_b,
        attempt=1,
        reason="other",
        explanation="Alasan.",
        filed_by=users["other_agent"],
        due_on=today,
    )
    Notice.objects.create(user=owner, shop=shop_a, text="Tiket diterima.", url=f"{A}/tiket/")
    monday = today - timedelta(days=today.weekday())
    api_client, _token = api_client_create(name="pasar", created_by=users["superuser"])
    ids = {
        "shop_a": shop_a.pk,
        "shop_type": ContentType.objects.get_for_model(Shop).pk,
        "owner": owner.pk,
        # An agent's: the owner's is the shop's last, which nobody may delete.
        "membership": Membership.objects.get(user=users["agent"]).pk,
        "group": Group.objects.get(name="support").pk,
        "event": message.pk,
        "api_client": api_client.pk,
        "rule_set": rule_set.pk,
        "ticket": ticket.pk,
        "evidence": ticket.evidence.get().pk,
        "appeal": appeal.pk,
        "penalty": penalty(shop_a, "a2").pk,
        "record": record(shop_a, "a1").pk,
        "ticket_b": ticket_b.pk,
        "appeal_b": appeal_b.pk,
        "penalty_b": penalty_b.pk,
        "record_b": record_b.pk,
        "snapshot": ScoreSnapshot.objects.create(
            shop=shop_a,
            refreshed_on=monday,
            score=4,
            penalty_points=1,
            deduction=0,
            tier="power_merchant",
            rule_set=rule_set,
        ).pk,
        "cs_week": CsWeek.objects.create(
            shop=shop_a,
            week_start=monday - timedelta(days=7),
            evaluated_on=monday,
            status="pass",
            evaluated=1,
            on_time=1,
            rule_set=rule_set,
        ).pk,
        "job_run": JobRun.objects.create(kind="recalculate", run_date=today).pk,
        "login_failure": LoginFailure.objects.create(username="pemilik-a", ip="10.0.0.9").pk,
        "membership_change": MembershipChange.objects.create(
            shop=shop_a,
            user=users["agent"],
            username="agen-a",
            action="role_changed",
            old_role="owner",
            new_role="agent",
            by=owner,
            by_username="pemilik-a",
            at=now - timedelta(days=2),
        ).pk,
        "calendar_override": CalendarOverride.objects.create(
            day=today + timedelta(days=30), is_working_day=False, note="Cuti bersama"
        ).pk,
        "holiday_period": HolidayPeriod.objects.create(
            shop=shop_a,
            starts_at=now - timedelta(days=20),
            ends_at=now - timedelta(days=18),
            source="seller",
        ).pk,
        "holiday_change": HolidayModeChange.objects.create(
            shop=shop_a, action="on", changed_by=owner, changed_at=now - timedelta(days=20)
        ).pk,
        "guideline_flag": GuidelineFlag.objects.create(
            event=message, shop=shop_a, rule="contact", section="2.1", match="teks", start=0, end=4
        ).pk,
    }
    sessions = {}
    for role, member in users.items():
        client = Client()
        client.force_login(member)
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return World(ids=ids, users=users, sessions=sessions)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction that is rolled back at the end; each
    test runs in its own savepoint within it."""
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    with django_db_blocker.unblock(), media, transaction.atomic():
        built = build_world()
        with rq_job():
            yield built
        transaction.set_rollback(True)


class rq_job:
    """A stored (never queued) RQ job for the dashboards' job pages, removed afterwards."""

    def __enter__(self):
        self.job = None
        if REDIS:
            import django_rq
            from rq.job import Job

            connection = django_rq.get_queue("default").connection
            self.job = Job.create("seller_portal.jobs.redis_ping", connection=connection, id=RQ_JOB)
            self.job.origin = "default"
            self.job.save()

    def __exit__(self, *exc):
        if self.job is not None:
            self.job.delete()


# --- The matrix -------------------------------------------------------------------------------


def cases():
    for p in PROBES:
        for role, answer in zip(ROLES, p.answers, strict=True):
            marks = []
            if isinstance(answer, Bug):
                marks.append(pytest.mark.xfail(strict=True, reason=answer.reason))
            yield pytest.param(p, role, id=f"{p.id}-{role}", marks=marks)


def visit(world, p: Probe, role: str):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    url = p.url.format(**world.ids)
    if p.method != "post":
        return client.get(url)
    if isinstance(p.data, list):
        return client.post(url, p.data, content_type="application/json")
    return client.post(url, p.data)


def answer(response):
    """What the matrix records: a status code, or the redirect's status and Location."""
    if response.status_code == 302:
        return (302, response["Location"])
    return response.status_code


def expected_answer(world, p: Probe, role: str):
    expected = p.answers[ROLES.index(role)]
    if isinstance(expected, Bug):
        expected = expected.answer
    if isinstance(expected, Redirect):
        url = p.url.format(**world.ids)
        return (302, expected.to.format(path=quote(url, safe="/"), **world.ids))
    return expected


@pytest.mark.django_db
@pytest.mark.parametrize(("p", "role"), list(cases()))
def test_answer(world, p, role):
    assert answer(visit(world, p, role)) == expected_answer(world, p, role)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_the_same_with_redis_down(world, role, settings):
    """Pages read the database only: with Redis unreachable, every URL but the RQ dashboards
    answers exactly as above; the health check alone reports the outage (503)."""
    from django_rq import settings as rq_settings

    settings.JOBS_IN_PROCESS = False
    outage = {"health": 503}
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(rq_settings.QUEUES["default"], "URL", "redis://127.0.0.1:1/0")
        answers = {p.id: answer(visit(world, p, role)) for p in PORTAL + ADMIN}

    assert answers == {
        p.id: outage.get(p.id, expected_answer(world, p, role)) for p in PORTAL + ADMIN
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_every_answer_to_a_signed_in_user_is_private_and_not_stored(world, role):
    """Every URL of the matrix, as every signed-in role, whatever the answer (pages, evidence,
    the admin, redirects, refusals, errors): `Cache-Control: private, no-store`, so neither a
    shared cache nor the browser's disk keeps one user's page."""

    def directives(response) -> set[str]:
        value = response.get("Cache-Control", "")
        return {part.strip().split("=")[0].lower() for part in value.split(",") if part.strip()}

    answers = {p.id: visit(world, p, role) for p in PROBES}

    assert {
        probe_id: response.get("Cache-Control")
        for probe_id, response in answers.items()
        if not {"private", "no-store"} <= directives(response)
    } == {}
