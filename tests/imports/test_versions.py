"""A new ROME release: version detection from the file names, updates, retirements without loss of history,
link tables replaced, and the original release reactivating what it had."""

from __future__ import annotations

import polars as pl
import pytest

from gtec.imports.models import ImportRun
from gtec.referentials import models as m
from gtec.referentials.services import rome_import
from gtec_core.errors import SourceError
from gtec_core.sources import rome as rome_source

from .helpers import read_rows, sha256, write_rows

pytestmark = pytest.mark.django_db

NEW_LABEL = "Conducteur / Conductrice d'engins agricoles et forestiers"
CHANGED = "A1101"


def pick(data_dir) -> tuple[str, str, str]:
    """The fiche to drop (one that no other fiche has as parent and with several appellations), the
    appellation to drop (a synonym of another fiche), and the competence link to drop (of CHANGED)."""
    release = rome_source.read_release(data_dir / "rome4")
    fiches = release["referentiel_code_rome"]
    parents = set(fiches["code_rome_parent"])
    appellations = release["referentiel_appellation"]
    per_fiche = appellations.group_by("code_rome").len()
    dropped = (
        fiches.filter(~pl.col("code_rome").is_in(list(parents)) & (pl.col("code_rome") != CHANGED))
        .join(per_fiche, on="code_rome")
        .filter(pl.col("len") >= 3)
        .sort("code_rome")["code_rome"][0]
    )
    synonym = appellations.filter(
        (pl.col("classification") == "SYNONYME") & ~pl.col("code_rome").is_in([dropped, CHANGED])
    ).sort("code_ogr")["code_ogr"][0]
    link = release["liens_rome_referentiels"].filter(
        (pl.col("code_rome") == CHANGED)
        & (pl.col("code_compo_bloc") == "5")
        & (pl.col("code_rubrique") == "1")
    )["code_ogr"][0]
    return dropped, synonym, link


def build_release(data_dir, folder, version: str, dropped: str, synonym: str, link: str):
    """A coherent v<version> release: fiche CHANGED relabelled and its mobilities reversed, fiche `dropped`
    removed from every table (with its appellations), appellation `synonym` removed, one competence link of
    CHANGED removed. Unchanged files are symlinks under their new name."""
    folder.mkdir()
    for spec_name, spec in rome_source.SPECS.items():
        src = rome_source.file_path(data_dir / "rome4", spec_name, "460")
        dst = rome_source.file_path(folder, spec_name, version)
        header, rows = read_rows(src, spec.encoding)
        index = {h: i for i, h in enumerate(header)}
        kept = rows
        for column in ("code_rome", "code_rome_cible"):
            if column in index:
                kept = [r for r in kept if r[index[column]] != dropped]
        if spec_name == "referentiel_appellation":
            kept = [r for r in kept if r[index["code_ogr"]] != synonym]
        if spec_name in {"referentiel_code_rome", "cr_gd_dp"}:
            label = "libelle_rome"
            kept = [
                [
                    NEW_LABEL if i == index[label] and r[index["code_rome"]] == CHANGED else v
                    for i, v in enumerate(r)
                ]
                for r in kept
            ]
        if spec_name == "liens_rome_referentiels":
            kept = [
                r
                for r in kept
                if r[index["code_ogr"]] != synonym
                and not (r[index["code_rome"]] == CHANGED and r[index["code_ogr"]] == link)
            ]
        if spec_name == "cr_gd_dp_appellations":
            kept = [
                r
                for r in kept
                if r[index["numero_fiche_rome"]] != dropped and r[index["ogr_appellation"]] != synonym
            ]
        if spec_name == "rubrique_mobilite":
            ranks = sorted(int(r[2]) for r in kept if r[0] == CHANGED)
            top = max(ranks)
            kept = [[r[0], r[1], str(top + 1 - int(r[2]))] if r[0] == CHANGED else r for r in kept]
        if kept == rows:
            dst.symlink_to(src)
        else:
            write_rows(dst, header, kept, spec.encoding)
    (folder / "version.txt").write_text(
        "Numero de version : 61\nTitre/commentaire : ROME 4.0 version 61 - essai\n", encoding="utf-8"
    )
    return folder


def test_version_is_read_from_the_file_names(tmp_path, data_dir):
    folder = tmp_path / "two"
    folder.mkdir()
    for version in ("99", "460"):
        (folder / f"unix_referentiel_code_rome_v{version}_utf8.csv").symlink_to(
            data_dir / "rome4" / "unix_referentiel_code_rome_v460_utf8.csv"
        )
    assert rome_source.find_version(folder) == "460"  # numerically highest, not "99" > "460" as text
    with pytest.raises(SourceError) as info:
        rome_source.find_version(tmp_path)
    assert "est-ce bien le dossier du ROME" in str(info.value)


def test_new_release_updates_retires_and_reactivates(tmp_path, data_dir):
    dropped, synonym, link = pick(data_dir)
    folder = build_release(data_dir, tmp_path / "rome_v461", "461", dropped, synonym, link)
    dropped_appellations = set(
        m.Appellation.objects.filter(fiche_id=dropped).values_list("code_ogr", flat=True)
    )
    assert len(dropped_appellations) >= 3
    mobilities_before = list(m.Mobilite.objects.filter(source_id=CHANGED).values_list("cible_id", flat=True))
    totals = {model: model.objects.count() for model in (m.Fiche, m.Appellation, m.Competence, m.Savoir)}

    version, counts = rome_import(folder)

    assert version == "461"
    assert (counts["fiches"].created, counts["fiches"].updated, counts["fiches"].deleted) == (0, 1, 1)
    assert (counts["appellations"].created, counts["appellations"].deleted) == (
        0,
        len(dropped_appellations) + 1,
    )
    # changed rows updated
    assert m.Fiche.objects.get(code_rome=CHANGED).libelle == NEW_LABEL
    # disappeared rows kept, retired at the new version
    fiche = m.Fiche.objects.get(code_rome=dropped)
    assert (fiche.actif, fiche.retire_en) == (False, "461")
    assert fiche.definition  # its history (texts, attributes) is kept
    retired = m.Appellation.objects.filter(code_ogr__in=dropped_appellations | {int(synonym)})
    assert retired.count() == len(dropped_appellations) + 1
    assert set(retired.values_list("actif", "retire_en")) == {(False, "461")}
    assert (
        set(m.Appellation.objects.filter(fiche_id=dropped).values_list("code_ogr", flat=True))
        == dropped_appellations
    )
    assert {model: model.objects.count() for model in totals} == totals
    assert m.Fiche.objects.actives().count() == 1583
    # link rows replaced
    assert not m.Mobilite.objects.filter(source_id=dropped).exists()
    assert not m.Mobilite.objects.filter(cible_id=dropped).exists()
    assert not m.FicheCompetence.objects.filter(fiche_id=dropped).exists()
    assert not m.FicheClassement.objects.filter(fiche_id=dropped).exists()
    assert not m.FicheCompetence.objects.filter(fiche_id=CHANGED, competence_id=int(link)).exists()
    assert list(m.Mobilite.objects.filter(source_id=CHANGED).values_list("cible_id", flat=True)) == [
        c for c in reversed(mobilities_before) if c != dropped
    ]
    assert counts["mobilites"].updated > 0 and counts["mobilites"].deleted > 0
    # provenance
    run = ImportRun.objects.filter(source="rome").order_by("-pk").first()
    assert run.version == "v461 (ROME 4.0 version 61 - essai)"
    assert sorted(run.files) == sorted(p.name for p in folder.glob("unix_*_v461_utf8.csv"))
    for path in folder.glob("unix_*_v461_utf8.csv"):
        assert run.files[path.name] == sha256(path)
    assert run.files["unix_referentiel_code_rome_v461_utf8.csv"] != sha256(
        data_dir / "rome4" / "unix_referentiel_code_rome_v460_utf8.csv"
    )
    assert run.counts["fiches"] == {"created": 0, "updated": 1, "deleted": 1, "unchanged": 1582}

    # the original release brings everything back
    version, counts = rome_import(data_dir / "rome4")
    assert version == "460"
    fiche.refresh_from_db()
    assert (fiche.actif, fiche.retire_en) == (True, "")
    assert set(
        m.Appellation.objects.filter(code_ogr__in=dropped_appellations | {int(synonym)}).values_list(
            "actif", "retire_en"
        )
    ) == {(True, "")}
    assert m.Fiche.objects.get(code_rome=CHANGED).libelle != NEW_LABEL
    assert m.Fiche.objects.actives().count() == 1584
    assert m.Mobilite.objects.count() == 14912
    assert (
        list(m.Mobilite.objects.filter(source_id=CHANGED).values_list("cible_id", flat=True))
        == mobilities_before
    )
    assert m.FicheCompetence.objects.filter(fiche_id=CHANGED, competence_id=int(link)).exists()
    assert (counts["fiches"].created, counts["fiches"].updated, counts["fiches"].deleted) == (0, 2, 0)
    assert {model: model.objects.count() for model in totals} == totals
    assert ImportRun.objects.filter(source="rome").order_by("-pk").first().version.startswith("v460")


def test_incoherent_release_is_refused(tmp_path, data_dir):
    """Dropping a fiche from the fiches file only: the other files still name it."""
    dropped, _, _ = pick(data_dir)
    folder = tmp_path / "rome_v461"
    folder.mkdir()
    for spec_name in rome_source.SPECS:
        (folder / rome_source.file_path(folder, spec_name, "461").name).symlink_to(
            rome_source.file_path(data_dir / "rome4", spec_name, "460")
        )
    target = rome_source.file_path(folder, "referentiel_code_rome", "461")
    header, rows = read_rows(target)
    target.unlink()
    write_rows(target, header, [r for r in rows if r[0] != dropped])
    with pytest.raises(SourceError) as info:
        rome_import(folder)
    assert f"code ROME « {dropped} » absent du référentiel des fiches" in str(info.value)
    assert "_v461_utf8.csv, ligne " in str(info.value)
    assert m.Fiche.objects.get(code_rome=dropped).actif
