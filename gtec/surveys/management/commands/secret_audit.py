"""`gtec secret_audit [URL…]`: what a reader can infer about the « s » cells of the campaign results pages.

Fetches each page as an anonymous visitor would (Django test client, no server), reads its needs tables
(occupation × EPCI with the « Territoire » column and the « Ensemble des métiers » row), and feeds each to
the auditor (`gtec_core.secrecy_audit`) with the bounds a reader knows: a count is ≥ 0, and an « s » is ≥ 1
when the page prints empty cells « 0 ». Prints, per table, the suppressed cells recovered exactly and those
narrowed below the protection required. Default: every published campaign."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.test import Client

from gtec.surveys.models import Campaign
from gtec_core import secrecy_audit as sa


def audit_page(html: str) -> dict[str, list[sa.Finding]]:
    """Findings per needs table of a results page (« s » ≥ 1: empty cells are printed « 0 »)."""
    out = {}
    for name, rows in sa.html_tables(html).items():
        if not name.startswith("needs-") or len(rows) < 2:
            continue
        table, _ = sa.grid_table(rows, total_rows=["Ensemble des métiers"], default_lower=1.0)
        out[name] = sa.audit(table)
    return out


class Command(BaseCommand):
    help = "Audite le secret statistique des pages de résultats de campagne (cellules « s » déductibles)."

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="*", help="pages à auditer (défaut : chaque campagne publiée)")

    def handle(self, *args, **options):
        urls = options["urls"] or [
            f"/besoins/campagnes/{pk}/"
            for pk in Campaign.objects.exclude(status="brouillon").values_list("pk", flat=True)
        ]
        client = Client(HTTP_HOST="127.0.0.1")
        total = {"recovered": 0, "narrowed": 0, "s": 0}
        for url in urls:
            response = client.get(url)
            if response.status_code != 200:
                self.stdout.write(f"{url} : réponse {response.status_code}, ignorée")
                continue
            for name, findings in audit_page(response.content.decode()).items():
                recovered = [f for f in findings if f.status == sa.RECOVERED]
                narrowed = [f for f in findings if f.status == sa.NARROWED]
                total["recovered"] += len(recovered)
                total["narrowed"] += len(narrowed)
                total["s"] += len(findings)
                self.stdout.write(
                    f"{url} {name} : {len(findings)} cellules « s », {len(recovered)} retrouvées exactement, "
                    f"{len(narrowed)} encadrées trop étroitement"
                )
                for f in recovered + narrowed:
                    self.stdout.write(f"  {f.key[0]} / {f.key[1]} : [{f.low:g} ; {f.high:g}] {f.status}")
        self.stdout.write(
            f"Total : {total['s']} cellules « s », {total['recovered']} retrouvées, "
            f"{total['narrowed']} encadrées trop étroitement"
        )
