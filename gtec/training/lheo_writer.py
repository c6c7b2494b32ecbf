"""Writing an LHEO export by batches (BatchWriter) and what the import found (LheoResult).

Formations are stored by batches, each batch diffed against what is stored under the same LHEO identifiers
(gtec.imports.sync), so memory stays bounded whatever the file size. What a rejected record identifies
(formation, action or session) is left as stored; what disappeared from the export is removed once the whole
file has been read."""

from __future__ import annotations

from dataclasses import dataclass, field

from gtec.imports.sync import Counts, insert_rows, sync
from gtec.training import models as m
from gtec.training.linking import Linker
from gtec.training.loading import add_counts, delete_pks
from gtec.training.places import CommunePlaces
from gtec_core.sources import lheo as lheo_source

TABLES = ("organismes", "formations", "actions", "sessions", "liens_rome")


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
