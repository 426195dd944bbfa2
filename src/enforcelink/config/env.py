"""Reading settings from the environment, failing loudly on values that make no sense."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def gettext_noop(message: str) -> str:
    """Marks a message for `makemessages` (which goes by this name) and returns it untranslated.
    Django's own gettext_noop asks the settings whether translation is on, and these messages are
    made while the settings load, or instead of them."""
    return message


# How an operator makes a key (docs/operations.md), quoted in the messages that ask for one.
KEY_RECIPE = (
    "export ENFORCELINK_SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')\""
)
NO_KEY = gettext_noop(
    "ENFORCELINK_SECRET_KEY is not set: set it to 50 or more random characters, e.g. %(recipe)s "
    "(a demo on this machine may use ENFORCELINK_DEBUG=1 instead)."
)
WEAK_KEY = gettext_noop(
    "ENFORCELINK_SECRET_KEY is too weak to serve with: set it to 50 or more random characters, e.g. %(recipe)s"
)


class SettingError(ImproperlyConfigured):
    """A setting refused at start-up. It keeps its message untranslated beside the values, so that
    `enforcelink` can say it in the product's language although the settings, and with them Django's
    translations, did not load (enforcelink.cli)."""

    def __init__(self, message: str, **values: object) -> None:
        self.message, self.values = message, values
        super().__init__(message % values)

    def translated(self, gettext: Callable[[str], str]) -> str:
        return gettext(self.message) % self.values


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise SettingError(
        gettext_noop("%(name)s=%(raw)r is not a boolean: use one of 1/0, true/false, yes/no, on/off"),
        name=name,
        raw=raw,
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(
            gettext_noop("%(name)s=%(raw)r is not a whole number"), name=name, raw=raw
        ) from None
    if value < minimum:
        raise SettingError(
            gettext_noop("%(name)s=%(value)d is below the minimum %(minimum)d"),
            name=name,
            value=value,
            minimum=minimum,
        )
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
        raise SettingError(
            gettext_noop("%(name)s=%(raw)r is not one of %(allowed)s"),
            name=name,
            raw=raw,
            allowed=", ".join(by_upper.values()),
        )
    return by_upper[raw.upper()]


def env_choices(name: str, allowed: Iterable[str], default: list[str] | None = None) -> list[str]:
    """A comma-separated list whose every item must be one of `allowed` (a typo must not pass silently)."""
    values = env_list(name, list(default or []))
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise SettingError(
            gettext_noop("%(name)s: unknown value(s) %(unknown)s; allowed: %(allowed)s"),
            name=name,
            unknown=", ".join(unknown),
            allowed=", ".join(sorted(allowed)),
        )
    return values


def env_url(name: str, default: str) -> str:
    """A site's address, `http(s)://host[:port][/path]`, returned without its trailing slash (paths are
    appended to it). Printed on paper, so anything a reader could not type back is refused: no user
    name or password, query or fragment, spaces."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    parts = urlsplit(raw)
    if "@" in parts.netloc:  # name only the variable: the value holds a password
        raise SettingError(gettext_noop("%(name)s must not carry a user name or password"), name=name)
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    if (
        parts.scheme.lower() not in {"http", "https"}
        or not parts.hostname
        or not port_ok
        or any(mark in raw for mark in "?# \t")
    ):
        raise SettingError(
            gettext_noop(
                "%(name)s=%(raw)r is not a site address: use http(s)://host[:port][/path], "
                "e.g. https://zxld.example.gov.cn"
            ),
            name=name,
            raw=raw,
        )
    return raw.rstrip("/")


def secret_key(*, debug: bool, var_dir: Path) -> str:
    """The key from ENFORCELINK_SECRET_KEY; in debug mode a generated one kept under var/."""
    key = os.environ.get("ENFORCELINK_SECRET_KEY", "").strip()
    if key:
        return key
    if not debug:
        raise SettingError(NO_KEY, recipe=KEY_RECIPE)
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
        raise SettingError(
            gettext_noop("DATABASE_URL scheme %(scheme)r is not supported: use sqlite:// or postgresql://"),
            scheme=scheme or "(none)",
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        raise SettingError(gettext_noop("DATABASE_URL is malformed: %(error)s"), error=str(exc)) from None
    if not config.get("NAME"):
        raise SettingError(gettext_noop("DATABASE_URL names no database (postgresql://user@host:5432/NAME)"))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while the worker writes; the busy timeout absorbs short lock waits.
        config["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["CONN_MAX_AGE"] = 0
    else:
        # PostgreSQL's JIT compiles a query whose estimated cost passes jit_above_cost: for a court's
        # short queries with correlated subqueries (a statement's met-check) the estimate passes it
        # and the compiling took 290 ms of a 295 ms query. EnforceLink runs no long analytical query
        # that JIT would pay back, so it is off for its connections unless the URL says otherwise
        # (`?options=-c%20jit%3Don`).
        options = config.setdefault("OPTIONS", {})
        given = str(options.get("options", ""))
        if "jit" not in given:
            options["options"] = f"{given} -c jit=off".strip()
    return config
