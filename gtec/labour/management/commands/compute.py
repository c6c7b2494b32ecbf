"""`gtec compute [--territory SCALE:CODE ...] [--year YYYY ...]` — compute and store every indicator.

Without `--territory`, the default territory (GTEC_DEFAULT_TERRITORY) is computed with the EPCI and communes
inside it and the zones d'emploi, bassins, département and région around it."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gtec.labour.compute import default_territories, observations_compute
from gtec.territories.models import Territory


class Command(BaseCommand):
    help = "Calcule les indicateurs du marché du travail et les enregistre (observations)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--territory", action="append", default=[], help="territoire SCALE:CODE (répétable)"
        )
        parser.add_argument("--year", action="append", type=int, default=[], help="année (répétable)")
        parser.add_argument("--reference", default=None, help="territoire de référence pour la tension")
        parser.add_argument("--only", action="store_true", help="seulement les territoires nommés")

    def handle(
        self, *args, territory: list[str], year: list[int], reference: str | None, only: bool, **options
    ):
        keys = territory or [settings.GTEC_DEFAULT_TERRITORY]
        found = {t.key: t for t in Territory.objects.filter(key__in=keys)}
        missing = [k for k in keys if k not in found]
        if missing:
            raise CommandError(f"territoire inconnu : {missing[0]} (forme attendue ÉCHELLE:CODE, ex. dep:56)")
        chosen: dict[str, Territory] = {}
        for key in keys:
            for t in [found[key]] if only else default_territories(found[key]):
                chosen[t.key] = t
        ref = None
        if reference:
            ref = Territory.objects.filter(key=reference).first()
            if ref is None:
                raise CommandError(f"territoire de référence inconnu : {reference}")
        started = time.perf_counter()
        version, counts = observations_compute(
            list(chosen.values()), years=year or None, reference=ref, progress=self.progress
        )
        c = counts["observations"]
        self.stdout.write(
            self.style.SUCCESS(
                f"{version} : {c.created} créées, {c.updated} modifiées, {c.deleted} supprimées, "
                f"{c.unchanged} inchangées ({time.perf_counter() - started:.1f} s)"
            )
        )

    def progress(self, table: str, n: int) -> None:
        self.stdout.write(f"  … {table} ({n:,} lignes)".replace(",", " "))
