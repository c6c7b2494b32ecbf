"""Importing one LHEO export (read → check → diff → bulk write, in one transaction): the formations are
streamed by batches of BATCH to gtec.training.lheo_writer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from gtec.imports.services import importrun_record
from gtec.referentials.models import Fiche
from gtec.territories.models import Territory
from gtec.training.lheo_writer import BatchWriter, LheoResult
from gtec.training.loading import BATCH, data_file
from gtec_core.sources import lheo as lheo_source
from gtec_core.tabular import sha256_file


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
