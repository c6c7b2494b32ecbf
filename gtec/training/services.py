"""Loading the training offer: RNCP / RS certifications and LHEO exports (read → check → diff → bulk write,
in one transaction), and linking each action to ROME fiches.

LHEO files are streamed: formations are stored by batches of BATCH, each batch diffed against what is
stored under the same LHEO identifiers (gtec.imports.sync), so memory stays bounded whatever the file size.
What a rejected record identifies (formation, action or session) is left as stored; what disappeared from
the export is removed once the whole file has been read."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import transaction

from gtec.imports.services import importrun_record
from gtec.imports.sync import Counts, insert_rows, sync
from gtec.referentials.models import Fiche
from gtec.referentials.search import text_engine
from gtec.territories.models import Territory
from gtec.training import models as m
from gtec_core.indicators.adequacy import centroid
from gtec_core.sources import lheo as lheo_source
from gtec_core.sources import rncp as rncp_source
from gtec_core.tabular import sha256_file

BATCH = 200
TABLES = ("organismes", "formations", "actions", "sessions", "liens_rome")
# Below, a title match is too loose to link. On the text engine's scale (gtec_core.matching.engine), chosen on
# the development titles of tests/data/text_eval: 86 % of titles reach 0.65 and their first fiche is right for
# 89 % of them (0.55: 97 % and 84 %); "Sauveteur secouriste du travail" (0.61) stays unlinked.
TITLE_MIN_SCORE = 0.65


def data_file(*parts: str) -> Path:
    return Path(settings.GTEC_DATA_DIR, *parts)


@lru_cache(maxsize=1)
def formacode_labels() -> dict[str, str]:
    """Formacode code → label, from GTEC_DATA_DIR/lheo/FCod-utf-8.csv when present."""
    path = data_file("lheo", "FCod-utf-8.csv")
    return lheo_source.read_formacodes(path) if path.is_file() else {}


class Linker:
    """The ROME fiches an action prepares for, with the route that found each and a confidence:
    declared ROME codes (1.0; a ROME v3 code reaches the 4.0 fiches that descend from it, 0.9), the
    certification's ROME codes in the RNCP export (0.85), the title classified by the French matcher
    (≤ 0.7, by the one text engine), the principal Formacode's label classified likewise (≤ 0.5). A later route is used only
    when the earlier ones found nothing."""

    def __init__(self):
        fiches = Fiche.objects.filter(actif=True).values_list("code_rome", "code_rome_parent")
        self.fiches: set[str] = set()
        self.children: dict[str, list[str]] = defaultdict(list)
        for code, parent in fiches:
            self.fiches.add(code)
            if parent and parent != code:
                self.children[parent].append(code)
        self.cert_romes: dict[str, list[str]] = defaultdict(list)
        for cert, code in m.CertificationRome.objects.values_list("certification_code", "code_rome"):
            self.cert_romes[cert].append(code)
        self._cache: dict[str, list[tuple[str, float]]] = {}

    def resolve(self, code: str) -> list[tuple[str, float]]:
        if code in self.fiches:
            return [(code, 1.0)]
        return [(child, 0.9) for child in sorted(self.children.get(code, []))]

    def classify(self, text: str) -> list[tuple[str, float]]:
        """Best fiches for a title: the top hit and those within 90 % of it (3 at most)."""
        query = lheo_source.occupation_query(text)
        if not query:
            return []
        if query not in self._cache:
            hits = [h for h in text_engine().match_titles(query, limit=3) if h.score >= TITLE_MIN_SCORE]
            top = hits[0].score if hits else 0
            self._cache[query] = [(h.code_rome, min(h.score, 1.0)) for h in hits if h.score >= 0.9 * top]
            if len(self._cache) > 50_000:
                self._cache.clear()
        return self._cache[query]

    def links(
        self, *, romes: Iterable[str], certifications: Iterable[str], intitule: str, formacodes: list[str]
    ) -> list[tuple[str, str, float]]:
        found: dict[str, tuple[str, float]] = {}

        def add(code: str, route: str, confidence: float) -> None:
            if code in self.fiches and (code not in found or found[code][1] < confidence):
                found[code] = (route, round(confidence, 3))

        for code in romes:
            for fiche, confidence in self.resolve(code):
                add(fiche, "lheo", confidence)
        for cert in certifications:
            for code in self.cert_romes.get(cert, ()):
                for fiche, confidence in self.resolve(code):
                    add(fiche, "rncp", 0.85 * confidence)
        if not found:
            for fiche, score in self.classify(intitule):
                add(fiche, "titre", 0.7 * score)
        if not found and formacodes:
            label = formacode_labels().get(formacodes[0], "")
            for fiche, score in self.classify(label) if label else []:
                add(fiche, "formacode", 0.5 * score)
        return [(code, route, confidence) for code, (route, confidence) in sorted(found.items())]


class CommunePlaces:
    """Communes known to GTEC: centroid of their contour, and postal code → commune when unambiguous."""

    def __init__(self):
        self.centroids: dict[str, tuple[float, float]] = {}
        self.by_postal: dict[str, list[str]] = defaultdict(list)
        rows = Territory.objects.filter(scale="commune", actif=True).values_list(
            "code", "geometry", "postal_codes"
        )
        for code, geometry, postal in rows.iterator(chunk_size=2000):
            if geometry:
                point = centroid(json.loads(geometry))
                if point:
                    self.centroids[code] = point
            for cp in postal.replace(",", " ").split():
                self.by_postal[cp].append(code)

    def complete(self, place: lheo_source.Place) -> lheo_source.Place:
        if not place.code_insee and len(self.by_postal.get(place.codepostal, ())) == 1:
            place.code_insee = self.by_postal[place.codepostal][0]
        if place.latitude is None and place.code_insee in self.centroids:
            place.latitude, place.longitude = self.centroids[place.code_insee]
        return place


@dataclass
class LheoResult:
    version: str
    formations: int = 0
    actions: int = 0
    sessions: int = 0
    organismes: int = 0
    counts: dict[str, Counts] = field(default_factory=lambda: {name: Counts() for name in TABLES})
    problems: lheo_source.ProblemLog | None = None
    run_id: int | None = None
    kept_manual: list[str] = field(default_factory=list)  # LHEO numbers edited by hand: left as they are

    def summary(self) -> dict:
        return {
            "formations": self.formations,
            "actions": self.actions,
            "sessions": self.sessions,
            "organismes": self.organismes,
            "rejected": [p.as_dict() for p in self.problems.items] if self.problems else [],
            "rejected_count": self.problems.count if self.problems else 0,
            "version": self.version,
            "changes": {name: c.as_dict() for name, c in self.counts.items()},
            "import_run": self.run_id,
            "kept_manual": self.kept_manual[:1000],
            "kept_manual_count": len(self.kept_manual),
        }


def add_counts(total: Counts, more: Counts) -> None:
    total.created += more.created
    total.updated += more.updated
    total.deleted += more.deleted
    total.unchanged += more.unchanged


def delete_pks(model, pks: list[int]) -> int:
    for start in range(0, len(pks), 1000):
        model.objects.filter(pk__in=pks[start : start + 1000]).delete()
    return len(pks)


class BatchWriter:
    def __init__(self, flux: str, result: LheoResult, problems: lheo_source.ProblemLog):
        self.flux = flux
        self.result = result
        self.problems = problems
        self.linker = Linker()
        self.places = CommunePlaces()
        self.organismes_seen: set[str] = set()
        self.formations_seen: set[str] = set()
        self.synthetic = False

    def organismes(self, records: list[lheo_source.FormationRecord]) -> dict[str, int]:
        rows: dict[str, dict] = {}
        for record in records:
            o = record.organisme
            place = self.places.complete(o.place)
            rows[o.key] = {
                "key": o.key,
                "siret": o.siret,
                "nom": o.nom,
                "raison_sociale": o.raison_sociale,
                "numero_activite": o.numero_activite[:20],
                "code_insee": place.code_insee,
                "ville": place.ville[:120],
            }
        new = [row for key, row in rows.items() if key not in self.organismes_seen]
        if new:
            counts = sync(
                m.Organisme, new, ("key",), scope={"key__in": [r["key"] for r in new]}, delete_missing=False
            )
            add_counts(self.result.counts["organismes"], counts)
            self.organismes_seen.update(r["key"] for r in new)
        return dict(m.Organisme.objects.filter(key__in=list(rows)).values_list("key", "pk"))

    def formation_row(self, r: lheo_source.FormationRecord, organisme_id: int) -> dict:
        return {
            "flux": self.flux,
            "numero": r.numero,
            "intitule": r.intitule,
            "objectif": r.objectif,
            "resultats": r.resultats,
            "contenu": r.contenu,
            "certifiante": r.certifiante,
            "niveau_entree": r.niveau_entree[:4],
            "niveau_sortie": r.niveau_sortie[:4],
            "formacodes": r.formacodes,
            "nsf": r.nsf,
            "romes": r.romes,
            "certifications": r.certifications,
            "certifinfo": r.certifinfo,
            "url": r.url,
            "organisme_id": organisme_id,
            "synthetic": r.synthetic,
        }

    def action_row(self, fid: int, a: lheo_source.ActionRecord) -> dict:
        place = self.places.complete(a.place)
        return {
            "formation_id": fid,
            "numero": a.numero,
            "rythme": a.rythme,
            "modalites_enseignement": a.modalites_enseignement,
            "alternance": a.alternance,
            "prise_en_charge": a.prise_en_charge,
            "code_insee": place.code_insee,
            "codepostal": place.codepostal[:10],
            "ville": place.ville[:120],
            "latitude": place.latitude,
            "longitude": place.longitude,
            "financeurs": "|" + "|".join(a.financeurs) + "|" if a.financeurs else "",
            "nb_places_financees": a.nb_places_financees,
            "nombre_heures": a.nombre_heures,
            "prix_total": a.prix_total,
            "duree_indicative": a.duree_indicative,
            "url": a.url,
        }

    @staticmethod
    def session_row(aid: int, s: lheo_source.SessionRecord) -> dict:
        return {
            "action_id": aid,
            "numero": s.numero,
            "debut": s.debut,
            "fin": s.fin,
            "nb_places": s.nb_places,
            "etat_recrutement": s.etat_recrutement[:4],
        }

    def links_for(self, r: lheo_source.FormationRecord) -> list[tuple[str, str, float]]:
        return self.linker.links(
            romes=r.romes, certifications=r.certifications, intitule=r.intitule, formacodes=r.formacodes
        )

    def write(self, records: list[lheo_source.FormationRecord]) -> None:
        if not records:
            return
        stored: dict[str, int] = {}
        manual: set[str] = set()
        for numero, pk, origine in m.Formation.objects.filter(
            flux=self.flux, numero__in=[r.numero for r in records]
        ).values_list("numero", "pk", "origine"):
            stored[numero] = pk
            if origine == m.ORIGINE_MANUEL:
                manual.add(numero)
        if manual:  # edited by its training body: outside the sync scope, reported, never overwritten
            self.formations_seen.update(manual)
            self.result.kept_manual += sorted(manual)
            records = [r for r in records if r.numero not in manual]
            if not records:
                return
        organisme_ids = self.organismes(records)
        for r in records:
            self.formations_seen.add(r.numero)
            self.synthetic |= r.synthetic
        new = [r for r in records if r.numero not in stored]
        if new:
            self.insert_new(new, organisme_ids)
        known = [r for r in records if r.numero in stored]
        if known:
            self.sync_known(known, organisme_ids)

    def insert_new(self, records: list[lheo_source.FormationRecord], organisme_ids: dict[str, int]) -> None:
        """Formations not stored yet (a first import, new offers): plain bulk INSERTs, no diff — nothing of
        them exists to compare with, and their actions and sessions are new too."""
        counts = self.result.counts
        rows = [self.formation_row(r, organisme_ids[r.organisme.key]) for r in records]
        insert_rows(m.Formation, list(rows[0]) if rows else [], rows)
        counts["formations"].created += len(rows)
        formation_ids = dict(
            m.Formation.objects.filter(flux=self.flux, numero__in=[r.numero for r in records]).values_list(
                "numero", "pk"
            )
        )
        action_rows, links_of = [], {}
        for r in records:
            fid = formation_ids[r.numero]
            links_of[fid] = self.links_for(r)
            action_rows += [self.action_row(fid, a) for a in r.actions]
        if action_rows:
            insert_rows(m.Action, list(action_rows[0]) if action_rows else [], action_rows)
        counts["actions"].created += len(action_rows)
        wanted = set(formation_ids.values())
        # a pk range instead of a long IN list; rows of other formations in the range are skipped
        action_ids = {
            (fid, numero): pk
            for pk, fid, numero in m.Action.objects.filter(
                formation_id__gte=min(wanted), formation_id__lte=max(wanted)
            ).values_list("pk", "formation_id", "numero")
            if fid in wanted
        }
        session_rows, link_rows = [], []
        for r in records:
            fid = formation_ids[r.numero]
            for a in r.actions:
                aid = action_ids[(fid, a.numero)]
                session_rows += [self.session_row(aid, s) for s in a.sessions]
                link_rows += [
                    {"action_id": aid, "fiche_id": code, "route": route, "confidence": confidence}
                    for code, route, confidence in links_of[fid]
                ]
        if session_rows:
            insert_rows(m.Session, list(session_rows[0]) if session_rows else [], session_rows)
        if link_rows:
            insert_rows(m.ActionFiche, list(link_rows[0]) if link_rows else [], link_rows)
        counts["sessions"].created += len(session_rows)
        counts["liens_rome"].created += len(link_rows)
        self.result.formations += len(records)
        self.result.actions += len(action_rows)
        self.result.sessions += len(session_rows)

    def sync_known(self, records: list[lheo_source.FormationRecord], organisme_ids: dict[str, int]) -> None:
        """Formations already stored: diff them, their actions and sessions against the file."""
        counts = self.result.counts
        formation_rows = [self.formation_row(r, organisme_ids[r.organisme.key]) for r in records]
        numeros = [r.numero for r in records]
        add_counts(
            counts["formations"],
            sync(
                m.Formation,
                formation_rows,
                ("flux", "numero"),
                scope={"flux": self.flux, "numero__in": numeros},
                delete_missing=False,
            ),
        )
        formation_ids = dict(
            m.Formation.objects.filter(flux=self.flux, numero__in=numeros).values_list("numero", "pk")
        )
        action_rows, wanted_actions = [], set()
        links_of: dict[tuple[int, str], list[tuple[str, str, float]]] = {}
        for r in records:
            fid = formation_ids[r.numero]
            links = self.links_for(r)
            for a in r.actions:
                wanted_actions.add((fid, a.numero))
                links_of[(fid, a.numero)] = links
                action_rows.append(self.action_row(fid, a))
        fids = list(formation_ids.values())
        action_counts = sync(
            m.Action,
            action_rows,
            ("formation_id", "numero"),
            scope={"formation_id__in": fids},
            delete_missing=False,
        )
        numero_of = {pk: numero for numero, pk in formation_ids.items()}
        stored = list(
            m.Action.objects.filter(formation_id__in=fids).values_list("pk", "formation_id", "numero")
        )
        gone = [
            pk
            for pk, fid, numero in stored
            if (fid, numero) not in wanted_actions and (numero_of[fid], numero) not in self.problems.actions
        ]
        action_counts.deleted += delete_pks(m.Action, gone)
        add_counts(counts["actions"], action_counts)
        action_ids = {(fid, numero): pk for pk, fid, numero in stored if (fid, numero) in wanted_actions}

        session_rows, wanted_sessions, link_rows = [], set(), []
        for r in records:
            fid = formation_ids[r.numero]
            for a in r.actions:
                aid = action_ids[(fid, a.numero)]
                for s in a.sessions:
                    wanted_sessions.add((aid, s.numero))
                    session_rows.append(self.session_row(aid, s))
                for code, route, confidence in links_of[(fid, a.numero)]:
                    link_rows.append(
                        {"action_id": aid, "fiche_id": code, "route": route, "confidence": confidence}
                    )
        aids = list(action_ids.values())
        session_counts = sync(
            m.Session,
            session_rows,
            ("action_id", "numero"),
            scope={"action_id__in": aids},
            delete_missing=False,
        )
        where = {aid: key for key, aid in action_ids.items()}
        gone = []
        for pk, aid, numero in m.Session.objects.filter(action_id__in=aids).values_list(
            "pk", "action_id", "numero"
        ):
            if (aid, numero) in wanted_sessions:
                continue
            fid, action_numero = where[aid]
            if (numero_of[fid], action_numero, numero) not in self.problems.sessions:
                gone.append(pk)
        session_counts.deleted += delete_pks(m.Session, gone)
        add_counts(counts["sessions"], session_counts)
        add_counts(
            counts["liens_rome"],
            sync(m.ActionFiche, link_rows, ("action_id", "fiche_id"), scope={"action_id__in": aids}),
        )
        self.result.formations += len(records)
        self.result.actions += len(action_rows)
        self.result.sessions += len(session_rows)

    def finish(self) -> None:
        """Remove the formations of this feed that the export no longer holds (rejected ones stay), then the
        organismes left without any formation."""
        keep = self.formations_seen | self.problems.formations
        # the deletion scope is what the file covers: the formations of its training bodies (its emitters)
        # within this feed — a second catalogue never deletes the formations of the bodies of the first
        gone = [
            pk
            for pk, numero, organisme in m.Formation.objects.filter(flux=self.flux)
            .exclude(origine=m.ORIGINE_MANUEL)  # a manual edit is never deleted by an import
            .values_list("pk", "numero", "organisme__key")
            .iterator()
            if numero not in keep and organisme in self.organismes_seen
        ]
        self.result.counts["formations"].deleted += delete_pks(m.Formation, gone)
        orphans = list(  # an organisme linked to a GTEC organisation stays, to hold its manual offer
            m.Organisme.objects.filter(formations__isnull=True, organisation__isnull=True).values_list(
                "pk", flat=True
            )
        )
        self.result.counts["organismes"].deleted += delete_pks(m.Organisme, orphans)
        self.result.organismes = len(self.organismes_seen)


class CodeCheck:
    """Codes of an LHEO record that must exist (the LHEO dictionary names them, the parser only checks their
    form): ROME fiches, and the INSEE code of each training place against the COG, current or former
    communes. A formation with an unknown ROME code is rejected; an action in an unknown commune is, and its
    formation with it when no action is left. Skipped for a referential not loaded yet."""

    def __init__(self):
        self.romes = set(Fiche.objects.values_list("pk", flat=True))
        self.communes = set(Territory.objects.filter(scale="commune").values_list("code", flat=True))

    def apply(self, record: lheo_source.FormationRecord, problems: lheo_source.ProblemLog):
        unknown = [code for code in record.romes if self.romes and code not in self.romes]
        if unknown:
            message = f"code ROME « {unknown[0]} » inconnu du référentiel ROME"
            problems.add(record.numero, "", "", record.line, lheo_source.Rejected("code-ROME", message))
            return None
        kept = []
        for action in record.actions:
            code = action.place.code_insee
            if code and self.communes and code not in self.communes:
                message = f"commune « {code} » inconnue du code officiel géographique"
                field_name = "lieu-de-formation/code-INSEE-commune"
                problems.add(
                    record.numero, action.numero, "", action.line, lheo_source.Rejected(field_name, message)
                )
                continue
            kept.append(action)
        if not kept:
            message = f"formation sans action valide : ses {len(record.actions)} action(s) rejetée(s)"
            problems.add(record.numero, "", "", record.line, lheo_source.Rejected("action", message))
            return None
        record.actions = kept
        return record


def lheo_import(
    path: Path | str,
    *,
    flux: str = "lheo",
    strict: bool = False,
    xsd: Path | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> LheoResult:
    """Import one LHEO export into feed `flux`, all or nothing. Raises SourceError when the file is refused."""
    path = Path(path)
    reader = lheo_source.LheoReader(path, strict=strict, xsd=xsd or data_file("lheo", lheo_source.XSD_FILE))
    result = LheoResult(version="", problems=reader.problems)
    with transaction.atomic():
        writer = BatchWriter(flux, result, reader.problems)
        codes = CodeCheck()
        batch: list[lheo_source.FormationRecord] = []
        for record in reader:
            if codes.apply(record, reader.problems) is None:
                continue
            batch.append(record)
            if len(batch) >= BATCH:
                writer.write(batch)
                batch = []
                if progress:
                    progress("formations", result.formations)
        writer.write(batch)
        writer.finish()
        result.version = reader.version
        run = importrun_record(
            source="lheo",
            version=f"LHEO {reader.version} — flux {flux}",
            data_dir=path.parent,
            files={path.name: sha256_file(path)},
            counts=result.counts,
            synthetic=writer.synthetic,
            notes=f"{reader.problems.count} enregistrement(s) rejeté(s) ; "
            f"{len(result.kept_manual)} formation(s) modifiée(s) par leur organisme conservée(s)",
        )
        result.run_id = run.pk
    return result


def rncp_import(
    folder: Path | str, *, progress: Callable[[str, int], None] | None = None
) -> tuple[str, dict]:
    """Import the RNCP / RS export of a folder. Certifications are upserted (an excerpt never deletes the
    others); the ROME links and blocs of each certification the files carry replace the stored ones. The
    actions' ROME links are then recomputed, since certifications are one of their routes."""
    release = rncp_source.read_release(Path(folder))
    fiches = release.fiches.to_dicts()
    codes = sorted({f["code"] for f in fiches} | set(release.romes["code"]) | set(release.blocs["code"]))
    counts: dict[str, Counts] = {}
    with transaction.atomic():
        counts["certifications"] = Counts()
        counts["certifications_rome"] = Counts()
        counts["blocs"] = Counts()
        for start in range(0, len(codes), 5000):
            chunk = set(codes[start : start + 5000])
            add_counts(
                counts["certifications"],
                sync(
                    m.Certification,
                    [f for f in fiches if f["code"] in chunk],
                    ("code",),
                    scope={"code__in": chunk},
                    delete_missing=False,
                ),
            )
            add_counts(
                counts["certifications_rome"],
                sync(
                    m.CertificationRome,
                    [
                        {
                            "certification_code": r["code"],
                            "code_rome": r["code_rome"],
                            "libelle_rome": r["libelle_rome"],
                        }
                        for r in release.romes.to_dicts()
                        if r["code"] in chunk
                    ],
                    ("certification_code", "code_rome"),
                    scope={"certification_code__in": chunk},
                ),
            )
            add_counts(
                counts["blocs"],
                sync(
                    m.BlocCompetences,
                    [
                        {"certification_code": r["code"], "code": r["code_bloc"], "libelle": r["libelle"]}
                        for r in release.blocs.to_dicts()
                        if r["code"] in chunk
                    ],
                    ("code",),
                    scope={"certification_code__in": chunk},
                ),
            )
            if progress:
                progress("certifications", min(start + 5000, len(codes)))
        counts["liens_rome"] = links_refresh()
        version = ", ".join(sorted(release.checksums))
        importrun_record(
            source="rncp", version=version[:80], data_dir=folder, files=release.checksums, counts=counts
        )
    return version, counts


def links_refresh() -> Counts:
    """Recompute every action's ROME links (after a certification import)."""
    linker = Linker()
    total = Counts()
    formations = m.Formation.objects.values_list("pk", "romes", "certifications", "intitule", "formacodes")
    batch: list[tuple] = []

    def flush(batch: list[tuple]) -> None:
        by_formation = {
            pk: linker.links(romes=romes, certifications=certs, intitule=title, formacodes=fcs)
            for pk, romes, certs, title, fcs in batch
        }
        actions = list(
            m.Action.objects.filter(formation_id__in=list(by_formation)).values_list("pk", "formation_id")
        )
        rows = [
            {"action_id": aid, "fiche_id": code, "route": route, "confidence": confidence}
            for aid, fid in actions
            for code, route, confidence in by_formation[fid]
        ]
        add_counts(
            total,
            sync(
                m.ActionFiche,
                rows,
                ("action_id", "fiche_id"),
                scope={"action_id__in": [a for a, _ in actions]},
            ),
        )

    for row in formations.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) >= BATCH:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    return total
