"""The accounting of recruitment needs (methods.md §2.1), one FAP family of one territory:

    postes à pourvoir = créations nettes + départs en fin de carrière
    déséquilibre      = postes à pourvoir − jeunes débutants − arrivées nettes (mobilités)

Young starters and mobility keep the published sign convention of the Dares workbook: `young_starters` and
`mobility` are *added* to the postes (young starters are negative; a positive mobility balance means
net departures of workers towards other régions)."""

from __future__ import annotations

from dataclasses import dataclass, field

from gtec_core.prospective import params

OFFICIAL_YEARS = 11


@dataclass
class Line:
    fap: str
    label: str
    employment: float  # 2019 employment (people)
    creations: float  # net job creation over the horizon (can be negative)
    departures: float  # end-of-career departures over the horizon
    young_starters: float = 0.0  # published sign: negative
    mobility: float = 0.0  # published sign: added to the imbalance
    years: int = OFFICIAL_YEARS
    tension: int | None = None  # today's Dares tension category (1-5), None = hors champ / unknown
    method: str = "official"
    band: float = 0.0  # relative half-width of the uncertainty band
    local_starters: float | None = None  # young starters from the local training offer (per year)
    notes: list[str] = field(default_factory=list)

    @property
    def postes(self) -> float:
        return self.creations + self.departures

    @property
    def imbalance(self) -> float:
        return self.postes + self.young_starters + self.mobility

    @property
    def imbalance_ratio(self) -> float | None:
        return self.imbalance / self.employment if self.employment else None

    @property
    def postes_per_year(self) -> float:
        return self.postes / self.years

    @property
    def replacement_per_year(self) -> float:
        return self.departures / self.years

    @property
    def expansion_per_year(self) -> float:
        return self.creations / self.years

    @property
    def starters_per_year(self) -> float:
        return -self.young_starters / self.years

    def low_high(self, value: float) -> tuple[float, float]:
        spread = abs(value) * self.band
        return value - spread, value + spread

    @property
    def klass(self) -> str:
        return classify(self.imbalance_ratio, self.tension)


def classify(ratio: float | None, tension: int | None, settings: dict | None = None) -> str:
    """The four classes of the Dares report (plus « sans »), from today's tension category and the
    potential imbalance in share of 2019 employment; thresholds in prospective.yaml `classes`."""
    settings = settings or params.load()["classes"]
    if ratio is None:
        return "sans"
    tense = tension is not None and tension >= settings["tension_category_min"]
    threshold = settings["des_threshold"]
    if ratio > threshold:
        return "accentuent" if tense else "nouvelles"
    if not tense:
        return "sans"
    return "reduisent" if ratio < -threshold else "maintiennent"


def class_label(key: str) -> str:
    return params.load()["classes"]["labels"][key]
