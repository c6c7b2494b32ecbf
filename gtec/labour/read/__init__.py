"""The read side of the labour app: every figure a page, an export, the API or another app shows comes from
here and goes through the one secrecy mechanism (`gtec_core.secrecy`). `cells` (the published cell and shared
lookups), `territory` (a territory's key figures and tension, and the one `dashboard(territory, period)` call
behind its page) with what it assembles: `bmo` (the BMO table), `dares` (the Dares tensions), `communes` (the
commune and EPCI tables) and `series` (the monthly series); `exports` (the published tables), `occupation` (a
ROME fiche in a territory), `prospective` (the inputs of the projections) and `local` (the typed contract of
the other apps)."""

from __future__ import annotations

from gtec.labour.read.bmo import (  # noqa: F401
    _bmo_table_from_rates,
    _published_total,
    bmo_published,
    bmo_suppressed,
    bmo_table,
)
from gtec.labour.read.cells import (  # noqa: F401
    CACHE_SECONDS,
    DECIMALS,
    LABOUR_SOURCES,
    ORIGIN_LABELS,
    TENSION_LABELS,
    UNAVAILABLE,
    Cell,
    availability,
    cached,
    cell,
    computed,
    count_cell,
    data_version,
    fap_labels,
    indicator_cell,
    is_synthetic,
    nature_label,
    observation,
    origin_label,
    periods,
    publish_counts,
    source_synthetic,
    sources,
)
from gtec.labour.read.communes import commune_table, epci_table  # noqa: F401
from gtec.labour.read.dares import dares_parent, dares_source, dares_table  # noqa: F401
from gtec.labour.read.exports import (  # noqa: F401
    _shown_counts,
    bmo_export,
    commune_export,
    counts_hidden,
    hidden_projects,
    indicator_export,
    reference_area,
)
from gtec.labour.read.local import (  # noqa: F401
    local_demand,
    tension_for,
)
from gtec.labour.read.occupation import (  # noqa: F401
    establishments_for_fiches,
    fiche_fap2009,
    fiche_faps,
    national_portrait,
    occupation_detail,
    official_tension,
)
from gtec.labour.read.prospective import (  # noqa: F401
    EMPLOI_LEVELS,
    bmo_seasonal_shares,
    dares_departement_faps,
    establishments_by_siret,
    establishments_of,
    fap87_fiches,
    jobseekers_by_year,
    local_employment,
    national_age_pyramids,
    rome_fap87,
)
from gtec.labour.read.series import _month, monthly_series, public_jobseekers  # noqa: F401
from gtec.labour.read.territory import (  # noqa: F401
    FIGURE_SOURCES,
    MISSING_NOTES,
    Dashboard,
    _missing,
    _rome_sums,
    comparison,
    dashboard,
    dashboard_figures,
    fap_fiches,
    key_figures,
    tension_table,
)
