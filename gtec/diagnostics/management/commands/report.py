"""`gtec report --territory SCALE:CODE [--period AAAA] --format pdf|html --out FILE` — write the territory's
« Diagnostic emploi-formation » (the same document as the page's button)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gtec.diagnostics import queries


class Command(BaseCommand):
    help = "Génère le diagnostic emploi-formation d'un territoire (PDF ou HTML)."

    def add_arguments(self, parser):
        parser.add_argument("--territory", required=True, help="territoire ÉCHELLE:CODE, ex. dep:56")
        parser.add_argument("--period", default=None, help="année (défaut : la dernière calculée)")
        parser.add_argument("--format", choices=["pdf", "html"], default="pdf", dest="fmt")
        parser.add_argument("--out", type=Path, required=True, help="fichier à écrire")

    def handle(self, *args, territory: str, period: str | None, fmt: str, out: Path, **options):
        found = queries.territory_get(territory)
        if found is None:
            raise CommandError(f"territoire inconnu : {territory} (forme attendue ÉCHELLE:CODE, ex. dep:56)")
        if not out.parent.exists():
            raise CommandError(f"dossier introuvable : {out.parent}")
        if period is not None and period not in queries.periods(found):
            known = ", ".join(queries.periods(found)) or "aucune"
            raise CommandError(f"période {period} non calculée pour {territory} (périodes : {known})")
        started = time.perf_counter()
        document = queries.report_document(found, period, fmt)
        out.write_bytes(document.content)
        self.stdout.write(
            f"{document.title} : {out} ({len(document.content) // 1024} Ko, "
            f"{time.perf_counter() - started:.1f} s)"
            + (" — contient des données SYNTHÉTIQUES" if document.synthetic else "")
        )
