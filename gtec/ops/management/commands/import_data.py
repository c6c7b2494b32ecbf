"""`gtec import SOURCE [FILE ...] [--data-dir DIR]` — load official data into the database.

Referentials and national tables, read from the data folder (GTEC_DATA_DIR): `rome`, `fap`, `passerelle`
(the FAP-2021 ↔ ROME bridge built from both), `geo`, `bmo`, `dares`, `defm` (the real job-seeker series by
commune), `metiers2030` (the official projection), or `all` of them in that order, which then computes the public figures (BMO, Dares) of every bassin,
zone d'emploi, département and région (`--no-compute` to skip). Territory files, given as paths: `stmt FILE`, `offres FILE...`,
`sirene FILE`, `emploi FILE`, `lheo FILE` (training offer), `staffing FILE` (sector × occupation matrix),
and `demo DIR` for a folder written by
`gtec demo generate` (every file it lists, marked synthetic)."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from gtec.imports.models import ImportRun
from gtec.imports.sync import Counts
from gtec_core.checksums import hashed_once, sha256_file
from gtec_core.errors import SourceError
from gtec_core.french import format_fr
from gtec_core.sources import registry

# the source names, their order and their data folders come from the registry (one name per source)
SOURCES = registry.imported_names("national")
FILE_SOURCES = [s for s in registry.imported_names("file") if s not in {"rncp", "enquete"}] + ["demo"]
FOLDERS = {name: registry.imported(name).folder for name in SOURCES}
# demo manifest kind -> importer, in dependency order
# the scales whose figures `gtec import all` computes from the national files (BMO by bassin, Dares by
# département and région); other territories (EPCI, communes, custom) are computed by `gtec compute`
PUBLIC_SCALES = ["bassin", "ze", "dep", "reg"]
DEMO_KINDS = {"establishments": "sirene", "jobseekers": "stmt", "offers": "offres", "employment": "emploi"}


def folder_fingerprint(folder: Path) -> str:
    """sha256 over every file of `folder` (its path relative to the folder, then its content): the same
    fingerprint means the same files, so the import can be skipped."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(sha256_file(path).encode())
    return digest.hexdigest()


def importer_of(source: str):
    """The import function of a national source; only its module is loaded (a run that skips unchanged
    sources loads none of them)."""
    if source in {"rome", "fap", "passerelle"}:
        from gtec.referentials import services

        return {"rome": services.rome_import, "fap": services.fap_import}.get(source, services.bridge_import)
    if source == "geo":
        from gtec.territories.services import geo_import

        return geo_import
    if source == "bmo":
        from gtec.labour.imports.bmo import bmo_import

        return bmo_import
    if source == "dares":
        from gtec.labour.imports.dares import dares_import

        return dares_import
    if source == "defm":
        from gtec.labour.imports.jobseekers import defm_import

        return defm_import
    from gtec.prospective.services import metiers2030_import

    return {"metiers2030": metiers2030_import}[source]


def run_source(source: str, data_dir: Path, progress):
    folder = (data_dir / FOLDERS[source]).resolve()
    return importer_of(source)(folder, progress=progress)


def run_file_source(source: str, paths: list[Path], progress, *, synthetic: bool = False):
    from gtec.labour.imports.bmo import bmo_import
    from gtec.labour.imports.employment import employment_import
    from gtec.labour.imports.establishments import sirene_import
    from gtec.labour.imports.jobseekers import stmt_import
    from gtec.labour.imports.offers import offers_import

    if source == "offres":
        return offers_import(paths, synthetic=synthetic, progress=progress)
    if source == "staffing" and len(paths) == 1:
        from gtec.prospective.services import staffing_import

        return staffing_import(paths[0], synthetic=synthetic, progress=progress)
    if len(paths) != 1:
        raise CommandError(f"`gtec import {source}` attend un seul fichier")
    importer = {
        "stmt": stmt_import,
        "sirene": sirene_import,
        "emploi": employment_import,
        "bmo": bmo_import,
    }[source]
    return importer(paths[0], synthetic=synthetic, progress=progress)


class Command(BaseCommand):
    # no system checks: they import every URL module (the matching engine, scikit-learn…), seconds of
    # start-up for a command that touches none of them; `gtec check` and `migrate` still run them
    requires_system_checks = []
    changed = (
        False  # whether an import of this command changed a row (the public figures are then recomputed)
    )
    help = "Importe une source officielle (rome, fap, geo, bmo, dares, all) ou des fichiers de territoire."

    def add_arguments(self, parser):
        parser.add_argument("source", choices=[*SOURCES, "all", *FILE_SOURCES])
        parser.add_argument("paths", nargs="*", type=Path, help="fichier(s) ou dossier à importer")
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="dossier des fichiers officiels (défaut : GTEC_DATA_DIR)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="importer même les sources dont les fichiers n'ont pas changé depuis le dernier import",
        )
        parser.add_argument(
            "--no-compute",
            action="store_true",
            help="(all) ne pas calculer les indicateurs publics (BMO, Dares) des bassins, zones d'emploi, "
            "départements et régions",
        )
        parser.add_argument("--json", action="store_true", help="(lheo) résumé JSON")
        parser.add_argument("--strict", action="store_true", help="(lheo) validation XSD")

    def handle(self, *args, **options):
        with hashed_once():  # each file is read once for its sha256, by the skip check and the importer
            return self.dispatch(**options)

    def dispatch(self, *, source: str, paths: list[Path], data_dir: Path | None, **options):
        if source == "lheo":
            return self.lheo(paths, options)
        if source in FILE_SOURCES:
            if not paths:
                raise CommandError(f"`gtec import {source}` attend un chemin de fichier ou de dossier")
            missing = [p for p in paths if not p.exists()]
            if missing:
                raise CommandError(f"introuvable : {missing[0]}")
            if source == "demo":
                return self.demo(paths[0])
            return self.run(source, lambda: run_file_source(source, paths, self.progress), [])
        data_dir = Path(data_dir or settings.GTEC_DATA_DIR)
        if not data_dir.is_dir():
            raise CommandError(
                f"dossier de données introuvable : {data_dir} (réglez GTEC_DATA_DIR ou lancez `gtec data fetch`)"
            )
        done: list[str] = []
        self.changed = False
        for name in SOURCES if source == "all" else [source]:
            folder = (data_dir / FOLDERS[name]).resolve()
            started = time.perf_counter()
            fingerprint = folder_fingerprint(folder) if folder.is_dir() else ""
            last = ImportRun.objects.filter(source=name).order_by("-pk").first()
            if fingerprint and last and last.fingerprint == fingerprint and not options.get("force"):
                self.stdout.write(
                    f"{name} {last.version} : fichiers inchangés (empreinte sha256 identique), rien à importer "
                    f"({time.perf_counter() - started:.2f} s)"
                )
                done.append(name)
                continue
            self.stdout.write(f"Import {name} depuis {data_dir}…")
            self.run(name, lambda name=name: run_source(name, data_dir, self.progress), done)
            ImportRun.objects.filter(
                pk=ImportRun.objects.filter(source=name).order_by("-pk").values("pk")[:1]
            ).update(fingerprint=fingerprint)
            done.append(name)
        if source == "all" and not options.get("no_compute"):
            self.public_figures()

    def public_figures(self) -> None:
        """The BMO and Dares figures of every bassin, zone d'emploi, département and région, from the national
        files alone, so that their dashboards and exports work on day one; skipped when nothing changed."""
        from gtec.labour.models import Observation
        from gtec.labour.observations.run import observations_compute_all

        if not self.changed and Observation.objects.filter(indicator="bmo_projects").exists():
            self.stdout.write("Indicateurs publics (BMO, Dares) : données inchangées, rien à recalculer.")
            return
        self.stdout.write(
            "Calcul des indicateurs publics (BMO, Dares) des bassins, zones d'emploi, départements et régions…"
        )
        started = time.perf_counter()
        try:
            version, counts = observations_compute_all(scales=PUBLIC_SCALES)
        except ValueError as exc:
            self.stdout.write(f"  indicateurs publics non calculés : {exc}")
            return
        self.report("indicateurs", version, counts, time.perf_counter() - started)

    def run(self, name: str, call, done: list[str]) -> None:
        started = time.perf_counter()
        try:
            version, counts = call()
        except SourceError as exc:
            kept = f" (imports déjà faits et conservés : {', '.join(done)})" if done else ""
            raise CommandError(
                f"import {name} refusé, rien n'a été modifié pour {name}{kept} — {exc}"
            ) from None
        self.report(name, version, counts, time.perf_counter() - started)

    def demo(self, folder: Path) -> None:
        """Import every file of a generated demo folder (its manifest lists them by kind), marked synthetic."""
        from gtec.labour.imports.common import read_manifest

        try:
            manifest = read_manifest(folder)
        except SourceError as exc:
            raise CommandError(str(exc)) from None
        files = manifest.get("files", [])
        done: list[str] = []
        for kind, source in DEMO_KINDS.items():
            paths = [folder / f["name"] for f in files if f.get("kind") == kind]
            if not paths:
                continue
            self.stdout.write(f"Import {source} (synthétique) depuis {folder}…")
            self.run(
                source,
                lambda source=source, paths=paths: run_file_source(
                    source, paths, self.progress, synthetic=True
                ),
                done,
            )
            done.append(source)
        for f in files:
            if f.get("kind") == "lheo":
                self.lheo([folder / f["name"]], {"json": False, "strict": False})
        if not done:
            raise CommandError(f"{folder / 'manifest.json'} : aucun fichier importable listé")

    def lheo(self, paths: list[Path], options: dict) -> None:
        if len(paths) != 1:
            raise CommandError("`gtec import lheo` attend un seul fichier XML")
        args = (
            [str(paths[0])]
            + (["--json"] if options.get("json") else [])
            + (["--strict"] if options.get("strict") else [])
        )
        call_command("import_lheo", *args, stdout=self.stdout, stderr=self.stderr)

    def progress(self, table: str, n: int) -> None:
        self.stdout.write(f"  … {table} ({format_fr(n)} lignes)")
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
        if total.created or total.updated or total.deleted:
            self.changed = True
        self.stdout.write(
            self.style.SUCCESS(
                f"{name} {version} : {total.created} créés, {total.updated} modifiés, {total.deleted} supprimés, {total.unchanged} inchangés ({seconds:.1f} s)"
            )
        )
