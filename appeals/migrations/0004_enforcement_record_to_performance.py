"""EnforcementRecord now belongs to performance (performance 0013): leave the state, keep the
table and its rows, and carry the content type over so permissions (the reviewer group's
`view_enforcementrecord`) and admin history follow the model."""

import django.db.models.deletion
from django.db import migrations, models

MODEL = "enforcementrecord"


def _move_content_type(apps, schema_editor, source: str, target: str) -> None:
    """Relabel the model's content type. Should the target one exist already (a `migrate`
    run between the two steps), it is kept and the source's permissions, their grants and
    the admin history move onto it."""
    using = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    old = ContentType.objects.using(using).filter(app_label=source, model=MODEL).first()
    if old is not None:
        new = ContentType.objects.using(using).filter(app_label=target, model=MODEL).first()
        if new is None:
            old.app_label = target
            old.save(update_fields=["app_label"])
        else:
            for permission in Permission.objects.using(using).filter(content_type=old):
                twin = (
                    Permission.objects.using(using)
                    .filter(content_type=new, codename=permission.codename)
                    .first()
                )
                if twin is None:
                    permission.content_type = new
                    permission.save(update_fields=["content_type"])
                    continue
                for group in permission.group_set.all():
                    group.permissions.add(twin)
                for user in permission.user_set.all():
                    user.user_permissions.add(twin)
                permission.delete()
            LogEntry.objects.using(using).filter(content_type=old).update(content_type=new)
            old.delete()
    # The process-wide cache may still map the old label to the row.
    from django.contrib.contenttypes.models import ContentType as LiveContentType

    LiveContentType.objects.clear_cache()


def to_performance(apps, schema_editor):
    _move_content_type(apps, schema_editor, "appeals", "performance")


def to_appeals(apps, schema_editor):
    _move_content_type(apps, schema_editor, "performance", "appeals")


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0003_evidence_private_storage"),
        ("performance", "0013_enforcement_record_message_exclusion"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # The column's constraint already points at the same table.
                migrations.AlterField(
                    model_name="appeal",
                    name="enforcement",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appeals",
                        to="performance.enforcementrecord",
                    ),
                ),
                migrations.DeleteModel(name="EnforcementRecord"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(to_performance, to_appeals),
    ]
