"""Staff groups: support files tickets and reads any shop; reviewers decide in admin.

The group list lives in ``seller_portal.roles``; its post-migrate hook grants permissions of
models that arrive in later migrations (tickets, appeals).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from seller_portal.roles import STAFF_GROUP_PERMISSIONS, sync_staff_groups


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so the groups
    # can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_staff_groups(apps, schema_editor.connection.alias)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=STAFF_GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("seller_portal", "0001_initial"),
        ("performance", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
