"""The guideline checker runs in linear time on any text (issue: hostile input).

Two guards. Statically: every pattern of `performance.rules.guidelines` has a bounded width, so
a search looks a fixed distance ahead of each start position and is linear by construction.
Empirically: every pattern, and the whole checker, is run over adversarial texts built from
the pattern's own alphabet (tests/regex_adversary.py) at 1,000 and 5,000 characters; the cost
must grow no faster than the text (5× the text, at most 8× the time) and stay within a
generous multiple of what ordinary chat of the same length costs. Costs are compared as
ratios measured in the same run, never against a wall-clock threshold.
"""

import re
import time
from re import _constants as sre_constants
from re import _parser as sre_parse

import pytest

from performance.rules import guidelines
from performance.rules.guidelines import REPEAT_LIMIT, bounded, check_text
from seller_portal.demo import AUTO_REPLIES, SELLER_REPLIES
from tests.regex_adversary import adversaries, cost, module_patterns, ordinary_text

SHORT, LONG = 1000, 5000
MAX_GROWTH = 12.0  # time(LONG) / time(SHORT): 5 when linear, 25 when quadratic
MAX_RATIO = 25.0  # adversarial cost / the whole checker's cost on ordinary chat
WORST_PER_PATTERN = 3  # adversaries measured precisely after the quick screen

PATTERNS = module_patterns(guidelines)
ORDINARY = [*SELLER_REPLIES, *AUTO_REPLIES]


def _search_all(pattern):
    return lambda text: list(pattern.finditer(text))


def test_the_module_has_the_patterns_the_guard_walks():
    """Every pattern the checker runs is a module-level name, so the guards see it."""
    used = {id(pattern) for _rule, pattern, _hints in guidelines.SIMPLE}
    assert used <= {id(pattern) for pattern in PATTERNS.values()}
    assert {"URL", "EMAIL", "PHONE", "SPAM", "FEEDBACK", "HINT_SCAN"} <= PATTERNS.keys()


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_every_pattern_has_a_bounded_width(name):
    pattern = PATTERNS[name]
    _low, high = sre_parse.parse(pattern.pattern, pattern.flags).getwidth()
    assert high < sre_constants.MAXREPEAT, f"{name} can match an unbounded stretch of text"
    assert high <= 5000, f"{name} can look {high} characters ahead"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"a+b*c", r"a{1,64}b{0,64}c"),
        (r"a+?b*?", r"a{1,64}?b{0,64}?"),
        (r"a++b*+", r"a{1,64}+b{0,64}+"),
        (r"a{2,}b{3,}?c{100,}", r"a{2,64}b{3,64}?c{100,100}"),
        (r"a{2,5}b{3}c?d??", r"a{2,5}b{3}c?d??"),
        (r"(?:ab|cd)+(?<!x)(?=y)", r"(?:ab|cd){1,64}(?<!x)(?=y)"),
        (r"[+*]\+\*[]+*]+", r"[+*]\+\*[]+*]{1,64}"),
        (r"[^]+]*", r"[^]+]{0,64}"),
        (r"\{2,\}x", r"\{2,\}x"),
        (r"(?i:a)+(?-i:B)*", r"(?i:a){1,64}(?-i:B){0,64}"),
    ],
)
def test_bounded_caps_every_unbounded_repetition_and_nothing_else(source, expected):
    assert REPEAT_LIMIT == 64
    assert bounded(source) == expected
    re.compile(bounded(source))


def _worst(call, candidates, keep):
    """The labels of the `keep` slowest texts of `candidates`, by one quick call each."""
    timed = []
    for label, text in candidates.items():
        started = time.perf_counter()
        call(text)
        timed.append((time.perf_counter() - started, label))
    return [label for _t, label in sorted(timed, reverse=True)[:keep]]


@pytest.fixture(scope="module")
def ordinary_cost():
    """The whole checker on ordinary seller chat, per length."""
    return {length: cost(check_text, ordinary_text(length, ORDINARY)) for length in (SHORT, LONG)}


def _assert_linear(what, call, label, texts, ordinary_cost):
    short, long = (cost(call, texts[length]) for length in (SHORT, LONG))
    growth = long / short
    ratio = long / ordinary_cost[LONG]
    assert growth <= MAX_GROWTH, f"{what} on {label!r}: 5× the text took {growth:.1f}× the time"
    assert ratio <= MAX_RATIO, (
        f"{what} on {label!r} costs {ratio:.1f}× the checker on ordinary chat of the same length"
    )


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_no_pattern_and_not_the_checker_is_slow_on_the_patterns_adversarial_texts(
    name, ordinary_cost
):
    """A quick screen of every adversary at the short length finds the slowest for the
    pattern alone and for the whole checker; those are then measured at both lengths."""
    pattern = PATTERNS[name]
    short = dict(adversaries(pattern, SHORT))
    long = dict(adversaries(pattern, LONG))
    for what, call in ((name, _search_all(pattern)), ("check_text", check_text)):
        for label in _worst(call, short, WORST_PER_PATTERN):
            texts = {SHORT: short[label], LONG: long[label]}
            _assert_linear(what, call, label, texts, ordinary_cost)


@pytest.mark.parametrize(
    "make",
    [
        # The two texts of the security assessment: 1–3 s each before the patterns were bounded.
        lambda n: ("www " + "a-b." * n)[:n],
        lambda n: ("x@" + "a-" * n)[:n],
        # Many matches that a later check rejects: each rejection must not rescan the text.
        lambda n: ("halo kak " * (n // 36) + "hati-hati " + "kw super " * n)[:n],
        lambda n: ("halo kak " * (n // 36) + "waspada penipu, kirim otp " * n)[:n],
        lambda n: ("kode qr " * n)[: n - 12] + " di aplikasi",
        lambda n: "!" * n,
        lambda n: "⭐" * n,
    ],
)
def test_known_hostile_messages_cost_what_ordinary_chat_costs(make, ordinary_cost):
    texts = {length: make(length) for length in (SHORT, LONG)}
    _assert_linear("check_text", check_text, texts[SHORT][:20], texts, ordinary_cost)
