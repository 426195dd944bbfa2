"""Loading the settings module in a fresh interpreter: loud failures, production hardening, check --deploy."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
PRINT = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
    "s.SECURE_HSTS_SECONDS, s.TIME_ZONE, s.LANGUAGE_CODE, [c for c, _ in s.LANGUAGES], "
    "s.PASSWORD_HASHERS[0].rsplit('.', 1)[1])"
)


def run(code: str, tmp_path: Path, **environ: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ENFORCELINK_", "DATABASE_URL"))}
    base.update(DJANGO_SETTINGS_MODULE="enforcelink.config.settings", ENFORCELINK_VAR_DIR=str(tmp_path))
    base.update(environ)
    return subprocess.run(
        [sys.executable, "-c", code], env=base, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )


def strong_key() -> str:
    return secrets.token_urlsafe(64)


def test_production_settings_are_hardened(tmp_path):
    result = run(PRINT, tmp_path, ENFORCELINK_SECRET_KEY=strong_key(), ENFORCELINK_DEBUG="0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False", "True", "True", "True", "31536000", "Asia/Shanghai", "zh-hans",
        "['zh-hans',", "'zh-hant',", "'en']", "Argon2PasswordHasher",
    ]  # fmt: skip


def test_demo_runs_without_a_key_and_without_tls(tmp_path):
    result = run(PRINT, tmp_path, ENFORCELINK_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:4] == ["True", "False", "False", "False"]
    assert (tmp_path / "secret_key").exists()
    name = run(
        "from enforcelink.config import settings as s; print(s.DATABASES['default']['NAME'])",
        tmp_path,
        ENFORCELINK_DEBUG="1",
    )
    assert name.stdout.strip() == str(tmp_path / "enforcelink.sqlite3")


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"ENFORCELINK_DEBUG": "0"}, "ENFORCELINK_SECRET_KEY"),
        ({"ENFORCELINK_DEBUG": "perhaps"}, "ENFORCELINK_DEBUG"),
        ({"ENFORCELINK_AXES_FAILURE_LIMIT": "many"}, "ENFORCELINK_AXES_FAILURE_LIMIT"),
        ({"DATABASE_URL": "mysql://root@localhost/el"}, "DATABASE_URL"),
        ({"ENFORCELINK_REQUIRE_2FA_ROLES": "president,judge"}, "ENFORCELINK_REQUIRE_2FA_ROLES"),
        ({"ENFORCELINK_HSTS_SECONDS": "-1"}, "ENFORCELINK_HSTS_SECONDS"),
        ({"ENFORCELINK_LOG_LEVEL": "LOUD"}, "ENFORCELINK_LOG_LEVEL"),
        ({"ENFORCELINK_SESSION_HOURS": "0"}, "ENFORCELINK_SESSION_HOURS"),
        ({"ENFORCELINK_PUBLIC_URL": "zxld.example.gov.cn"}, "ENFORCELINK_PUBLIC_URL"),
    ],
)
def test_bad_values_stop_the_start_naming_the_variable(tmp_path, environ, named):
    environ = {"ENFORCELINK_SECRET_KEY": "k", **environ} if named != "ENFORCELINK_SECRET_KEY" else environ
    result = run("import django; django.setup()", tmp_path, **environ)
    assert result.returncode != 0
    # env.SettingError: an ImproperlyConfigured that keeps its message for `enforcelink` to translate.
    assert "SettingError" in result.stderr and named in result.stderr


def test_check_deploy_is_clean(tmp_path):
    """issue 2 §12: `enforcelink check --deploy` reports no issue with a real key and DEBUG off."""
    # The browser tests' conftest allows async-unsafe calls in this process; a deployment never does.
    skip = ("ENFORCELINK_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    environ.update(
        ENFORCELINK_SECRET_KEY=strong_key(),
        ENFORCELINK_DEBUG="0",
        ENFORCELINK_VAR_DIR=str(tmp_path),
        ENFORCELINK_ALLOWED_HOSTS="enforcelink.example.cn",
        ENFORCELINK_PUBLIC_URL="https://enforcelink.example.cn",
    )
    result = subprocess.run(
        [str(BIN / "enforcelink"), "check", "--deploy", "--fail-level", "WARNING"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in (result.stdout + result.stderr)


def test_the_production_default_hosts_do_not_include_the_test_client_s(tmp_path):
    """Issue 12 §8: `testserver` was a default host outside the tests."""
    code = "import django; django.setup(); from django.conf import settings as s; print(s.ALLOWED_HOSTS)"
    result = run(code, tmp_path, ENFORCELINK_SECRET_KEY=strong_key(), ENFORCELINK_DEBUG="0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['127.0.0.1', 'localhost', '[::1]']"


@pytest.mark.parametrize("key", ["abcde", "x" * 60, "short-but-varied-key-0123456789"])
def test_runserver_refuses_a_weak_key_outside_debug(tmp_path, key):
    """Issue 12 §8: a 5-character key only warned (W009). Refused before anything binds a port."""
    result = run(
        "from enforcelink.cli import main; main(['enforcelink', 'runserver', '--noreload', '127.0.0.1:0'])",
        tmp_path,
        ENFORCELINK_SECRET_KEY=key,
        ENFORCELINK_DEBUG="0",
        ENFORCELINK_HTTPS="0",
    )
    assert result.returncode != 0
    assert "ENFORCELINK_SECRET_KEY" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_serve_dev_outside_debug_refuses_a_weak_key_too(tmp_path):
    code = "from enforcelink.cli import main; main(['enforcelink', 'serve', '--dev', '--dry-run'])"
    weak = run(code, tmp_path, ENFORCELINK_SECRET_KEY="abcde", ENFORCELINK_DEBUG="0", ENFORCELINK_HTTPS="0")
    assert weak.returncode != 0 and "ENFORCELINK_SECRET_KEY" in weak.stderr
    strong = run(
        code, tmp_path, ENFORCELINK_SECRET_KEY=strong_key(), ENFORCELINK_DEBUG="0", ENFORCELINK_HTTPS="0"
    )
    assert strong.returncode == 0, strong.stderr


def test_commands_that_serve_nobody_still_take_a_throwaway_key(tmp_path):
    result = run(
        "import django; django.setup()", tmp_path, ENFORCELINK_SECRET_KEY="check", ENFORCELINK_DEBUG="0"
    )
    assert result.returncode == 0, result.stderr


def test_the_wsgi_module_refuses_a_weak_key_outside_debug(settings):
    """Issue 12 §8: a server started on config.wsgi (gunicorn, uWSGI) refuses the key as serve does."""
    import importlib
    import sys

    from django.core.exceptions import ImproperlyConfigured

    settings.DEBUG = False
    settings.SECRET_KEY = "abcde"
    sys.modules.pop("enforcelink.config.wsgi", None)
    with pytest.raises(ImproperlyConfigured, match="too weak"):
        importlib.import_module("enforcelink.config.wsgi")
    settings.SECRET_KEY = "k" * 25 + "".join(chr(ord("a") + i % 26) for i in range(40))
    sys.modules.pop("enforcelink.config.wsgi", None)
    assert importlib.import_module("enforcelink.config.wsgi").application is not None
