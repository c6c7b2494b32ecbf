"""The shape of a generated diagnostic: sections of figures, tables and drawings, every text already
formatted by the read side that published it (« s » where secret). Rendering (HTML, PDF) only lays it out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from gtec_core.secrecy import load_rules


@dataclass
class Figure:
    """A headline figure of the territory with the same figure for each reference territory."""

    key: str
    label: str
    display: str
    value: float | None
    status: str = "ok"
    period: str = ""
    refs: list[str] = field(default_factory=list)  # one display per reference column
    note: str = ""

    def frozen(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "display": self.display,
            "value": self.value,
            "status": self.status,
            "period": self.period,
            "refs": list(self.refs),
        }


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool] = field(default_factory=list)  # right-aligned columns
    note: str = ""

    def __post_init__(self):
        if not self.numeric:
            self.numeric = [False] * len(self.columns)
        self.headers = list(zip(self.columns, self.numeric, strict=True))
        symbol = load_rules().symbol
        self.cells = [
            [(text, text == symbol, self.numeric[i]) for i, text in enumerate(row)] for row in self.rows
        ]


@dataclass
class Section:
    anchor: str
    title: str
    lead: str = ""
    paragraphs: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    drawing: str = ""  # inline SVG built from escaped data (map, chart)
    drawing_caption: str = ""
    empty: str = ""  # shown instead of content when the data is not loaded
    sources: str = ""


@dataclass
class Brief:
    strengths: list[str] = field(default_factory=list)
    weaknesses: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    since: str = ""  # the snapshot the changes are measured against


@dataclass
class Report:
    territory: object
    period: str | None
    generated_at: dt.datetime
    references: list  # reference territories (columns of the comparisons), then France
    reference_names: list[str]
    headline: list[Figure]
    brief: Brief
    sections: list[Section]
    runs: list[dict]
    glossary: list[dict]
    synthetic: bool
    symbol: str
    seconds: float = 0.0

    @property
    def title(self) -> str:
        return f"Diagnostic emploi-formation — {self.territory.display_name}"

    def frozen_figures(self) -> list[dict]:
        return [f.frozen() for f in self.headline]
