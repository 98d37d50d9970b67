"""The README's commands work as written, against the demo, and print what the README says.

The examples are read from README.md itself, so they cannot drift: every line of a fenced `sh`
block runs, in order, in a shell, except `make ...` (the two commands: `make run` is what the
setup below reproduces, `make test` is what runs this) and `python -m benchmarks.*` (they
measure for seconds and print timings). A run of `# ...` lines right under a command is its
output, line for line; `...` there stands for any text.

The setup is what `make run` leaves behind on a fresh clone, with no other environment: the
`.env` it writes (DJANGO_DEBUG=true and a generated key), the migrated database and the demo
loaded on the README's date. Each command is a child process started in a scratch directory
(the files the examples write stay there) whose clock reads that date, so `--as-of` left out
means the same day the README shows.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import textwrap
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from django.db import connection

from seller_portal import local_env

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
# The day the README's outputs were taken (a Monday: a score refresh day).
README_DAY = date(2026, 11, 30)
WIB = timezone(timedelta(hours=7))
SKIPPED = re.compile(r"^(make\s|\S*python\S* -m benchmarks\.)")
# Without these the test would pass on a README that lost its examples.
DOCUMENTED = ("recalculate", "export_scores", "import_events", "check_messages")


def readme_examples(text: str) -> list[tuple[str, list[str]]]:
    """(command line, expected output lines) for each line of the README's `sh` blocks."""
    examples: list[tuple[str, list[str]]] = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL):
        current: tuple[str, list[str]] | None = None
        for line in block.splitlines():
            stripped = line.strip()
            if not stripped:
                current = None
            elif stripped.startswith("#"):
                if current is not None:
                    current[1].append(stripped.removeprefix("#").strip())
            elif SKIPPED.match(stripped):
                current = None
            else:
                current = (stripped, [])
                examples.append(current)
    return examples


def output_pattern(expected: str) -> re.Pattern:
    return re.compile(".*".join(re.escape(part) for part in expected.split("...")))


def test_readme_examples_are_found():
    examples = readme_examples(README.read_text(encoding="utf-8"))

    commands = [shlex.split(line, comments=True) for line, _ in examples]
    for name in DOCUMENTED:
        assert any(name in argv for argv in commands), f"the README shows no `{name}`"
    silent = [line for line, expected in examples if "manage.py" in line and not expected]
    assert silent == [], "every manage.py example says what it prints"


def test_readme_parsing():
    text = textwrap.dedent(
        """\
        ```sh
        make run
        ```
        ```sh
        printf x > f  # a note
        .venv/bin/python manage.py a --b   # what it does
        # first ... line
        # second

        .venv/bin/python -m benchmarks.guidelines
        # 45,000 per second
        ```
        """
    )

    assert readme_examples(text) == [
        ("printf x > f  # a note", []),
        (".venv/bin/python manage.py a --b   # what it does", ["first ... line", "second"]),
    ]
    assert output_pattern("stored: 0, ...").fullmatch("stored: 0, already present: 3")
    assert not output_pattern("stored: 0, ...").fullmatch("stored: 1, already present: 3")


def database_url(tmp_path: Path) -> tuple[str, bool]:
    """The test database for the child processes, and whether it still needs migrating.

    An SQLite test database lives in this process's memory; the children then get a file in
    tmp_path and migrate it, as `make run` does."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        return f"postgres://{auth}@{host}/{db['NAME']}", False
    return f"sqlite:///{tmp_path / 'db.sqlite3'}", True


def pinned_clock(directory: Path, day: date) -> Path:
    """A sitecustomize that sets the children's clock to 09:00 WIB of `day`, then running."""
    directory.mkdir()
    start = datetime.combine(day, datetime.min.time(), WIB) + timedelta(hours=9)
    (directory / "sitecustomize.py").write_text(
        textwrap.dedent(
            f"""\
            import datetime, time
            import django.utils.timezone as tz

            _START, _REAL = datetime.datetime.fromisoformat({start.isoformat()!r}), {time.time()!r}

            def now():
                moment = _START + datetime.timedelta(seconds=time.time() - _REAL)
                return moment.astimezone(datetime.UTC)

            tz.now = now
            """
        ),
        encoding="utf-8",
    )
    return directory


@pytest.fixture
def after_make_run(tmp_path, transactional_db):
    """A scratch directory that looks like the checkout after `make run`, and its environment."""
    work = tmp_path / "checkout"
    work.mkdir()
    (work / "manage.py").symlink_to(ROOT / "manage.py")  # Python resolves it: imports work
    (work / ".venv").symlink_to(Path(sys.prefix))
    env_file = tmp_path / "dot.env"
    local_env.write(env_file)  # what `make run` writes
    url, needs_migrate = database_url(tmp_path)
    # Nothing from this process's environment that configures the portal: only what a fresh
    # clone has, the .env, the database and the clock.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    env |= {
        "DJANGO_ENV_FILE": str(env_file),
        "DATABASE_URL": url,
        "PYTHONPATH": str(pinned_clock(tmp_path / "clock", README_DAY)),
    }
    steps = (["migrate", "--no-input"],) if needs_migrate else ()
    for step in (*steps, ["seed_demo"]):  # make run: migrate, seed the demo for "today"
        done = subprocess.run(
            [".venv/bin/python", "manage.py", *step],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-3000:]
    return work, env


def test_every_readme_command_runs_as_written_and_prints_what_the_readme_says(after_make_run):
    work, env = after_make_run
    examples = readme_examples(README.read_text(encoding="utf-8"))
    before = sorted(p.name for p in ROOT.iterdir())

    for line, expected in examples:
        started = time.monotonic()
        done = subprocess.run(
            ["bash", "-c", line], cwd=work, env=env, capture_output=True, text=True, timeout=600
        )

        assert done.returncode == 0, f"{line}\n{done.stderr[-3000:]}"
        assert "Traceback" not in done.stderr, line
        if expected:
            printed = done.stdout.splitlines()
            assert len(printed) == len(expected), f"{line}\nprinted:\n{done.stdout[:3000]}"
            for want, got in zip(expected, printed, strict=True):
                assert output_pattern(want).fullmatch(got), (
                    f"{line}\nREADME: {want}\nprinted: {got[:3000]}"
                )
        assert time.monotonic() - started < 300, line

    assert sorted(p.name for p in ROOT.iterdir()) == before, "an example wrote into the checkout"


def heading_anchors(markdown: str) -> set[str]:
    """GitHub's anchors of a file's headings: lower case, punctuation dropped, spaces to -."""
    anchors = set()
    for heading in re.findall(r"^#{1,6} (.+)$", markdown, flags=re.MULTILINE):
        anchors.add(re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-"))
    return anchors


def test_no_link_of_the_documentation_leaves_the_repository():
    documents = [README, *sorted((ROOT / "docs").glob("*.md"))]
    problems = []
    for document in documents:
        text = document.read_text(encoding="utf-8")
        if "../shared" in text or "SPEC.md" in text:
            problems.append(f"{document.name}: refers to the specification outside the repository")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"https?://", target):
                continue
            path, _, anchor = target.partition("#")
            resolved = (document.parent / path).resolve() if path else document
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                problems.append(f"{document.name}: {target} is not a file of the repository")
            elif anchor and anchor not in heading_anchors(resolved.read_text(encoding="utf-8")):
                problems.append(f"{document.name}: {target} names no heading of {path}")

    assert problems == []
    assert "](docs/RULES.md)" in README.read_text(encoding="utf-8")
