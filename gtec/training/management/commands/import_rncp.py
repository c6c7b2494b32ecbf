"""`gtec import_rncp [FOLDER]` — load the RNCP / RS export (France Compétences CSV files) of a folder
(default: GTEC_DATA_DIR/rncp)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gtec_core.errors import SourceError


class Command(BaseCommand):
    help = "Importe l'export RNCP / RS de France Compétences (fichiers CSV Standard, Rome, Blocs)."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, nargs="?", default=None)

    def handle(self, *args, folder: Path | None, **options):
        from gtec.training.rncp_import import rncp_import

        folder = Path(folder or Path(settings.GTEC_DATA_DIR) / "rncp")
        try:
            version, counts = rncp_import(folder)
        except SourceError as exc:
            raise CommandError(f"import RNCP refusé, rien n'a été modifié — {exc}") from None
        for table, c in counts.items():
            self.stdout.write(f"  {table:<22}{c.created:>9}{c.updated:>10}{c.deleted:>11}{c.unchanged:>11}")
        self.stdout.write(self.style.SUCCESS(f"RNCP importé depuis {folder} ({version})"))
