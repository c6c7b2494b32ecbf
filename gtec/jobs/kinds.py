"""The job kinds: the long tasks the web asks for, run by the worker. Each calls the same service the CLI
calls (the CLI stays synchronous) inside the one transaction `services.run` opens. A kind that produces a
file (the diagnostic report) writes it whole under GTEC_JOBS_DIR/documents, or not at all."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.conf import settings

from gtec.jobs.registry import JobError, Progress, register
from gtec_core.french import count_fr, format_fr, plural


@register("indicateurs", "Calcul des indicateurs")
def indicators(params: dict, progress: Progress) -> dict:
    """Compute and store the labour indicators of a territory and those around it (like `gtec compute`)."""
    from gtec.labour.observations.geography import default_territories
    from gtec.labour.observations.run import observations_compute
    from gtec.territories.models import Territory

    key = params.get("territory") or settings.GTEC_DEFAULT_TERRITORY
    root = Territory.objects.filter(key=key).first()
    if root is None:
        raise JobError(f"Territoire inconnu : {key}.")
    progress(5, "lecture des données")
    steps = iter([(60, "calcul des indicateurs"), (80, "enregistrement des observations")])

    def step(label: str, n: int) -> None:
        pct, text = next(steps, (90, label))
        progress(pct, f"{text} ({format_fr(n)} lignes)")

    try:
        version, counts = observations_compute(
            default_territories(root), years=params.get("years") or None, progress=step
        )
    except ValueError as exc:  # the compute's refusals are French sentences
        raise JobError(f"Calcul impossible : {exc}.") from None
    c = counts["observations"]
    return {
        "resume": f"{version} : {c.created} observations créées, {c.updated} modifiées, "
        f"{c.deleted} supprimées, {c.unchanged} inchangées."
    }


@register("classeur_enquete", "Import d'un classeur de réponses")
def survey_workbook(params: dict, progress: Progress) -> dict:
    """A filled questionnaire workbook into its campaign: every establishment or none."""
    from django.contrib.auth import get_user_model

    from gtec.surveys.models import Campaign
    from gtec.surveys.services import CampaignClosed, workbook_import

    campaign = Campaign.objects.get(pk=params["campaign"])
    user = get_user_model().objects.filter(pk=params.get("user_id")).first()
    progress(10, "lecture du classeur")
    try:
        count, errors = workbook_import(
            campaign=campaign, path=Path(params["path"]), user=user, name=params.get("name", "")
        )
    except CampaignClosed as exc:
        raise JobError(str(exc)) from None
    if errors:
        name = params.get("name") or Path(params["path"]).name
        raise JobError(
            f"Classeur « {name} » refusé : {count_fr(len(errors), 'problème')}, aucune réponse importée.",
            [str(e) for e in errors],
        )
    return {
        "resume": f"{count_fr(count, 'réponse importée', 'réponses importées')} dans la campagne "
        f"« {campaign.name} ».",
        "campagne": campaign.pk,
    }


def formation_count(path: Path) -> int:
    """How many <formation> elements the file holds (a byte scan, for the progress percentage)."""
    total, tail = 0, b""
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            data = tail + chunk
            total += data.count(b"<formation>") + data.count(b"<formation ")
            tail = data[-11:]
            total -= tail.count(b"<formation>") + tail.count(b"<formation ")
    return total


@register("lheo", "Import d'une offre de formation (LHEO)")
def lheo(params: dict, progress: Progress) -> dict:
    """A training body's LHEO export into its feed (like `gtec import_lheo FILE --flux FLUX`)."""
    from gtec.training.lheo_import import lheo_import

    path = Path(params["path"])
    expected = max(formation_count(path), 1)
    progress(5, "lecture du fichier")

    def step(label: str, n: int) -> None:
        progress(
            5 + int(85 * min(n, expected) / expected),
            f"{count_fr(n, 'formation lue', 'formations lues')} sur {expected}",
        )

    result = lheo_import(path, flux=params.get("flux") or "lheo", progress=step)
    problems = result.problems.items if result.problems else []
    rejected = result.problems.count if result.problems else 0
    return {
        "resume": f"LHEO {result.version} : {count_fr(result.formations, 'formation lue', 'formations lues')}, "
        f"{count_fr(rejected, 'enregistrement rejeté', 'enregistrements rejetés')}.",
        "import_run": result.run_id,
        "rejets": [
            f"formation {p.formation}"
            + (f", ligne {p.line}" if p.line else "")
            + f", « {p.field} » : {p.message}"
            for p in problems[:50]
        ],
    }


@register("lheo_organisme", "Import de l'offre LHEO d'un organisme")
def lheo_of_organisation(params: dict, progress: Progress) -> dict:
    """A training body's own export, uploaded on the site: every formation must belong to the body (same
    SIREN as the GTEC organisation), then it is imported into the body's own feed `organisation-<pk>`."""
    from gtec.organisations.models import Organisation
    from gtec.training.loading import data_file
    from gtec_core.sources import lheo as lheo_source

    organisation = Organisation.objects.get(pk=params["organisation"])
    siren = organisation.siret[:9]
    path = Path(params["path"])
    name = params.get("name") or path.name
    progress(2, "vérification des organismes du fichier")
    reader = lheo_source.LheoReader(path, xsd=data_file("lheo", lheo_source.XSD_FILE))
    foreign = [
        f"formation {r.numero}" + (f" (ligne {r.line})" if r.line else "")
        + f" : organisme « {r.organisme.nom} », SIRET « {r.organisme.siret or 'absent'} »"
        for r in reader
        if not siren or r.organisme.siret[:9] != siren
    ]  # fmt: skip
    if foreign:
        belongs = plural(len(foreign), "n'appartient", "n'appartiennent")
        raise JobError(
            f"Fichier « {name} » refusé : {count_fr(len(foreign), 'formation')} {belongs} pas à "
            f"« {organisation.name} » (SIREN {siren or 'inconnu'}) ; rien n'a été importé.",
            foreign,
        )
    return lheo({**params, "flux": f"organisation-{organisation.pk}"}, progress)


REPORT_FORMATS = {"pdf": "PDF", "html": "HTML"}


def documents_dir() -> Path:
    return Path(settings.GTEC_JOBS_DIR) / "documents"


@register("rapport", "Génération du diagnostic")
def report(params: dict, progress: Progress) -> dict:
    """The territory's diagnostic as a file (like `gtec report`), each section's progress shown. The file is
    written under a temporary name and renamed once whole: a failed job leaves no file behind."""
    from gtec.diagnostics import queries as dq

    fmt = params.get("format") or "pdf"
    if fmt not in REPORT_FORMATS:
        raise JobError(f"Format de document inconnu : « {fmt} » (PDF ou HTML).")
    territory = dq.territory_get(params.get("territory") or "")
    if territory is None:
        raise JobError(f"Territoire inconnu : {params.get('territory') or 'aucun'}.")

    def step(i: int, total: int, label: str) -> None:
        progress(5 + int(90 * i / total), label)

    progress(2, "lecture des données")
    try:
        document = dq.report_document(territory, params.get("period") or None, fmt, progress=step)
    except OSError as exc:  # WeasyPrint without Pango, a full disk
        raise JobError(
            f"Le document {REPORT_FORMATS[fmt]} n'a pas pu être produit ({exc.__class__.__name__}) : "
            "rien n'a été enregistré. Prévenez l'administrateur du site."
        ) from None
    folder = documents_dir() / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / document.filename
    partial = folder / (document.filename + ".partiel")
    try:
        partial.write_bytes(document.content)
        os.replace(partial, target)
    except OSError:
        partial.unlink(missing_ok=True)
        folder.rmdir()
        raise JobError(
            "Le document n'a pas pu être enregistré sur le serveur : rien n'a été enregistré. "
            "Prévenez l'administrateur du site."
        ) from None
    size = len(document.content) // 1024 or 1
    return {
        "resume": f"{document.title} ({REPORT_FORMATS[fmt]}, {size} Ko)"
        + (" — données synthétiques" if document.synthetic else "")
        + " : prêt à télécharger.",
        "fichier": str(target),
        "territoire": territory.key,
        "nom": document.filename,
        "type": document.content_type,
    }
