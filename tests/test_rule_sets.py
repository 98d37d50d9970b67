"""Rule sets: v1 from the data migration, validated edits, and no silent rewrite of results."""

import copy
import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from performance.models import Penalty, RuleSet
from performance.rules.parameters import V1
from performance.services.ingest import events_ingest
from performance.services.penalties import penalties_issue_for_events
from performance.services.rule_sets import RuleSets, rule_set_save
from tests.helpers import event

pytestmark = pytest.mark.django_db

TODAY = date(2025, 4, 21)


def test_v1_is_seeded_with_the_defaults_of_the_spec():
    v1 = RuleSet.objects.get()
    assert (v1.version, v1.effective_from) == ("v1", date(2000, 1, 1))
    assert v1.parameters == V1
    assert v1.params.deduction_cap == 15
    assert v1.params.tier_thresholds == {"power_merchant": 60, "power_merchant_pro": 70}


def test_a_new_version_takes_effect_from_its_date_only():
    params = copy.deepcopy(V1)
    params["event_penalties"]["ORDER_IGNORED"] = 2
    v2 = rule_set_save(
        rule_set=RuleSet(version="v2", effective_from=date(2025, 5, 1), parameters=params),
        today=TODAY,
    )

    rule_sets = RuleSets()
    assert rule_sets.on(date(2025, 4, 30)).version == "v1"
    assert rule_sets.on(date(2025, 5, 1)) == v2


def test_a_new_version_cannot_start_today_or_earlier():
    with pytest.raises(ValidationError) as error:
        rule_set_save(
            rule_set=RuleSet(version="v2", effective_from=TODAY, parameters=V1), today=TODAY
        )
    assert error.value.message_dict["effective_from"] == [
        "A new rule set must take effect after today, so that results already computed keep "
        "the rules they were computed under."
    ]
    assert RuleSet.objects.count() == 1


def test_invalid_parameters_are_refused_with_every_reason():
    params = copy.deepcopy(V1)
    params["cancellation_abuse"] = [[0, 0], [10, 3], [5, 1]]
    params["components"]["reply_rate"]["weight"] = 30
    with pytest.raises(ValidationError) as error:
        rule_set_save(
            rule_set=RuleSet(version="v2", effective_from=date(2025, 5, 1), parameters=params),
            today=TODAY,
        )
    assert error.value.message_dict["parameters"] == [
        "cancellation_abuse: counts must increase from row to row",
        "cancellation_abuse: points must not decrease as the count grows",
        "components: weights must add up to 100, not 105",
    ]
    assert RuleSet.objects.count() == 1


def test_a_rule_set_with_results_is_frozen(make_shop):
    make_shop()
    assert events_ingest(items=enumerate([event("order.ignored", id="i1", order="INV/1")])).ok
    penalties_issue_for_events(until=TODAY)
    v1 = RuleSet.objects.get()
    v1.parameters = copy.deepcopy(V1) | {"deduction_cap": 20}

    with pytest.raises(ValidationError) as error:
        rule_set_save(rule_set=v1, today=TODAY)

    assert error.value.message_dict["parameters"] == [
        "Rule set v1 has already produced penalties or scores; add a new version with a later "
        "start date instead of editing it."
    ]
    assert RuleSet.objects.get().parameters["deduction_cap"] == 15
    assert Penalty.objects.get().rule_set == RuleSet.objects.get()


def test_a_rule_set_without_results_may_still_be_corrected():
    v1 = RuleSet.objects.get()
    v1.note = "Corrected wording"
    v1.parameters = copy.deepcopy(V1) | {"deduction_cap": 20}

    rule_set_save(rule_set=v1, today=TODAY)

    assert RuleSet.objects.get().params.deduction_cap == 20


def test_admin_refuses_an_invalid_rule_set_form(admin_client):
    response = admin_client.post(
        "/admin/performance/ruleset/add/",
        {
            "version": "v2",
            "effective_from": "2099-01-01",
            "parameters": '{"deduction_cap": 15}',
            "note": "",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "event_penalties: missing" in html
    assert RuleSet.objects.count() == 1


def test_admin_adds_a_future_version(admin_client):
    params = copy.deepcopy(V1) | {"deduction_cap": 12}
    response = admin_client.post(
        "/admin/performance/ruleset/add/",
        {"version": "v2", "effective_from": "2099-01-01", "parameters": json.dumps(params)},
    )

    assert response.status_code == 302
    v2 = RuleSet.objects.get(version="v2")
    assert v2.params.deduction_cap == 12
    assert v2.created_by.username == "admin"
