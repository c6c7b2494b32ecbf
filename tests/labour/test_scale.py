"""The bounded-memory paths of the labour chain: month-by-month STMT import by the streaming reader, chunked
offers and SIRENE imports, the frame sync helper, the SQL-aggregated inputs and the national batched run."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from gtec.imports.sync import sync_frame
from gtec.labour import models as m
from gtec.labour.imports.establishments import sirene_import
from gtec.labour.imports.jobseekers import stmt_import
from gtec.labour.imports.offers import offers_import
from gtec.labour.observations.inputs import load_jobseekers
from gtec.labour.observations.run import observations_compute, observations_compute_all
from gtec.labour.observations.storage import BMO_ONLY
from gtec.territories.models import Territory
from gtec_core.errors import SourceError
from gtec_core.sources import stmt as stmt_source

pytestmark = pytest.mark.django_db

HEADER = "periode;categorie;niveau_geo;code_geo;code_rome;stock;entrees;sorties\n"
COMMUNES = ["56260", "56003", "56018", "56053", "56084"]
ROMES = ["J1501", "K2204", "D1106", "", "N4105"]


def stmt_lines(months=(1, 2, 3), year=2024, shift=0) -> list[str]:
    lines = []
    for month in months:
        for c, commune in enumerate(COMMUNES):
            for r, rome in enumerate(ROMES):
                for category in ("A", "ABC"):
                    stock = 10 + c * 7 + r * 3 + month + shift + (5 if category == "ABC" else 0)
                    exits = "*" if (c, r, month) == (1, 2, 2) else str(r + 1)
                    lines.append(
                        f"{year}-{month:02d};{category};commune;{commune};{rome};{stock};{c + month};{exits}\n"
                    )
    return lines


def stored_defm() -> pl.DataFrame:
    rows = m.DemandeurEmploi.objects.order_by(
        "mois", "categorie", "niveau_geo", "code_geo", "code_rome"
    ).values_list("mois", "categorie", "niveau_geo", "code_geo", "code_rome", "stock", "entrees", "sorties")
    return pl.DataFrame(list(rows), orient="row")


def test_streaming_stmt_import_equals_the_small_file_path_and_reimport_changes_nothing(tmp_path):
    path = tmp_path / "stmt.csv"
    path.write_text(HEADER + "".join(stmt_lines()), encoding="utf-8")
    _, small = stmt_import(path)  # read_stmt path
    expected = stored_defm()
    m.DemandeurEmploi.objects.all().delete()
    _, big = stmt_import(path, big_file=0)  # streaming reader, month by month, bulk insert
    assert stored_defm().equals(expected)
    assert big["demandeurs"].created == small["demandeurs"].created == 150
    assert (
        m.DemandeurEmploi.objects.get(
            mois=date(2024, 2, 1), categorie="A", code_geo="56003", code_rome="D1106"
        ).sorties
        is None
    )  # `*` stays null
    _, again = stmt_import(path, big_file=0)
    assert not again["demandeurs"].changed and again["demandeurs"].unchanged == 150
    # a later file for February only (values changed, one row gone) replaces February and keeps the others
    february = tmp_path / "stmt-02.csv"
    lines = stmt_lines(months=(2,), shift=1)
    february.write_text(HEADER + "".join(lines[:-1]), encoding="utf-8")
    _, counts = stmt_import(february, big_file=0)
    c = counts["demandeurs"]
    assert (c.created, c.updated, c.deleted) == (0, 49, 1)
    assert m.DemandeurEmploi.objects.filter(mois=date(2024, 1, 1)).count() == 50
    assert m.DemandeurEmploi.objects.filter(mois=date(2024, 2, 1)).count() == 49


def test_a_bad_line_deep_in_a_big_stmt_file_names_its_line_and_stores_nothing(tmp_path):
    lines = stmt_lines(months=range(1, 13))  # 600 data lines
    lines[433] = lines[433].rsplit(";", 3)[0] + ";-4;1;1\n"
    path = tmp_path / "stmt.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        list(stmt_source.iter_stmt_months(path, tmp_path / "work", batch_rows=100)[1])
    assert err.value.line == 435 and err.value.column == "stock"
    with pytest.raises(SourceError) as err:
        stmt_import(path, big_file=0)
    assert err.value.line == 435 and err.value.column == "stock"
    assert not m.DemandeurEmploi.objects.exists()


def test_a_duplicate_key_in_a_later_month_rolls_back_the_months_already_written(tmp_path):
    lines = stmt_lines()
    lines.append(lines[120])  # a March row repeated at the end of the file
    path = tmp_path / "stmt.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    with pytest.raises(SourceError, match="clé en double") as err:
        stmt_import(path, big_file=0)
    assert err.value.line == len(lines) + 1
    assert not m.DemandeurEmploi.objects.exists()


def test_sync_frame_counts_like_sync():
    frame = pl.DataFrame(
        {
            "siret": ["73282932000074", "35600000000048"],
            "siren": ["732829320", "356000000"],
            "naf": ["10.71C", ""],
            "tranche_effectifs": ["11", ""],
            "code_insee": ["56260", "56260"],
            "actif": [True, False],
            "date_creation": [date(2001, 5, 1), None],
        }
    )
    scope = {"code_insee__in": ["56260"]}
    assert sync_frame(m.Etablissement, frame, ("siret",), scope=scope).created == 2
    stored = m.Etablissement.objects.get(siret="35600000000048")
    assert stored.naf == "" and stored.date_creation is None and stored.actif is False
    changed = frame.slice(0, 1).with_columns(pl.lit("12").alias("tranche_effectifs"))
    c = sync_frame(m.Etablissement, changed, ("siret",), scope=scope)
    assert (c.created, c.updated, c.deleted, c.unchanged) == (0, 1, 1, 0)
    c = sync_frame(m.Etablissement, changed, ("siret",), scope=scope)
    assert (c.created, c.updated, c.deleted, c.unchanged) == (0, 0, 0, 1)


def offer(ident: str, day: int, rome: str = "J1501", updated: str = "2024-03-05T10:00:00Z") -> dict:
    return {
        "id": ident,
        "intitule": "Offre",
        "dateCreation": f"2024-03-{day:02d}T10:00:00.000Z",
        "dateActualisation": updated,
        "lieuTravail": {"libelle": "56 - VANNES", "commune": "56260"},
        "romeCode": rome,
        "typeContrat": "CDI",
        "competences": [{"code": "123456", "libelle": "x"}],
    }


def write_jsonl(path, offers) -> None:
    path.write_text("\n".join(json.dumps(o) for o in offers) + "\n", encoding="utf-8")


def test_chunked_offers_import_is_idempotent_and_all_or_nothing(tmp_path):
    path = tmp_path / "offres.jsonl"
    offers = [offer(f"O{i}", 1 + i % 20) for i in range(25)]
    offers.append(offer("O3", 28, updated="2024-03-29T10:00:00Z"))  # O3 again, in a later chunk, new date
    write_jsonl(path, offers)
    _, counts = offers_import([path], chunk_size=4)
    assert m.Offre.objects.count() == 25
    assert m.Offre.objects.get(identifiant="O3").date_creation == date(2024, 3, 28)  # the later copy wins
    _, counts = offers_import([path], chunk_size=4)
    assert not counts["offres"].changed
    # a bad record in the last chunk: the whole import is refused, nothing stored
    m.Offre.objects.all().delete()
    write_jsonl(path, offers + [offer("BAD", 2, rome="Z9")])
    with pytest.raises(SourceError) as err:
        offers_import([path], chunk_size=4)
    assert err.value.line == 27 and err.value.column == "romeCode"
    assert not m.Offre.objects.exists()


def stored_offers() -> list[tuple]:
    fields = [f.attname for f in m.Offre._meta.concrete_fields if f.attname != "id"]
    return sorted(m.Offre.objects.values_list(*fields))


def test_offers_into_an_empty_table_equal_the_diffed_path_and_the_later_copy_wins(tmp_path):
    """A JSON array is not de-duplicated across chunks by the reader: into an empty table the chunks go by
    bulk insert, and a later copy of an id is synced by id afterwards — the same rows and counts as when the
    table already holds other offers (the diffed path)."""
    path = tmp_path / "offres.json"
    offers = [offer(f"O{i}", 1 + i % 20) for i in range(10)]
    offers.append({**offer("O3", 28, updated="2024-03-29T10:00:00Z"), "nombrePostes": 4})  # O3 later
    offers.append({**offer("O4", 5), "typeContrat": "CDD", "typeContratLibelle": "CDD - 12 Mois"})  # same
    path.write_text(json.dumps(offers), encoding="utf-8")
    _, fresh = offers_import([path], chunk_size=4)
    assert (fresh["offres"].created, fresh["offres"].updated, fresh["offres"].unchanged) == (10, 2, 0)
    o3 = m.Offre.objects.get(identifiant="O3")
    assert (o3.date_creation, o3.postes) == (date(2024, 3, 28), 4)
    o4 = m.Offre.objects.get(identifiant="O4")
    assert o4.durable is True and o4.type_contrat == "CDD" and o4.competences == ["123456"]
    expected = stored_offers()
    m.Offre.objects.all().delete()
    other = tmp_path / "autre.jsonl"
    write_jsonl(other, [offer("Z1", 2)])
    offers_import([other])
    _, diffed = offers_import([path], chunk_size=4)
    m.Offre.objects.filter(identifiant="Z1").delete()
    assert stored_offers() == expected
    assert diffed["offres"].as_dict() == fresh["offres"].as_dict()
    _, again = offers_import([path], chunk_size=4)  # the file again: O3 and O4 flip back and forth
    assert again["offres"].created == 0 and m.Offre.objects.count() == 10


SIRENE_HEADER = (
    "siren,nic,siret,activitePrincipaleEtablissement,trancheEffectifsEtablissement,codeCommuneEtablissement,"
    "etatAdministratifEtablissement,dateCreationEtablissement\n"
)


def luhn_siret(siren: str, nic_start: int) -> str:
    for nic in range(nic_start, nic_start + 20):
        siret = f"{siren}{nic:05d}"
        total = 0
        for index, ch in enumerate(siret):
            d = int(ch) * (2 if (13 - index) % 2 == 1 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return siret
    raise AssertionError


def sirene_lines(communes: dict[str, str]) -> list[str]:
    lines = []
    for i, (siren, commune) in enumerate(communes.items()):
        siret = luhn_siret(siren, 10 * i)
        lines.append(f"{siren},{siret[9:]},{siret},62.01Z,11,{commune},A,2010-01-0{1 + i % 9}\n")
    return lines


def test_chunked_sirene_import_equals_the_whole_file_import_and_follows_moves(tmp_path):
    owners = {f"73282932{i}": ["56260", "56003", "56018", "56053"][i % 4] for i in range(10)}
    path = tmp_path / "sirene.csv"
    path.write_text(SIRENE_HEADER + "".join(sirene_lines(owners)), encoding="utf-8")
    sirene_import(path)
    expected = sorted(m.Etablissement.objects.values_list("siret", "code_insee", "naf", "date_creation"))
    m.Etablissement.objects.all().delete()
    _, counts = sirene_import(path, big_file=0, rows_per_chunk=3)
    assert (
        sorted(m.Etablissement.objects.values_list("siret", "code_insee", "naf", "date_creation")) == expected
    )
    assert counts["etablissements"].created == 10
    _, counts = sirene_import(path, big_file=0, rows_per_chunk=3)
    assert not counts["etablissements"].changed and counts["etablissements"].unchanged == 10
    # an establishment of 56003 moves to 56260 (a commune read in another chunk): it is not lost nor doubled
    moved = {**owners, "732829321": "56260"}
    path.write_text(SIRENE_HEADER + "".join(sirene_lines(moved)), encoding="utf-8")
    sirene_import(path, big_file=0, rows_per_chunk=3)
    assert m.Etablissement.objects.count() == 10
    assert m.Etablissement.objects.get(siren="732829321").code_insee == "56260"


def test_a_siret_repeated_across_chunks_is_refused_with_its_line(tmp_path):
    owners = {f"73282932{i}": ["56260", "56003"][i % 2] for i in range(4)}
    lines = sirene_lines(owners)
    lines.append(lines[0].replace(",56260,", ",56003,"))
    path = tmp_path / "sirene.csv"
    path.write_text(SIRENE_HEADER + "".join(lines), encoding="utf-8")
    with pytest.raises(SourceError, match="en double") as err:
        sirene_import(path, big_file=0, rows_per_chunk=1)
    assert err.value.line == 6 and err.value.column == "siret"
    assert not m.Etablissement.objects.exists()


def seekers_rows(communes: list[str]) -> list[m.DemandeurEmploi]:
    rows = []
    for c, commune in enumerate(communes):
        for month in range(1, 13):
            for rome, base in (("J1501", 30), ("K2204", 8)):
                rows += [
                    m.DemandeurEmploi(
                        mois=date(2024, month, 1),
                        categorie=cat,
                        niveau_geo="commune",
                        code_geo=commune,
                        code_rome=rome,
                        stock=base + c + month + extra,
                        entrees=None if (rome, month, c, cat) == ("K2204", 5, 0, "A") else 4 + extra,
                        sorties=3,
                    )
                    for cat, extra in (("A", 0), ("ABC", 10))
                ]
        rows.append(
            m.DemandeurEmploi(
                mois=date(2023, 12, 1),
                categorie="ABC",
                niveau_geo="commune",
                code_geo=commune,
                code_rome="J1501",
                stock=99,
                entrees=1,
                sorties=1,
            )
        )
    return rows


def test_job_seekers_aggregated_in_sql():
    m.DemandeurEmploi.objects.bulk_create(seekers_rows(["56260"]))
    frame = load_jobseekers(pl.DataFrame({"commune": ["56260"], "territory": ["commune:56260"]}), [2024])
    j = frame.filter(pl.col("rome") == "J1501").row(0, named=True)
    assert j["period"] == "2024" and j["entries_abc"] == 12 * 14 and j["entries_a"] == 12 * 4
    assert j["exits_abc"] == 36 and j["stock_a"] == pytest.approx(30 + 6.5)
    assert j["stock_abc_start"] == 99  # the stock of December 2023
    k = frame.filter(pl.col("rome") == "K2204").row(0, named=True)
    assert k["entries_a"] is None and k["entries_abc"] == 12 * 14  # one secret month in A only
    assert k["stock_abc_start"] == 0  # no December before and January 2024 is not the first month loaded


def test_national_run_details_occupations_above_the_commune_and_totals_for_communes():
    epci = Territory.objects.filter(scale="epci", memberships__commune__code="56260").get()
    communes = list(epci.communes().values_list("code", flat=True))
    m.DemandeurEmploi.objects.bulk_create(seekers_rows(communes))
    m.Offre.objects.bulk_create(
        m.Offre(identifiant=f"N{i}", date_creation=date(2024, 1 + i % 12, 2), code_insee=c, code_rome="J1501")
        for i, c in enumerate(communes * 3)
    )
    _, counts = observations_compute_all(years=[2024], scales=["commune", "epci"], reference=epci)
    assert counts["observations"].created > 0
    stored = m.Observation.objects.filter(territory__scale="commune")
    assert stored.exists() and set(stored.values_list("occupation", flat=True)) == {""}
    local = stored.filter(indicator="offers_demand_ratio")
    assert local.values("territory").distinct().count() == len(communes)
    # coverage per source: the EPCI the local files do not cover get their BMO figures only
    others = m.Observation.objects.filter(territory__scale="epci").exclude(territory=epci)
    assert others.exists() and set(others.values_list("indicator", flat=True).distinct()) <= BMO_ONLY
    detail = m.Observation.objects.filter(territory=epci)
    assert detail.filter(occupation_kind="fap2021").exists()
    assert detail.filter(occupation_kind="rome", occupation="J1501").exists()
    # the same territory computed alone, with the same reference, stores exactly the same observations
    _, again = observations_compute([epci], years=[2024], reference=epci)
    assert not again["observations"].changed and again["observations"].unchanged == detail.count()
    # and a national re-run changes nothing
    _, again = observations_compute_all(years=[2024], scales=["commune", "epci"], reference=epci)
    assert not again["observations"].changed


def _zone_and_bassin_with_seekers_and_offers(prefix: str | None):
    """Vannes's zone d'emploi and bassin, with job seekers and (unless `prefix` is None) two offers per
    commune of either, their identifiers starting with `prefix`."""
    vannes = Territory.objects.get(key="commune:56260")
    ze = Territory.objects.filter(scale="ze", memberships__commune=vannes).get()
    bassin = Territory.objects.filter(scale="bassin", memberships__commune=vannes).get()
    communes = sorted(
        set(ze.communes().values_list("code", flat=True))
        | set(bassin.communes().values_list("code", flat=True))
    )
    m.DemandeurEmploi.objects.bulk_create(seekers_rows(communes))
    if prefix is None:
        return ze, bassin
    m.Offre.objects.bulk_create(
        m.Offre(
            identifiant=f"{prefix}{i}",
            date_creation=date(2024, 1 + i % 12, 2),
            code_insee=c,
            code_rome="J1501",
        )
        for i, c in enumerate(communes * 2)
    )
    return ze, bassin


def test_a_national_run_keeps_the_employment_a_single_run_allocates_from_another_scale():
    """Employment published for a zone d'emploi reaches the bassin inside it (population share) whether the
    two are computed together or in batches of one scale each: a national run after a targeted one (as
    `gtec import all` after `make demo`) deletes nothing."""
    ze, bassin = _zone_and_bassin_with_seekers_and_offers("Z")
    m.Emploi.objects.bulk_create(
        m.Emploi(
            annee=2024, niveau_geo=level, code_geo=code, code_fap=fap, tranche_age="25-49 ans", effectif=n
        )
        for level, code, n0 in (
            ("ze", ze.code, 400),
            ("departement", "56", 1000),
        )  # the département: LQ reference
        for fap, n in (("A0Z01", n0), ("C1Z40", 900), ("G0A41", 300))
    )
    observations_compute([ze, bassin], years=[2024], reference=ze)
    allocated = m.Observation.objects.filter(territory=bassin, indicator="location_quotient")
    assert allocated.exists()
    _, again = observations_compute_all(years=[2024], scales=["bassin", "ze"], reference=ze)
    assert again["observations"].deleted == 0
    assert (
        m.Observation.objects.filter(territory=bassin, indicator="location_quotient").count()
        == allocated.count()
    )


def test_a_second_national_run_changes_nothing_location_quotients_included():
    """`gtec compute --all-territories --scale bassin --scale ze --scale dep --scale reg` run twice: the second
    run creates, modifies and deletes nothing (#13). The location quotients of the zone d'emploi and of the
    bassin allocated from it are measured against the département, found and loaded in every batch alike."""
    ze, bassin = _zone_and_bassin_with_seekers_and_offers("R")
    m.Emploi.objects.bulk_create(
        m.Emploi(
            annee=2024, niveau_geo=level, code_geo=code, code_fap=fap, tranche_age="25-49 ans", effectif=n
        )
        for level, code, counts in (
            ("ze", ze.code, {"G0A41": 300, "C0X30": 400, "C2X70": 900}),
            ("departement", "56", {"G0A41": 2000, "C0X30": 1000, "C2X70": 9000}),
        )
        for fap, n in counts.items()
    )
    scales = ["bassin", "ze", "dep", "reg"]
    _, first = observations_compute_all(years=[2024], scales=scales)
    assert first["observations"].created > 0
    lq = m.Observation.objects.filter(indicator="location_quotient", territory__in=[ze, bassin])
    assert lq.filter(territory=ze).count() == lq.filter(territory=bassin).count() == 3
    assert set(lq.values_list("origin_detail", flat=True)) == {"par rapport à l'emploi du Morbihan"}
    assert lq.get(territory=ze, occupation="C0X30").value == pytest.approx((400 / 1600) / (1000 / 12000))
    _, second = observations_compute_all(years=[2024], scales=scales)
    c = second["observations"]
    assert (c.created, c.updated, c.deleted) == (0, 0, 0) and c.unchanged == first["observations"].created


def test_stored_observations_are_diffed_column_wise_with_counts_as_json():
    """`store_observations` on territories that already have observations: a count written in another key
    order is unchanged, a changed count is updated and stored as a JSON object, a missing row deleted."""
    from gtec.labour.observations.storage import OBSERVATION_SCHEMA, store_observations

    vannes = Territory.objects.get(key="commune:56260")

    def frame(rows):
        base = {"territory_id": vannes.pk, "occupation_kind": "fap", "period": "2024", "status": "ok",
                "category": None, "synthetic": False, "origin": "computed", "origin_detail": ""}  # fmt: skip
        return pl.DataFrame([{**base, **row} for row in rows], schema=OBSERVATION_SCHEMA, orient="row")

    first = frame(
        [
            {"indicator": "tension", "occupation": "A0Z40", "value": 0.5, "counts": '{"a": 1.0, "b": 2}'},
            {"indicator": "tension", "occupation": "B0Z20", "value": None, "counts": "{}"},
        ]
    )
    assert store_observations(first, [vannes.pk]).created == 2
    reordered = first.with_columns(pl.Series("counts", ['{"b":2,"a":1.0}', "{}"]))
    c = store_observations(reordered, [vannes.pk])
    assert (c.created, c.updated, c.deleted, c.unchanged) == (0, 0, 0, 2)
    changed = reordered.slice(0, 1).with_columns(pl.lit('{"a": 3.5, "b": 2}').alias("counts"))
    c = store_observations(changed, [vannes.pk])
    assert (c.created, c.updated, c.deleted, c.unchanged) == (0, 1, 1, 0)
    stored = m.Observation.objects.get(territory=vannes, indicator="tension")
    assert stored.counts == {"a": 3.5, "b": 2} and stored.value == 0.5


def test_a_national_run_reads_the_communes_populations_once_for_all_its_batches(monkeypatch):
    """The national run reads the communes' populations once and hands them to every batch (the employment
    allocated to a bassin from its zone d'emploi) and to the location quotients' references: the figures are
    those of a targeted run."""
    from gtec.labour.observations import geography, inputs, references, run

    ze, bassin = _zone_and_bassin_with_seekers_and_offers(None)
    m.Emploi.objects.bulk_create(
        m.Emploi(
            annee=2024, niveau_geo=level, code_geo=code, code_fap=fap, tranche_age="25-49 ans", effectif=n
        )
        for level, code in (("ze", ze.code), ("departement", "56"))
        for fap, n in (("A0Z01", 400), ("C1Z40", 900), ("G0A41", 300))
    )
    observations_compute([ze, bassin], years=[2024], reference=ze)
    lq = m.Observation.objects.filter(territory=bassin, indicator="location_quotient")
    targeted = dict(lq.values_list("occupation", "value"))
    assert targeted
    calls = []

    def counted(codes=None):
        calls.append(codes)
        return inputs.commune_populations(codes)

    for module in (geography, references, run):
        monkeypatch.setattr(module, "commune_populations", counted)
    _, again = observations_compute_all(years=[2024], scales=["bassin", "ze"], reference=ze)
    assert calls == [None]  # one read of every commune, not one per batch
    assert again["observations"].deleted == 0
    assert dict(lq.values_list("occupation", "value")) == pytest.approx(targeted)
