"""The `enforcelink` command line answers an operator's mistake in one line, never a traceback
(issue 14 §11): a missing or refused setting, a mistyped command or option, a file that is not there."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError

from enforcelink import cli
from enforcelink.config import env

ENFORCELINK = Path(sys.executable).with_name("enforcelink")


def run(tmp_path: Path, *args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    """The installed entry point, with none of this process's EnforceLink settings."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ENFORCELINK_", "DATABASE_URL"))}
    base.update(
        ENFORCELINK_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ENFORCELINK_HTTPS="0",
    )
    base.update(environ)
    return subprocess.run(
        [str(ENFORCELINK), *args], env=base, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("args", [["migrate"], ["court", "list"], ["help"]])
def test_without_a_secret_key_one_line_says_what_to_set_and_how(tmp_path, args):
    """The README's own examples, run as written by an operator who has not set the key: Django's
    answer was a 56-line traceback (and `help` listed Django's commands without ours)."""
    line = one_line(run(tmp_path, *args))
    assert "ENFORCELINK_SECRET_KEY" in line
    assert "secrets.token_urlsafe(50)" in line  # how to make one


def test_a_refused_setting_is_one_line_naming_the_variable(tmp_path):
    line = one_line(run(tmp_path, "migrate", ENFORCELINK_SECRET_KEY="check", ENFORCELINK_DEBUG="perhaps"))
    assert "ENFORCELINK_DEBUG" in line and "perhaps" in line


def test_a_weak_key_is_refused_in_one_line_saying_how_to_make_one(tmp_path):
    result = run(tmp_path, "serve", "--dry-run", ENFORCELINK_SECRET_KEY="abcde", ENFORCELINK_DEBUG="0")
    line = one_line(result)
    assert "ENFORCELINK_SECRET_KEY" in line and "secrets.token_urlsafe(50)" in line


def test_a_bad_option_value_is_one_line_without_the_usage_block(tmp_path):
    result = run(tmp_path, "demo-data", "--cases", "many", ENFORCELINK_SECRET_KEY="check")
    line = one_line(result)
    assert result.returncode == 2
    assert "--cases" in line and "many" in line and "--help" in line
    assert "usage:" not in result.stderr  # argparse's block began "usage: enforcelink demo_data [-h] …"


def test_a_file_that_cannot_be_written_is_one_line_naming_it(tmp_path):
    target = tmp_path / "missing" / "cases.xlsx"
    line = one_line(run(tmp_path, "import", "template", "cases", str(target), ENFORCELINK_SECRET_KEY="check"))
    assert str(target) in line


def test_a_command_s_own_error_is_one_line(tmp_path):
    line = one_line(run(tmp_path, "sweep", "--date", "2024-13-01", ENFORCELINK_SECRET_KEY="check"))
    assert "--date" in line and "2024-13-01" in line


def test_an_unknown_command_is_one_line_with_the_likely_one(tmp_path):
    line = one_line(run(tmp_path, "demo-dta", ENFORCELINK_SECRET_KEY="check"))
    assert "demo-dta" in line and "demo-data" in line


def test_traceback_still_shows_the_traceback_when_asked_for(tmp_path):
    target = tmp_path / "missing" / "cases.xlsx"
    result = run(
        tmp_path, "import", "--traceback", "template", "cases", str(target), ENFORCELINK_SECRET_KEY="check"
    )
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_the_messages_said_before_the_settings_load_use_the_settings_language(settings):
    assert cli.LANGUAGE_CODE == settings.LANGUAGE_CODE
    # The catalogue read without Django is the product's: a message it has comes back translated.
    assert cli._catalogue().gettext("Username") == "用户名"


def test_a_refused_setting_keeps_its_message_for_translation():
    error = env.SettingError(env.NO_KEY, recipe=env.KEY_RECIPE)
    assert str(error) == env.NO_KEY % {"recipe": env.KEY_RECIPE}
    assert error.translated(lambda message: "【" + message + "】") == f"【{error}】"


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (FileNotFoundError(errno.ENOENT, "No such file or directory", "/srv/cases.csv"), "/srv/cases.csv"),
        (PermissionError(errno.EACCES, "Permission denied", "/srv/out.xlsx"), "/srv/out.xlsx"),
        (OperationalError("no such table: orgs_user\nmore detail"), "no such table: orgs_user"),
    ],
)
def test_expected_errors_are_said_in_one_line(error, said):
    line = cli.expected_error(error)
    assert line is not None and said in line and "\n" not in line


def test_a_fault_of_ours_is_not_dressed_up():
    assert cli.expected_error(KeyError("x")) is None  # main() re-raises it: the traceback is the report
