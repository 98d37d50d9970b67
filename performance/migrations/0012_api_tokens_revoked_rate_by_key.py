from django.db import migrations, models


def revoke_and_reset(apps, schema_editor):
    """Deactivated clients lose their token (before, switching one on again brought the old
    token back); minute counts are transient, so the old ones are simply dropped."""
    apps.get_model("performance", "ApiClient").objects.filter(is_active=False).update(
        token_hash=""
    )
    apps.get_model("performance", "ApiRequestWindow").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0011_api_request_window"),
    ]

    operations = [
        migrations.RunPython(revoke_and_reset, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="apirequestwindow", name="api_window_per_minute"),
        migrations.RemoveField(model_name="apirequestwindow", name="client"),
        migrations.AddField(
            model_name="apirequestwindow",
            name="key",
            field=models.CharField(default="", max_length=100),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="apirequestwindow",
            constraint=models.UniqueConstraint(
                fields=("key", "window_start"), name="api_window_per_minute"
            ),
        ),
    ]
