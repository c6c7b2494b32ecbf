"""The location quotient of a run against a reference that means something (#13): the département of a commune
(the région of a département…), loaded from the same employment input whether or not it is in the run, named
with the figure; absent, never 1.00, when the reference has no employment."""

from __future__ import annotations

from datetime import date

import pytest

from gtec.labour import models as m
from gtec.labour.observations.geography import commune_map
from gtec.labour.observations.references import reference_areas
from gtec.labour.observations.run import observations_compute
from gtec.labour.read import indicator_export
from gtec.territories.models import Territory

pytestmark = pytest.mark.django_db

VANNES = "56260"
# employment by FAP-2021 family: Vannes (commune rows) and the Morbihan (rows published for the département)
LOCAL = {"C0X30": 400, "C2X70": 900, "G0A41": 300}
DEPARTEMENT = {"C0X30": 1000, "C2X70": 9000, "G0A41": 2000}


def employment(level: str, code: str, counts: dict[str, int]) -> list[m.Emploi]:
    return [
        m.Emploi(
            annee=2024, niveau_geo=level, code_geo=code, code_fap=fap, tranche_age="25-49 ans", effectif=n
        )
        for fap, n in counts.items()
    ]


@pytest.fixture
def vannes():
    """Vannes with job seekers (so the local files cover it) and its employment by family."""
    m.DemandeurEmploi.objects.bulk_create(
        m.DemandeurEmploi(
            mois=date(2024, month, 1),
            categorie=cat,
            niveau_geo="commune",
            code_geo=VANNES,
            code_rome="J1501",
            stock=30,
            entrees=5,
            sorties=4,
        )
        for month in range(1, 13)
        for cat in ("A", "ABC")
    )
    m.Emploi.objects.bulk_create(employment("commune", VANNES, LOCAL))
    return Territory.objects.get(key=f"commune:{VANNES}")


def hand_lq(fap: str) -> float:
    return (LOCAL[fap] / sum(LOCAL.values())) / (DEPARTEMENT[fap] / sum(DEPARTEMENT.values()))


def test_a_run_over_one_commune_measures_it_against_its_departement(vannes):
    m.Emploi.objects.bulk_create(employment("departement", "56", DEPARTEMENT))
    observations_compute([vannes], years=[2024])  # the département is not in the run
    stored = {
        o.occupation: o
        for o in m.Observation.objects.filter(indicator="location_quotient", territory=vannes, period="2024")
    }
    assert set(stored) == set(LOCAL)
    assert {fap: o.value for fap, o in stored.items()} == {fap: pytest.approx(hand_lq(fap)) for fap in LOCAL}
    assert stored["C0X30"].value == pytest.approx(3.0) and stored["C2X70"].value == pytest.approx(0.75)
    assert {o.status for o in stored.values()} == {"ok"}
    assert stored["C2X70"].counts["reference_total"] == sum(DEPARTEMENT.values())
    # the reference is named with the figure, and in the export (the API serves the same table)
    assert {o.origin_detail for o in stored.values()} == {"par rapport à l'emploi du Morbihan"}
    row = indicator_export("location_quotient", vannes, "2024").row(0, named=True)
    assert row["origine"] == "calculé par GTEC (par rapport à l'emploi du Morbihan)"


def test_without_the_references_employment_there_is_no_location_quotient_rather_than_1(vannes):
    messages = []
    observations_compute([vannes], years=[2024], progress=lambda text, n: messages.append(text))
    assert not m.Observation.objects.filter(indicator="location_quotient").exists()
    assert any("indice de spécificité non calculé" in t and "dep:56" in t for t in messages)
    # the other employment figures are still computed
    assert m.Observation.objects.filter(indicator="herfindahl", territory=vannes).exists()


def test_the_reference_does_not_depend_on_the_rest_of_the_run(vannes):
    """The reference is found from the member communes whatever else the run holds: Vannes alone and Vannes
    with its département give Vannes the same quotients; a département's reference is its région."""
    m.Emploi.objects.bulk_create(employment("departement", "56", DEPARTEMENT))
    m.Emploi.objects.bulk_create(employment("region", "53", {"C0X30": 3000, "C2X70": 30000, "G0A41": 9000}))
    observations_compute([vannes], years=[2024])
    alone = dict(
        m.Observation.objects.filter(indicator="location_quotient", territory=vannes).values_list(
            "occupation", "value"
        )
    )
    dep = Territory.objects.get(key="dep:56")
    observations_compute([vannes, dep], years=[2024])
    both = dict(
        m.Observation.objects.filter(indicator="location_quotient", territory=vannes).values_list(
            "occupation", "value"
        )
    )
    assert both == pytest.approx(alone)
    areas = reference_areas([vannes, dep], commune_map([vannes, dep]))
    assert areas == {"commune:56260": "dep:56", "dep:56": "reg:53"}
    values = set(both.values())
    assert values and values != {1.0}
