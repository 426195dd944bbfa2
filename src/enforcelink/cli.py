"""`enforcelink`: the one console command for operators.

Every Django management command works (`enforcelink migrate`, `enforcelink createsuperuser`);
EnforceLink's own are listed by `enforcelink help`. Hyphenated names map to the command
(`enforcelink demo-data` runs `demo_data`).

An operator's mistake gets one line in the product's language, never a traceback: a setting that is
missing or refused (ENFORCELINK_SECRET_KEY first of all), a mistyped command or option, a file that
is not there, a database that does not answer. `--traceback` shows the traceback after all.
"""

from __future__ import annotations

import errno
import gettext as gnu_gettext
import os
import sys
from difflib import get_close_matches
from functools import cache
from pathlib import Path
from typing import NoReturn

from django.core.management import BaseCommand, ManagementUtility, get_commands

from enforcelink.config.env import gettext_noop

# settings.LANGUAGE_CODE, which a start refused by the settings cannot read: the language of what is
# said before they load (a test keeps the two equal).
LANGUAGE_CODE = "zh-hans"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

# What the system says about a file, in words we translate (its own strerror is English).
OS_REASONS = {
    errno.ENOENT: gettext_noop("no such file or directory"),
    errno.EACCES: gettext_noop("permission denied"),
    errno.EPERM: gettext_noop("permission denied"),
    errno.EISDIR: gettext_noop("it is a directory"),
    errno.ENOTDIR: gettext_noop("part of the path is not a directory"),
    errno.EEXIST: gettext_noop("it already exists"),
    errno.ENOSPC: gettext_noop("no space left on the device"),
    errno.EROFS: gettext_noop("the file system is read-only"),
    errno.ECONNREFUSED: gettext_noop("connection refused"),
}
# argparse's own error messages, which it passes through `argparse._` (set to our translation below);
# named here so that `makemessages` finds them and keeps their translations.
ARGPARSE_MESSAGES = (
    gettext_noop("argument %(argument_name)s: %(message)s"),
    gettext_noop("invalid %(type)s value: %(value)r"),
    gettext_noop("invalid choice: %(value)r (choose from %(choices)s)"),
    gettext_noop("the following arguments are required: %s"),
    gettext_noop("unrecognized arguments: %s"),
    gettext_noop("one of the arguments %s is required"),
    gettext_noop("not allowed with argument %s"),
    gettext_noop("expected one argument"),
    gettext_noop("expected at most one argument"),
    gettext_noop("expected at least one argument"),
    gettext_noop("ambiguous option: %(option)s could match %(matches)s"),
)
NO_SUCH_COMMAND = gettext_noop("Unknown command %(name)s: `enforcelink help` lists them.")
NO_SUCH_COMMAND_BUT = gettext_noop(
    "Unknown command %(name)s: did you mean %(match)s? `enforcelink help` lists them."
)
BAD_ARGUMENTS = gettext_noop("%(prog)s: %(message)s (`%(prog)s --help` shows the usage)")
FILE_REFUSED = gettext_noop("%(path)s: %(reason)s.")
SYSTEM_REFUSED = gettext_noop("The system refused: %(reason)s.")
DATABASE_ERROR = gettext_noop(
    "Database error: %(error)s (check DATABASE_URL; a new database needs `enforcelink migrate`)."
)
UNDEFINED_TABLE = "42P01"  # PostgreSQL's SQLSTATE for a table that is not there (no migrations yet)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcelink.config.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    try:
        _run(argv)
    except KeyboardInterrupt:
        sys.exit(130)  # the operator pressed Ctrl-C and knows why it stopped
    except Exception as error:
        message = None if "--traceback" in argv else expected_error(error)
        if message is None:
            raise
        sys.exit(message)


def _run(argv: list[str]) -> None:
    from django.conf import settings

    if not any(arg == "--settings" or arg.startswith("--settings=") for arg in argv):
        # Load them now: Django would list its own commands without ours, or print a traceback.
        _installed = settings.INSTALLED_APPS
    if len(argv) > 1 and argv[1] == "runserver":
        _refuse_a_weak_key()
    _one_line_parser_errors()
    Console(argv).execute()


def _refuse_a_weak_key() -> None:
    """Django's runserver only warns about a guessable key (security.W009, and only under
    `check --deploy`): outside debug it does not start on one, like `enforcelink serve`."""
    import django
    from django.conf import settings

    from enforcelink.config import env

    django.setup()
    if not settings.DEBUG and env.secret_key_is_weak(settings.SECRET_KEY):
        sys.exit(translate(env.WEAK_KEY) % {"recipe": env.KEY_RECIPE})


class Console(ManagementUtility):
    """Django's command-line utility; an unknown command gets one line (Django's answer is two, in
    English, the second only to say `help`)."""

    def fetch_command(self, subcommand: str) -> BaseCommand:
        from django.conf import settings

        commands = get_commands()
        if subcommand in commands or not settings.configured:
            return super().fetch_command(subcommand)
        name = subcommand.replace("_", "-")
        matches = get_close_matches(subcommand, commands)
        if matches:
            sys.exit(translate(NO_SUCH_COMMAND_BUT) % {"name": name, "match": matches[0].replace("_", "-")})
        sys.exit(translate(NO_SUCH_COMMAND) % {"name": name})


def expected_error(error: BaseException) -> str | None:
    """The one line that tells an operator what went wrong, or None for a fault of ours (traceback)."""
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import CommandError
    from django.db import OperationalError, ProgrammingError

    from enforcelink.config.env import SettingError

    if isinstance(error, SettingError):
        return error.translated(translate)
    if isinstance(error, ImproperlyConfigured):
        return str(error)
    if isinstance(error, CommandError):  # raised while the options are read, before Django's handler
        return f"{type(error).__name__}: {error}"
    if isinstance(error, OSError):
        return os_error_line(error)
    undefined_table = getattr(error.__cause__, "sqlstate", None) == UNDEFINED_TABLE
    if isinstance(error, OperationalError) or (isinstance(error, ProgrammingError) and undefined_table):
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return translate(DATABASE_ERROR) % {"error": first_line}
    return None


def os_error_line(error: OSError) -> str:
    reason = OS_REASONS.get(error.errno or 0)
    said = translate(reason) if reason else (error.strerror or str(error))
    if error.filename is None:
        return translate(SYSTEM_REFUSED) % {"reason": said}
    return translate(FILE_REFUSED) % {"path": error.filename, "reason": said}


def translate(message: str) -> str:
    """Django's translation once the apps are loaded; before that (a refused setting, the parser
    Django builds before its set-up) the product's catalogue read directly."""
    from django.apps import apps

    if apps.ready:
        from django.utils.translation import gettext

        return gettext(message)
    return _catalogue().gettext(message)


@cache
def _catalogue() -> gnu_gettext.NullTranslations:
    from django.utils.translation import to_locale

    return gnu_gettext.translation(
        "django", localedir=LOCALE_DIR, languages=[to_locale(LANGUAGE_CODE)], fallback=True
    )


def _one_line_parser_errors() -> None:
    """argparse answers a mistyped option with the command's whole usage (nine lines for `demo-data`)
    and the error in English. At the console: one line in the product's language, saying where the
    usage is. Commands called from code (`call_command`) keep Django's CommandError."""
    import argparse

    from django.core.management.base import CommandParser

    plain_error = CommandParser.error

    def error(parser: CommandParser, message: str) -> NoReturn:
        if not parser.called_from_command_line:
            plain_error(parser, message)
        line = translate(BAD_ARGUMENTS)
        parser.exit(2, line % {"prog": parser.prog, "message": message} + "\n")

    CommandParser.error = error  # type: ignore[method-assign,assignment]
    argparse._ = translate  # type: ignore[attr-defined]  # argparse's own messages, through our catalogue


if __name__ == "__main__":
    main()
