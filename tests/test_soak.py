"""The soak test at a tiny scale: 3 sellers for 8 seconds on gunicorn, every page, no error.

It needs PostgreSQL whatever DATABASE_URL says (the server under load runs the production
settings on a scratch database): the server of DATABASE_URL when that is PostgreSQL, else
SOAK_DATABASE_URL's, else 127.0.0.1:5432 as user postgres. A PostgreSQL that cannot be
reached fails the test; nothing is skipped (under CI=true it is always there).
"""

import os
from urllib.parse import quote, urlsplit

from django.conf import settings

from benchmarks import soak


def _scratch_database_url() -> str:
    """A database of this run's own on the suite's PostgreSQL server: the soak drops it."""
    name = f"soak_suite_{os.getpid()}"
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        user = quote(database["USER"] or "postgres", safe="")
        password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
        host, port = database["HOST"] or "127.0.0.1", database["PORT"] or "5432"
        return f"postgres://{user}{password}@{host}:{port}/{name}"
    server = urlsplit(os.environ.get("SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/"))
    return server._replace(path=f"/{name}").geturl()


def test_three_sellers_for_eight_seconds_see_every_page_without_an_error(capsys):
    url = _scratch_database_url()

    report = soak.main(
        [
            *("--sellers", "3", "--seconds", "8", "--weeks", "3"),
            *("--sample-every", "2", "--api-every", "1", "--database-url", url),
        ]
    )

    out = capsys.readouterr().out
    assert report.errors == {}, out
    assert report.failures == [], out
    assert report.exit_code == 0
    assert sorted(kind for kind, n in report.requests.items() if n > 0) == sorted(soak.PAGE_KINDS)
    assert "errors: 0" in out
    assert "PASS: no error, memory stable" in out
    assert len(report.samples) == 5  # 0, 2, 4, 6, 8 s
    assert all(len(s.workers) == 4 for s in report.samples)
    assert report.connections_after == 0
    # Nothing left behind: the scratch database is dropped.
    with soak._connect(url, "postgres") as admin:
        left = admin.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s", (urlsplit(url).path[1:],)
        ).fetchone()
    assert left == (0,)
