"""The messages of tickets verified before the CS evaluation read `MessageExclusion` become
rows of it, so no evaluation changes: one row per (ticket, message), as
`performance.services.exclusions.message_exclusions_set` writes them."""

from django.db import migrations

SOURCE = "abuse_ticket"


def fill(apps, schema_editor):
    using = schema_editor.connection.alias
    AbuseTicket = apps.get_model("appeals", "AbuseTicket")
    MessageExclusion = apps.get_model("performance", "MessageExclusion")
    tickets = AbuseTicket.objects.using(using).filter(state="verified").order_by("pk")
    rows = [
        MessageExclusion(
            shop_id=shop_id,
            conversation=conversation,
            message_id=str(message_id),
            source_kind=SOURCE,
            source_id=pk,
        )
        for pk, shop_id, conversation, message_ids in tickets.values_list(
            "pk", "shop_id", "conversation", "message_ids"
        ).iterator()
        for message_id in sorted({str(m) for m in message_ids or ()})
    ]
    MessageExclusion.objects.using(using).bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def clear(apps, schema_editor):
    MessageExclusion = apps.get_model("performance", "MessageExclusion")
    MessageExclusion.objects.using(schema_editor.connection.alias).filter(
        source_kind=SOURCE
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0004_enforcement_record_to_performance"),
        ("performance", "0013_enforcement_record_message_exclusion"),
    ]

    operations = [migrations.RunPython(fill, clear)]
