"""`gtec demo generate --scale pays-de-vannes|bretagne|france --seed N --out DIR [--data-dir DIR] [--months N]`
— write the synthetic demo files (SIRENE, STMT, offers, employment) calibrated on the official data folder.

`gtec demo load --out DIR` — the whole demo territory, as `make demo` loads it: generate the labour-market
files, import them (marked synthetic), generate and import the training offer (LHEO + RNCP, then the real
RNCP excerpt so that real values win), compute the indicators, create the demo survey campaign and its
accounts. Every step is idempotent: a second run changes nothing.

The generators are `gtec_core.demo` (pure); this command only parses the options and reports.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from gtec_core.demo import SCALES, generate
from gtec_core.errors import SourceError


class Command(BaseCommand):
    help = "Génère un territoire de démonstration (fichiers synthétiques aux formats officiels)."

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            choices=["generate", "load"],
            help="generate : écrire les fichiers ; load : écrire, importer et calculer tout le territoire de démonstration",
        )
        parser.add_argument("--scale", choices=list(SCALES), default="pays-de-vannes", help="échelle")
        parser.add_argument(
            "--seed", type=int, default=20241, help="graine (mêmes graine et échelle → mêmes octets)"
        )
        parser.add_argument("--out", type=Path, required=True, help="dossier de sortie")
        parser.add_argument("--data-dir", type=Path, default=None, help="dossier des fichiers officiels")
        parser.add_argument("--months", type=int, default=24, help="nombre de mois générés (1 à 24)")

    def handle(self, *args, **options):
        self.write_files(options)
        if options["action"] == "load":
            self.load(options)

    def load(self, options) -> None:
        from gtec_core.demo import lheo

        out: Path = options["out"]
        data_dir = options["data_dir"] or Path(settings.GTEC_DATA_DIR)
        call_command("import_data", "demo", str(out), stdout=self.stdout)
        # training sessions over this year and the next, so that the catalogue has sessions to come
        training = lheo.generate(
            out / "formation", seed=options["seed"], first_year=datetime.date.today().year
        )
        self.stdout.write(f"Offre de formation de démonstration : {training['lheo']}")
        call_command("import_rncp", str(out / "formation" / "rncp"), stdout=self.stdout)
        if (data_dir / "rncp").is_dir():
            call_command("import_rncp", str(data_dir / "rncp"), stdout=self.stdout)
        call_command("import_lheo", str(training["lheo"]), stdout=self.stdout)
        call_command("compute", stdout=self.stdout)
        call_command("demo_survey", stdout=self.stdout)

    def write_files(self, options) -> None:
        data_dir = options["data_dir"] or Path(settings.GTEC_DATA_DIR)
        try:
            result = generate(
                options["scale"], options["seed"], options["out"], data_dir, months=options["months"]
            )
        except (SourceError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        manifest = result.manifest
        territory = manifest["territory"]
        self.stdout.write(
            f"Territoire de démonstration « {territory['label']} » : {territory['communes']} communes, "
            f"{manifest['period']['first_month']} → {manifest['period']['last_month']}, graine {manifest['seed']}."
        )
        for entry in manifest["files"]:
            seconds = result.seconds.get(entry["kind"], 0.0)
            self.stdout.write(f"  {entry['name']} : {entry['rows']} lignes ({seconds:.1f} s)")
        self.stdout.write(f"Écrit dans {result.out} (manifest.json, PROVENANCE.md). Données SYNTHÉTIQUES.")
