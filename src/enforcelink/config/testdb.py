"""Print the PostgreSQL URL the test run should use, or nothing when none is reachable.

`make test` runs the suite a second time against it; pytest-django creates and drops
its own `test_…` database there, so the one named here is never written to.

Locally an unreachable PostgreSQL skips that run with a message. In CI (`CI=true`) it fails
instead: the concurrency tests (row locks, several connections, worker processes) run only on
PostgreSQL, and a CI run that quietly skipped them would pass without having checked them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from typing import IO

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
SKIPPED = "PostgreSQL: not reachable, SKIPPED the PostgreSQL run"
REQUIRED = (
    "PostgreSQL: not reachable and CI is set: the PostgreSQL-only tests (concurrency, locks, "
    "worker processes) must run in CI; start PostgreSQL or point DATABASE_URL at one"
)


def candidates(environ: Mapping[str, str]) -> list[str]:
    """DATABASE_URL when it names PostgreSQL, then the local default."""
    url = environ.get("DATABASE_URL", "")
    found = [url] if url.startswith(("postgres:", "postgresql:")) else []
    found.append(DEFAULT_URL)
    return found


def _psycopg_answers(url: str) -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def reachable_url(
    environ: Mapping[str, str] | None = None, answers: Callable[[str], bool] = _psycopg_answers
) -> str:
    environ = os.environ if environ is None else environ
    return next((url for url in candidates(environ) if answers(url)), "")


def in_ci(environ: Mapping[str, str]) -> bool:
    """CI services set CI=true; any of the usual spellings of yes counts."""
    return environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def main(
    environ: Mapping[str, str] | None = None,
    answers: Callable[[str], bool] = _psycopg_answers,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
) -> int:
    """Write the URL to `out` and return 0; when none answers, say so on `err` and return 1 in CI, 0 otherwise."""
    environ = os.environ if environ is None else environ
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    url = reachable_url(environ, answers)
    if url:
        out.write(url)
        return 0
    if in_ci(environ):
        err.write(REQUIRED + "\n")
        return 1
    err.write(SKIPPED + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
