"""The real public job-seeker series by commune (`data/stmt_defm`) is imported by `gtec import all` as what it
is — real, with its vintage — and every figure says whether it is real or synthetic."""

from __future__ import annotations

from datetime import date

import pytest

from gtec.imports.models import ImportRun
from gtec.imports.services import importrun_record
from gtec.labour import models as m
from gtec.labour.imports.jobseekers import defm_import
from gtec.labour.observations.run import observations_compute
from gtec.labour.read import dashboard_figures, indicator_export, public_jobseekers
from gtec.territories.models import Territory
from tests.labour.test_compute import vannes_inputs  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_the_series_is_imported_as_published_real_with_its_vintage(data_dir):
    vannes = m.SerieDemandeurs.objects.get(niveau_geo="commune", code_geo="56260", mois=date(2020, 1, 1))
    assert vannes.demandeurs == 5640  # the file's row « 56260,janvier_2020,5640 »
    run = ImportRun.objects.filter(source="defm").first()
    assert run is not None and not run.synthetic and "01/2020 à 12/2024" in run.version
    # re-importing the unchanged file changes nothing
    _, counts = defm_import(data_dir / "stmt_defm")
    assert not counts["demandeurs_communes"].changed


def test_public_series_of_a_commune_and_of_a_wider_territory():
    commune = public_jobseekers(Territory.objects.get(key="commune:56260"))
    assert commune["values"][0] == 5640 and commune["months"][0] == date(2020, 1, 1)
    epci = public_jobseekers(Territory.objects.get(scale="epci", memberships__commune__code="56260"))
    assert epci["values"][0] >= 5640 and "communes publiées" in epci["note"]
    dep = public_jobseekers(Territory.objects.get(key="dep:56"))
    assert dep["values"] and dep["note"] == "série publiée pour le territoire"


def test_each_figure_is_labelled_real_or_synthetic(vannes_inputs):  # noqa: F811
    counts = {}
    importrun_record(source="stmt", version="démo", data_dir="", files={}, counts=counts, synthetic=True)
    importrun_record(source="offres", version="démo", data_dir="", files={}, counts=counts, synthetic=True)
    observations_compute([vannes_inputs], years=[2024])
    ratio = m.Observation.objects.get(indicator="offers_demand_ratio", territory=vannes_inputs, occupation="")
    projects = m.Observation.objects.get(indicator="bmo_projects", territory=vannes_inputs, occupation="")
    assert ratio.synthetic and not projects.synthetic
    assert set(indicator_export("offers_demand_ratio", vannes_inputs, "2024")["donnees"]) == {"synthétique"}
    assert set(indicator_export("bmo_projects", vannes_inputs, "2024")["donnees"]) == {"réel"}
    figures = dashboard_figures(vannes_inputs, "2024")
    assert figures["offers"].note.endswith("données synthétiques")
    assert figures["projects"].note.endswith("données réelles")
