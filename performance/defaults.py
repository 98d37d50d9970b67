"""Rule set v1, the defaults of RULES §3–§4: created by a data migration on a fresh database
and re-created after every migrate or test-database flush that left no rule set behind."""

from datetime import date

from django.apps import apps as global_apps

from performance.rules.parameters import V1

V1_EFFECTIVE_FROM = date(2000, 1, 1)


def ensure_rule_set_v1(apps=global_apps, using: str = "default") -> None:
    RuleSet = apps.get_model("performance", "RuleSet")
    if not RuleSet.objects.using(using).exists():
        RuleSet.objects.using(using).create(
            version="v1",
            effective_from=V1_EFFECTIVE_FROM,
            parameters=V1,
            note="Default of docs/RULES.md (seed 004, seed 000 §5–§6).",
        )


def ensure_rule_set_v1_after_migrate(sender, apps=global_apps, using="default", **kwargs):
    # During a migrate, `apps` is the migrated state; skip if the table is not there yet.
    try:
        apps.get_model("performance", "RuleSet")
    except LookupError:
        return
    ensure_rule_set_v1(apps, using)
