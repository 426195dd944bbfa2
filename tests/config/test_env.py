"""Settings come from the environment and refuse values that make no sense (issue 2 §2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from enforcelink.config import env
from enforcelink.orgs.models import Role


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False)]
)
def test_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("X_BOOL", raw)
    assert env.env_bool("X_BOOL") is expected


@pytest.mark.parametrize("raw", ["maybe", "2", "y es"])
def test_bad_bool_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("X_BOOL", raw)
    with pytest.raises(ImproperlyConfigured, match="X_BOOL"):
        env.env_bool("X_BOOL")


def test_unset_bool_takes_the_default(monkeypatch):
    monkeypatch.delenv("X_BOOL", raising=False)
    assert env.env_bool("X_BOOL", default=True) is True


@pytest.mark.parametrize("raw", ["five", "1.5", "0x10"])
def test_bad_int(monkeypatch, raw):
    monkeypatch.setenv("X_INT", raw)
    with pytest.raises(ImproperlyConfigured, match="X_INT"):
        env.env_int("X_INT", 3)


def test_int_below_minimum(monkeypatch):
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(ImproperlyConfigured, match="minimum"):
        env.env_int("X_INT", 3, minimum=1)
    monkeypatch.setenv("X_INT", " 7 ")
    assert env.env_int("X_INT", 3) == 7


def test_list_and_choices(monkeypatch):
    monkeypatch.setenv("X_LIST", " a, b ,,c ")
    assert env.env_list("X_LIST", []) == ["a", "b", "c"]
    monkeypatch.setenv("X_ROLES", "president,admin")
    assert env.env_choices("X_ROLES", {"president", "admin", "officer"}) == ["president", "admin"]
    monkeypatch.setenv("X_ROLES", "president,presdent")
    with pytest.raises(ImproperlyConfigured, match="presdent"):
        env.env_choices("X_ROLES", {"president"})


def test_choice(monkeypatch):
    monkeypatch.setenv("X_LEVEL", "info")
    assert env.env_choice("X_LEVEL", ("DEBUG", "INFO"), "DEBUG") == "INFO"
    monkeypatch.setenv("X_LEVEL", "INFO,DEBUG")
    with pytest.raises(ImproperlyConfigured, match="X_LEVEL"):
        env.env_choice("X_LEVEL", ("DEBUG", "INFO"), "DEBUG")
    monkeypatch.delenv("X_LEVEL")
    assert env.env_choice("X_LEVEL", ("DEBUG", "INFO"), "DEBUG") == "DEBUG"


def test_settings_role_list_matches_the_role_enum():
    from django.conf import settings

    assert set(settings.ROLE_VALUES) == set(Role.values)


@pytest.mark.parametrize("url", ["mysql://u:pw@h/db", "oracle://x", "nonsense", "postgresql://u@h:5432/"])
def test_bad_database_url(url, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL") as error:
        env.database(url, var_dir=tmp_path)
    assert "pw" not in str(error.value)  # a password in the URL never reaches the logs


def test_database_defaults_to_sqlite_under_var(tmp_path):
    config = env.database(None, var_dir=tmp_path / "var")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(config["NAME"]) == tmp_path / "var" / "enforcelink.sqlite3"
    assert env.database("", var_dir=tmp_path)["NAME"].endswith("enforcelink.sqlite3")


def test_postgres_url(tmp_path):
    config = env.database("postgresql://el:secret@db.example:5433/enforcelink", var_dir=tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", 5433, "enforcelink")


def test_postgres_connections_have_jit_off_unless_the_url_says(tmp_path):
    """JIT compiling cost 290 ms of a 295 ms met-check query (funds.receiving._reaching)."""
    config = env.database("postgresql://el@db.example/enforcelink?sslmode=require", var_dir=tmp_path)
    assert config["OPTIONS"]["options"] == "-c jit=off"
    assert config["OPTIONS"]["sslmode"] == "require"
    chosen = env.database("postgresql://el@db.example/enforcelink?options=-c%20jit%3Don", var_dir=tmp_path)
    assert chosen["OPTIONS"]["options"] == "-c jit=on"


def test_secret_key_required_when_debug_is_off(monkeypatch, tmp_path):
    monkeypatch.delenv("ENFORCELINK_SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="ENFORCELINK_SECRET_KEY"):
        env.secret_key(debug=False, var_dir=tmp_path)


def test_demo_secret_key_is_generated_once_and_kept_private(monkeypatch, tmp_path):
    monkeypatch.delenv("ENFORCELINK_SECRET_KEY", raising=False)
    first = env.secret_key(debug=True, var_dir=tmp_path)
    assert len(first) >= 50 and env.secret_key(debug=True, var_dir=tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("ENFORCELINK_SECRET_KEY", "from-the-environment")
    assert env.secret_key(debug=False, var_dir=tmp_path) == "from-the-environment"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://zxld.example.gov.cn", "https://zxld.example.gov.cn"),
        (" https://zxld.example.gov.cn/ ", "https://zxld.example.gov.cn"),
        ("http://10.1.2.3:8080", "http://10.1.2.3:8080"),
        ("HTTPS://Court.Example.cn/zxld/", "HTTPS://Court.Example.cn/zxld"),
    ],
)
def test_url(monkeypatch, raw, expected):
    monkeypatch.setenv("X_URL", raw)
    assert env.env_url("X_URL", "http://127.0.0.1:8000") == expected


def test_unset_url_takes_the_default(monkeypatch):
    monkeypatch.delenv("X_URL", raising=False)
    assert env.env_url("X_URL", "http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    monkeypatch.setenv("X_URL", "  ")
    assert env.env_url("X_URL", "http://127.0.0.1:8000") == "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    "raw",
    [
        "zxld.example.gov.cn",  # no scheme: printed, it would not open
        "ftp://zxld.example.gov.cn",
        "https://",
        "https://zxld.example.gov.cn:99999",
        "https://zxld.example.gov.cn:port",
        "https://zxld.example.gov.cn/?from=qr",
        "https://zxld.example.gov.cn/#verify",
        "https://zxld example.gov.cn",
    ],
)
def test_bad_url_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("X_URL", raw)
    with pytest.raises(ImproperlyConfigured, match=r"X_URL.*not a site address"):
        env.env_url("X_URL", "http://127.0.0.1:8000")


def test_url_with_a_password_is_refused_without_printing_it(monkeypatch):
    monkeypatch.setenv("X_URL", "https://admin:hunter2@zxld.example.gov.cn")
    with pytest.raises(ImproperlyConfigured, match="X_URL") as error:
        env.env_url("X_URL", "http://127.0.0.1:8000")
    assert "hunter2" not in str(error.value)
