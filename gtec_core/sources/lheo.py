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

The dictionaries, the typed records and how one formation is read and checked are in `lheo_records.py`;
this module streams the file and keeps the count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from gtec_core.errors import SourceError
from gtec_core.sources.lheo_records import (  # noqa: F401 (re-exported: the importers read them here)
    FINANCEURS,
    FORMACODE,
    MAX_PROBLEMS,
    MODALITES,
    NIVEAUX,
    NS_22,
    NS_23,
    SPACES,
    VERSIONS,
    XSD_FILE,
    ActionRecord,
    Element,
    FormationRecord,
    Organisme,
    Place,
    Problem,
    ProblemLog,
    Rejected,
    SessionRecord,
    html_to_text,
    read_formation,
)


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
