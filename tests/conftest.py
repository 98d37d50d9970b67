import os
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import settings as hypothesis_settings
from hypothesis.configuration import set_hypothesis_home_dir

from tests.helpers import create_shop, create_user

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by test
# set-up there are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Tests leave nothing in the checkout: Hypothesis keeps no example database, and what else it
# stores (its cache of constants) goes to the temporary directory, not to .hypothesis/.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "seller-portal-hypothesis")
hypothesis_settings.register_profile("portal", database=None)
hypothesis_settings.load_profile("portal")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (cached figures and page fragments)."""
    from django.core.cache import cache

    cache.clear()


def pytest_sessionstart(session):
    """Under CI=true, a missing PostgreSQL or Redis fails the run; it never skips."""
    if os.environ.get("CI") != "true":
        return
    problems = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL must point at PostgreSQL under CI=true")
    if not settings.REDIS_URL:
        problems.append("REDIS_URL must be set under CI=true")
    else:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL).ping()
        except redis.RedisError as exc:
            problems.append(f"Redis at {settings.REDIS_URL} is not reachable: {exc}")
    if not os.path.exists(CHROMIUM):
        problems.append(f"Chromium is missing at {CHROMIUM} (apt-get install -y chromium)")
    if problems:
        pytest.exit("CI services missing: " + "; ".join(problems), returncode=1)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, quiet on a closed network; never a downloaded browser."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def make_shop(db):
    return create_shop


@pytest.fixture
def make_user(db):
    return create_user


@pytest.fixture
def support(make_user):
    return make_user("cs-staf", groups=("support",), is_staff=True)


@pytest.fixture
def reviewer(make_user):
    return make_user("peninjau", groups=("reviewer",), is_staff=True)
