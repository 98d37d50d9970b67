"""Which rule set is in force on a day, and creating new versions."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from performance.models import RuleSet
from performance.rules.parameters import RuleParameters, RuleSetInvalid


class RuleSets:
    """Every rule set, loaded once per run: rule sets are few and change rarely."""

    def __init__(self) -> None:
        self.rule_sets = list(RuleSet.objects.order_by("effective_from"))
        self.starts = [rule_set.effective_from for rule_set in self.rule_sets]

    def on(self, day: date) -> RuleSet:
        index = bisect_right(self.starts, day) - 1
        if index < 0:
            raise LookupError(f"no rule set is in force on {day:%Y-%m-%d}")
        return self.rule_sets[index]


def rule_set_has_results(rule_set: RuleSet) -> bool:
    return rule_set.pk is not None and (rule_set.penalties.exists() or rule_set.snapshots.exists())


def rule_set_validate(*, rule_set: RuleSet, today: date) -> None:
    """Refuse what would silently rewrite past results (RULES: rule sets, never rewrite).

    New versions take effect on a future date; a version that has produced results keeps
    its parameters and date forever.
    """
    errors: dict[str, list[str]] = {}
    try:
        RuleParameters.parse(rule_set.parameters)
    except RuleSetInvalid as exc:
        errors["parameters"] = exc.problems
    if rule_set.pk is None:
        if rule_set.effective_from is not None and rule_set.effective_from <= today:
            errors.setdefault("effective_from", []).append(
                "A new rule set must take effect after today, so that results already "
                "computed keep the rules they were computed under."
            )
    else:
        stored = RuleSet.objects.get(pk=rule_set.pk)
        changed = (stored.parameters, stored.effective_from) != (
            rule_set.parameters,
            rule_set.effective_from,
        )
        if changed and rule_set_has_results(stored):
            errors.setdefault("parameters", []).append(
                f"Rule set {stored.version} has already produced penalties or scores; "
                "add a new version with a later start date instead of editing it."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def rule_set_save(*, rule_set: RuleSet, today: date, user=None) -> RuleSet:
    rule_set_validate(rule_set=rule_set, today=today)
    if rule_set.pk is None and user is not None:
        rule_set.created_by = user
    rule_set.save()
    return rule_set
