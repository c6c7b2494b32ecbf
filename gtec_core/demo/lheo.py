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
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from gtec_core.sources.rncp import write_csv

NS = "http://lheo.gouv.fr/2.3"
LHEO_FILE = "offre-formation-pays-de-vannes-DEMO.xml"
EXPORT_DATE = "2026-01-15"


@dataclass(frozen=True)
class Commune:
    code: str
    nom: str
    codepostal: str
    latitude: float
    longitude: float


# Communes of the zone d'emploi 5318 (cog_ze/ZE2020_5318_Vannes_communes_DERIVED.csv), with the centroid
# of their contour (geo_morbihan/communes-56-morbihan.geojson) and their La Poste postal code.
COMMUNES = {
    c.code: c
    for c in [
        Commune("56260", "Vannes", "56000", 47.6600, -2.7568),
        Commune("56206", "Saint-Avé", "56890", 47.6986, -2.7418),
        Commune("56243", "Séné", "56860", 47.6239, -2.7305),
        Commune("56251", "Theix-Noyalo", "56450", 47.6332, -2.6486),
        Commune("56164", "Ploeren", "56880", 47.6617, -2.8428),
        Commune("56158", "Plescop", "56890", 47.6975, -2.8313),
        Commune("56003", "Arradon", "56610", 47.6338, -2.8232),
        Commune("56053", "Elven", "56250", 47.7327, -2.5929),
        Commune("56184", "Questembert", "56230", 47.6639, -2.4365),
        Commune("56143", "Muzillac", "56190", 47.5550, -2.4736),
        Commune("56240", "Sarzeau", "56370", 47.5238, -2.7516),
        Commune("56067", "Grand-Champ", "56390", 47.7607, -2.8478),
        Commune("56231", "Saint-Nolff", "56250", 47.6985, -2.6660),
        Commune("56248", "Surzur", "56450", 47.5721, -2.6283),
        Commune("56008", "Baden", "56870", 47.6152, -2.9032),
        Commune("56147", "Nivillac", "56130", 47.5405, -2.2495),
        Commune("56052", "Damgan", "56750", 47.5221, -2.5777),
        Commune("56005", "Arzon", "56640", 47.5477, -2.8871),
    ]
}


@dataclass(frozen=True)
class Body:
    key: str
    nom: str
    kind: str  # greta afpa cfa iut univ ifas prive
    sites: tuple[str, ...]  # INSEE codes, first = head office
    financeurs: tuple[str, ...]  # LHEO code-financeur


BODIES = [
    Body(
        "greta",
        "GRETA Bretagne Sud – agence de Vannes",
        "greta",
        ("56260", "56184", "56143"),
        ("2", "4", "10"),
    ),
    Body("afpa", "Afpa – centre de Vannes", "afpa", ("56260",), ("2", "4", "16")),
    Body("cma", "CFA de la Chambre de métiers et de l'artisanat du Morbihan", "cfa", ("56260",), ("16", "5")),
    Body("cfa-btp", "CFA du bâtiment du Morbihan (fictif)", "cfa", ("56206",), ("16", "5")),
    Body("iut", "IUT de Vannes – Université Bretagne Sud", "iut", ("56260",), ("12", "10", "16")),
    Body("ubs", "Université Bretagne Sud – campus de Tohannic", "univ", ("56260",), ("12", "10")),
    Body("ifas", "IFAS du Centre hospitalier Bretagne Atlantique", "ifas", ("56260",), ("2", "10")),
    Body(
        "golfe", "Golfe Formation Conseil (organisme fictif)", "prive", ("56243", "56260"), ("10", "5", "16")
    ),
    Body(
        "atlantique",
        "Atlantique Compétences (organisme fictif)",
        "prive",
        ("56251", "56184"),
        ("10", "4", "16"),
    ),
    Body(
        "rhuys", "Rhuys Formation Maritime (organisme fictif)", "prive", ("56240", "56005"), ("2", "10", "16")
    ),
    Body("transport", "Elven Transport Formation (organisme fictif)", "prive", ("56053",), ("4", "5", "16")),
    Body(
        "muzillac", "Arc Sud Formation (organisme fictif)", "prive", ("56143", "56147", "56052"), ("10", "2")
    ),
]
BODY = {b.key: b for b in BODIES}


@dataclass(frozen=True)
class Cert:
    intitule: str
    abrege: str  # Abrege_Libelle (CAP, BTS, TP…)
    abrege_intitule: str
    niveau: str  # NIV3…NIV7, "" for RS
    romes: tuple[str, ...]
    blocs: tuple[str, ...] = ()
    real: bool = False  # the number and title are the real ones (shared excerpt)


CERTS = {
    "RNCP38430": Cert(
        "Cuisine",
        "CAP",
        "Certificat d'aptitude professionnelle",
        "NIV3",
        ("G1602",),
        ("Organiser la production culinaire", "Réaliser une production culinaire"),
        True,
    ),
    "RNCP41366": Cert(
        "Assistant ressources humaines",
        "TP",
        "Titre professionnel",
        "NIV5",
        ("M1501",),
        ("Assurer l'administration du personnel", "Contribuer au développement des ressources humaines"),
        True,
    ),
    "RNCP36491": Cert("Secrétaire médical", "", "", "NIV4", ("M1609",), (), True),
    "RNCP39743": Cert("Attaché commercial", "", "", "NIV5", ("D1402", "D1403"), (), True),
    "RNCP35477": Cert(
        "Informatique : Administration, gestion et exploitation des données",
        "BUT",
        "Bachelor universitaire de technologie",
        "NIV6",
        ("M1805", "M1810"),
        (),
        True,
    ),
    "RNCP41871": Cert(
        "Installateur en pompe à chaleur et climatisation",
        "TP",
        "Titre professionnel",
        "NIV3",
        ("F1603",),
        (),
        True,
    ),
    "RNCP42587": Cert(
        "Mécatronique navale", "BTS", "Brevet de technicien supérieur", "NIV5", ("I1304",), (), True
    ),
    "RNCP38329": Cert("Apiculture", "CS", "Certificat de spécialisation", "NIV4", ("A1416",), (), True),
    "RNCP36390": Cert(
        "Assistant de gestion et d'administration d'entreprise", "", "", "NIV5", ("M1604", "M1203"), (), True
    ),
    "RS5055": Cert(
        "Certificat d'aptitude à conduire en sécurité (CACES) - Recommandation 489 catégorie 1A : Transpalettes à "
        "conducteur porté sans élévation du poste de conduite",
        "",
        "",
        "",
        (),
        (),
        True,
    ),
    "RS7112": Cert("Responsable d'équipe", "", "", "", (), (), True),
    "RNCP900101": Cert(
        "Diplôme d'État d'aide-soignant",
        "DE",
        "Diplôme d'État",
        "NIV4",
        ("J1501",),
        (
            "Accompagner la personne dans les activités de sa vie quotidienne",
            "Évaluer l'état clinique d'une personne",
        ),
    ),
    "RNCP900102": Cert(
        "Diplôme d'État d'accompagnant éducatif et social", "DE", "Diplôme d'État", "NIV3", ("K1302", "K1304")
    ),
    "RNCP900103": Cert("Agent de restauration", "TP", "Titre professionnel", "NIV3", ("G1603", "G1602")),
    "RNCP900104": Cert("Serveur en restauration", "TP", "Titre professionnel", "NIV3", ("G1803",)),
    "RNCP900105": Cert("Réceptionniste en hôtellerie", "TP", "Titre professionnel", "NIV4", ("G1703",)),
    "RNCP900106": Cert("Vendeur conseil en magasin", "TP", "Titre professionnel", "NIV4", ("D1214", "D1106")),
    "RNCP900107": Cert(
        "Employé commercial en magasin", "TP", "Titre professionnel", "NIV3", ("D1507", "D1505")
    ),
    "RNCP900108": Cert("Comptable assistant", "TP", "Titre professionnel", "NIV4", ("M1203",)),
    "RNCP900109": Cert("Secrétaire assistant", "TP", "Titre professionnel", "NIV4", ("M1607", "M1602")),
    "RNCP900110": Cert(
        "Développeur web et web mobile",
        "TP",
        "Titre professionnel",
        "NIV5",
        ("M1805",),
        (
            "Développer la partie front-end d'une application web",
            "Développer la partie back-end d'une application web",
        ),
    ),
    "RNCP900111": Cert(
        "Technicien supérieur systèmes et réseaux", "TP", "Titre professionnel", "NIV5", ("M1801", "M1810")
    ),
    "RNCP900112": Cert(
        "Technicien de maintenance industrielle", "TP", "Titre professionnel", "NIV4", ("I1304", "I1309")
    ),
    "RNCP900113": Cert(
        "Maintenance des véhicules option voitures particulières",
        "CAP",
        "Certificat d'aptitude professionnelle",
        "NIV3",
        ("I1604",),
    ),
    "RNCP900114": Cert(
        "Électricien d'équipement du bâtiment", "TP", "Titre professionnel", "NIV3", ("F1602",)
    ),
    "RNCP900115": Cert(
        "Plombier chauffagiste", "CAP", "Certificat d'aptitude professionnelle", "NIV3", ("F1603",)
    ),
    "RNCP900116": Cert("Plaquiste plâtrier", "TP", "Titre professionnel", "NIV3", ("F1604",)),
    "RNCP900117": Cert(
        "Peintre en bâtiment", "CAP", "Certificat d'aptitude professionnelle", "NIV3", ("F1606",)
    ),
    "RNCP900118": Cert("Menuisier installateur", "TP", "Titre professionnel", "NIV3", ("F1607",)),
    "RNCP900119": Cert("Maçon", "TP", "Titre professionnel", "NIV3", ("F1703",)),
    "RNCP900120": Cert(
        "Soudeur assembleur industriel", "TP", "Titre professionnel", "NIV3", ("H2913", "H2909")
    ),
    "RNCP900121": Cert(
        "Conducteur de ligne de production alimentaire",
        "CQP",
        "Certificat de qualification professionnelle",
        "NIV3",
        ("H2102",),
    ),
    "RNCP900122": Cert("Agent magasinier", "TP", "Titre professionnel", "NIV3", ("N1103", "N1101")),
    "RNCP900123": Cert(
        "Conducteur du transport routier de marchandises sur porteur",
        "TP",
        "Titre professionnel",
        "NIV3",
        ("N4101",),
    ),
    "RNCP900124": Cert(
        "Jardinier paysagiste", "CAP", "Certificat d'aptitude professionnelle agricole", "NIV3", ("A1203",)
    ),
    "RNCP900125": Cert("Boulanger", "CAP", "Certificat d'aptitude professionnelle", "NIV3", ("D1102",)),
    "RNCP900126": Cert("Pâtissier", "CAP", "Certificat d'aptitude professionnelle", "NIV3", ("D1104",)),
    "RNCP900127": Cert("Boucher", "CAP", "Certificat d'aptitude professionnelle", "NIV3", ("D1101",)),
    "RNCP900128": Cert("Formateur professionnel d'adultes", "TP", "Titre professionnel", "NIV5", ("K2111",)),
    "RNCP900129": Cert(
        "Conseiller en insertion professionnelle", "TP", "Titre professionnel", "NIV5", ("K1801",)
    ),
    "RNCP900130": Cert(
        "Négociation et digitalisation de la relation client",
        "BTS",
        "Brevet de technicien supérieur",
        "NIV5",
        ("D1402", "D1403"),
    ),
    "RNCP900131": Cert(
        "Gestion de la PME", "BTS", "Brevet de technicien supérieur", "NIV5", ("M1604", "M1302")
    ),
    "RNCP900132": Cert(
        "Accompagnant éducatif petite enfance",
        "CAP",
        "Certificat d'aptitude professionnelle",
        "NIV3",
        ("K1303", "J1304"),
    ),
    "RNCP900133": Cert(
        "Matelot à la pêche", "CAP", "Certificat d'aptitude professionnelle maritime", "NIV3", ("A1415",)
    ),
    "RNCP900134": Cert("Aquaculture", "BTSA", "Brevet de technicien supérieur agricole", "NIV5", ("A1404",)),
    "RNCP900135": Cert("Agent de propreté et d'hygiène", "TP", "Titre professionnel", "NIV3", ("K2204",)),
    "RNCP900136": Cert("Infirmier", "DE", "Diplôme d'État", "NIV6", ("J1506",)),
    "RNCP900137": Cert(
        "Métiers de l'informatique : développement web", "LP", "Licence professionnelle", "NIV6", ("M1805",)
    ),
    "RNCP900138": Cert("Management des ressources humaines", "Master", "Master", "NIV7", ("M1503",)),
}


@dataclass(frozen=True)
class Template:
    title: str
    cert: str  # "" when not certifying
    romes: tuple[str, ...]  # declared in domaine-formation ("" = let GTEC classify the title)
    formacode: str
    kinds: tuple[str, ...]
    hours: int
    niveau: str  # code-niveau-sortie (LHEO dictionary)
    objectif: str
    long: bool = False  # school-year degree: starts in September, lasts 1–3 years


T = Template
TEMPLATES = [
    T(
        "Diplôme d'État d'aide-soignant (DEAS)",
        "RNCP900101",
        ("J1501",),
        "43436",
        ("ifas", "greta"),
        1540,
        "5",
        "Former des aides-soignants capables d'accompagner les personnes dans les actes de la vie quotidienne et de réaliser des soins adaptés à leur état de santé.",
    ),
    T(
        "Diplôme d'État d'infirmier",
        "RNCP900136",
        ("J1506",),
        "43448",
        ("ifas",),
        4200,
        "7",
        "Former des infirmiers en soins généraux capables d'évaluer l'état de santé d'une personne, de concevoir et conduire un projet de soins.",
        True,
    ),
    T(
        "DEAES – Accompagnant éducatif et social",
        "RNCP900102",
        ("K1302",),
        "44041",
        ("greta", "golfe"),
        1400,
        "4",
        "Accompagner au quotidien des personnes en situation de handicap ou de perte d'autonomie, à domicile ou en établissement.",
    ),
    T(
        "CAP Accompagnant éducatif petite enfance",
        "RNCP900132",
        ("K1303", "J1304"),
        "44041",
        ("greta", "cma"),
        900,
        "4",
        "Accueillir et prendre soin de jeunes enfants en crèche, à l'école maternelle ou à domicile.",
    ),
    T(
        "Assistant de vie aux familles",
        "",
        (),
        "44041",
        ("greta", "afpa", "atlantique"),
        750,
        "4",
        "Intervenir au domicile des particuliers pour l'entretien du logement, l'aide aux personnes âgées et la garde d'enfants.",
    ),
    T(
        "CAP Cuisine",
        "RNCP38430",
        ("G1602",),
        "42708",
        ("cma", "greta"),
        1200,
        "4",
        "Préparer et cuisiner des mets à base de produits frais, organiser son poste de travail et respecter les règles d'hygiène.",
    ),
    T(
        "Titre professionnel Agent de restauration",
        "RNCP900103",
        (),
        "42708",
        ("afpa", "greta"),
        700,
        "4",
        "Préparer des hors-d'œuvre, des desserts et des plats simples, assurer le service en self et la plonge.",
    ),
    T(
        "Titre professionnel Serveur en restauration",
        "RNCP900104",
        ("G1803",),
        "42757",
        ("afpa", "golfe"),
        665,
        "4",
        "Accueillir la clientèle, prendre les commandes, servir les mets et les boissons en salle et en terrasse.",
    ),
    T(
        "Réceptionniste en hôtellerie",
        "RNCP900105",
        ("G1703",),
        "42788",
        ("afpa", "rhuys"),
        770,
        "5",
        "Accueillir les clients de l'hôtel, gérer les réservations, les arrivées, les départs et la facturation.",
    ),
    T(
        "Vendeur conseil en magasin",
        "RNCP900106",
        ("D1214",),
        "34584",
        ("greta", "afpa", "atlantique"),
        800,
        "5",
        "Conseiller les clients, vendre des produits et participer à l'animation commerciale du magasin.",
    ),
    T(
        "Employé commercial en magasin",
        "RNCP900107",
        ("D1507",),
        "34549",
        ("greta", "muzillac"),
        600,
        "4",
        "Approvisionner les rayons, accueillir et renseigner les clients, tenir la caisse.",
    ),
    T(
        "BTS Négociation et digitalisation de la relation client",
        "RNCP900130",
        ("D1402", "D1403"),
        "34076",
        ("cma", "golfe"),
        1350,
        "6",
        "Former des commerciaux capables de gérer la relation client dans sa globalité, de la prospection à la fidélisation, en présentiel et à distance.",
        True,
    ),
    T(
        "Attaché commercial",
        "RNCP39743",
        (),
        "34076",
        ("golfe", "atlantique"),
        800,
        "6",
        "Prospecter, négocier et développer un portefeuille de clients professionnels.",
    ),
    T(
        "Titre professionnel Comptable assistant",
        "RNCP900108",
        ("M1203",),
        "32663",
        ("greta", "afpa"),
        840,
        "5",
        "Tenir la comptabilité, préparer la paie et les déclarations fiscales d'une petite entreprise.",
    ),
    T(
        "Titre professionnel Secrétaire assistant",
        "RNCP900109",
        ("M1607",),
        "35007",
        ("greta", "afpa"),
        700,
        "5",
        "Assurer les travaux administratifs courants, l'accueil, la gestion de l'agenda et le suivi des dossiers.",
    ),
    T(
        "Secrétaire médical",
        "RNCP36491",
        ("M1609",),
        "35052",
        ("golfe", "greta"),
        700,
        "5",
        "Accueillir les patients, gérer les rendez-vous et les dossiers médicaux dans un cabinet ou un établissement de santé.",
    ),
    T(
        "Assistant ressources humaines",
        "RNCP41366",
        ("M1501",),
        "33054",
        ("afpa", "golfe"),
        800,
        "6",
        "Assurer l'administration du personnel et contribuer au recrutement et au développement des compétences.",
    ),
    T(
        "Assistant de gestion et d'administration d'entreprise",
        "RNCP36390",
        (),
        "35047",
        ("golfe",),
        900,
        "6",
        "Assister le dirigeant d'une PME dans la gestion administrative, commerciale et comptable.",
    ),
    T(
        "BTS Gestion de la PME",
        "RNCP900131",
        ("M1604",),
        "35047",
        ("cma",),
        1350,
        "6",
        "Seconder le dirigeant d'une petite ou moyenne entreprise dans toutes ses fonctions de gestion.",
        True,
    ),
    T(
        "Titre professionnel Développeur web et web mobile",
        "RNCP900110",
        ("M1805",),
        "31067",
        ("afpa", "golfe"),
        1000,
        "6",
        "Concevoir et développer des applications web et mobiles, de l'interface à la base de données.",
    ),
    T(
        "BUT Informatique – parcours administration, gestion et exploitation des données",
        "RNCP35477",
        ("M1805", "M1810"),
        "31067",
        ("iut",),
        1800,
        "7",
        "Former des informaticiens capables de concevoir, développer et exploiter des applications et des bases de données.",
        True,
    ),
    T(
        "Licence professionnelle Métiers de l'informatique : développement web",
        "RNCP900137",
        (),
        "31067",
        ("ubs", "iut"),
        600,
        "7",
        "Concevoir et développer des applications web en équipe, selon les méthodes agiles.",
        True,
    ),
    T(
        "Technicien supérieur systèmes et réseaux",
        "RNCP900111",
        ("M1801",),
        "24231",
        ("afpa",),
        1100,
        "6",
        "Installer, administrer et sécuriser l'infrastructure informatique d'une entreprise.",
    ),
    T(
        "Technicien de maintenance industrielle",
        "RNCP900112",
        ("I1304",),
        "31624",
        ("afpa", "greta"),
        1200,
        "5",
        "Assurer la maintenance préventive et corrective des équipements de production.",
    ),
    T(
        "BTS Mécatronique navale",
        "RNCP42587",
        ("I1304",),
        "31624",
        ("rhuys",),
        1350,
        "6",
        "Entretenir et réparer les systèmes mécaniques, électriques et électroniques des bateaux de plaisance et de travail.",
        True,
    ),
    T(
        "CAP Maintenance des véhicules – voitures particulières",
        "RNCP900113",
        ("I1604",),
        "23637",
        ("cma",),
        1200,
        "4",
        "Réaliser l'entretien courant et les réparations simples des véhicules légers.",
        True,
    ),
    T(
        "Électricien d'équipement du bâtiment",
        "RNCP900114",
        (),
        "24066",
        ("afpa", "cfa-btp", "greta"),
        900,
        "4",
        "Réaliser les installations électriques des bâtiments neufs ou en rénovation.",
    ),
    T(
        "CAP Monteur en installations sanitaires et thermiques",
        "RNCP900115",
        ("F1603",),
        "22677",
        ("cfa-btp",),
        1200,
        "4",
        "Installer les équipements sanitaires et de chauffage, raccorder les réseaux d'eau et de gaz.",
        True,
    ),
    T(
        "Installateur en pompe à chaleur et climatisation",
        "RNCP41871",
        ("F1603",),
        "22671",
        ("afpa", "atlantique"),
        600,
        "4",
        "Installer et mettre en service des pompes à chaleur et des systèmes de climatisation.",
    ),
    T(
        "Titre professionnel Plaquiste",
        "RNCP900116",
        ("F1604",),
        "22412",
        ("afpa", "cfa-btp"),
        700,
        "4",
        "Réaliser des cloisons, doublages et plafonds en plaques de plâtre.",
    ),
    T(
        "CAP Peintre applicateur de revêtements",
        "RNCP900117",
        ("F1606",),
        "22472",
        ("cfa-btp", "greta"),
        1000,
        "4",
        "Préparer les supports et appliquer peintures et revêtements muraux en intérieur et en extérieur.",
    ),
    T(
        "Menuisier installateur",
        "RNCP900118",
        ("F1607",),
        "22435",
        ("afpa", "cfa-btp"),
        800,
        "4",
        "Poser des menuiseries extérieures et intérieures, des fermetures et des agencements.",
    ),
    T(
        "Titre professionnel Maçon",
        "RNCP900119",
        ("F1703",),
        "22334",
        ("afpa", "cfa-btp"),
        900,
        "4",
        "Construire des ouvrages en maçonnerie et en béton armé pour le bâtiment.",
    ),
    T(
        "Soudeur assembleur industriel",
        "RNCP900120",
        ("H2913",),
        "23006",
        ("afpa", "greta"),
        800,
        "4",
        "Assembler et souder des pièces métalliques selon les procédés semi-automatiques et à l'arc.",
    ),
    T(
        "Conducteur de ligne de production alimentaire",
        "RNCP900121",
        ("H2102",),
        "21554",
        ("greta", "atlantique"),
        450,
        "4",
        "Conduire et régler une ligne de fabrication ou de conditionnement dans l'industrie agroalimentaire.",
    ),
    T(
        "Agent magasinier",
        "RNCP900122",
        ("N1103",),
        "31734",
        ("afpa", "transport"),
        600,
        "4",
        "Réceptionner, stocker et préparer les commandes dans un entrepôt ou un magasin.",
    ),
    T(
        "Préparation au CACES R489 catégorie 1A",
        "RS5055",
        (),
        "31768",
        ("transport", "atlantique"),
        21,
        "1",
        "Conduire en sécurité un transpalette à conducteur porté et obtenir le certificat d'aptitude.",
    ),
    T(
        "Conducteur du transport routier de marchandises sur porteur",
        "RNCP900123",
        ("N4101",),
        "31816",
        ("transport", "afpa"),
        490,
        "4",
        "Conduire un poids lourd porteur et assurer le transport et la livraison de marchandises.",
    ),
    T(
        "CAPa Jardinier paysagiste",
        "RNCP900124",
        ("A1203",),
        "21277",
        ("greta", "muzillac"),
        900,
        "4",
        "Aménager et entretenir les parcs, jardins et espaces verts.",
    ),
    T(
        "Certificat de spécialisation Apiculture",
        "RNCP38329",
        (),
        "21056",
        ("muzillac",),
        560,
        "5",
        "Conduire un rucher, produire et commercialiser du miel et des produits de la ruche.",
    ),
    T(
        "CAP Boulanger",
        "RNCP900125",
        ("D1102",),
        "21538",
        ("cma",),
        1200,
        "4",
        "Fabriquer les pains et viennoiseries dans le respect des règles d'hygiène.",
        True,
    ),
    T(
        "CAP Pâtissier",
        "RNCP900126",
        ("D1104",),
        "21528",
        ("cma",),
        1200,
        "4",
        "Réaliser les pâtisseries de base et les entremets d'une pâtisserie artisanale.",
        True,
    ),
    T(
        "CAP Boucher",
        "RNCP900127",
        ("D1101",),
        "21599",
        ("cma",),
        1200,
        "4",
        "Réceptionner, découper et préparer les viandes pour la vente.",
        True,
    ),
    T(
        "CAP Matelot à la pêche",
        "RNCP900133",
        ("A1415",),
        "21352",
        ("rhuys",),
        1100,
        "4",
        "Participer aux opérations de pêche, au traitement des captures et à la conduite du navire.",
    ),
    T(
        "BTSA Aquaculture",
        "RNCP900134",
        ("A1404",),
        "21347",
        ("rhuys",),
        1350,
        "6",
        "Conduire un élevage aquacole, ostréicole ou mytilicole, de la production à la commercialisation.",
        True,
    ),
    T(
        "Titre professionnel Formateur professionnel d'adultes",
        "RNCP900128",
        ("K2111",),
        "80019",
        ("afpa", "golfe"),
        700,
        "6",
        "Préparer et animer des actions de formation collectives et individuelles, accompagner les apprenants.",
    ),
    T(
        "Conseiller en insertion professionnelle",
        "RNCP900129",
        ("K1801",),
        "44569",
        ("afpa",),
        800,
        "6",
        "Accompagner des personnes dans leur parcours d'insertion sociale et professionnelle.",
    ),
    T(
        "Agent de propreté et d'hygiène",
        "RNCP900135",
        ("K2204",),
        "42093",
        ("greta", "muzillac"),
        400,
        "4",
        "Réaliser le nettoyage et l'entretien des locaux et des surfaces selon les protocoles d'hygiène.",
    ),
    T(
        "Master Management des ressources humaines",
        "RNCP900138",
        ("M1503",),
        "33054",
        ("ubs",),
        900,
        "8",
        "Former des cadres capables de concevoir et piloter la politique de ressources humaines d'une organisation.",
        True,
    ),
    T(
        "Responsable d'équipe",
        "RS7112",
        (),
        "32054",
        ("golfe", "atlantique"),
        70,
        "1",
        "Animer une équipe de travail, organiser l'activité et conduire les entretiens professionnels.",
    ),
    T(
        "Sauveteur secouriste du travail – formation initiale",
        "",
        (),
        "",
        ("golfe", "transport", "atlantique"),
        14,
        "1",
        "Intervenir face à une situation d'accident du travail et participer à la prévention des risques.",
    ),
]

FINANCEUR_PLACES = {"2": (8, 15), "4": (6, 12), "16": (4, 10), "12": (20, 30), "10": (2, 6), "5": (2, 8)}
START_MONTHS = (1, 2, 3, 4, 5, 6, 9, 10, 11)


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


STANDARD_HEADER = [
    "Id_Fiche",
    "Numero_Fiche",
    "Intitule",
    "Abrege_Libelle",
    "Abrege_Intitule",
    "Nomenclature_Europe_Niveau",
    "Nomenclature_Europe_Intitule",
    "Accessible_Nouvelle_Caledonie",
    "Accessible_Polynesie_Francaise",
    "Date_dernier_jo",
    "Date_Decision",
    "Date_Fin_Enregistrement",
    "Date_Effet",
    "Type_Enregistrement",
    "Validation_Partielle",
    "Actif",
]
# ROME v3-style labels, as the RNCP `Rome` table gives them.
ROME_LABELS = {
    "J1501": "Soins d'hygiène, de confort du patient",
    "J1506": "Soins infirmiers généralistes",
    "K1302": "Assistance auprès d'adultes",
    "K1304": "Services domestiques",
    "K1303": "Assistance auprès d'enfants",
    "J1304": "Aide en puériculture",
    "G1602": "Personnel de cuisine",
    "G1603": "Personnel polyvalent en restauration",
    "G1803": "Service en restauration",
    "G1703": "Réception en hôtellerie",
    "D1214": "Vente en habillement et accessoires de la personne",
    "D1106": "Vente en alimentation",
    "D1507": "Mise en rayon libre-service",
    "D1505": "Personnel de caisse",
    "D1402": "Relation commerciale grands comptes et entreprises",
    "D1403": "Relation commerciale auprès de particuliers",
    "M1203": "Comptabilité",
    "M1607": "Secrétariat",
    "M1602": "Opérations administratives",
    "M1609": "Secrétariat et assistanat médical ou médico-social",
    "M1501": "Assistanat en ressources humaines",
    "M1503": "Management des ressources humaines",
    "M1604": "Assistanat de direction",
    "M1302": "Direction de petite ou moyenne entreprise",
    "M1805": "Études et développement informatique",
    "M1810": "Production et exploitation de systèmes d'information",
    "M1801": "Administration de systèmes d'information",
    "I1304": "Installation et maintenance d'équipements industriels et d'exploitation",
    "I1309": "Maintenance électrique",
    "I1604": "Mécanique automobile et entretien de véhicules",
    "F1602": "Électricité bâtiment",
    "F1603": "Installation d'équipements sanitaires et thermiques",
    "F1604": "Montage d'agencements",
    "F1606": "Peinture en bâtiment",
    "F1607": "Pose de fermetures menuisées",
    "F1703": "Maçonnerie",
    "H2913": "Soudage manuel",
    "H2909": "Montage-assemblage mécanique",
    "H2102": "Conduite d'équipement de production alimentaire",
    "N1103": "Magasinage et préparation de commandes",
    "N1101": "Conduite d'engins de déplacement des charges",
    "N4101": "Conduite de transport de marchandises sur longue distance",
    "A1203": "Aménagement et entretien des espaces verts",
    "A1416": "Polyculture, élevage",
    "D1102": "Boulangerie - viennoiserie",
    "D1104": "Pâtisserie, confiserie, chocolaterie et glacerie",
    "D1101": "Boucherie",
    "A1415": "Équipage de la pêche",
    "A1404": "Aquaculture",
    "K2111": "Formation professionnelle",
    "K1801": "Conseil en emploi et insertion socioprofessionnelle",
    "K2204": "Nettoyage de locaux",
}
