"""Moving EnforcementRecord from appeals to performance, and the verified tickets' messages
to performance's MessageExclusion (issue 15 §3), keeps every row on an existing database.

Given a database seeded by `seed_demo` and recalculated, with an appeal, an admin history
entry and a verified ticket, taken back to the schema before the move (performance 0012,
appeals 0003), where one more ticket is verified the old way (no exclusion rows), when it
migrates forward, then every record is the same row with the same id, its appeal and its
content type (permissions, admin history) follow it, and the exclusions are exactly the
messages of the verified tickets — so re-evaluating the weeks changes nothing.
"""

from datetime import date, timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from appeals.models import AbuseTicket, Appeal
from appeals.services import appeal_file, ticket_file, ticket_start_review, ticket_verify
from performance.models import CsWeek, EnforcementRecord, Event, MessageExclusion
from performance.rules.calendar import wib_midnight
from performance.services.cs_evaluation import cs_evaluate_week, exclusions_for
from performance.services.recalculation import results_recalculate
from seller_portal.models import Shop

TODAY = date(2026, 11, 23)  # a Monday
BEFORE_THE_MOVE = [
    ("performance", "0012_api_tokens_revoked_rate_by_key"),
    ("appeals", "0003_evidence_private_storage"),
]
RECORD_FIELDS = [
    "id",
    "shop_id",
    "kind",
    "key",
    "issued_on",
    "details",
    "withdrawn_at",
    "voided_at",
    "void_reason",
    "created_at",
]


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return MigrationExecutor(connection)  # a fresh loader that sees what is applied now


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def buyer_messages(shop: Shop, n: int) -> tuple[str, list[str]]:
    """A conversation of the shop and the ids of its first `n` buyer messages."""
    first = Event.objects.filter(shop=shop, type="chat.message", data__sender="buyer").first()
    ids = (
        Event.objects.filter(
            shop=shop, type="chat.message", subject=first.subject, data__sender="buyer"
        )
        .order_by("at", "id")
        .values_list("data__message", flat=True)[:n]
    )
    return first.subject, list(ids)


def records() -> list[dict]:
    return list(EnforcementRecord.objects.order_by("pk").values(*RECORD_FIELDS))


def exclusion_rows() -> list[tuple]:
    return sorted(
        MessageExclusion.objects.values_list(
            "shop_id", "conversation", "message_id", "source_kind", "source_id"
        )
    )


def reviewer_permission_ids() -> set[int]:
    return set(Group.objects.get(name="reviewer").permissions.values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_an_existing_database_migrates_with_every_record_and_exclusion(settings):
    settings.DEBUG = True
    settings.JOBS_IN_PROCESS = True
    # Given the demo, seeded and computed
    call_command("seed_demo", "--today", f"{TODAY}", "--shops", "3", "--weeks", "4", verbosity=0)
    results_recalculate(as_of=TODAY)
    shops = list(Shop.objects.order_by("pk"))
    assert EnforcementRecord.objects.count() > 0
    record = EnforcementRecord.objects.order_by("pk").first()
    owner = User.objects.get(username=f"pemilik.{record.shop.code}")
    appeal = appeal_file(
        target=record,
        user=owner,
        reason="other",
        explanation="Sistem salah hitung.",
        order_ids=[],
        files=[],
        today=record.issued_on,
    )
    admin = User.objects.get(username="admin")
    record_type = ContentType.objects.get_for_model(EnforcementRecord)
    history = LogEntry.objects.create(
        user=admin,
        content_type=record_type,
        object_id=str(record.pk),
        object_repr=str(record)[:200],
        action_flag=CHANGE,
    )
    # ... and a ticket verified through the services (which write its exclusions)
    reviewer = User.objects.get(username="reviewer")
    conversation, messages = buyer_messages(record.shop, 2)
    ticket = ticket_file(
        shop=record.shop,
        user=owner,
        conversation=conversation,
        message_ids=messages,
        category="harassment",
        description="Pembeli memaki.",
        files=[],
        today=TODAY,
    )
    ticket_start_review(ticket=ticket, reviewer=reviewer)
    ticket_verify(ticket=ticket, reviewer=reviewer)  # re-evaluates its weeks (in process)
    before = records()
    written_by_service = exclusion_rows()
    assert written_by_service == [
        (record.shop_id, conversation, m, "abuse_ticket", ticket.pk) for m in sorted(messages)
    ]
    permissions = reviewer_permission_ids()
    view_records = Permission.objects.get(
        content_type=record_type, codename="view_enforcementrecord"
    )
    assert view_records.pk in permissions

    try:
        # When the database goes back to the schema before the move ...
        executor = migrate(BEFORE_THE_MOVE)
        old = executor.loader.project_state(BEFORE_THE_MOVE).apps
        tables = connection.introspection.table_names()
        assert "appeals_enforcementrecord" in tables
        assert "performance_messageexclusion" not in tables
        OldRecord = old.get_model("appeals", "EnforcementRecord")
        assert list(OldRecord.objects.order_by("pk").values(*RECORD_FIELDS)) == before
        assert ContentType.objects.get(pk=record_type.pk).app_label == "appeals"
        # ... where a ticket of another shop was verified before the upgrade (no exclusions)
        other = next(shop for shop in shops if shop.pk != record.shop_id)
        other_conversation, other_messages = buyer_messages(other, 1)
        OldTicket = old.get_model("appeals", "AbuseTicket")
        old_ticket = OldTicket.objects.create(
            shop_id=other.pk,
            conversation=other_conversation,
            buyer="pembeli",
            message_ids=other_messages,
            category="abusive",
            description="Ancaman.",
            state="verified",
            filed_by_id=owner.pk,
            due_on=TODAY + timedelta(days=3),
        )
    finally:
        # ... and migrates forward again
        migrate(latest())

    # Then every record is the same row, and what points at it still does
    assert records() == before
    assert Appeal.objects.get(pk=appeal.pk).enforcement_id == record.pk
    record_type_now = ContentType.objects.get_for_model(EnforcementRecord)
    assert (record_type_now.pk, record_type_now.app_label) == (record_type.pk, "performance")
    assert LogEntry.objects.get(pk=history.pk).get_edited_object() == record
    assert reviewer_permission_ids() == permissions
    assert User.objects.get(username="reviewer").has_perm("performance.view_enforcementrecord")
    # ... the exclusions are the verified tickets' messages, as the service writes them
    assert exclusion_rows() == sorted(
        [
            *written_by_service,
            *(
                (other.pk, other_conversation, m, "abuse_ticket", old_ticket.pk)
                for m in other_messages
            ),
        ]
    )
    start = wib_midnight(min(CsWeek.objects.values_list("week_start", flat=True)))
    verified = AbuseTicket.objects.filter(state="verified")
    assert {
        shop_id: set(e.ticket_messages)
        for shop_id, e in exclusions_for([s.pk for s in shops], start, wib_midnight(TODAY)).items()
        if e.ticket_messages
    } == {t.shop_id: set(t.message_ids) for t in verified}
    # ... and the CS evaluation of the shop whose ticket the services verified is unchanged
    for week_start in sorted(set(CsWeek.objects.values_list("week_start", flat=True))):
        counts = cs_evaluate_week(week_start=week_start, shop_ids=[record.shop_id])
        assert (counts["cs_weeks_created"], counts["cs_weeks_superseded"]) == (0, 0)
