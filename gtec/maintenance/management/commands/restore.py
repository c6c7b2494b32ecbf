"""`gtec restore FICHIER [--yes]` — replace the database's content by a backup of `gtec backup`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from gtec.maintenance.backup import BackupError, restore
from gtec_core.errors import SourceError


class Command(BaseCommand):
    help = "Restaure une sauvegarde (remplace tout le contenu de la base ; arrêtez le site et les workers avant)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier écrit par gtec backup")
        parser.add_argument("--yes", action="store_true", help="ne pas demander de confirmation")
        parser.add_argument("--database", default="default")

    def handle(self, *args, file: str, yes: bool, database: str, **options):
        cfg = connections[database].settings_dict
        if not yes:
            answer = input(f"Remplacer tout le contenu de la base « {cfg['NAME']} » par {file} ? [oui/non] ")
            if answer.strip().lower() not in {"o", "oui", "y", "yes"}:
                raise CommandError("restauration annulée")
        connections[database].close()
        try:
            restore(cfg, Path(file))
        except (BackupError, SourceError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Base « {cfg['NAME']} » restaurée depuis {file}"))
