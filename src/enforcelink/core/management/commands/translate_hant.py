"""`enforcelink translate-hant [--check]`: Traditional Chinese translations generated from Simplified.

The zh_Hans catalogue is the one people write; zh_Hant is derived from it with OpenCC's "s2t"
conversion, so the two never drift. Every `msgstr` is converted and everything else (message ids,
comments, flags, plural forms) is copied, so the file stays a valid catalogue for `compilemessages`.
Run it after editing locale/zh_Hans; `--check` exits non-zero when zh_Hant is out of date.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

SOURCE, TARGET = "zh_Hans", "zh_Hant"
OPENCC_CONFIG = "s2t"  # mainland Simplified -> standard Traditional characters (not a regional variant)
NOTICE = (
    f"# Generated from {SOURCE} by `enforcelink translate-hant` (OpenCC {OPENCC_CONFIG}); "
    f"edit {SOURCE} and re-run it.\n"
)
# msgstr "…", msgstr[1] "…", and the "…" continuation lines that follow them.
MSGSTR = re.compile(r'^(msgstr(?:\[\d+\])?\s+)(".*")\s*$')
CONTINUATION = re.compile(r'^(".*")\s*$')


def converter() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC(OPENCC_CONFIG).convert


def convert_po(text: str, convert: Callable[[str], str]) -> str:
    """Convert every msgstr literal of a PO file; ASCII (escapes, %(name)s) passes through OpenCC unchanged."""
    out: list[str] = [NOTICE]
    in_msgstr = False
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\n")
        match = MSGSTR.match(body)
        if match:
            in_msgstr = True
            out.append(match[1] + convert(match[2]) + "\n")
            continue
        continuation = CONTINUATION.match(body)
        if continuation and in_msgstr:
            out.append(convert(continuation[1]) + "\n")
            continue
        in_msgstr = False
        out.append(line)
    return "".join(out).replace(f'"Language: {SOURCE}\\n"', f'"Language: {TARGET}\\n"')


def catalogues(locale_dir: Path) -> list[tuple[Path, Path]]:
    source_dir = locale_dir / SOURCE / "LC_MESSAGES"
    pairs = [(po, locale_dir / TARGET / "LC_MESSAGES" / po.name) for po in sorted(source_dir.glob("*.po"))]
    if not pairs:
        raise CommandError(
            _("No %(language)s catalogue under %(path)s.") % {"language": SOURCE, "path": source_dir}
        )
    return pairs


class Command(BaseCommand):
    help = "Generate the zh_Hant translations from zh_Hans with OpenCC (s2t)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--locale-dir", type=Path, default=Path(settings.LOCALE_PATHS[0]))
        parser.add_argument("--check", action="store_true", help="only report whether zh_Hant is up to date")

    def handle(self, *args: Any, **options: Any) -> None:
        convert = converter()
        stale = []
        for source, target in catalogues(options["locale_dir"]):
            wanted = convert_po(source.read_text(encoding="utf-8"), convert)
            current = target.read_text(encoding="utf-8") if target.exists() else ""
            if wanted == current:
                continue
            stale.append(target)
            if not options["check"]:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(wanted, encoding="utf-8")
                self.stdout.write(f"wrote {target}")
        if options["check"] and stale:
            raise CommandError(
                _("Out of date (run `enforcelink translate-hant`): %(paths)s")
                % {"paths": ", ".join(map(str, stale))}
            )
        if not stale:
            self.stdout.write(f"{TARGET} is up to date")
