"""`gtec data list` — the official sources and where they come from;
`gtec data fetch [--source NAME ...] [--data-dir DIR] [--mirror URL]` — download them into the data folder.

The sources are declared in `gtec_core.sources.registry`; downloading, resuming and checksum rules are in
`gtec_core.fetch`. The mirror defaults to the GTEC_SOURCES_MIRROR environment variable (docs/environment.md).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gtec_core.fetch import FetchError, fetch_sources, mirror_from_env, resolve_url
from gtec_core.sources import registry


class Command(BaseCommand):
    help = "Liste (list) ou télécharge (fetch) les fichiers officiels dans le dossier des données."

    def add_arguments(self, parser):
        parser.add_argument(
            "action", choices=["fetch", "list"], help="fetch : télécharger ; list : décrire les sources"
        )
        parser.add_argument(
            "--source",
            dest="sources",
            action="extend",
            nargs="+",
            default=None,
            metavar="NOM",
            help=f"source(s) à traiter (défaut : toutes) parmi {', '.join(registry.names())}",
        )
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="dossier des fichiers officiels (défaut : GTEC_DATA_DIR)",
        )
        parser.add_argument(
            "--mirror", default=None, help="préfixe d'URL d'un miroir (défaut : GTEC_SOURCES_MIRROR)"
        )

    def handle(
        self,
        *args,
        action: str,
        sources: list[str] | None,
        data_dir: Path | None,
        mirror: str | None,
        **options,
    ):
        try:
            selected = [registry.get(name) for name in dict.fromkeys(sources or registry.names())]
        except KeyError as exc:
            raise CommandError(exc.args[0]) from None
        mirror = mirror or mirror_from_env()
        if action == "list":
            self.list_sources(selected, mirror)
            return
        data_dir = Path(data_dir or settings.GTEC_DATA_DIR)
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(
                f"dossier de données impossible à créer : {data_dir} ({exc.strerror})"
            ) from None
        self.stdout.write(
            f"Téléchargement dans {data_dir}" + (f" depuis le miroir {mirror}" if mirror else "") + "…"
        )
        try:
            report = fetch_sources(selected, data_dir, mirror=mirror, progress=self.progress)
        except FetchError as exc:
            raise CommandError(f"téléchargement arrêté — {exc}") from None
        summary = f"{len(report.downloaded)} fichier(s) téléchargé(s), {len(report.present)} déjà présent(s)"
        if report.extracted:
            summary += f", {len(report.extracted)} extrait(s) d'archives"
        if report.manual:
            summary += f" ; à télécharger à la main : {', '.join(report.manual)}"
        self.stdout.write(self.style.SUCCESS(summary))

    def progress(self, message: str) -> None:
        self.stdout.write(f"  {message}")
        self.stdout.flush()

    def list_sources(self, sources: list[registry.Source], mirror: str | None) -> None:
        for source in sources:
            self.stdout.write(self.style.MIGRATE_HEADING(f"{source.name} — {source.label}"))
            self.stdout.write(f"  producteur : {source.producer}")
            self.stdout.write(f"  licence : {source.licence}")
            self.stdout.write(f"  page officielle : {source.page}")
            if source.note:
                self.stdout.write(f"  note : {source.note}")
            if not source.downloads:
                self.stdout.write("  aucun téléchargement automatique")
            for download in source.downloads:
                details = []
                if download.archive is not None:
                    details.append(f"archive extraite dans {download.archive.into}/")
                details.append(
                    f"sha256 {download.sha256[:16]}…" if download.sha256 else "sans somme de contrôle"
                )
                self.stdout.write(f"  → {download.target} ({', '.join(details)})")
                self.stdout.write(f"      {resolve_url(download, mirror)}")
