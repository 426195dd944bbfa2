"""`enforcelink rules-coverage [--check]`: write docs/rules.md from the rule ids named in code and tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from enforcelink.core.rules import coverage_markdown


class Command(BaseCommand):
    help = "Write docs/rules.md: which DOMAIN.md rules are implemented and tested where."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--domain", default=str(settings.REPO_DIR.parent / "shared" / "DOMAIN.md"))
        parser.add_argument("--check", action="store_true", help="exit 1 if docs/rules.md is out of date")

    def handle(self, *args: Any, **options: Any) -> None:
        domain = Path(options["domain"])
        if not domain.exists():
            raise CommandError(_("%(path)s not found.") % {"path": domain})
        target = settings.REPO_DIR / "docs" / "rules.md"
        text = coverage_markdown(settings.REPO_DIR, domain)
        if options["check"]:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                raise CommandError(_("docs/rules.md is out of date: run `enforcelink rules-coverage`."))
            self.stdout.write("docs/rules.md is current")
            return
        target.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {target}")
