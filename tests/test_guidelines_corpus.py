"""The §4.2 guideline checker measured against the labelled seller-message corpus (RULES §9)."""

from collections import Counter

import pytest

from performance.rules.guidelines import check_text
from tests.guideline_corpus import CORPUS, RULE_SECTIONS, measure_checker

pytestmark = pytest.mark.django_db

SECTIONS = {"4.2.1", "4.2.2", "4.2.3", "4.2.4", "4.2.7"}
MIN_MESSAGES = 150
MIN_CLEAN_SHARE = 0.40
MIN_PRECISION = 0.95
MIN_RECALL = 0.90
MIN_EXAMPLES_PER_RULE = 6


def test_corpus_is_well_formed():
    texts = [text for text, _ in CORPUS]
    duplicates = [text for text, n in Counter(texts).items() if n > 1]
    assert not duplicates, f"duplicate messages: {duplicates}"
    unknown = {rule for _, rules in CORPUS for rule in rules} - set(RULE_SECTIONS)
    assert not unknown, f"unknown rule codes in labels: {unknown}"
    per_rule = Counter(rule for _, rules in CORPUS for rule in rules)
    thin = {
        rule: per_rule[rule] for rule in RULE_SECTIONS if per_rule[rule] < MIN_EXAMPLES_PER_RULE
    }
    assert not thin, f"rules with fewer than {MIN_EXAMPLES_PER_RULE} examples: {thin}"


def test_precision_and_recall_over_corpus():
    precision, recall, clean_share, report = measure_checker(CORPUS, "corpus")
    print(report)

    assert len(CORPUS) >= MIN_MESSAGES, report
    assert clean_share >= MIN_CLEAN_SHARE, report
    assert precision >= MIN_PRECISION, report
    assert recall >= MIN_RECALL, report


def test_flags_point_at_their_text_and_section():
    problems = []
    for text, _ in CORPUS:
        for flag in check_text(text):
            if flag.match != text[flag.start : flag.end]:
                problems.append(
                    f"{text!r}: match {flag.match!r} != text[{flag.start}:{flag.end}] "
                    f"{text[flag.start : flag.end]!r}"
                )
            if flag.section not in SECTIONS:
                problems.append(f"{text!r}: {flag.rule} has section {flag.section!r}")
            elif flag.rule in RULE_SECTIONS and flag.section != RULE_SECTIONS[flag.rule]:
                problems.append(
                    f"{text!r}: {flag.rule} has section {flag.section!r}, "
                    f"expected {RULE_SECTIONS[flag.rule]!r}"
                )
            if flag.rule not in RULE_SECTIONS:
                problems.append(f"{text!r}: unknown rule code {flag.rule!r}")
    assert not problems, "\n".join(problems)
