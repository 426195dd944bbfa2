"""`enforcelink import cases FILE [--partial] [--dry-run]`, `import units FILE --region CODE [--partial]`,
`import template cases|units OUT.xlsx`.

The layout of the files is in docs/import.md. Errors go to stderr, one per line with row and
column; the parties' warnings (R-ID-01: a 15-digit number converted, an unknown region code) and the
summary go to stdout; the exit code is non-zero when any row was invalid.
(Django loads commands with import_module, so a module named after the keyword works.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from enforcelink.cases.importing import CASE_COLUMNS, REQUIRED_COLUMNS, import_cases
from enforcelink.core.actors import SYSTEM, SystemActor
from enforcelink.core.errors import DomainError
from enforcelink.core.tabular import ImportReport, Table, open_table, write_xlsx_template
from enforcelink.orgs.actions import UNIT_COLUMNS, UNIT_COLUMNS_REQUIRED, region_ensure, units_import
from enforcelink.orgs.models import User

ACTOR = SystemActor("cli:import")


def need_label(need: str) -> str:
    return {"required": _("required"), "conditional": _("conditional"), "optional": _("optional")}[need]


class Command(BaseCommand):
    help = "Import cases or linkage units from CSV/XLSX, or write an XLSX template."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        cases = sub.add_parser("cases", help="one row per case; layout in docs/import.md")
        cases.add_argument("file")
        cases.add_argument("--partial", action="store_true", help="import the valid rows, report the others")
        cases.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        cases.add_argument("--actor", help="username recorded on the trail (default: system)")
        units = sub.add_parser("units", help="a region's linkage units and liaisons, one row per liaison")
        units.add_argument("file")
        units.add_argument("--region", required=True, help="six-digit division code, e.g. 500110")
        units.add_argument("--partial", action="store_true")
        template = sub.add_parser("template", help="write an empty XLSX with the headers and their notes")
        template.add_argument("kind", choices=["cases", "units"])
        template.add_argument("out")

    def handle(self, *args: Any, **options: Any) -> None:
        what = options["what"]
        if what == "template":
            self._template(options["kind"], Path(options["out"]))
            return
        try:
            report = self._cases(options) if what == "cases" else self._units(options)
        except DomainError as error:
            raise CommandError(str(error)) from None
        self._finish(report, dry_run=options.get("dry_run", False))

    def _progress(self, table: Table) -> Any:
        stream = getattr(self.stderr, "_out", self.stderr)
        # disable=None: a bar on a terminal, nothing in logs and pipes.
        return tqdm(table, total=table.total, file=stream, unit=" rows", disable=None, desc=_("Importing"))

    def _cases(self, options: dict[str, Any]) -> ImportReport:
        table = open_table(options["file"], required=REQUIRED_COLUMNS)
        actor: User | SystemActor = SYSTEM
        if options.get("actor"):
            person = User.objects.filter(username=options["actor"]).first()
            if person is None:
                raise CommandError(_("No user %(name)s.") % {"name": options["actor"]})
            actor = person
        return import_cases(
            table,
            rows=self._progress(table),
            partial=options["partial"],
            dry_run=options["dry_run"],
            actor=actor,
        )

    def _units(self, options: dict[str, Any]) -> ImportReport:
        table = open_table(options["file"], required=UNIT_COLUMNS_REQUIRED)
        with transaction.atomic():
            region = region_ensure(options["region"], actor=ACTOR)
            report = units_import(
                self._progress(table),
                region=region,
                actor=ACTOR,
                partial=options["partial"],
                letters=table.letters,
            )
            if not report.written:
                transaction.set_rollback(True)  # not even the region is kept
        return report

    def _finish(self, report: ImportReport, *, dry_run: bool) -> None:
        for error in report.errors:
            self.stderr.write(str(error))
        for row, name, warning in report.warnings:
            line = _("Row %(row)d, %(name)s: %(warning)s")
            self.stdout.write(line % {"row": row, "name": name, "warning": warning})
        counts = {"ok": report.imported, "bad": report.invalid_rows}
        if report.written:
            summary = _("imported %(ok)d, invalid %(bad)d") % counts
        elif dry_run:
            summary = _("dry run: %(ok)d valid, %(bad)d invalid, nothing written") % counts
        else:
            summary = (
                _(
                    "imported 0, invalid %(bad)d — %(ok)d valid rows not written: fix the rows or use --partial"
                )
                % counts
            )
        self.stdout.write(summary)
        if report.errors:
            raise CommandError(_("%(bad)d invalid rows.") % {"bad": report.invalid_rows})

    def _template(self, kind: str, out: Path) -> None:
        if kind == "cases":
            columns = [(c.name, need_label(c.need), _(c.help), c.example) for c in CASE_COLUMNS]
        else:
            columns = [
                (name, need_label(need), _(text), example) for name, need, text, example in UNIT_COLUMNS
            ]
        write_xlsx_template(out, columns, notes_title=_("Notes"))
        self.stdout.write(_("Template written to %(path)s.") % {"path": out})
