"""`make test` finds its PostgreSQL through config/testdb.py: locally an unreachable one skips the
PostgreSQL run with a message, in CI (`CI=true`) it fails the run, so the PostgreSQL-only
concurrency tests can never be skipped there without anyone noticing."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from enforcelink.config import testdb

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none"


def nothing_answers(url: str) -> bool:
    return False


def run(environ: dict[str, str], answers=nothing_answers) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = testdb.main(environ, answers, out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("ci", ["true", "TRUE", "1", "yes"])
def test_in_ci_an_unreachable_postgresql_fails(ci):
    code, out, err = run({"CI": ci, "DATABASE_URL": UNREACHABLE})
    assert code == 1
    assert out == ""
    assert "CI is set" in err


@pytest.mark.parametrize("environ", [{}, {"CI": ""}, {"CI": "false"}, {"CI": "0"}])
def test_locally_an_unreachable_postgresql_skips_with_the_message(environ):
    code, out, err = run({**environ, "DATABASE_URL": UNREACHABLE})
    assert code == 0
    assert out == ""
    assert err == testdb.SKIPPED + "\n"


@pytest.mark.parametrize("ci", ["true", ""])
def test_a_reachable_postgresql_is_printed_in_ci_and_locally(ci):
    asked = []

    def only_the_default(url: str) -> bool:
        asked.append(url)
        return url == testdb.DEFAULT_URL

    code, out, err = run({"CI": ci, "DATABASE_URL": UNREACHABLE}, only_the_default)
    assert (code, out, err) == (0, testdb.DEFAULT_URL, "")
    assert asked == [UNREACHABLE, testdb.DEFAULT_URL]  # DATABASE_URL is tried first


def test_a_database_url_that_is_not_postgresql_is_not_tried():
    assert testdb.candidates({"DATABASE_URL": "sqlite:///:memory:"}) == [testdb.DEFAULT_URL]


def _stub_bin(tmp_path: Path, python_body: str) -> Path:
    """A stand-in for .venv/bin: `python` runs testdb's main with nothing answering, `pytest` leaves a mark."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    python = bin_dir / "python"
    python.write_text(f"#!/bin/sh\nexec {sys.executable} -c '{python_body}'\n")
    pytest_stub = bin_dir / "pytest"
    pytest_stub.write_text(f"#!/bin/sh\ntouch {tmp_path}/pytest-ran\n")
    for script in (python, pytest_stub):
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return bin_dir


def _make_pytest_postgres(tmp_path: Path, ci: str | None, answers: str) -> subprocess.CompletedProcess:
    body = f"import sys; from enforcelink.config import testdb; sys.exit(testdb.main(answers=lambda url: {answers}))"
    bin_dir = _stub_bin(tmp_path, body)
    environ = {key: value for key, value in os.environ.items() if key not in ("CI", "MAKEFLAGS", "MAKELEVEL")}
    environ["DATABASE_URL"] = UNREACHABLE
    if ci is not None:
        environ["CI"] = ci
    # -o: take install and system-deps as done; the recipe under test is pytest-postgres's own.
    return subprocess.run(
        [
            "make",
            "-f",
            str(ROOT / "Makefile"),
            "-o",
            "install",
            "-o",
            "system-deps",
            f"BIN={bin_dir}",
            "pytest-postgres",
        ],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_make_fails_in_ci_when_postgresql_is_unreachable(tmp_path):
    result = _make_pytest_postgres(tmp_path, "true", "False")
    assert result.returncode != 0
    assert "CI is set" in result.stderr
    assert not (tmp_path / "pytest-ran").exists()
    assert not (tmp_path / "var" / "pg-run").exists()


def test_make_skips_locally_when_postgresql_is_unreachable(tmp_path):
    result = _make_pytest_postgres(tmp_path, None, "False")
    assert result.returncode == 0, result.stderr
    assert testdb.SKIPPED in result.stderr
    assert (tmp_path / "var" / "pg-run").read_text() == "skipped\n"
    assert not (tmp_path / "pytest-ran").exists()


def test_make_runs_the_suite_on_a_reachable_postgresql_in_ci(tmp_path):
    result = _make_pytest_postgres(tmp_path, "true", "True")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "pytest-ran").exists()
    assert (tmp_path / "var" / "pg-run").read_text() == "ran\n"
