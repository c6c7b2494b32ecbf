"""`gtec backup [--out FICHIER]` — a backup of the database (SQLite online backup API, or pg_dump)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from gtec.maintenance.backup import BackupError, backup, default_name
from gtec_core.errors import SourceError
from gtec_core.french import format_fr


class Command(BaseCommand):
    help = "Sauvegarde la base de données (SQLite : copie en ligne ; PostgreSQL : pg_dump)."

    def add_arguments(self, parser):
        parser.add_argument("--out", default=None, help="fichier à écrire (défaut : var/backups/gtec-DATE.*)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, out: str | None, database: str, **options):
        cfg = connections[database].settings_dict
        target = Path(out) if out else Path(settings.BASE_DIR) / "var" / "backups" / default_name(cfg)
        try:
            written = backup(cfg, target)
        except (BackupError, SourceError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Sauvegarde écrite : {written} ({format_fr(written.stat().st_size)} octets)")
        )
