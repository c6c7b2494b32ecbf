"""Training data for the tests that need a catalogue (committed in the session's test database, so that the
browser server process sees it too): the RNCP excerpts and the demo RNCP tables, the real LHEO sample
(feed "onisep") and a small generated LHEO file (feed "demo")."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from django.core.management import call_command

from gtec_core.demo.lheo import generate

DEMO_SCALE = 0.3  # 90 formations
SAMPLE = "lheo/exemple-bts-onisep-lheo2.2.xml"


def load_training_data(django_db_blocker, folder: Path, data_dir: Path) -> dict:
    # Sessions this year and the next, as the demo load does, so the catalogue has sessions to come.
    generated = generate(folder, seed=5318, scale=DEMO_SCALE, first_year=dt.date.today().year)
    with django_db_blocker.unblock():
        out = io.StringIO()
        call_command("import_rncp", str(folder / "rncp"), stdout=out)
        call_command("import_rncp", str(data_dir / "rncp"), stdout=out)  # real values win over the demo's
        call_command("import_lheo", str(data_dir / SAMPLE), "--flux", "onisep", stdout=out)
        call_command("import_lheo", str(generated["lheo"]), "--flux", "demo", stdout=out)
    return generated
