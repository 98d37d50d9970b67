"""Adversarial inputs for regular expressions, built from each pattern's own alphabet.

A backtracking engine (Python's `re`) is slow on a text when a pattern can match a long stretch
of it in many ways, or when it scans far from every start position and fails. Both show up
on a text made of a short fragment repeated: the fragment is what the pattern's repetitions
consume, so every start position restarts the same long attempt. The fragments come from the
pattern itself — its literal words ("www.", "@", "bayar"), one character of each of its
character classes, and every pair of those — so a new pattern gets its own adversaries
without anyone writing them.

Used by `tests/test_guideline_linear.py` (the guard that every pattern stays linear) and by
`benchmarks/guidelines.py` (ordinary against adversarial throughput).
"""

from __future__ import annotations

import itertools
import random
import re
import time
from collections.abc import Callable, Iterator
from re import _constants as sre_constants
from re import _parser as sre_parse

# One representative character per category, and one that is in none of them.
CATEGORY_CHARS = {
    sre_constants.CATEGORY_DIGIT: "7",
    sre_constants.CATEGORY_NOT_DIGIT: "a",
    sre_constants.CATEGORY_WORD: "a",
    sre_constants.CATEGORY_NOT_WORD: "-",
    sre_constants.CATEGORY_SPACE: " ",
    sre_constants.CATEGORY_NOT_SPACE: "x",
}
FILLER = "a-b. 7@/:"  # characters that many patterns treat differently


def _class_chars(items) -> set[str]:
    chars: set[str] = set()
    negated = False
    for op, av in items:
        if op is sre_constants.NEGATE:
            negated = True
        elif op is sre_constants.LITERAL:
            chars.add(chr(av))
        elif op is sre_constants.RANGE:
            chars.update({chr(av[0]), chr(av[1])})
        elif op is sre_constants.CATEGORY:
            chars.add(CATEGORY_CHARS.get(av, "a"))
    if negated:
        # A negated class matches what it does not list: offer characters outside it.
        return {c for c in FILLER + "aZ" if c not in chars} or {"~"}
    return chars


def alphabet(pattern: re.Pattern) -> tuple[set[str], set[str]]:
    """(the pattern's literal words, one character of each of its classes and literals)."""
    words: set[str] = set()
    chars: set[str] = set()

    def walk(sub) -> None:
        run = []
        for op, av in sub:
            if op is sre_constants.LITERAL:
                run.append(chr(av))
                chars.add(chr(av))
                continue
            if run:
                words.add("".join(run))
                run = []
            if op is sre_constants.NOT_LITERAL:
                chars.add("a" if chr(av) != "a" else "b")
            elif op is sre_constants.IN:
                chars.update(_class_chars(av))
            elif op is sre_constants.ANY:
                chars.add("a")
            elif op is sre_constants.BRANCH:
                for branch in av[1]:
                    walk(branch)
            elif op is sre_constants.SUBPATTERN:
                walk(av[3])
            elif op in (
                sre_constants.MAX_REPEAT,
                sre_constants.MIN_REPEAT,
                sre_constants.POSSESSIVE_REPEAT,
            ):
                walk(av[2])
            elif op is sre_constants.ATOMIC_GROUP:
                walk(av)
            elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
                walk(av[1])
        if run:
            words.add("".join(run))

    walk(sre_parse.parse(pattern.pattern, pattern.flags))
    return words, chars


def fragments(pattern: re.Pattern, *, limit: int = 400, seed: int = 0) -> list[str]:
    """Short fragments to repeat: each literal word and character of the pattern, each word
    followed by each character, each pair of characters, each pair of words (a sample when
    there are more than `limit`)."""
    words, chars = alphabet(pattern)
    words = {w for w in words if len(w) <= 12}
    singles = sorted(chars | words)
    pairs = [a + b for a, b in itertools.product(sorted(chars), repeat=2)]
    word_char = [w + c for w in sorted(words) for c in sorted(chars)]
    word_word = [a + " " + b for a, b in itertools.product(sorted(words), repeat=2)]
    rng = random.Random(seed)
    out: list[str] = list(dict.fromkeys(singles + pairs))
    for pool in (word_char, word_word):
        rng.shuffle(pool)
        out.extend(pool)
    out = list(dict.fromkeys(f for f in out if f.strip() or f == " "))
    return out[:limit] if len(out) > limit else out


def module_patterns(module) -> dict[str, re.Pattern]:
    """Every compiled pattern a module holds as a public name: what the guard walks."""
    return {
        name: value
        for name, value in vars(module).items()
        if isinstance(value, re.Pattern) and not name.startswith("_")
    }


def repeated(fragment: str, length: int, prefix: str = "") -> str:
    body = fragment * (length // len(fragment) + 1)
    return (prefix + body)[:length]


def ordinary_text(length: int, messages: list[str], *, seed: int = 1) -> str:
    """`length` characters of real chat: `messages` in a shuffled order, end to end."""
    rng = random.Random(seed)
    pool = list(messages)
    parts: list[str] = []
    size = 0
    while size < length:
        rng.shuffle(pool)
        for text in pool:
            parts.append(text)
            size += len(text) + 1
            if size >= length:
                break
    return " ".join(parts)[:length]


def cost(
    call: Callable[[str], object], text: str, *, budget: float = 0.004, rounds: int = 5
) -> float:
    """Seconds per call of `call(text)`: the best of `rounds` rounds, each at least `budget`
    long, so that a short call is measured over many repetitions. Processor time of this
    process, not the wall clock: other work on a busy machine does not count."""
    best = float("inf")
    for _ in range(rounds):
        runs, started = 0, time.process_time()
        while True:
            call(text)
            runs += 1
            elapsed = time.process_time() - started
            if elapsed >= budget:
                break
        best = min(best, elapsed / runs)
    return best


def adversaries(pattern: re.Pattern, length: int) -> Iterator[tuple[str, str]]:
    """(fragment, text) pairs: each fragment repeated to `length`, alone and after each of
    the pattern's literal words (which open the slow attempt, as "www " opens a link)."""
    words, _chars = alphabet(pattern)
    openers = [""] + sorted(w for w in words if len(w) <= 12)[:40]
    for fragment in fragments(pattern):
        yield fragment, repeated(fragment, length)
    for opener in openers[1:]:
        for fragment in ("a-", "a.", "a ", "7 ", "7-", "a-b.", "a@", "aa", "77"):
            yield f"{opener}+{fragment}", repeated(fragment, length, prefix=opener + " ")
