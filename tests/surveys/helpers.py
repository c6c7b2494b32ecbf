"""Small builders for the needs tests: a territory with communes, organisations, members, a campaign."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth import get_user_model

from gtec.organisations.models import Member, Organisation
from gtec.referentials.models import Appellation, FicheCompetence
from gtec.surveys import services
from gtec.surveys.models import Campaign
from gtec.territories.models import Territory
from gtec_core.siret import make_siret

_seq = itertools.count(1)


def territory() -> Territory:
    return Territory.objects.get(key="custom:pays-de-vannes")


def commune(code: str = "56260") -> Territory:
    return Territory.objects.get(key=f"commune:{code}")


def company(name: str = "", naf: str = "56.10A", siren8: str | None = None, **kw) -> Organisation:
    n = next(_seq)
    siret = make_siret(siren8 or f"8{n:07d}", f"{n % 10000:04d}")
    return Organisation.objects.create(
        name=name or f"Entreprise {n}", kind="entreprise", siret=siret, naf=naf, size_band="10-49",
        commune=kw.pop("commune", None) or commune(), **kw,
    )  # fmt: skip


def user(username: str, org=None, role: str = "", terr=None):
    u = get_user_model().objects.create_user(username, username, "mot-de-passe-test")
    if role:
        Member.objects.create(user=u, organisation=org, role=role, territory=terr)
    return u


def campaign(open_: bool = True, terr=None) -> Campaign:
    c = Campaign.objects.create(
        name="Campagne test", territory=terr or territory(), period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
    )  # fmt: skip
    return services.campaign_open(c) if open_ else c


def appellation(code_rome: str = "J1501") -> Appellation:
    return Appellation.objects.filter(fiche_id=code_rome, actif=True).order_by("code_ogr").first()


def answer(
    code_rome: str = "J1501", hires: int = 3, difficult: bool = True, departures: int = 1, **kw
) -> dict:
    app = appellation(code_rome)
    skill = (
        FicheCompetence.objects.filter(fiche_id=code_rome, savoir_etre=False)
        .order_by("competence_id")
        .first()
    )
    return {
        "effectif": 20,
        "metiers": [
            {
                "code_ogr": app.code_ogr,
                "effectifs": {"moins_30": 2, "30_44": 3, "45_54": 2, "55_plus": 2},
                "departs_5ans": departures,
                "recrutements_12m": hires,
                "contrat": "cdi" if hires else "",
                "difficulte": difficult,
                "raisons": ["penurie"] if difficult else [],
                "competences": [skill.competence_id] if skill else [],
            }
        ],
        "formats": ["afest"],
        "moteurs": ["numerique"],
        "accueil": {"immersion": True, "apprentis": 1, "stagiaires": 0},
        "consentement": "agregats",
        **kw,
    }


def submit(camp, org, data=None, user=None):
    services.campaign_invite(camp, [org])
    return services.response_save(
        campaign=camp, organisation=org, data=data or answer(), user=user, submit=True
    )
