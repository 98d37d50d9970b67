"""Rule set v1: the defaults of SPEC §3–§4, in force from the beginning."""

from django.db import migrations

from performance.defaults import ensure_rule_set_v1


def create_v1(apps, schema_editor):
    ensure_rule_set_v1(apps, schema_editor.connection.alias)


def remove_v1(apps, schema_editor):
    apps.get_model("performance", "RuleSet").objects.filter(version="v1").delete()


class Migration(migrations.Migration):
    dependencies = [("performance", "0002_penalties_scores_jobs")]

    operations = [migrations.RunPython(create_v1, remove_v1)]
