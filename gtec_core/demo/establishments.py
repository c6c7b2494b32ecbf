"""Synthetic establishments in the SIRENE `StockEtablissement_utf8.csv` layout, read by `sirene.read_establishments`.

Header: the published one (comma, UTF-8, columns in INSEE's order); the address, name and history columns are
left empty. Per commune: about 12 active establishments per 100 inhabitants (order of magnitude of SIRENE
in Morbihan, where most are without employees) and 40 % more closed ones (`etatAdministratifEtablissement`
= F). Activity: real NAF rév. 2 sub-classes with a mix typical of the Pays de Vannes (commerce, construction,
health and social work, accommodation and food, agriculture and fishing, food industry, services). Size band
(`trancheEffectifsEtablissement`): mostly `NN` (no employee count) then the small bands, weighted per the
SIRENE distribution. SIREN: 8 digits drawn then the Luhn key; NIC `0001` + the digit that makes the 14-digit
SIRET pass the Luhn check. Written by chunks of communes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from gtec_core.demo.context import Context, rng

COLUMNS = [
    "siren",
    "nic",
    "siret",
    "statutDiffusionEtablissement",
    "dateCreationEtablissement",
    "trancheEffectifsEtablissement",
    "anneeEffectifsEtablissement",
    "activitePrincipaleRegistreMetiersEtablissement",
    "dateDernierTraitementEtablissement",
    "etablissementSiege",
    "nombrePeriodesEtablissement",
    "complementAdresseEtablissement",
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "libelleCommuneEtrangerEtablissement",
    "distributionSpecialeEtablissement",
    "codeCommuneEtablissement",
    "codeCedexEtablissement",
    "libelleCedexEtablissement",
    "codePaysEtrangerEtablissement",
    "libellePaysEtrangerEtablissement",
    "dateDebut",
    "etatAdministratifEtablissement",
    "enseigne1Etablissement",
    "enseigne2Etablissement",
    "enseigne3Etablissement",
    "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement",
]
ACTIVE_PER_INHABITANT = 0.12
CLOSED_RATIO = 0.4
# real NAF rév. 2 sub-classes and their weight in the mix (per mille, roughly)
NAF_MIX: dict[str, int] = {
    "01.11Z": 18, "01.41Z": 12, "01.47Z": 8, "01.50Z": 10, "01.61Z": 4, "03.11Z": 5, "03.21Z": 6,
    "10.11Z": 2, "10.13A": 2, "10.20Z": 2, "10.51C": 1, "10.71C": 8, "10.71D": 2, "10.85Z": 2,
    "11.02B": 1, "16.23Z": 2, "25.11Z": 2, "25.62B": 3, "30.12Z": 3, "33.15Z": 3, "33.12Z": 2,
    "41.20A": 12, "41.20B": 4, "43.21A": 22, "43.22A": 18, "43.22B": 6, "43.31Z": 6, "43.32A": 18,
    "43.33Z": 10, "43.34Z": 15, "43.91B": 8, "43.99C": 10, "45.20A": 9, "45.11Z": 5,
    "46.17A": 3, "46.38B": 2, "46.90Z": 6, "47.11A": 2, "47.11B": 3, "47.11D": 2, "47.11F": 2,
    "47.24Z": 3, "47.25Z": 2, "47.71Z": 12, "47.73Z": 4, "47.76Z": 3, "47.78C": 8, "47.91B": 10,
    "49.32Z": 4, "49.41A": 4, "52.29A": 2, "53.20Z": 6, "55.10Z": 8, "55.20Z": 10, "55.30Z": 4,
    "56.10A": 25, "56.10C": 12, "56.30Z": 12, "58.11Z": 1, "62.01Z": 14, "62.02A": 8, "63.12Z": 3,
    "64.19Z": 4, "66.22Z": 6, "68.10Z": 12, "68.20A": 30, "68.20B": 28, "68.31Z": 10, "68.32A": 12,
    "69.10Z": 5, "69.20Z": 6, "70.10Z": 18, "70.22Z": 30, "71.11Z": 8, "71.12B": 10, "73.11Z": 4,
    "74.10Z": 12, "74.20Z": 6, "74.90B": 12, "77.11A": 2, "77.21Z": 3, "78.20Z": 1, "79.11Z": 2,
    "81.21Z": 6, "81.30Z": 8, "82.11Z": 3, "84.11Z": 4, "85.10Z": 3, "85.20Z": 4, "85.31Z": 2,
    "85.51Z": 8, "85.52Z": 6, "85.59A": 6, "85.59B": 14, "86.10Z": 2, "86.21Z": 10, "86.23Z": 4,
    "86.90A": 4, "86.90D": 18, "86.90E": 8, "86.90F": 10, "87.10A": 2, "87.30A": 2, "88.10A": 6,
    "88.10B": 2, "88.91A": 4, "88.99B": 6, "90.01Z": 8, "90.03A": 10, "93.12Z": 8, "93.13Z": 3,
    "93.29Z": 6, "94.99Z": 30, "95.11Z": 2, "96.02A": 12, "96.02B": 10, "96.04Z": 6, "96.09Z": 10,
}  # fmt: skip
# trancheEffectifsEtablissement and its share (per mille) among active establishments
BANDS: dict[str, int] = {
    "NN": 640, "00": 90, "01": 120, "02": 60, "03": 38, "11": 25, "12": 15, "21": 6, "22": 3,
    "31": 1, "32": 1, "41": 1,
}  # fmt: skip


def luhn_key(digits: np.ndarray) -> np.ndarray:
    """Luhn check digit to append to each row of `digits` (n × width array of 0–9)."""
    width = digits.shape[1]
    total = np.zeros(digits.shape[0], dtype=np.int64)
    for index in range(width):
        digit = digits[:, index].astype(np.int64)
        if (width - index) % 2 == 1:  # doubled once the key is appended (every second from the right)
            digit = digit * 2
            digit = np.where(digit > 9, digit - 9, digit)
        total += digit
    return (10 - total % 10) % 10


def _digits(numbers: np.ndarray, width: int) -> np.ndarray:
    return np.stack([(numbers // 10 ** (width - 1 - i)) % 10 for i in range(width)], axis=1)


def sirets(seed: int, start: int, count: int) -> tuple[pl.Series, pl.Series]:
    """`count` distinct (siren, nic) pairs as digit strings: an affine permutation of a counter (distinct
    SIREN for a given seed, shifted by the seed), never La Poste's 356000000."""
    index = np.arange(start, start + count, dtype=np.int64)
    base = (index * 7_654_321 + 12_345_679 + seed * 104_729) % 100_000_000
    base = np.where(base // 100 == 3_560_000, (base + 1_000) % 100_000_000, base)
    siren_key = luhn_key(_digits(base, 8))
    siren_digits = np.concatenate([_digits(base, 8), siren_key[:, None]], axis=1)
    nic_head = np.tile(np.array([0, 0, 0, 1]), (count, 1))
    nic_key = luhn_key(np.concatenate([siren_digits, nic_head], axis=1))
    siren = pl.Series("siren", base * 10 + siren_key).cast(pl.String).str.zfill(9)
    nic = pl.Series("nic", 10 + nic_key).cast(pl.String).str.zfill(5)
    return siren, nic


def write(ctx: Context, path: Path, chunk_communes: int = 2000) -> int:
    """Write the establishments file; return its number of data rows."""
    naf_codes = np.array(list(NAF_MIX))
    naf_p = np.array(list(NAF_MIX.values()), dtype=float)
    naf_p /= naf_p.sum()
    band_codes = np.array(list(BANDS))
    band_p = np.array(list(BANDS.values()), dtype=float)
    band_p /= band_p.sum()
    communes = ctx.communes.select("commune", "libelle", "population").sort("commune")
    rows = 0
    with open(path, "wb") as handle:
        handle.write((",".join(COLUMNS) + "\n").encode())
        for chunk_index, start in enumerate(range(0, communes.height, chunk_communes)):
            chunk = communes.slice(start, chunk_communes)
            gen = rng(ctx.seed, "establishments", chunk_index)
            population = chunk["population"].to_numpy()
            active = gen.poisson(np.maximum(population, 50) * ACTIVE_PER_INHABITANT)
            closed = gen.poisson(active * CLOSED_RATIO)
            per_commune = active + closed
            n = int(per_commune.sum())
            commune = np.repeat(chunk["commune"].to_numpy(), per_commune)
            label = np.repeat(chunk["libelle"].to_numpy(), per_commune)
            state = np.repeat(
                np.tile(np.array(["A", "F"]), len(active)), np.stack([active, closed], 1).ravel()
            )
            siren, nic = sirets(ctx.seed, rows, n)
            naf = gen.choice(naf_codes, size=n, p=naf_p)
            band = gen.choice(band_codes, size=n, p=band_p)
            band = np.where(state == "F", "NN", band)
            created_year = np.where(state == "A", gen.integers(1975, 2025, n), gen.integers(1975, 2020, n))
            created_day = gen.integers(0, 365, n)
            frame = pl.DataFrame(
                {
                    "siren": siren,
                    "nic": nic,
                    "commune": pl.Series(commune, dtype=pl.String),
                    "label": pl.Series(label, dtype=pl.String),
                    "state": pl.Series(state, dtype=pl.String),
                    "naf": pl.Series(naf, dtype=pl.String),
                    "band": pl.Series(band, dtype=pl.String),
                    "year": created_year,
                    "day": created_day,
                }
            )
            created = pl.date(pl.col("year"), 1, 1) + pl.duration(days=pl.col("day"))
            out = frame.select(
                "siren",
                "nic",
                (pl.col("siren") + pl.col("nic")).alias("siret"),
                pl.lit("O").alias("statutDiffusionEtablissement"),
                created.dt.strftime("%Y-%m-%d").alias("dateCreationEtablissement"),
                pl.col("band").alias("trancheEffectifsEtablissement"),
                pl.when(pl.col("band") == "NN")
                .then(pl.lit(None, dtype=pl.String))
                .otherwise(pl.lit("2022"))
                .alias("anneeEffectifsEtablissement"),
                pl.lit(None, dtype=pl.String).alias("activitePrincipaleRegistreMetiersEtablissement"),
                pl.lit("2024-12-31T00:00:00").alias("dateDernierTraitementEtablissement"),
                pl.lit("true").alias("etablissementSiege"),
                pl.lit("1").alias("nombrePeriodesEtablissement"),
                *(pl.lit(None, dtype=pl.String).alias(c) for c in COLUMNS[11:17]),
                pl.col("label").str.to_uppercase().alias("libelleCommuneEtablissement"),
                *(pl.lit(None, dtype=pl.String).alias(c) for c in COLUMNS[18:20]),
                pl.col("commune").alias("codeCommuneEtablissement"),
                *(pl.lit(None, dtype=pl.String).alias(c) for c in COLUMNS[21:25]),
                created.dt.strftime("%Y-%m-%d").alias("dateDebut"),
                pl.col("state").alias("etatAdministratifEtablissement"),
                *(pl.lit(None, dtype=pl.String).alias(c) for c in COLUMNS[27:31]),
                pl.col("naf").alias("activitePrincipaleEtablissement"),
                pl.lit("NAFRev2").alias("nomenclatureActivitePrincipaleEtablissement"),
                pl.when(pl.col("band").is_in(["NN", "00"]))
                .then(pl.lit("N"))
                .otherwise(pl.lit("O"))
                .alias("caractereEmployeurEtablissement"),
            )
            out.write_csv(handle, include_header=False)
            rows += n
    return rows
