"""Demo campaign: organisations, one user per role, an open campaign and ~120 synthetic answers
(gtec_core.demo.survey), loaded through the workbook import. Idempotent: a second run changes nothing."""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from gtec.organisations.models import ADMIN, CONTRIBUTOR, COORDINATOR, READER, Member, Organisation
from gtec.surveys import services
from gtec.surveys.models import Campaign
from gtec.territories.models import Territory
from gtec_core.demo import survey as demo

PASSWORD = "demo-gtec-2025"
CAMPAIGN = "Besoins en emplois et compétences 2025 – Pays de Vannes (démo)"
USERS = [
    ("coordinateur@demo.gtec", COORDINATOR, "Camille Coordinatrice"),
    ("entreprise@demo.gtec", ADMIN, "Alex Administrateur"),
    ("contributeur@demo.gtec", CONTRIBUTOR, "Dominique Contributrice"),
    ("lecteur@demo.gtec", READER, "Lou Lecteur"),
]


class Command(BaseCommand):
    help = "Crée la campagne d'enquête de démonstration (organisations, comptes par rôle, ~120 réponses)."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=None)
        parser.add_argument("--seed", type=int, default=5318)
        parser.add_argument("--count", type=int, default=120)
        parser.add_argument("--territory", default=settings.GTEC_DEFAULT_TERRITORY)

    def handle(self, *args, **opts):
        territory = Territory.objects.filter(key=opts["territory"]).first()
        if territory is None:
            raise CommandError(f"territoire {opts['territory']} absent : lancez d'abord `gtec import all`")
        data_dir = Path(opts["data_dir"] or settings.GTEC_DATA_DIR)
        establishments = demo.generate(data_dir, seed=opts["seed"], n=opts["count"])
        campaign, _ = Campaign.objects.get_or_create(
            name=CAMPAIGN,
            defaults={
                "territory": territory,
                "period_start": datetime.date(2025, 1, 6),
                "period_end": datetime.date(2025, 12, 19),
            },
        )
        if not campaign.is_open:
            services.campaign_open(campaign)
        with tempfile.TemporaryDirectory() as tmp:
            path = demo.write(Path(tmp) / "enquete-demo.xlsx", establishments)
            count, errors = services.workbook_import(
                campaign=campaign, path=path, source="demo", synthetic=True
            )
        if errors:
            raise CommandError("\n".join(str(e) for e in errors[:20]))
        company = Organisation.objects.get(siret=establishments[0].siret)
        coordination, _ = Organisation.objects.get_or_create(
            name="Coordination GTEC du Pays de Vannes (démo)",
            defaults={"kind": "collectivite", "synthetic": True},
        )
        User = get_user_model()
        for email, role, name in USERS:
            user = User.objects.filter(username=email).first()
            if user is None:
                first, last = name.split(" ", 1)
                user = User.objects.create_user(email, email, PASSWORD, first_name=first, last_name=last)
            org = coordination if role == COORDINATOR else company
            Member.objects.get_or_create(
                user=user, organisation=org, role=role, territory=territory if role == COORDINATOR else None
            )
        self.stdout.write(f"Campagne « {campaign.name} » : {count} réponses de démonstration chargées.")
        self.stdout.write(f"Comptes de démonstration (mot de passe : {PASSWORD}) :")
        for email, role, _ in USERS:
            self.stdout.write(f"  {role:<13} {email}")
