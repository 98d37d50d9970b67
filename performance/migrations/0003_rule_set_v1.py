"""Rule set v1: the defaults of SPEC §3–§4, in force from the beginning."""

from datetime import date

from django.db import migrations

from performance.rules.parameters import V1


def create_v1(apps, schema_editor):
    apps.get_model("performance", "RuleSet").objects.get_or_create(
        version="v1",
        defaults={
            "effective_from": date(2000, 1, 1),
            "parameters": V1,
            "note": "Default of SPEC.md (seed 004, seed 000 §5–§6).",
        },
    )


def remove_v1(apps, schema_editor):
    apps.get_model("performance", "RuleSet").objects.filter(version="v1").delete()


class Migration(migrations.Migration):
    dependencies = [("performance", "0002_penalties_scores_jobs")]

    operations = [migrations.RunPython(create_v1, remove_v1)]
