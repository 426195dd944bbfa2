"""The demo's console stays readable (issue 14 §11): no request lines unless asked for, no library's
debug chatter, each message once. Checked in a fresh interpreter with the settings `make demo` uses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

LEVELS = (
    "import json, logging, django; django.setup(); "
    "names = ['django.server', 'django.request', 'fontTools.subset', 'fontTools.ttLib.ttFont', "
    "'weasyprint', 'weasyprint.progress', 'PIL.PngImagePlugin', 'enforcelink.documents.actions']; "
    "print(json.dumps({n: logging.getLogger(n).getEffectiveLevel() for n in names}))"
)
DEBUG, INFO, WARNING, ERROR = 10, 20, 30, 40


def levels(tmp_path: Path, **environ: str) -> dict[str, int]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ENFORCELINK_", "DATABASE_URL"))}
    base.update(
        DJANGO_SETTINGS_MODULE="enforcelink.config.settings",
        ENFORCELINK_VAR_DIR=str(tmp_path),
        ENFORCELINK_DEBUG="1",  # as `make demo` runs
    )
    base.update(environ)
    result = subprocess.run(
        [sys.executable, "-c", LEVELS], env=base, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_the_demo_logs_no_request_lines_by_default(tmp_path):
    found = levels(tmp_path)
    assert found["django.server"] > INFO  # a 200 is logged at INFO, a 404 at WARNING: neither shows
    assert found["django.request"] > WARNING  # nor Django's warning for each 4xx answer
    assert found["django.server"] <= ERROR and found["django.request"] <= ERROR  # a 5xx still does


def test_request_log_brings_the_request_lines_back(tmp_path):
    found = levels(tmp_path, ENFORCELINK_REQUEST_LOG="1")
    assert found["django.server"] <= INFO and found["django.request"] <= WARNING


@pytest.mark.parametrize("level", ["WARNING", "DEBUG"])
def test_libraries_never_log_below_warning(tmp_path, level):
    """fontTools logged each table of each font it subset for a PDF; at DEBUG our own code speaks,
    the libraries do not."""
    found = levels(tmp_path, ENFORCELINK_LOG_LEVEL=level)
    for name in ("fontTools.subset", "fontTools.ttLib.ttFont", "weasyprint", "weasyprint.progress"):
        assert found[name] >= WARNING, name
    assert found["PIL.PngImagePlugin"] >= WARNING
    assert found["enforcelink.documents.actions"] == {"WARNING": WARNING, "DEBUG": DEBUG}[level]


def test_django_s_own_messages_go_out_once(tmp_path):
    """Django's defaults gave the `django` logger a console handler of its own besides ours: the
    reloader's "Watching for file changes" came out twice."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ENFORCELINK_", "DATABASE_URL"))}
    base.update(DJANGO_SETTINGS_MODULE="enforcelink.config.settings", ENFORCELINK_VAR_DIR=str(tmp_path),
                ENFORCELINK_DEBUG="1", ENFORCELINK_LOG_LEVEL="INFO")  # fmt: skip
    code = "import logging, django; django.setup(); logging.getLogger('django.utils.autoreload').info('once')"
    result = subprocess.run(
        [sys.executable, "-c", code], env=base, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines().count("once") == 1
