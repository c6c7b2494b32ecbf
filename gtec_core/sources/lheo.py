"""LHEO (Carif-Oref training-offer exchange format): stream `lheo/offres/formation` records from an XML
export, in bounded memory, safely.

- Versions: namespace `http://www.lheo.org/2.2`, `http://lheo.gouv.fr/2.3`, or no namespace at all
  (data-sources.md §7). Element names are the same; 2.3 adds `code-RS`, `recrutement`, `cycle`…
- Streaming: lxml `iterparse` reports only `formation` ends; each formation is read, then cleared with its
  earlier siblings, so a 1 GB regional export holds one formation in memory at a time.
- Safety: the parser runs with `resolve_entities=False`, `no_network=True`, `load_dtd=False`,
  `huge_tree=False`, and a document with a DOCTYPE (hence a DTD, entity declarations or an external
  subset) is refused from what the parser itself read (`docinfo`, at the root's start, before any offer is
  read) — not from a text search that a comment could defeat. The encoding is the one the prolog declares.
- Dictionary rules: dates AAAAMMJJ, AAAAMM00 (month precision: the first of the month) and 00000000 /
  99999999 (unknown); hours 0–10 000; a session, action or formation rejected leaves its parent rejected
  when the parent keeps no valid child, with the reason; a formation number used twice in a file rejects
  every occurrence (a first, light pass counts the numbers).
- Validation: each record is checked (identifiers, codes, dates); a bad formation, action or session is
  rejected with its identifiers and line, the others are kept. A file that is not well-formed, or not LHEO,
  is refused as a whole (`SourceError`). `strict=True` also validates each formation against the LHEO 2.3
  XSD (2.2 and namespace-less records are checked as if written in 2.3).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lxml import etree

from gtec_core.errors import SourceError
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


def check_prolog(path: Path, handle) -> None:
    """Refuse a prolog longer than 64 KiB (comments and processing instructions before the root)."""
    head = handle.read(1 << 16)
    handle.seek(0)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="replace")
    elif head[:4] in (b"\x00<\x00?", b"<\x00?\x00"):
        text = head.decode("utf-16-be" if head[0] == 0 else "utf-16-le", errors="replace")
    else:
        text = head.decode("latin-1")
    if re.search(r"<[A-Za-z_]", text) is None and len(head) == 1 << 16:
        raise SourceError(path, "prologue XML de plus de 64 Kio : fichier refusé", line=1)


def refuse_doctype(path: Path, elem) -> None:
    """Refuse a document the parser found a DOCTYPE in (DTD, entity declarations, external subset).
    The decision comes from the parser (`docinfo`), so no comment or encoding trick hides the DOCTYPE; the
    line given is only a hint, searched in the first bytes."""
    docinfo = elem.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.system_url:
        line = None
        with open(path, "rb") as handle:
            head = handle.read(1 << 16)
        at = head.upper().find(b"<!DOCTYPE")
        if at >= 0:
            line = head[:at].count(b"\n") + 1
        raise SourceError(path, "DOCTYPE refusé (DTD et entités interdites dans un flux LHEO)", line=line)


def local_name(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


class LheoReader:
    """Iterate the valid formations of one export; afterwards `version`, `problems` and `formations_read`
    describe it. Raises SourceError when the file itself is refused."""

    def __init__(self, path: Path | str, *, strict: bool = False, xsd: Path | None = None):
        self.path = Path(path)
        self.strict = strict
        self.xsd_path = xsd
        self.version = ""
        self.problems = ProblemLog()
        self.formations_read = 0
        self.repeated: dict[str, int] = {}
        self._schema = None

    def schema(self):
        if self._schema is None:
            if self.xsd_path is None or not Path(self.xsd_path).is_file():
                raise SourceError(
                    self.xsd_path or XSD_FILE, "schéma XSD LHEO 2.3 introuvable (option stricte)"
                )
            parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
            self._schema = etree.XMLSchema(etree.parse(str(self.xsd_path), parser))
        return self._schema

    def validate(self, elem) -> None:
        """Check one formation against the 2.3 XSD, wrapped in `lheo/offres` and moved to the 2.3 namespace."""
        copy = etree.Element(f"{{{NS_23}}}lheo", nsmap={None: NS_23})
        offres = etree.SubElement(copy, f"{{{NS_23}}}offres")
        offres.append(renamed(elem))
        schema = self.schema()
        if not schema.validate(copy):
            error = schema.error_log.last_error
            raise Rejected("XSD", f"non conforme au schéma LHEO 2.3 : {error.message}", elem.sourceline)

    def __iter__(self) -> Iterator[FormationRecord]:
        if not self.path.is_file():
            raise SourceError(self.path, "fichier introuvable")
        tags = [f"{{{ns}}}{name}" if ns else name for ns in VERSIONS for name in ("lheo", "formation")]
        seen: set[str] = set()
        self.repeated = self.repeated_numbers(tags)
        with open(self.path, "rb") as handle:
            check_prolog(self.path, handle)
            context = etree.iterparse(
                handle,
                events=("start", "end"),
                tag=tags,
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                huge_tree=False,
                remove_comments=True,
                remove_pis=True,
            )
            root_seen = False
            checked = False
            cut = 0
            try:
                for event, elem in context:
                    if not checked:
                        refuse_doctype(self.path, elem)
                        checked = True
                    ns, name = local_name(elem.tag)
                    if name == "lheo":
                        if event == "start":
                            if root_seen or elem.getparent() is not None:
                                raise SourceError(self.path, "élément <lheo> imbriqué", line=elem.sourceline)
                            root_seen = True
                            self.version = VERSIONS[ns]
                            cut = len(ns) + 2 if ns else 0
                        continue
                    if event == "start":
                        continue
                    if not root_seen:
                        raise SourceError(
                            self.path, "formation hors d'un élément <lheo>", line=elem.sourceline
                        )
                    parent = elem.getparent()
                    if (
                        parent is None
                        or local_name(parent.tag)[1] != "offres"
                        or elem.tag[:cut] != (f"{{{ns}}}" if ns else "")
                    ):
                        continue  # a `formation` element elsewhere (e.g. in extras) is not an offer
                    self.formations_read += 1
                    record = self.read_one(elem, cut, seen)
                    elem.clear(keep_tail=False)
                    while elem.getprevious() is not None:
                        del parent[0]
                    if record is not None:
                        yield record
            except etree.XMLSyntaxError as exc:
                line = exc.lineno if exc.lineno and exc.lineno > 0 else 1
                message = exc.msg or str(exc)
                if "encoding" in message.lower() or "utf-8" in message.lower():
                    message = f"encodage invalide ou différent de celui que déclare le prologue ({message})"
                raise SourceError(self.path, f"XML mal formé : {message}", line=line) from None
            if not root_seen:
                expected = ", ".join(f"« {ns} »" for ns in VERSIONS if ns)
                raise SourceError(
                    self.path,
                    f"élément racine <lheo> absent ou espace de noms inconnu (attendus : {expected} ou aucun)",
                    line=1,
                )
            del context

    def repeated_numbers(self, tags: list[str]) -> dict[str, int]:
        """A first, light pass: the formation numbers used more than once (each occurrence is rejected,
        since none of them can be told to be the right one). Errors are left to the main pass."""
        from collections import Counter

        counts: Counter = Counter()
        with open(self.path, "rb") as handle:
            check_prolog(self.path, handle)
            context = etree.iterparse(
                handle, events=("end",), tag=tags, resolve_entities=False, no_network=True, load_dtd=False,
                huge_tree=False, remove_comments=True, remove_pis=True,
            )  # fmt: skip
            try:
                for _, elem in context:
                    refuse_doctype(self.path, elem)
                    if local_name(elem.tag)[1] == "formation":
                        parent = elem.getparent()
                        if parent is not None and local_name(parent.tag)[1] == "offres":
                            counts[elem.get("numero", "").strip()] += 1
                            elem.clear(keep_tail=False)
                            while elem.getprevious() is not None:
                                del parent[0]
            except etree.XMLSyntaxError:
                pass
            del context
        return {numero: n for numero, n in counts.items() if numero and n > 1}

    def read_one(self, elem, cut: int, seen: set[str]) -> FormationRecord | None:
        numero = elem.get("numero", "").strip()
        try:
            if numero in self.repeated:
                raise Rejected(
                    "formation/@numero",
                    f"identifiant de formation en double dans le fichier ({self.repeated[numero]} occurrences) : "
                    "toutes sont rejetées",
                )
            if numero and numero in seen:
                raise Rejected("formation/@numero", "identifiant de formation en double dans le fichier")
            if self.strict:
                self.validate(elem)
            record = read_formation(Element(elem, cut), self.problems)
        except Rejected as exc:  # a duplicate is rejected too: its first occurrence stands
            self.problems.add(numero, "", "", exc.line or elem.sourceline, exc)
            return None
        seen.add(numero)
        return record


def renamed(elem):
    """A copy of `elem` with every LHEO element moved to the 2.3 namespace (for XSD validation)."""
    ns, name = local_name(elem.tag)
    copy = etree.Element(f"{{{NS_23}}}{name}", attrib=dict(elem.attrib))
    copy.text = elem.text
    copy.tail = elem.tail
    for child in elem:
        if isinstance(child.tag, str):
            copy.append(renamed(child))
    return copy


def read_summary(path: Path | str, *, strict: bool = False, xsd: Path | None = None) -> dict:
    """Counts of a file without storing it (used by tests and the benchmark)."""
    reader = LheoReader(path, strict=strict, xsd=xsd)
    counts = {"formations": 0, "actions": 0, "sessions": 0}
    organismes: set[str] = set()
    for record in reader:
        counts["formations"] += 1
        counts["actions"] += len(record.actions)
        counts["sessions"] += sum(len(a.sessions) for a in record.actions)
        organismes.add(record.organisme.key)
    return {
        **counts,
        "organismes": len(organismes),
        "version": reader.version,
        "rejected": [p.as_dict() for p in reader.problems.items],
        "rejected_count": reader.problems.count,
    }


# Words that name the kind of diploma or course rather than the occupation: dropped before the title is
# classified against the ROME appellations ("CAP Cuisine" → "cuisine", "Titre professionnel Soudeur" →
# "soudeur").
COURSE_WORDS = re.compile(
    r"(?i)\b(cap|bep|bts|but|dut|bac\s*pro(?:fessionnel)?|baccalaur[ée]at\s+professionnel|brevet\s+professionnel|bp|"
    r"titre\s+professionnel|tp|cqp|licence\s+professionnelle|licence\s+pro|licence|master|mastère|"
    r"dipl[ôo]me\s+d'[ée]tat(?:\s+d')?|deaes|deas|certificat\s+de\s+sp[ée]cialisation|certificat|habilitation|"
    r"formation|pr[ée]paration|initiation|perfectionnement|module|parcours|bachelor|universitaire|"
    r"de\s+technologie|sp[ée]cialit[ée]|option|mention|niveau\s+\d|\d+\s*h(?:eures)?)\b"
)


def occupation_query(title: str) -> str:
    """The occupation named by a training title, without the kind of course (see COURSE_WORDS)."""
    text = re.split(r"\s[-–:]\s|\(", title, maxsplit=1)[0] if len(title) > 60 else title
    text = re.sub(r"\(\s*\)", " ", COURSE_WORDS.sub(" ", text))
    return SPACES.sub(" ", text.replace("/", " ")).strip(" ,.-–:")


def read_formacodes(path: Path | str) -> dict[str, str]:
    """Formacode thesaurus export (`FCod-utf-8.csv`, `;`, no header): code → label in lower case (third
    column; the second is upper case without accents)."""
    import csv

    path = Path(path)
    if not path.is_file():
        raise SourceError(path, "fichier introuvable")
    labels: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter=";"), start=1):
            if len(row) < 3:
                continue
            code = row[0].strip()
            if not FORMACODE.match(code):
                raise SourceError(path, f"code Formacode « {code} » invalide", line=number, column="code")
            labels[code] = row[2].strip() or row[1].strip().lower()
    return labels
