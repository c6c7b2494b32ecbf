"""Demo training offer of the Pays de Vannes, written in the official formats: an LHEO 2.3 export (as a
Carif-Oref would publish it) and the RNCP CSV tables (France Compétences layout) of the certifications it
cites. Deterministic from a seed; every formation says it is synthetic (`extras/extra
info="donnees-synthetiques"`), and so does the organisme name of every fictional body.

What is real: the communes of the zone d'emploi 5318 Vannes (INSEE codes, postal codes, centroids of the
IGN contours), the ROME 4.0 codes, the Formacode descriptors (FCod export), the kinds of bodies present in
the area (GRETA, Afpa, CFA, IUT and Université Bretagne Sud, IFAS, private bodies) and the certification
titles. The RNCP numbers of certifications found in the shared RNCP excerpt are the real ones; the others
are numbered RNCP9xxxxx, outside the official range, so that they never pass for a real fiche. What is
not real: bodies' SIRET (999… numbers), sessions, places, prices.

`scale` multiplies the number of formations (scale 1 ≈ 300 formations, 600 actions); the benchmark uses
it to write 10, 100 or 1,000 MB files.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from xml.sax.saxutils import escape

from gtec_core.demo.lheo_catalogue import (  # noqa: F401 (re-exported: tests and the benchmark read them here)
    BODIES,
    BODY,
    CERTS,
    COMMUNES,
    ROME_LABELS,
    STANDARD_HEADER,
    Body,
    Cert,
    Commune,
)
from gtec_core.demo.lheo_templates import FINANCEUR_PLACES, START_MONTHS, TEMPLATES, T, Template  # noqa: F401
from gtec_core.sources.rncp import write_csv

NS = "http://lheo.gouv.fr/2.3"
LHEO_FILE = "offre-formation-pays-de-vannes-DEMO.xml"
EXPORT_DATE = "2026-01-15"


def lines_escape(text: str) -> str:
    """Text of an HTML-bearing LHEO field (objectif, contenu): HTML escaped inside XML, as in real exports."""
    return escape(escape(text))


FIRST_YEAR = 2025  # sessions run over FIRST_YEAR and the year after


class Writer:
    def __init__(self, rng: random.Random, first_year: int = FIRST_YEAR):
        self.first_year = first_year
        self.rng = rng

    def adresse(self, commune: Commune, ligne: str, indent: str = "") -> str:
        return (
            f"<adresse><ligne>{escape(ligne[:50])}</ligne><codepostal>{commune.codepostal}</codepostal>"
            f"<ville>{escape(commune.nom)}</ville><departement>56</departement>"
            f"<code-INSEE-commune>{commune.code}</code-INSEE-commune><region>53</region><pays>FR</pays>"
            f"<geolocalisation><latitude>{commune.latitude:.4f}</latitude><longitude>{commune.longitude:.4f}</longitude>"
            f"</geolocalisation></adresse>"
        )

    def sessions(
        self, template: Template, action_id: str, commune: Commune, financeurs: list[str]
    ) -> list[str]:
        rng = self.rng
        out = []
        count = rng.choice((1, 1, 2)) if template.long else rng.choice((1, 2, 2, 3, 4))
        weeks = max(1, round(template.hours / 35))
        for n in range(count):
            if template.long:
                start = dt.date(self.first_year + (n % 2), 9, rng.choice((1, 2, 8, 15)))
                years = max(1, round(template.hours / 700))
                end = dt.date(start.year + years, 6 if rng.random() < 0.5 else 8, 30)
            else:
                start = dt.date(
                    rng.choice((self.first_year, self.first_year + 1)),
                    rng.choice(START_MONTHS),
                    rng.randint(1, 28),
                )
                end = start + dt.timedelta(weeks=weeks + rng.randint(0, 6))
            places = rng.randint(*FINANCEUR_PLACES.get(financeurs[0], (8, 14)))
            out.append(
                f'<session numero="{action_id}-S{n + 1}"><periode><debut>{start:%Y%m%d}</debut><fin>{end:%Y%m%d}</fin>'
                f"</periode><adresse-inscription>{self.adresse(commune, 'Service des inscriptions')}</adresse-inscription>"
                f"<etat-recrutement>{1 if rng.random() < 0.8 else 2}</etat-recrutement>"
                f"<recrutement><modalite-recrutement>1</modalite-recrutement><nb-places>{places}</nb-places></recrutement>"
                "</session>"
            )
        return out

    def formation(self, index: int, template: Template, body: Body) -> str:
        rng = self.rng
        numero = f"DEMO-F{index:06d}"
        head = COMMUNES[body.sites[0]]
        cert = CERTS.get(template.cert)
        domaine = (
            f'<code-FORMACODE ref="V12" tag="principal">{template.formacode}</code-FORMACODE>'
            if template.formacode
            else ""
        )
        domaine += "".join(f"<code-ROME>{code}</code-ROME>" for code in template.romes)
        certification = ""
        if cert:
            tag = "code-RS" if template.cert.startswith("RS") else "code-RNCP"
            number = template.cert.removeprefix("RNCP").removeprefix("RS")
            certification = f"<certification><{tag}>{number}</{tag}></certification>"
        blocs = cert.blocs if cert else ()
        contenu = (
            "<ul>"
            + "".join(
                f"<li>{b}</li>" for b in blocs or ("Enseignements professionnels", "Stage en entreprise")
            )
            + "</ul>"
        )
        n_actions = (
            rng.choice((1, 2, 2, 2, 3, 3)) if len(body.sites) > 1 or not template.long else rng.choice((1, 2))
        )
        actions = []
        for a in range(n_actions):
            commune = COMMUNES[body.sites[a % len(body.sites)]]
            action_id = f"{numero}-A{a + 1}"
            alternance = body.kind == "cfa" or (template.hours >= 400 and rng.random() < 0.3)
            modalite = "2" if rng.random() < 0.07 else ("1" if rng.random() < 0.2 else "0")
            financeurs = rng.sample(body.financeurs, k=min(len(body.financeurs), rng.choice((1, 2))))
            financed = "".join(
                f"<organisme-financeur><code-financeur>{code}</code-financeur>"
                f"<nb-places-financees>{rng.randint(*FINANCEUR_PLACES.get(code, (2, 8)))}</nb-places-financees>"
                "</organisme-financeur>"
                for code in financeurs
            )
            price = round(template.hours * rng.uniform(9, 16), 2)
            actions.append(
                f'<action numero="{action_id}"><rythme-formation>{"En alternance" if alternance else "Temps plein"}</rythme-formation>'
                f'<code-public-vise ref="V12">{"81056" if alternance else "81061"}</code-public-vise>'
                f"<niveau-entree-obligatoire>0</niveau-entree-obligatoire>"
                f"<modalites-alternance>{'Contrat d’apprentissage ou de professionnalisation' if alternance else '-'}</modalites-alternance>"
                f"<modalites-enseignement>{modalite}</modalites-enseignement><conditions-specifiques>-</conditions-specifiques>"
                f"<prise-en-charge-frais-possible>1</prise-en-charge-frais-possible>"
                f"<lieu-de-formation><coordonnees>{self.adresse(commune, body.nom)}</coordonnees></lieu-de-formation>"
                f"<modalites-entrees-sorties>{rng.choice('01')}</modalites-entrees-sorties>"
                + "".join(self.sessions(template, action_id, commune, financeurs))
                + f"<prix-total-TTC>{price:.2f}</prix-total-TTC><duree-indicative>{template.hours} heures</duree-indicative>"
                f"<nombre-heures-total>{template.hours}</nombre-heures-total>{financed}</action>"
            )
        siret = f"99900000{BODIES.index(body):06d}"
        return (
            f'<formation numero="{numero}"><domaine-formation>{domaine}</domaine-formation>'
            f"<intitule-formation>{escape(template.title)}</intitule-formation>"
            f"<objectif-formation>{lines_escape('<p>' + template.objectif + '</p>')}</objectif-formation>"
            f"<resultats-attendus>{lines_escape('<p>' + (cert.intitule if cert else template.title) + '</p>')}</resultats-attendus>"
            f"<contenu-formation>{lines_escape(contenu)}</contenu-formation>"
            f"<certifiante>{1 if cert else 0}</certifiante>"
            f"<contact-formation><coordonnees><telfixe><numtel>02 97 00 00 {index % 100:02d}</numtel></telfixe></coordonnees></contact-formation>"
            f"<parcours-de-formation>1</parcours-de-formation><code-niveau-entree>{'0' if not template.long else '5'}</code-niveau-entree>"
            f"{certification}<code-niveau-sortie>{template.niveau}</code-niveau-sortie>"
            + "".join(actions)
            + f'<organisme-formation-responsable numero="{body.key}"><numero-activite>53560000000</numero-activite>'
            f"<SIRET-organisme-formation><SIRET>{siret}</SIRET></SIRET-organisme-formation>"
            f"<nom-organisme>{escape(body.nom)}</nom-organisme><raison-sociale>{escape(body.nom)}</raison-sociale>"
            f"<coordonnees-organisme><coordonnees>{self.adresse(head, body.nom)}</coordonnees></coordonnees-organisme>"
            f"<contact-organisme><coordonnees><courriel>contact@{body.key}.example</courriel></coordonnees></contact-organisme>"
            f"</organisme-formation-responsable>"
            f'<extras info="GTEC"><extra info="donnees-synthetiques">1</extra><extra info="generateur">gtec_core.demo.lheo</extra></extras>'
            "</formation>\n"
        )


def plan(rng: random.Random, count: int) -> list[tuple[Template, Body]]:
    """Which template each formation instantiates, and which body offers it."""
    out = []
    for i in range(count):
        template = TEMPLATES[i % len(TEMPLATES)] if i < len(TEMPLATES) else rng.choice(TEMPLATES)
        bodies = [b for b in BODIES if b.key in template.kinds or b.kind in template.kinds]
        out.append((template, rng.choice(bodies)))
    return out


def write_lheo(path: Path, *, seed: int = 5318, scale: float = 1.0, first_year: int = FIRST_YEAR) -> dict:
    """Write the LHEO 2.3 file; return its counts. Sessions start in `first_year` or the year after (the demo
    load passes the current year, so that the catalogue shows sessions to come)."""
    rng = random.Random(seed)
    count = max(1, round(300 * scale))
    writer = Writer(rng, first_year)
    actions = sessions = 0
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<lheo xmlns="{NS}">\n<offres>\n')
        for index, (template, body) in enumerate(plan(rng, count), start=1):
            text = writer.formation(index, template, body)
            actions += text.count("<action ")
            sessions += text.count("<session ")
            handle.write(text)
        handle.write("</offres>\n</lheo>\n")
    return {"formations": count, "actions": actions, "sessions": sessions}


def write_rncp(folder: Path, certs: list[str] | None = None) -> dict[str, Path]:
    """The Standard, Rome and Blocs tables for the certifications the demo cites."""
    folder.mkdir(parents=True, exist_ok=True)
    codes = sorted(certs or CERTS, key=lambda c: (c[:2], int(c.lstrip("RNCPS"))))
    standard, rome, blocs = [], [], []
    for number, code in enumerate(codes, start=40000):
        cert = CERTS[code]
        niveau_intitule = f"Niveau {cert.niveau[-1]}" if cert.niveau else ""
        standard.append(
            [
                str(number),
                code,
                cert.intitule,
                cert.abrege,
                cert.abrege_intitule,
                cert.niveau,
                niveau_intitule,
                "Non",
                "Non",
                "",
                "15/01/2024",
                "15/01/2029",
                "",
                "Enregistrement de droit" if cert.abrege else "Enregistrement sur demande",
                "",
                "ACTIVE",
            ]
        )
        rome += [[code, r, ROME_LABELS.get(r, "").replace("'", "''")] for r in cert.romes]
        blocs += [
            [code, f"{code}BC{i:02d}", label.replace("'", "''")]
            for i, label in enumerate(cert.blocs, start=1)
        ]
    paths = {
        "standard": folder / f"export_fiches_CSV_Standard_{EXPORT_DATE}.csv",
        "rome": folder / f"export_fiches_CSV_Rome_{EXPORT_DATE}.csv",
        "blocs": folder / f"export_fiches_CSV_Blocs_De_Compétences_{EXPORT_DATE}.csv",
    }
    write_csv(paths["standard"], STANDARD_HEADER, standard)
    write_csv(paths["rome"], ["Numero_Fiche", "Codes_Rome_Code", "Codes_Rome_Libelle"], rome)
    write_csv(paths["blocs"], ["Numero_Fiche", "Bloc_Competences_Code", "Bloc_Competences_Libelle"], blocs)
    return paths


def generate(out: Path, *, seed: int = 5318, scale: float = 1.0, first_year: int = FIRST_YEAR) -> dict:
    """Write `out/lheo/<LHEO_FILE>` and `out/rncp/export_fiches_CSV_*.csv`; return counts and paths."""
    out = Path(out)
    (out / "lheo").mkdir(parents=True, exist_ok=True)
    lheo_path = out / "lheo" / LHEO_FILE
    counts = write_lheo(lheo_path, seed=seed, scale=scale, first_year=first_year)
    rncp = write_rncp(out / "rncp", sorted({t.cert for t in TEMPLATES if t.cert}))
    return {**counts, "lheo": lheo_path, "rncp": rncp}
