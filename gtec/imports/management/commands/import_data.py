"""`gtec import rome|fap|geo|all [--data-dir DIR]` — load the official referentials."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gtec.imports.sync import Counts
from gtec_core.errors import SourceError

SOURCES = ["rome", "fap", "geo"]
FOLDERS = {"rome": "rome4", "fap": "fap_rome", "geo": "."}


def run_source(source: str, data_dir: Path, progress):
    from gtec.referentials.services import fap_import, rome_import
    from gtec.territories.services import geo_import

    folder = (data_dir / FOLDERS[source]).resolve()
    if source == "rome":
        return rome_import(folder, progress=progress)
    if source == "fap":
        return fap_import(folder, progress=progress)
    return geo_import(folder, progress=progress)


class Command(BaseCommand):
    help = "Importe un référentiel officiel (rome, fap, geo) ou tous (all) depuis le dossier des données."

    def add_arguments(self, parser):
        parser.add_argument("source", choices=[*SOURCES, "all"])
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="dossier des fichiers officiels (défaut : GTEC_DATA_DIR)",
        )

    def handle(self, *args, source: str, data_dir: Path | None, **options):
        data_dir = Path(data_dir or settings.GTEC_DATA_DIR)
        if not data_dir.is_dir():
            raise CommandError(
                f"dossier de données introuvable : {data_dir} (réglez GTEC_DATA_DIR ou lancez `gtec data fetch`)"
            )
        done: list[str] = []
        for name in SOURCES if source == "all" else [source]:
            started = time.perf_counter()
            self.stdout.write(f"Import {name} depuis {data_dir}…")
            try:
                version, counts = run_source(name, data_dir, self.progress)
            except SourceError as exc:
                kept = f" (imports déjà faits et conservés : {', '.join(done)})" if done else ""
                raise CommandError(
                    f"import {name} refusé, rien n'a été modifié pour {name}{kept} — {exc}"
                ) from None
            self.report(name, version, counts, time.perf_counter() - started)
            done.append(name)

    def progress(self, table: str, n: int) -> None:
        self.stdout.write(f"  … {table} ({n:,} lignes)".replace(",", " "))
        self.stdout.flush()

    def report(self, name: str, version: str, counts: dict[str, Counts], seconds: float) -> None:
        total = Counts()
        self.stdout.write(f"  {'table':<22}{'créés':>9}{'modifiés':>10}{'supprimés':>11}{'inchangés':>11}")
        for table, c in counts.items():
            self.stdout.write(f"  {table:<22}{c.created:>9}{c.updated:>10}{c.deleted:>11}{c.unchanged:>11}")
            total.created += c.created
            total.updated += c.updated
            total.deleted += c.deleted
            total.unchanged += c.unchanged
        self.stdout.write(
            self.style.SUCCESS(
                f"{name} {version} : {total.created} créés, {total.updated} modifiés, {total.deleted} supprimés, {total.unchanged} inchangés ({seconds:.1f} s)"
            )
        )
