"""`gtec import_lheo FILE [--flux NAME] [--strict] [--json]` — load one LHEO export (Carif-Oref offer).

Prints the changes per table, or with --json one summary object:
{"formations", "actions", "sessions", "organismes", "rejected": [...], "rejected_count", "version",
"changes", "import_run"}. Exits with status 1 (and, with --json, {"error": …}) when the file is refused;
rejected records do not make the import fail."""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gtec_core.errors import SourceError
from gtec_core.french import format_fr


class Command(BaseCommand):
    help = "Importe un fichier LHEO (offre de formation Carif-Oref, versions 2.2 et 2.3)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--flux", default="lheo", help="nom du flux (une source = un flux ; défaut : lheo)"
        )
        parser.add_argument(
            "--strict", action="store_true", help="valider aussi chaque formation contre le XSD 2.3"
        )
        parser.add_argument("--xsd", type=Path, default=None, help="schéma XSD (défaut : GTEC_DATA_DIR/lheo)")
        parser.add_argument("--json", action="store_true", help="résumé JSON sur la sortie standard")

    def handle(self, *args, file: Path, flux: str, strict: bool, xsd: Path | None, json: bool, **options):
        from gtec.training.lheo_import import lheo_import

        started = time.perf_counter()
        progress = None if json else self.progress
        try:
            result = lheo_import(file, flux=flux, strict=strict, xsd=xsd, progress=progress)
        except SourceError as exc:
            if json:
                self.stdout.write(dumps({"error": str(exc), "file": str(file), "line": exc.line}))
            raise CommandError(f"fichier LHEO refusé, rien n'a été modifié — {exc}") from None
        summary = result.summary()
        if json:
            self.stdout.write(dumps(summary))
            return
        self.stdout.write(f"  {'table':<14}{'créés':>9}{'modifiés':>10}{'supprimés':>11}{'inchangés':>11}")
        for table, c in result.counts.items():
            self.stdout.write(f"  {table:<14}{c.created:>9}{c.updated:>10}{c.deleted:>11}{c.unchanged:>11}")
        for problem in summary["rejected"][:50]:
            where = " / ".join(f"{k} {problem[k]}" for k in ("formation", "action", "session") if problem[k])
            line = f", ligne {problem['line']}" if problem["line"] else ""
            self.stdout.write(
                self.style.WARNING(f"  rejeté : {where}{line} — {problem['field']} : {problem['message']}")
            )
        if result.kept_manual:
            self.stdout.write(
                self.style.WARNING(
                    f"  {len(result.kept_manual)} formation(s) modifiée(s) par leur organisme dans GTEC "
                    f"conservée(s) telles quelles (non mises à jour par ce fichier) : "
                    + ", ".join(result.kept_manual[:20])
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"LHEO {result.version} ({flux}) : {result.formations} formations, {result.actions} actions, "
                f"{result.sessions} sessions, {result.organismes} organismes ; {summary['rejected_count']} rejet(s) "
                f"({time.perf_counter() - started:.1f} s)"
            )
        )

    def progress(self, table: str, n: int) -> None:
        if n % 5000 == 0:
            self.stdout.write(f"  … {format_fr(n)} {table}")


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)
