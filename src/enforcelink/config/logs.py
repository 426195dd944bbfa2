"""The logging configuration: our own messages at ENFORCELINK_LOG_LEVEL, the libraries' chatter never,
and request lines only when asked for (ENFORCELINK_REQUEST_LOG).

`make demo` runs a development server that seven simulated agencies poll every few seconds: with a line
per request, ten minutes filled the console with 1,173 of them and pushed the printed logins off
screen. So the request log is off unless asked for; a server error (5xx) is still logged either way,
with its traceback, by `django.request`.
"""

from __future__ import annotations

from typing import Any

# Libraries that log what they do at DEBUG and INFO (fontTools a line per table of every font it
# subsets for a PDF, Pillow a line per PNG chunk): held at WARNING whatever ENFORCELINK_LOG_LEVEL
# says, so that DEBUG shows our own code's messages, not theirs.
CHATTY_LIBRARIES = ("fontTools", "weasyprint", "PIL", "urllib3", "faker", "asyncio")
LIBRARY_LEVEL = "WARNING"
# Past WARNING: a request answered with a 4xx is the client's business, and with the request log off
# only a 5xx says anything.
QUIET_REQUEST_LEVEL = "ERROR"


def logging_config(level: str, *, request_log: bool) -> dict[str, Any]:
    """Django's LOGGING: everything to standard error through one handler, each message once."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            # Django's development-server format: "[07/Dec/2026 19:47:57] "GET / HTTP/1.1" 200 52".
            "request": {
                "()": "django.utils.log.ServerFormatter",
                "format": "[{server_time}] {message}",
                "style": "{",
            },
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler"},
            "requests": {"class": "logging.StreamHandler", "formatter": "request"},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's defaults give `django` its own console handler at INFO as well as passing its
            # messages up to ours: the reloader's "Watching for file changes" came out twice.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {
                "handlers": ["requests"],
                "level": "INFO" if request_log else QUIET_REQUEST_LEVEL,
                "propagate": False,
            },
            "django.request": {"level": level if request_log else _at_least(level, QUIET_REQUEST_LEVEL)},
            **{name: {"level": _at_least(level, LIBRARY_LEVEL)} for name in CHATTY_LIBRARIES},
        },
    }


LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _at_least(level: str, floor: str) -> str:
    return level if LEVELS.index(level) >= LEVELS.index(floor) else floor
