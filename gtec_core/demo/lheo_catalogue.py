"""What the demo training offer is made of (gtec_core.demo.lheo writes it): the communes of the zone
d'emploi 5318 Vannes, the kinds of training bodies, the certifications, the formation templates, and the
RNCP table headers and ROME labels of the RNCP CSV tables. Data only; see lheo.py for what is real."""

from __future__ import annotations

from dataclasses import dataclass


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
