"""LHEO records: the dictionaries of the format (funders, levels, teaching modes), the typed records
(formation, action, session, organisme, place) and how one `formation` element is read and checked into
them, with the rejection reasons (gtec_core.sources.lheo streams the file and calls `read_formation`)."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import asdict, dataclass, field

from gtec_core.weburl import normalise as normalise_url
from gtec_core.weburl import web_url_problem

NS_22 = "http://www.lheo.org/2.2"
NS_23 = "http://lheo.gouv.fr/2.3"
VERSIONS = {NS_22: "2.2", NS_23: "2.3", "": "sans espace de noms"}
XSD_FILE = "lheo-2.3.xsd"
MAX_HOURS = 10_000  # hours of one action: more is a typo (a full-time year is about 1 600 hours)
MAX_PROBLEMS = 1000  # detailed rejections kept; the total is always counted

ROME = re.compile(r"^[A-N]\d{4}$")
FORMACODE = re.compile(r"^\d{5}$")
INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
SIRET = re.compile(r"^\d{14}$")
RNCP = re.compile(r"^(?:RNCP)?\s*(\d{1,6})$", re.IGNORECASE)
RS = re.compile(r"^(?:RS)?\s*(\d{1,6})$", re.IGNORECASE)
DATE = re.compile(r"^\d{8}$")
UNKNOWN_DATES = {"00000000", "99999999"}
TAG = re.compile(r"<[^>]+>")
SPACES = re.compile(r"[ \t\r\f\v]+")

# LHEO dictionary "financeurs" (code-financeur), codes 0–17; later codes are shown by number.
FINANCEURS = {
    "0": "Autre",
    "1": "Code(s) obsolète(s)",
    "2": "Conseil régional",
    "3": "Fonds européens – FSE",
    "4": "France Travail",
    "5": "Entreprise",
    "6": "ACSÉ (anciennement FASILD)",
    "7": "AGEFIPH",
    "8": "Conseil départemental",
    "9": "Commune",
    "10": "Bénéficiaire de l'action",
    "11": "État – ministère chargé de l'emploi",
    "12": "État – ministère de l'éducation nationale",
    "13": "État – autre",
    "14": "Fonds européens – autre",
    "15": "Collectivité territoriale – autre",
    "16": "OPCO (ex-OPCA)",
    "17": "OPACIF",
}
FINANCEUR_CODES = {str(i) for i in range(21)}  # XSD enumeration of code-financeur
MODALITES = {"0": "présentiel", "1": "mixte", "2": "à distance"}  # modalites-enseignement
# code-niveau-entree / code-niveau-sortie (LHEO dictionary "niveaux"); 11–18 are the national framework.
NIVEAUX = {
    "0": "non communiqué",
    "1": "sans niveau spécifique",
    "2": "niveau VI (sans diplôme)",
    "3": "niveau V bis",
    "4": "niveau V (CAP, BEP)",
    "5": "niveau IV (baccalauréat)",
    "6": "niveau III (bac + 2)",
    "7": "niveau II (bac + 3 et 4)",
    "8": "niveau I (bac + 5 et plus)",
    **{str(10 + n): f"niveau {n} du cadre national" for n in range(1, 9)},
}


@dataclass
class Problem:
    """A rejected record: which formation / action / session, where, which field, and why (in French)."""

    formation: str
    action: str = ""
    session: str = ""
    line: int | None = None
    field: str = ""
    message: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


class Rejected(Exception):
    def __init__(self, field_name: str, message: str, line: int | None = None):
        super().__init__(message)
        self.field = field_name
        self.message = message
        self.line = line


@dataclass
class Place:
    code_insee: str = ""
    codepostal: str = ""
    ville: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class Organisme:
    numero: str
    siret: str
    nom: str
    raison_sociale: str
    numero_activite: str
    place: Place

    @property
    def key(self) -> str:
        """SIRET when the export gives one (stable across exports and sources), else the LHEO number."""
        return self.siret or f"lheo:{self.numero or self.nom.casefold()}"


@dataclass
class SessionRecord:
    numero: str
    debut: dt.date | None
    fin: dt.date | None
    nb_places: int | None
    etat_recrutement: str
    line: int | None


@dataclass
class ActionRecord:
    numero: str
    rythme: str
    modalites_enseignement: str
    alternance: bool
    prise_en_charge: bool
    place: Place
    financeurs: list[str]
    nb_places_financees: int | None
    nombre_heures: int | None
    prix_total: float | None
    duree_indicative: str
    url: str
    line: int | None
    sessions: list[SessionRecord] = field(default_factory=list)


@dataclass
class FormationRecord:
    numero: str
    intitule: str
    objectif: str
    resultats: str
    contenu: str
    certifiante: bool
    niveau_entree: str
    niveau_sortie: str
    formacodes: list[str]
    nsf: list[str]
    romes: list[str]
    certifications: list[str]  # RNCP123 / RS456
    certifinfo: list[str]
    url: str
    organisme: Organisme
    line: int | None
    synthetic: bool = False
    actions: list[ActionRecord] = field(default_factory=list)


def html_to_text(value: str) -> str:
    """LHEO free texts carry HTML escaped in XML (`&lt;p&gt;`): keep the words, one paragraph a line."""
    if "<" not in value and "&" not in value:
        return SPACES.sub(" ", value).strip()
    value = re.sub(r"(?i)<\s*(br|/p|/li|/h\d|/div)\s*/?>", "\n", value)
    value = re.sub(r"(?i)<\s*li\s*>", "\n• ", value)
    value = html.unescape(TAG.sub(" ", value))
    lines = (SPACES.sub(" ", line).strip() for line in value.splitlines())
    return "\n".join(line for line in lines if line)


def parse_date(value: str, field_name: str, line: int | None) -> dt.date | None:
    """AAAAMMJJ (XSD `date-subtype`); AAAAMM00 is a date known to the month (read as its first day);
    00000000 and 99999999 mean "not known"."""
    value = value.strip()
    if not value or value in UNKNOWN_DATES:
        return None
    if not DATE.match(value):
        raise Rejected(field_name, f"date « {value} » invalide (AAAAMMJJ attendu)", line)
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]) or 1)
    except ValueError:
        raise Rejected(field_name, f"date « {value} » inexistante", line) from None


def parse_int(value: str, field_name: str, line: int | None, high: int = 999_999_999) -> int | None:
    value = value.strip().replace(" ", "")
    if not value:
        return None
    if not re.fullmatch(r"\d{1,9}", value):
        raise Rejected(field_name, f"entier positif attendu, lu « {value} »", line)
    if int(value) > high:
        raise Rejected(field_name, f"valeur {value} hors de l'intervalle [0, {high}]", line)
    return int(value)


def parse_float(value: str, field_name: str, line: int | None, low: float, high: float) -> float | None:
    value = value.strip().replace(",", ".")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise Rejected(field_name, f"nombre attendu, lu « {value} »", line) from None
    if not low <= number <= high:
        raise Rejected(field_name, f"valeur {value} hors de l'intervalle [{low}, {high}]", line)
    return number


class Element:
    """Children of one element by local name (the namespace prefix cut once)."""

    __slots__ = ("elem", "kids", "cut")

    def __init__(self, elem, cut: int):
        self.elem = elem
        self.cut = cut
        self.kids: dict[str, list] = {}
        for child in elem:
            if isinstance(child.tag, str):
                self.kids.setdefault(child.tag[cut:], []).append(child)

    @property
    def line(self) -> int | None:
        return self.elem.sourceline

    def all(self, name: str) -> list:
        return self.kids.get(name, [])

    def one(self, name: str) -> Element | None:
        found = self.kids.get(name)
        return Element(found[0], self.cut) if found else None

    def text(self, name: str) -> str:
        found = self.kids.get(name)
        return (found[0].text or "").strip() if found else ""

    def texts(self, name: str) -> list[str]:
        return [(e.text or "").strip() for e in self.kids.get(name, []) if (e.text or "").strip()]


def read_place(adresse: Element | None, where: str) -> Place:
    if adresse is None:
        return Place()
    code = adresse.text("code-INSEE-commune")
    if code and not INSEE.match(code):
        raise Rejected(f"{where}/code-INSEE-commune", f"code commune INSEE « {code} » invalide", adresse.line)
    place = Place(code_insee=code, codepostal=adresse.text("codepostal"), ville=adresse.text("ville"))
    geo = adresse.one("geolocalisation")
    if geo is not None:
        place.latitude = parse_float(geo.text("latitude"), f"{where}/latitude", geo.line, -90, 90)
        place.longitude = parse_float(geo.text("longitude"), f"{where}/longitude", geo.line, -180, 180)
    return place


def first_adresse(container: Element | None) -> Element | None:
    """`lieu-de-formation/coordonnees/adresse` or `adresse-inscription/adresse`."""
    if container is None:
        return None
    coordonnees = container.one("coordonnees")
    holder = coordonnees if coordonnees is not None else container
    return holder.one("adresse")


def read_organisme(e: Element | None) -> Organisme:
    if e is None:
        raise Rejected("organisme-formation-responsable", "organisme responsable absent")
    siret = ""
    holder = e.one("SIRET-organisme-formation")
    if holder is not None:
        siret = holder.text("SIRET").replace(" ", "")
        if siret and not SIRET.match(siret):
            raise Rejected("SIRET", f"SIRET « {siret} » invalide (14 chiffres attendus)", holder.line)
    nom = e.text("nom-organisme")
    if not nom:
        raise Rejected("nom-organisme", "nom de l'organisme absent", e.line)
    coordonnees = e.one("coordonnees-organisme")
    place = read_place(first_adresse(coordonnees), "coordonnees-organisme") if coordonnees else Place()
    raison = e.text("raison-sociale")
    return Organisme(
        numero=e.elem.get("numero", "").strip(),
        siret=siret,
        nom=nom[:250],
        raison_sociale="" if raison == "-" else raison[:250],
        numero_activite=e.text("numero-activite"),
        place=place,
    )


def certification_codes(e: Element) -> tuple[list[str], list[str]]:
    codes: list[str] = []
    certifinfo: list[str] = []
    for elem in e.all("certification"):
        cert = Element(elem, e.cut)
        for name, pattern, prefix in (("code-RNCP", RNCP, "RNCP"), ("code-RS", RS, "RS")):
            value = cert.text(name)
            if value:
                match = pattern.match(value)
                if not match:
                    raise Rejected(name, f"code « {value} » invalide", cert.line)
                codes.append(f"{prefix}{int(match.group(1))}")
        certifinfo += cert.texts("code-CERTIFINFO")
    return list(dict.fromkeys(codes)), certifinfo


def read_session(e: Element, index: int) -> SessionRecord:
    periode = e.one("periode")
    if periode is None:
        raise Rejected("periode", "période de la session absente", e.line)
    debut = parse_date(periode.text("debut"), "periode/debut", periode.line)
    fin = parse_date(periode.text("fin"), "periode/fin", periode.line)
    if debut and fin and fin < debut:
        raise Rejected("periode/fin", f"fin {fin:%d/%m/%Y} avant le début {debut:%d/%m/%Y}", periode.line)
    places = [
        parse_int(node.text or "", "nb-places", node.sourceline, 100_000)
        for node in e.elem.iter(e.elem.tag[: e.cut] + "nb-places")
    ]
    numero = e.elem.get("numero", "").strip()
    if not numero:  # sessions may lack a number: their dates (and rank) identify them
        numero = f"{debut or 'x'}/{fin or 'x'}/{index}"
    return SessionRecord(
        numero=numero[:120],
        debut=debut,
        fin=fin,
        nb_places=sum(p for p in places if p is not None) if any(p is not None for p in places) else None,
        etat_recrutement=e.text("etat-recrutement"),
        line=e.line,
    )


def read_action(e: Element) -> ActionRecord:
    modalites = e.text("modalites-enseignement")
    if modalites and modalites not in MODALITES:
        raise Rejected("modalites-enseignement", f"code « {modalites} » inconnu (0, 1 ou 2)", e.line)
    financeurs: list[str] = []
    places_financees: int | None = None
    for elem in e.all("organisme-financeur"):
        fin = Element(elem, e.cut)
        code = fin.text("code-financeur")
        if code not in FINANCEUR_CODES:
            raise Rejected("code-financeur", f"code financeur « {code} » inconnu", fin.line)
        financeurs.append(code)
        n = parse_int(fin.text("nb-places-financees"), "nb-places-financees", fin.line)
        if n is not None:
            places_financees = (places_financees or 0) + n
    alternance = e.text("modalites-alternance").strip(" -")
    url = e.one("url-action")
    return ActionRecord(
        numero=e.elem.get("numero", "").strip()[:120],
        rythme=e.text("rythme-formation")[:250],
        modalites_enseignement=modalites,
        alternance=bool(alternance),
        prise_en_charge=e.text("prise-en-charge-frais-possible") == "1",
        place=read_place(first_adresse(e.one("lieu-de-formation")), "lieu-de-formation"),
        financeurs=list(dict.fromkeys(financeurs)),
        nb_places_financees=places_financees,
        nombre_heures=parse_int(e.text("nombre-heures-total"), "nombre-heures-total", e.line, MAX_HOURS),
        prix_total=parse_float(e.text("prix-total-TTC"), "prix-total-TTC", e.line, 0, 1e7),
        duree_indicative=e.text("duree-indicative")[:120],
        url=checked_url(url, "url-action/urlweb"),
        line=e.line,
    )


def checked_url(holder: Element | None, field_name: str) -> str:
    """The `urlweb` of a `url-formation` / `url-action`: http(s) only (gtec_core.weburl), else rejected."""
    if holder is None:
        return ""
    value = normalise_url(holder.text("urlweb"))
    problem = web_url_problem(value)
    if problem:
        raise Rejected(field_name, problem, holder.line)
    return value


SYNTHETIC_EXTRA = "donnees-synthetiques"


def is_synthetic(e: Element) -> bool:
    """Files written by the demo generator say so in each formation: `<extras info="GTEC"><extra
    info="donnees-synthetiques">1</extra></extras>`."""
    for extras in e.all("extras"):
        for extra in extras:
            if extra.get("info") == SYNTHETIC_EXTRA and (extra.text or "").strip() == "1":
                return True
    return False


class ProblemLog:
    """Rejected records, the first MAX_PROBLEMS in detail, all counted."""

    def __init__(self, limit: int = MAX_PROBLEMS):
        self.items: list[Problem] = []
        self.count = 0
        self.limit = limit
        self.formations: set[str] = set()
        self.actions: set[tuple[str, str]] = set()
        self.sessions: set[tuple[str, str, str]] = set()

    def add(self, formation: str, action: str, session: str, line: int | None, exc: Rejected) -> None:
        """Log a rejection; remember the identifiers so that what is stored under them is kept."""
        self.count += 1
        if session:
            self.sessions.add((formation, action, session))
        elif action:
            self.actions.add((formation, action))
        elif formation:
            self.formations.add(formation)
        if len(self.items) < self.limit:
            self.items.append(Problem(formation, action, session, line, exc.field, exc.message))


def read_formation(e: Element, problems: ProblemLog) -> FormationRecord:
    """The formation with its valid actions and sessions; rejected ones are logged. Raises `Rejected` when
    the formation itself is invalid (or keeps no valid action)."""
    numero = e.elem.get("numero", "").strip()
    if not numero:
        raise Rejected("formation/@numero", "identifiant de formation absent")
    if len(numero) > 120:
        raise Rejected("formation/@numero", "identifiant de formation trop long (120 caractères au plus)")
    intitule = html_to_text(e.text("intitule-formation"))
    if not intitule:
        raise Rejected("intitule-formation", "intitulé absent", e.line)
    if len(intitule) > 255:
        raise Rejected("intitule-formation", "intitulé de plus de 255 caractères", e.line)
    domaine = e.one("domaine-formation")
    formacodes: list[str] = []
    romes: list[str] = []
    nsf: list[str] = []
    if domaine is not None:
        principal = [
            (x.text or "").strip() for x in domaine.all("code-FORMACODE") if x.get("tag") == "principal"
        ]
        formacodes = list(dict.fromkeys(principal + domaine.texts("code-FORMACODE")))
        romes = list(dict.fromkeys(code.upper() for code in domaine.texts("code-ROME")))
        nsf = domaine.texts("code-NSF")
        for code in formacodes:
            if not FORMACODE.match(code):
                raise Rejected(
                    "code-FORMACODE", f"code Formacode « {code} » invalide (5 chiffres)", domaine.line
                )
        for code in romes:
            if not ROME.match(code):
                raise Rejected("code-ROME", f"code ROME « {code} » invalide", domaine.line)
    certifications, certifinfo = certification_codes(e)
    url = e.one("url-formation")
    formation = FormationRecord(
        numero=numero,
        intitule=intitule,
        objectif=html_to_text(e.text("objectif-formation")),
        resultats=html_to_text(e.text("resultats-attendus")),
        contenu=html_to_text(e.text("contenu-formation")),
        certifiante=e.text("certifiante") == "1",
        niveau_entree=e.text("code-niveau-entree"),
        niveau_sortie=e.text("code-niveau-sortie"),
        formacodes=formacodes,
        nsf=nsf,
        romes=romes,
        certifications=certifications,
        certifinfo=certifinfo,
        url=checked_url(url, "url-formation/urlweb"),
        organisme=read_organisme(e.one("organisme-formation-responsable")),
        line=e.line,
        synthetic=is_synthetic(e),
    )
    seen_actions: set[str] = set()
    for position, elem in enumerate(e.all("action"), start=1):
        action_el = Element(elem, e.cut)
        try:
            action = read_action(action_el)
            if not action.numero:
                action.numero = f"#{position}"
            if action.numero in seen_actions:
                raise Rejected("action/@numero", "identifiant d'action en double", action_el.line)
        except Rejected as exc:
            problems.add(numero, elem.get("numero", ""), "", exc.line or action_el.line, exc)
            continue
        seen_actions.add(action.numero)
        seen_sessions: set[str] = set()
        session_elems = action_el.all("session")
        for index, session_elem in enumerate(session_elems, start=1):
            session_el = Element(session_elem, e.cut)
            try:
                session = read_session(session_el, index)
                if session.numero in seen_sessions:
                    raise Rejected("session/@numero", "identifiant de session en double", session_el.line)
            except Rejected as exc:
                problems.add(
                    numero, action.numero, session_elem.get("numero", ""), exc.line or session_el.line, exc
                )
                continue
            seen_sessions.add(session.numero)
            action.sessions.append(session)
        if session_elems and not action.sessions:
            problems.add(
                numero,
                action.numero,
                "",
                action_el.line,
                Rejected(
                    "session", f"action sans session valide : ses {len(session_elems)} session(s) rejetée(s)"
                ),
            )
            continue
        formation.actions.append(action)
    if not formation.actions:
        actions = len(e.all("action"))
        reason = (
            f"formation sans action valide : ses {actions} action(s) rejetée(s)"
            if actions
            else "aucune action"
        )
        raise Rejected("action", reason, e.line)
    return formation
