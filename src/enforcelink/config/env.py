"""Reading settings from the environment, failing loudly on values that make no sense."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, allowed: Iterable[str], default: str) -> str:
    """One value out of `allowed`, compared without regard to case; returned as spelled in `allowed`."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    by_upper = {value.upper(): value for value in allowed}
    if raw.upper() not in by_upper:
        raise ImproperlyConfigured(f"{name}={raw!r} is not one of {', '.join(by_upper.values())}")
    return by_upper[raw.upper()]


def env_choices(name: str, allowed: Iterable[str], default: list[str] | None = None) -> list[str]:
    """A comma-separated list whose every item must be one of `allowed` (a typo must not pass silently)."""
    values = env_list(name, list(default or []))
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise ImproperlyConfigured(
            f"{name}: unknown value(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )
    return values


def secret_key(*, debug: bool, var_dir: Path) -> str:
    """The key from ENFORCELINK_SECRET_KEY; in debug mode a generated one kept under var/."""
    key = os.environ.get("ENFORCELINK_SECRET_KEY", "").strip()
    if key:
        return key
    if not debug:
        raise ImproperlyConfigured(
            "ENFORCELINK_SECRET_KEY must be set when ENFORCELINK_DEBUG is off "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def secret_key_is_weak(key: str) -> bool:
    """Django's own test (security.W009): under 50 characters, under 5 distinct ones, or the
    `django-insecure-` prefix of a generated development key. The servers (`enforcelink serve`,
    `enforcelink runserver`) refuse such a key outside debug; commands that serve nobody (migrate,
    the tests, the type check) take a throwaway one."""
    return len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-")


def database(url: str | None, *, var_dir: Path) -> dict[str, Any]:
    """DATABASE_URL as Django's DATABASES entry; unset or empty means a SQLite file under var/."""
    import dj_database_url

    url = (url or "").strip()
    if not url:
        var_dir.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{var_dir / 'enforcelink.sqlite3'}"
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        # Name only the scheme: the rest of the URL may hold a password.
        raise ImproperlyConfigured(
            f"DATABASE_URL scheme {scheme or '(none)'!r} is not supported: use sqlite:// or postgresql://"
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database (postgresql://user@host:5432/NAME)")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while the worker writes; the busy timeout absorbs short lock waits.
        config["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["CONN_MAX_AGE"] = 0
    return config
